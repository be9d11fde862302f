// The one-line form at the top of a column that creates a task in it.
import { HiddenLabelInput } from '../../components/form/Field';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Status } from '../../api/types';
import { Icon } from '../../components/Icon';
import { describeError } from '../../lib/errors';
import { useToast } from '../../lib/toast';

export function QuickAdd({
  status,
  inputRef,
  onAdd,
}: {
  status: Status;
  inputRef?: React.RefObject<HTMLInputElement | null>;
  onAdd: (status: Status, title: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const id = `quick-add-${status}`;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const value = title.trim();
    if (!value) return;
    setBusy(true);
    try {
      await onAdd(status, value);
      setTitle('');
    } catch (error) {
      toast.error(t('board.addFailed', { reason: describeError(error, t) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="quick-add" onSubmit={(event) => void submit(event)}>
      <HiddenLabelInput
        id={id}
        label={t('board.quickAddLabel', { column: t(`status.${status}`) })}
        inputRef={inputRef}
        placeholder={t('board.quickAddPlaceholder')}
        maxLength={200}
        value={title}
        disabled={busy}
        onChange={(event) => setTitle(event.target.value)}
      />
      <button
        type="submit"
        className="icon-button"
        aria-label={t('board.quickAddSubmit', { column: t(`status.${status}`) })}
        disabled={busy || !title.trim()}
      >
        <Icon name="plus" />
      </button>
    </form>
  );
}
