// The one-line form at the top of a column that creates a task in it. It reads properties out of
// the line (`#label @person !high due friday`, lib/quickAdd.ts) and shows them as chips while
// typing; the task is created with them in one request.
import { HiddenLabelInput } from '../../components/form/Field';
import { useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LabelChip, PriorityBadge } from '../../components/Badges';
import { Icon } from '../../components/Icon';
import { describeError } from '../../lib/errors';
import { formatDate, fromDateInput } from '../../lib/format';
import { useProject } from '../../lib/project';
import { parseQuickAdd, type QuickAdd as Parsed } from '../../lib/quickAdd';
import { useToast } from '../../lib/toast';

export function QuickAdd({
  columnId,
  columnName,
  inputRef,
  onAdd,
}: {
  columnId: string;
  /** As the column's heading shows it. */
  columnName: string;
  inputRef?: React.RefObject<HTMLInputElement | null>;
  onAdd: (columnId: string, task: Parsed) => Promise<void>;
}) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const { labels, members } = useProject();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const id = `quick-add-${columnId}`;
  const parsed = useMemo(
    () => parseQuickAdd(text, { labels, members, today: new Date() }),
    [text, labels, members],
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!parsed.title) return;
    setBusy(true);
    try {
      await onAdd(columnId, parsed);
      setText('');
    } catch (error) {
      toast.error(t('board.addFailed', { reason: describeError(error, t) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="quick-add-wrap" data-toast-avoid>
      <form className="quick-add" onSubmit={(event) => void submit(event)}>
        <HiddenLabelInput
          id={id}
          label={t('board.quickAddLabel', { column: columnName })}
          inputRef={inputRef}
          placeholder={t('board.quickAddPlaceholder')}
          title={t('board.quickAddHint')}
          aria-describedby={`${id}-hint`}
          maxLength={400}
          value={text}
          disabled={busy}
          onChange={(event) => setText(event.target.value)}
        />
        <button
          type="submit"
          className="icon-button"
          aria-label={t('board.quickAddSubmit', { column: columnName })}
          disabled={busy || !parsed.title}
        >
          <Icon name="plus" />
        </button>
      </form>
      <span id={`${id}-hint`} className="visually-hidden">
        {t('board.quickAddHint')}
      </span>
      {parsed.chips.length > 0 && (
        <ul className="chips quick-add-chips" aria-label={t('board.quickAddUnderstood')}>
          {parsed.chips.map((chip) => (
            <li key={`${chip.kind}-${'id' in chip ? chip.id : ''}`}>
              {chip.kind === 'label' && (
                <LabelChip label={labels.find((label) => label.id === chip.id) ?? chip} />
              )}
              {chip.kind === 'assignee' && (
                <span className="badge quick-add-chip">
                  {t('board.quickAddAssignee', { name: chip.name })}
                </span>
              )}
              {chip.kind === 'priority' && <PriorityBadge priority={chip.priority} />}
              {chip.kind === 'due' && (
                <span className="badge quick-add-chip">
                  {t('board.quickAddDue', {
                    date: formatDate(fromDateInput(chip.date), i18n.language),
                  })}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
