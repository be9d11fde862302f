// Auth behaviour that depends on configuration, one app per setting: REGISTRATION=closed,
// COOKIE_SECURE=true, and the login rate limits per IP and per account.
import { describe, expect, it } from 'vitest';
import { Client, PASSWORD, uniqueEmail } from '../../support/app.js';
import type { TestApp } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { API, expectError, rowCounts, signUp, useApp } from './helpers.js';

describe.each(testDatabases)('auth settings on $name', (target) => {
  const it_ = it.skipIf(target.skipReason);

  describe('REGISTRATION=closed', () => {
    const app = useApp(target, { REGISTRATION: 'closed' });

    it_('lets the first user in as admin, then refuses sign-ups with 403', async () => {
      const t = app();
      const first = new Client(t.app);
      const reply = await first.request('POST', `${API}/auth/register`, {
        email: uniqueEmail('admin'),
        name: 'First',
        password: PASSWORD,
      });
      expect(reply.status).toBe(201);
      expect(reply.body.user.role).toBe('admin');

      const before = await rowCounts(t);
      const second = await new Client(t.app).request('POST', `${API}/auth/register`, {
        email: uniqueEmail('late'),
        name: 'Second',
        password: PASSWORD,
      });
      expectError(second, 'FORBIDDEN');
      expect(await rowCounts(t)).toEqual(before);
      expect(before.users).toBe(1);

      // Existing accounts still sign in.
      const again = await new Client(t.app).request('POST', `${API}/auth/login`, {
        email: reply.body.user.email,
        password: PASSWORD,
      });
      expect(again.status).toBe(200);
    });
  });

  describe.each(['closed', 'open'])(
    'simultaneous first sign-ups, REGISTRATION=%s',
    (registration) => {
      const app = useApp(target, { REGISTRATION: registration });

      it_('make exactly one admin (and let only that one in when closed)', async () => {
        const t = app();
        const replies = await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            new Client(t.app).request('POST', `${API}/auth/register`, {
              email: uniqueEmail(`racer${i}`),
              name: `Racer ${i}`,
              password: PASSWORD,
            }),
          ),
        );
        const admins = replies.filter((r) => r.status === 201 && r.body.user.role === 'admin');
        expect(admins).toHaveLength(1);
        const others = replies.filter((r) => r !== admins[0]);
        if (registration === 'closed') {
          for (const reply of others) expectError(reply, 'FORBIDDEN');
          expect((await rowCounts(t)).users).toBe(1);
        } else {
          expect(others.map((r) => [r.status, r.body.user.role])).toEqual(
            Array(5).fill([201, 'user']),
          );
        }
        const roles = await t.database.db
          .selectFrom('users')
          .select('role')
          .where('role', '=', 'admin')
          .execute();
        expect(roles).toHaveLength(1);
      });
    },
  );

  describe('COOKIE_SECURE=true', () => {
    const app = useApp(target, { COOKIE_SECURE: 'true' });

    it_(
      'names the cookie __Host-tm_session and marks it Secure, HttpOnly, SameSite=Lax, Path=/',
      async () => {
        const t = app();
        const client = new Client(t.app);
        const reply = await client.request('POST', `${API}/auth/register`, {
          email: uniqueEmail(),
          name: 'Secure',
          password: PASSWORD,
        });
        expect(reply.status).toBe(201);
        expect(reply.raw.cookies.map((c) => c.name)).toEqual(['__Host-tm_session']);
        const cookie = reply.raw.cookies[0]!;
        expect(cookie.secure).toBe(true);
        expect(cookie.httpOnly).toBe(true);
        expect(cookie.sameSite).toBe('Lax');
        expect(cookie.path).toBe('/');
        // __Host- cookies must not name a domain.
        expect(cookie.domain).toBeUndefined();
        expect(reply.headers['strict-transport-security']).toBeDefined();
        client.csrfToken = reply.body.csrfToken;
        expect((await client.request('GET', `${API}/auth/me`)).status).toBe(200);
        // The unprefixed name is not accepted in secure mode.
        const plain = new Client(t.app);
        plain.cookie = client.cookie!.replace('__Host-tm_session', 'tm_session');
        expectError(await plain.request('GET', `${API}/auth/me`), 'UNAUTHENTICATED');
      },
    );

    it_(
      'makes the first account of a fresh installation an admin and later ones users',
      async () => {
        const t = app();
        const users = await t.database.db
          .selectFrom('users')
          .select(['role', 'created_at'])
          .orderBy('created_at')
          .execute();
        expect(users[0]?.role).toBe('admin');
        const later = await signUp(t, 'Later');
        expect((later.user as unknown as { role: string }).role).toBe('user');
      },
    );
  });

  describe('login rate limits', () => {
    const PER_IP = 5;
    const PER_ACCOUNT = 3;
    const app = useApp(target, {
      LOGIN_RATE_LIMIT_PER_MINUTE: String(PER_IP),
      LOGIN_MAX_FAILURES_PER_ACCOUNT: String(PER_ACCOUNT),
    });

    const loginFrom = (t: TestApp, ip: string, email: string, password: string) =>
      t.app.inject({
        method: 'POST',
        url: `${API}/auth/login`,
        remoteAddress: ip,
        payload: { email, password },
      });

    it_(
      'answers 429 RATE_LIMITED with Retry-After after too many attempts from one IP',
      async () => {
        const t = app();
        for (let i = 0; i < PER_IP; i++) {
          const reply = await loginFrom(
            t,
            '198.51.100.7',
            uniqueEmail('nobody'),
            'wrong password 1',
          );
          expect(reply.statusCode).toBe(401);
        }
        const limited = await loginFrom(
          t,
          '198.51.100.7',
          uniqueEmail('nobody'),
          'wrong password 1',
        );
        expect(limited.statusCode).toBe(429);
        expect(limited.json()).toEqual({
          error: { code: 'RATE_LIMITED', message: expect.any(String) },
        });
        expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
        // Another address is not affected.
        const other = await loginFrom(t, '198.51.100.8', uniqueEmail('nobody'), 'wrong password 1');
        expect(other.statusCode).toBe(401);
      },
    );

    it_(
      'locks an account after repeated failures, from any address, even with the right password',
      async () => {
        const t = app();
        const email = uniqueEmail('victim');
        const registered = await t.app.inject({
          method: 'POST',
          url: `${API}/auth/register`,
          remoteAddress: '203.0.113.1',
          payload: { email, name: 'Victim', password: PASSWORD },
        });
        expect(registered.statusCode).toBe(201);
        for (let i = 0; i < PER_ACCOUNT; i++) {
          const reply = await loginFrom(t, `203.0.113.${10 + i}`, email, 'wrong password 1');
          expect(reply.statusCode).toBe(401);
        }
        const locked = await loginFrom(t, '203.0.113.50', email, PASSWORD);
        expect(locked.statusCode).toBe(429);
        expect(locked.json().error.code).toBe('RATE_LIMITED');
        expect(locked.headers['set-cookie']).toBeUndefined();
        // Other accounts still sign in.
        const otherEmail = uniqueEmail('bystander');
        await t.app.inject({
          method: 'POST',
          url: `${API}/auth/register`,
          remoteAddress: '203.0.113.60',
          payload: { email: otherEmail, name: 'Bystander', password: PASSWORD },
        });
        expect((await loginFrom(t, '203.0.113.61', otherEmail, PASSWORD)).statusCode).toBe(200);
      },
    );
  });
});
