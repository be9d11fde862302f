// A new password (sign-up, change of password): the service's length rule and the hint that
// states it, under the id `${id}-hint`.
import type { InputHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { TextField } from './Field';

export function NewPasswordField({
  id,
  label,
  ...input
}: InputHTMLAttributes<HTMLInputElement> & { id: string; label: string }) {
  const { t } = useTranslation();
  const hintId = `${id}-hint`;
  return (
    <TextField
      id={id}
      label={label}
      type="password"
      autoComplete="new-password"
      required
      minLength={12}
      maxLength={128}
      aria-describedby={hintId}
      {...input}
    >
      <p id={hintId} className="hint">
        {t('auth.passwordHint')}
      </p>
    </TextField>
  );
}
