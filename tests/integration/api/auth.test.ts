// Accounts: register, login, logout, me; the password policy and argon2id storage. Sessions
// (cookie, rotation at login, password change, listing and ending them) and CSRF:
// auth-sessions.test.ts.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Client, PASSWORD, uniqueEmail } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { API, expectError, login, rowCounts, signUp, useApp } from './helpers.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

describe.each(testDatabases)('auth on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);

  it_('registers: 201 {user, csrfToken}, a session cookie, email normalised', async () => {
    const t = app();
    const client = new Client(t.app);
    const email = uniqueEmail('Mixed.Case');
    const reply = await client.request('POST', `${API}/auth/register`, {
      email: `  ${email.toUpperCase()}`.trim(),
      name: '  Ada Lovelace ',
      password: PASSWORD,
    });
    expect(reply.status).toBe(201);
    expect(Object.keys(reply.body).sort()).toEqual(['csrfToken', 'user']);
    expect(reply.body.user).toEqual({
      id: expect.any(String),
      email: email.toLowerCase(),
      name: 'Ada Lovelace',
      role: expect.stringMatching(/^(admin|user)$/),
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(reply.body.csrfToken).toMatch(/^[\w-]{32,}$/);
    expect(reply.body.user).not.toHaveProperty('passwordHash');
    expect(reply.raw.body).not.toContain('argon2');
    const me = await client.request('GET', `${API}/auth/me`);
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ user: reply.body.user, csrfToken: reply.body.csrfToken });
    // The web UI's start-up question: the same answer signed in, a 200 with nobody signed out.
    expect((await client.request('GET', `${API}/auth/session`)).body).toEqual(me.body);
    const nobody = await new Client(t.app).request('GET', `${API}/auth/session`);
    expect(nobody.status).toBe(200);
    expect(nobody.body).toEqual({ user: null, csrfToken: null });
  });

  it_('sets the session cookie HttpOnly, SameSite=Lax, Path=/, not Secure by default', async () => {
    const t = app();
    const client = new Client(t.app);
    const reply = await client.request('POST', `${API}/auth/register`, {
      email: uniqueEmail(),
      name: 'Cookie',
      password: PASSWORD,
    });
    const cookie = reply.raw.cookies.find((c) => c.name === 'tm_session');
    expect(cookie).toBeDefined();
    expect(cookie!.value.length).toBeGreaterThanOrEqual(32);
    expect(cookie!.httpOnly).toBe(true);
    expect(cookie!.sameSite).toBe('Lax');
    expect(cookie!.path).toBe('/');
    expect(cookie!.secure).toBeFalsy();
    expect(cookie!.domain).toBeUndefined();
    // Only the hash of the cookie value is stored.
    const stored = await t.database.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', reply.body.user.id)
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash).toBe(sha256(cookie!.value));
    expect(JSON.stringify(stored)).not.toContain(cookie!.value);
  });

  it_('stores an argon2id hash, never the password', async () => {
    const t = app();
    const client = await signUp(t, 'Hash');
    const row = await t.database.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', client.user!.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
    // Two accounts with the same password get different salts.
    const other = await signUp(t, 'Hash two');
    const otherRow = await t.database.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', other.user!.id)
      .executeTakeFirstOrThrow();
    expect(otherRow.password_hash).not.toBe(row.password_hash);
  });

  it_('a later account is a plain user, not an admin', async () => {
    const t = app();
    await signUp(t, 'First or not');
    const later = await signUp(t, 'Later');
    expect((later.user as unknown as { role: string }).role).toBe('user');
  });

  describe('password policy', () => {
    const cases: [string, string, string][] = [
      ['11 characters', 'abcdefghijk', 'password'],
      ['129 characters', 'x'.repeat(129), 'password'],
      ['a common password', 'password1234', 'password'],
      ['a common password in other case', 'PassWord1234', 'password'],
      ['another common password', 'qwerty123456', 'password'],
      // Issue 11, finding 11: the old 104-entry list let these through.
      ['twelve spaces', ' '.repeat(12), 'password'],
      ['a breached password with substitutions', 'p@ssw0rd1234', 'password'],
      ['a keyboard walk', 'qwertyuiopasdf', 'password'],
      ['a common phrase with digits', 'iloveyou123456', 'password'],
      ['a repeated pattern', 'abcabcabcabc', 'password'],
    ];
    it_.each(cases)('refuses %s with 400 and writes nothing', async (_label, password, field) => {
      const t = app();
      const before = await rowCounts(t);
      const reply = await new Client(t.app).request('POST', `${API}/auth/register`, {
        email: uniqueEmail(),
        name: 'Policy',
        password,
      });
      const error = expectError(reply, 'VALIDATION_FAILED');
      expect(JSON.stringify(error.details)).toContain(field);
      expect(await rowCounts(t)).toEqual(before);
    });

    it_('refuses the email itself as the password', async () => {
      const t = app();
      const email = uniqueEmail('longlocalpart');
      const reply = await new Client(t.app).request('POST', `${API}/auth/register`, {
        email,
        name: 'Self',
        password: email,
      });
      expectError(reply, 'VALIDATION_FAILED');
    });

    it_.each([
      ['exactly 12', 'kx8#mvq2!pzr'],
      ['exactly 128', 'a very long passphrase '.repeat(6).slice(0, 128)],
    ])('accepts a password of %s characters', async (_label, password) => {
      const t = app();
      expect(password.length).toBe(_label === 'exactly 12' ? 12 : 128);
      const email = uniqueEmail();
      const client = new Client(t.app);
      const reply = await client.request('POST', `${API}/auth/register`, {
        email,
        name: 'Edge',
        password,
      });
      expect(reply.status).toBe(201);
      expect((await login(new Client(t.app), email, password)).status).toBe(200);
    });
  });

  it_('refuses a second account with the same email (any case): 409, nothing written', async () => {
    const t = app();
    const first = await signUp(t, 'Dup');
    const before = await rowCounts(t);
    const reply = await new Client(t.app).request('POST', `${API}/auth/register`, {
      email: first.user!.email.toUpperCase(),
      name: 'Dup again',
      password: PASSWORD,
    });
    expectError(reply, 'CONFLICT');
    expect(await rowCounts(t)).toEqual(before);
  });

  it_.each([
    ['a bad email', { email: 'not-an-email', name: 'X', password: PASSWORD }],
    ['a missing name', { email: 'a@example.com', password: PASSWORD }],
    ['a blank name', { email: 'b@example.com', name: '   ', password: PASSWORD }],
    ['an unknown field', { email: 'c@example.com', name: 'X', password: PASSWORD, role: 'admin' }],
    ['a number for the name', { email: 'd@example.com', name: 42, password: PASSWORD }],
  ])('register with %s: 400, nothing written', async (_label, body) => {
    const t = app();
    const before = await rowCounts(t);
    expectError(
      await new Client(t.app).request('POST', `${API}/auth/register`, body),
      'VALIDATION_FAILED',
    );
    expect(await rowCounts(t)).toEqual(before);
  });

  it_(
    'login: 200 {user, csrfToken}; a wrong password and an unknown email get the same 401',
    async () => {
      const t = app();
      const ann = await signUp(t, 'Ann');
      const email = ann.user!.email;
      const wrong = expectError(
        await login(new Client(t.app), email, 'wrong password 123'),
        'UNAUTHENTICATED',
      );
      const unknown = expectError(
        await login(new Client(t.app), uniqueEmail('nobody')),
        'UNAUTHENTICATED',
      );
      expect(unknown.message).toBe(wrong.message);
      const other = new Client(t.app);
      const ok = await login(other, email.toUpperCase());
      expect(ok.status).toBe(200);
      expect(ok.body.user).toEqual(ann.user);
      expect(ok.body.csrfToken).toMatch(/^[\w-]{32,}$/);
      expect(ok.body.csrfToken).not.toBe(ann.csrfToken);
      other.csrfToken = ok.body.csrfToken;
      expect((await other.request('GET', `${API}/auth/me`)).body.user.id).toBe(ann.user!.id);
      expectError(
        await new Client(t.app).request('POST', `${API}/auth/login`, { email }),
        'VALIDATION_FAILED',
      );
    },
  );

  it_('rotates the session id at login: the session the browser held ends', async () => {
    const t = app();
    const ann = await signUp(t, 'Rotate');
    const before = ann.cookie!;
    const reply = await login(ann, ann.user!.email);
    expect(reply.status).toBe(200);
    expect(ann.cookie).toBeDefined();
    expect(ann.cookie).not.toBe(before);
    ann.csrfToken = reply.body.csrfToken;
    expect((await ann.request('GET', `${API}/auth/me`)).status).toBe(200);
    const stale = new Client(t.app);
    stale.cookie = before;
    expectError(await stale.request('GET', `${API}/auth/me`), 'UNAUTHENTICATED');
  });

  it_('logout: 204, clears the cookie, ends the session server-side', async () => {
    const t = app();
    const ann = await signUp(t, 'Bye');
    const cookie = ann.cookie!;
    const reply = await ann.request('POST', `${API}/auth/logout`);
    expect(reply.status).toBe(204);
    expect(reply.raw.body).toBe('');
    const cleared = reply.raw.cookies.find((c) => c.name === 'tm_session');
    expect(cleared?.value ?? '').toBe('');
    expect(ann.cookie).toBeUndefined();
    expectError(await ann.request('GET', `${API}/auth/me`), 'UNAUTHENTICATED');
    const replay = new Client(t.app);
    replay.cookie = cookie;
    expectError(await replay.request('GET', `${API}/auth/me`), 'UNAUTHENTICATED');
    expect((await replay.request('GET', `${API}/auth/session`)).body.user).toBeNull();
    expectError(await new Client(t.app).request('POST', `${API}/auth/logout`), 'UNAUTHENTICATED');
  });

  it_('me without a session, or with an unknown cookie: 401', async () => {
    const t = app();
    expectError(await new Client(t.app).request('GET', `${API}/auth/me`), 'UNAUTHENTICATED');
    const forged = new Client(t.app);
    forged.cookie = 'tm_session=forged-session-value-that-does-not-exist';
    expectError(await forged.request('GET', `${API}/auth/me`), 'UNAUTHENTICATED');
  });
});
