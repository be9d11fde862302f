// Issue 11, findings 3 and 12: emails and label names are stored in one form (NFC; emails also
// trimmed and lower case) and compared exactly on both databases. An accented spelling is not
// the account (it used to sign in as the admin on MySQL), and label names follow one rule.
import { describe, expect, it } from 'vitest';
import { Client, PASSWORD } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { API, expectError, signUp, useApp } from './helpers.js';

describe.each(testDatabases)('text rules on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);

  it_('an accented spelling of an email is another (unknown) account', async () => {
    const t = app();
    const email = `admin${Date.now()}@example.com`;
    await new Client(t.app).register('Admin', email);
    const accented = email.replace('a', 'ä');
    for (const spelling of [accented, accented.normalize('NFD'), ` ${accented.toUpperCase()} `]) {
      const reply = await new Client(t.app).request('POST', `${API}/auth/login`, {
        email: spelling,
        password: PASSWORD,
      });
      expectError(reply, 'UNAUTHENTICATED');
    }
    const same = await new Client(t.app).request('POST', `${API}/auth/login`, {
      email: ` ${email.toUpperCase()} `,
      password: PASSWORD,
    });
    expect(same.status).toBe(200);
    expect(same.body.user.email).toBe(email);
  });

  it_('label names: case and accents make different labels; one NFC form per name', async () => {
    const owner = await signUp(app());
    const project = await owner.request('POST', `${API}/projects`, { name: 'Labels' });
    const labels = `${API}/projects/${project.body.id}/labels`;
    for (const name of ['Bug', 'bug', 'büg', '🐛 bug'])
      expect((await owner.request('POST', labels, { name })).status, name).toBe(201);
    expectError(await owner.request('POST', labels, { name: 'büg'.normalize('NFD') }), 'CONFLICT');
    expectError(await owner.request('POST', labels, { name: ' Bug ' }), 'CONFLICT');
    const names = (await owner.request('GET', labels)).body;
    expect((names.items ?? names).map((l: { name: string }) => l.name).sort()).toEqual(
      ['Bug', 'bug', 'büg', '🐛 bug'].sort(),
    );
  });
});
