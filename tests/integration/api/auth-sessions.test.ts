// Sessions: the session cookie, rotation at login, password change, listing and ending
// sessions; CSRF.
import { describe, expect, it } from 'vitest';
import { Client, PASSWORD, uniqueEmail } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { API, expectError, login, rowCounts, signUp, useApp } from './helpers.js';

describe.each(testDatabases)('auth on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);

  describe('sessions', () => {
    // Time is moved by ageing the stored session, as a week of idleness would.
    it_('an idle session and one past its absolute lifetime no longer authenticate', async () => {
      const t = app();
      const idle = await signUp(t, 'Idle');
      const old = await signUp(t, 'Old');
      const now = Date.now();
      const sessionOf = (client: Client) =>
        t.database.db.updateTable('sessions').where('user_id', '=', client.user!.id);
      // Defaults: SESSION_IDLE_MINUTES one week, SESSION_ABSOLUTE_HOURS thirty days.
      await sessionOf(idle)
        .set({ last_seen_at: now - 7 * 24 * 3_600_000 - 60_000 })
        .execute();
      await sessionOf(old)
        .set({ expires_at: now - 1 })
        .execute();
      for (const client of [idle, old]) {
        const reply = await client.request('GET', `${API}/auth/me`);
        expectError(reply, 'UNAUTHENTICATED');
        const rows = await t.database.db
          .selectFrom('sessions')
          .select('id')
          .where('user_id', '=', client.user!.id)
          .execute();
        expect(rows).toEqual([]);
      }
      // A session used within the idle window lives on.
      const active = await signUp(t, 'Active');
      await sessionOf(active)
        .set({ last_seen_at: now - 6 * 24 * 3_600_000 })
        .execute();
      expect((await active.request('GET', `${API}/auth/me`)).status).toBe(200);
    });

    it_('the cookie lasts as long as the absolute session lifetime', async () => {
      const t = app();
      const reply = await new Client(t.app).request('POST', `${API}/auth/register`, {
        email: uniqueEmail(),
        name: 'Lifetime',
        password: PASSWORD,
      });
      const cookie = reply.raw.cookies.find((c) => c.name === 'tm_session')!;
      expect(cookie.maxAge).toBe(30 * 24 * 3600);
      const row = await t.database.db
        .selectFrom('sessions')
        .select(['created_at', 'expires_at'])
        .where('user_id', '=', reply.body.user.id)
        .executeTakeFirstOrThrow();
      expect(Number(row.expires_at) - Number(row.created_at)).toBe(30 * 24 * 3_600_000);
    });

    it_('GET /auth/sessions lists mine with the current one marked; DELETE ends one', async () => {
      const t = app();
      const laptop = await signUp(t, 'Two devices');
      const phone = new Client(t.app);
      const loggedIn = await login(phone, laptop.user!.email);
      phone.csrfToken = loggedIn.body.csrfToken;

      const list = await laptop.request('GET', `${API}/auth/sessions`);
      expect(list.status).toBe(200);
      expect(list.body.items).toHaveLength(2);
      for (const session of list.body.items) {
        expect(Object.keys(session).sort()).toEqual(
          ['createdAt', 'current', 'expiresAt', 'id', 'ip', 'lastSeenAt', 'userAgent'].sort(),
        );
      }
      const current = list.body.items.filter((s: { current: boolean }) => s.current);
      expect(current).toHaveLength(1);
      const other = list.body.items.find((s: { current: boolean }) => !s.current);

      // Someone else cannot end my session, nor learn it exists.
      const mallory = await signUp(t, 'Mallory');
      expectError(await mallory.request('DELETE', `${API}/auth/sessions/${other.id}`), 'NOT_FOUND');
      expect((await phone.request('GET', `${API}/auth/me`)).status).toBe(200);

      expectError(
        await laptop.request('DELETE', `${API}/auth/sessions/${other.id}`, undefined, {
          csrf: false,
        }),
        'FORBIDDEN',
      );
      expect((await laptop.request('DELETE', `${API}/auth/sessions/${other.id}`)).status).toBe(204);
      expectError(await phone.request('GET', `${API}/auth/me`), 'UNAUTHENTICATED');
      expectError(await laptop.request('DELETE', `${API}/auth/sessions/${other.id}`), 'NOT_FOUND');
      const after = await laptop.request('GET', `${API}/auth/sessions`);
      expect(after.body.items.map((s: { id: string }) => s.id)).toEqual([current[0].id]);
      expectError(
        await new Client(t.app).request('GET', `${API}/auth/sessions`),
        'UNAUTHENTICATED',
      );
    });

    it_('a password change ends my other sessions and keeps this one', async () => {
      const t = app();
      const laptop = await signUp(t, 'Changer');
      const email = laptop.user!.email;
      const phone = new Client(t.app);
      phone.csrfToken = (await login(phone, email)).body.csrfToken;
      const newPassword = 'a brand new passphrase 2030';

      const wrongCurrent = await laptop.request('POST', `${API}/auth/password`, {
        currentPassword: 'not my password!',
        newPassword,
      });
      expectError(wrongCurrent, 'VALIDATION_FAILED');
      expectError(
        await laptop.request('POST', `${API}/auth/password`, {
          currentPassword: PASSWORD,
          newPassword: 'password1234',
        }),
        'VALIDATION_FAILED',
      );
      expectError(
        await laptop.request('POST', `${API}/auth/password`, {
          currentPassword: PASSWORD,
          newPassword: ' '.repeat(12),
        }),
        'VALIDATION_FAILED',
      );
      expectError(
        await laptop.request('POST', `${API}/auth/password`, {
          currentPassword: PASSWORD,
          newPassword: 'short',
        }),
        'VALIDATION_FAILED',
      );
      expectError(
        await laptop.request(
          'POST',
          `${API}/auth/password`,
          { currentPassword: PASSWORD, newPassword },
          { csrf: false },
        ),
        'FORBIDDEN',
      );
      // None of the refusals changed anything.
      expect((await phone.request('GET', `${API}/auth/me`)).status).toBe(200);

      const changed = await laptop.request('POST', `${API}/auth/password`, {
        currentPassword: PASSWORD,
        newPassword,
      });
      expect(changed.status).toBe(204);
      expect((await laptop.request('GET', `${API}/auth/me`)).status).toBe(200);
      expectError(await phone.request('GET', `${API}/auth/me`), 'UNAUTHENTICATED');
      expectError(await login(new Client(t.app), email, PASSWORD), 'UNAUTHENTICATED');
      expect((await login(new Client(t.app), email, newPassword)).status).toBe(200);
      const row = await t.database.db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', laptop.user!.id)
        .executeTakeFirstOrThrow();
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
    });
  });

  describe('CSRF', () => {
    it_('an unsafe cookie request without X-CSRF-Token is 403 and writes nothing', async () => {
      const t = app();
      const ann = await signUp(t, 'Csrf');
      const before = await rowCounts(t);
      const reply = await ann.request(
        'POST',
        `${API}/projects`,
        { name: 'Forged' },
        { csrf: false },
      );
      expect(expectError(reply, 'FORBIDDEN').message).toMatch(/csrf/i);
      expect(await rowCounts(t)).toEqual(before);
    });

    it_('a wrong token, or another session’s token, is 403 on POST, PATCH and DELETE', async () => {
      const t = app();
      const ann = await signUp(t, 'Csrf two');
      const bob = await signUp(t, 'Bob');
      const project = await ann.request('POST', `${API}/projects`, { name: 'Mine' });
      expect(project.status).toBe(201);
      const before = await rowCounts(t);
      for (const token of ['wrong', bob.csrfToken!, `${ann.csrfToken!}x`, '']) {
        const headers = { 'x-csrf-token': token };
        const options = { csrf: false, headers };
        expectError(
          await ann.request('POST', `${API}/projects`, { name: 'Forged' }, options),
          'FORBIDDEN',
        );
        expectError(
          await ann.request(
            'PATCH',
            `${API}/projects/${project.body.id}`,
            { name: 'Renamed' },
            options,
          ),
          'FORBIDDEN',
        );
        expectError(
          await ann.request('DELETE', `${API}/projects/${project.body.id}`, undefined, options),
          'FORBIDDEN',
        );
        expectError(
          await ann.request('POST', `${API}/auth/logout`, undefined, options),
          'FORBIDDEN',
        );
      }
      expect(await rowCounts(t)).toEqual(before);
      expect((await ann.request('GET', `${API}/projects/${project.body.id}`)).body.name).toBe(
        'Mine',
      );
      // Safe methods need no token; the right token works.
      expect((await ann.request('GET', `${API}/projects`, undefined, { csrf: false })).status).toBe(
        200,
      );
      expect(
        (await ann.request('PATCH', `${API}/projects/${project.body.id}`, { name: 'Renamed' }))
          .status,
      ).toBe(200);
    });

    it_('login and register do not need the token of a session the browser may hold', async () => {
      const t = app();
      const ann = await signUp(t, 'Exempt');
      const reply = await ann.request(
        'POST',
        `${API}/auth/login`,
        { email: ann.user!.email, password: PASSWORD },
        { csrf: false },
      );
      expect(reply.status).toBe(200);
    });
  });
});
