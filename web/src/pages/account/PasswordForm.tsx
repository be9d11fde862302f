// Changing one's password: the current one, the new one twice. The change signs out every other
// session and revokes every API token; the form says so, and asks once more before it happens.
import { NewPasswordField } from '../../components/form/NewPasswordField';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { auth } from '../../api/endpoints';
import { CardSection } from '../../components/CardSection';
import { ConfirmDialog } from '../../components/Dialog';
import { TextField } from '../../components/form/Field';
import { InlineError } from '../../components/States';
import { useToast } from '../../lib/toast';

/** `onChanged`: the other sessions and the tokens are gone; lists showing them reload. */
export function PasswordForm({ onChanged }: { onChanged: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [confirming, setConfirming] = useState(false);
  const mismatch = confirm.length > 0 && next !== confirm;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!mismatch) setConfirming(true);
  };

  const change = async () => {
    setConfirming(false);
    setBusy(true);
    setError(undefined);
    try {
      await auth.changePassword(current, next);
      setCurrent('');
      setNext('');
      setConfirm('');
      toast.success(t('account.passwordChanged'));
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <CardSection name="password" title={t('account.password')}>
      <form className="form" onSubmit={submit}>
        <input type="text" autoComplete="username" hidden readOnly aria-hidden="true" />
        <TextField
          id="current-password"
          label={t('account.currentPassword')}
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(event) => setCurrent(event.target.value)}
        />
        <NewPasswordField
          id="new-password"
          label={t('account.newPassword')}
          value={next}
          onChange={(event) => setNext(event.target.value)}
        />
        <TextField
          id="confirm-password"
          label={t('account.confirmPassword')}
          type="password"
          autoComplete="new-password"
          required
          aria-invalid={mismatch}
          aria-describedby={mismatch ? 'confirm-password-error' : undefined}
          value={confirm}
          onChange={(event) => setConfirm(event.target.value)}
        >
          {mismatch && (
            <p id="confirm-password-error" className="inline-error">
              {t('account.mismatch')}
            </p>
          )}
        </TextField>
        <InlineError error={error} />
        <p className="muted hint">{t('account.passwordNote')}</p>
        <button type="submit" className="button button-primary" disabled={busy || mismatch}>
          {t('account.changePassword')}
        </button>
      </form>
      <ConfirmDialog
        open={confirming}
        title={t('account.changeTitle')}
        message={t('account.changeConfirm')}
        confirmLabel={t('account.changePassword')}
        onClose={() => setConfirming(false)}
        onConfirm={() => void change()}
      />
    </CardSection>
  );
}
