import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Theme } from '../api/types';
import { applyTheme, savePreference, storedTheme, THEMES } from '../lib/preferences';
import { useToast } from '../lib/toast';

/** System, light or dark: applied at once, kept with the account (signed-in screens only). */
export function ThemeSelect() {
  const { t } = useTranslation();
  const toast = useToast();
  const id = useId();
  const [theme, setTheme] = useState<Theme>(storedTheme);
  const choose = async (next: Theme) => {
    setTheme(next);
    applyTheme(next);
    await savePreference({ theme: next }).catch(() => toast.error(t('account.preferenceNotSaved')));
  };
  return (
    <div className="field theme-select">
      <label htmlFor={id}>{t('common.theme')}</label>
      <select id={id} value={theme} onChange={(event) => void choose(event.target.value as Theme)}>
        {THEMES.map((value) => (
          <option key={value} value={value}>
            {t(`themes.${value}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
