import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { changeLanguage, LANGUAGES, type Language } from '../i18n';
import { useAuth } from '../lib/auth';
import { savePreference } from '../lib/preferences';
import { useToast } from '../lib/toast';

export function LanguageSelect({ compact = false }: { compact?: boolean }) {
  const { t, i18n } = useTranslation();
  const { status } = useAuth();
  const toast = useToast();
  const id = useId();
  const choose = async (lang: Language) => {
    await changeLanguage(lang);
    // Signed in, the choice goes with the account to every browser.
    if (status === 'authenticated')
      await savePreference({ language: lang }).catch(() =>
        toast.error(i18n.t('account.preferenceNotSaved')),
      );
  };
  return (
    <div className={compact ? 'language-select compact' : 'field language-select'}>
      <label htmlFor={id} className={compact ? 'visually-hidden' : undefined}>
        {t('common.language')}
      </label>
      <select
        id={id}
        value={i18n.resolvedLanguage ?? 'en'}
        onChange={(event) => void choose(event.target.value as Language)}
      >
        {LANGUAGES.map((lang) => (
          <option key={lang.code} value={lang.code} lang={lang.code}>
            {lang.name}
          </option>
        ))}
      </select>
    </div>
  );
}
