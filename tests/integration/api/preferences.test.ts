// A user's language and theme for the web UI (issue 14): defaults until changed, each field
// changed alone, kept per account, bad values refused with nothing written.
import { describe, expect, it } from 'vitest';
import { Client } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { API, expectError, rowCounts, signUp, useApp } from './helpers.js';

describe.each(testDatabases)('preferences on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);
  const url = `${API}/me/preferences`;

  it_('starts at the defaults, changes one field at a time, and is per account', async () => {
    const t = app();
    const ada = await signUp(t, 'Ada');
    const bob = await signUp(t, 'Bob');
    expect((await ada.request('GET', url)).body).toEqual({ language: null, theme: 'system' });

    const dark = await ada.request('PATCH', url, { theme: 'dark' });
    expect(dark.status).toBe(200);
    expect(dark.body).toEqual({ language: null, theme: 'dark' });
    expect((await ada.request('PATCH', url, { language: 'es' })).body).toEqual({
      language: 'es',
      theme: 'dark',
    });
    expect((await ada.request('GET', url)).body).toEqual({ language: 'es', theme: 'dark' });
    // null: back to the browser's language; the theme stays.
    expect((await ada.request('PATCH', url, { language: null })).body).toEqual({
      language: null,
      theme: 'dark',
    });
    expect((await bob.request('GET', url)).body).toEqual({ language: null, theme: 'system' });
  });

  it_('refuses unknown values, empty changes and strangers (nothing written)', async () => {
    const t = app();
    const ada = await signUp(t, 'Ada');
    await ada.request('PATCH', url, { theme: 'light' });
    const before = await rowCounts(t);
    for (const body of [
      {},
      { theme: 'blue' },
      { language: 'fr' },
      { language: 'EN' },
      { theme: null },
      { theme: 'dark', extra: 1 },
    ]) {
      expectError(await ada.request('PATCH', url, body), 'VALIDATION_FAILED');
    }
    expect(await rowCounts(t)).toEqual(before);
    expect((await ada.request('GET', url)).body).toEqual({ language: null, theme: 'light' });

    const stranger = new Client(t.app);
    expectError(await stranger.request('GET', url), 'UNAUTHENTICATED');
    expectError(await stranger.request('PATCH', url, { theme: 'dark' }), 'UNAUTHENTICATED');
  });
});
