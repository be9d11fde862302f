// A secret the service shows once (an API token, an invite or a reset link): read-only, selected
// on focus, with a copy button. The browser may refuse the clipboard; the text is then selected
// so that the person can copy it by hand. Give it a `key` per secret so "Copied" starts over.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { HiddenLabelInput } from './form/Field';
import { Icon } from './Icon';
import { useToast } from '../lib/toast';

export function SecretOnce({
  id,
  title,
  note,
  label,
  value,
  doneLabel,
  onDone,
}: {
  id: string;
  title: string;
  note: string;
  /** The field's name for screen readers (and tests): "New token", "Invite link". */
  label: string;
  value: string;
  doneLabel: string;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const [copied, setCopied] = useState(false);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      toast.success(t('copy.copied'));
    } catch {
      const field = document.getElementById(id) as HTMLInputElement | null;
      field?.select();
      toast.error(t('copy.failed'));
    }
  };

  return (
    <div className="token-once" role="status">
      <p>
        <strong>{title}</strong> {note}
      </p>
      <div className="token-row">
        <HiddenLabelInput
          id={id}
          label={label}
          className="mono"
          readOnly
          value={value}
          onFocus={(event) => event.target.select()}
        />
        <button type="button" className="button" onClick={() => void copy()}>
          <Icon name={copied ? 'check' : 'copy'} />
          {copied ? t('copy.done') : t('copy.button')}
        </button>
      </div>
      <button type="button" className="link-button" onClick={onDone}>
        {doneLabel}
      </button>
    </div>
  );
}
