// The user's language and theme. Both are kept in localStorage (so the first paint of a visit
// already has them) and, once signed in, with the account (GET/PATCH /api/v1/me/preferences), so
// they follow the user to every browser. The theme is `data-theme` on <html> (styles/tokens.css);
// "system" removes it and the device's setting applies.
import { preferences as preferencesApi } from '../api/endpoints';
import type { Preferences, Theme } from '../api/types';
import { changeLanguage, i18next } from '../i18n';

export const THEMES: readonly Theme[] = ['system', 'light', 'dark'];
const THEME_KEY = 'tm.theme';

const isTheme = (value: string | null): value is Theme => THEMES.some((t) => t === value);

export function storedTheme(): Theme {
  try {
    const value = localStorage.getItem(THEME_KEY);
    return isTheme(value) ? value : 'system';
  } catch {
    return 'system';
  }
}

export function applyTheme(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  try {
    localStorage.setItem(THEME_KEY, theme);
  } catch {
    // Not remembered in this browser; the account still has it.
  }
}

/** After sign-in: the account's choices win over this browser's. */
export async function loadAccountPreferences(): Promise<void> {
  const saved = await preferencesApi.get();
  applyAccountPreferences(saved);
}

export function applyAccountPreferences(saved: Preferences): void {
  applyTheme(saved.theme);
  if (saved.language && saved.language !== i18next.resolvedLanguage)
    void changeLanguage(saved.language);
}

/** Keeps a change with the account; the page has applied it already. */
export const savePreference = (change: Partial<Preferences>) => preferencesApi.update(change);
