// API tokens for scripts: created with the password (a stolen cookie cannot mint one) and an
// optional lifetime, the secret shown once, stored as a hash, usable as `Authorization: Bearer`
// without cookie or CSRF, listed without the secret, revocable, expiring, and revoked by a
// password change (issue 11, finding 4).
import { describe, expect, it } from 'vitest';
import { CREDENTIALS_TOPIC } from '../../../src/features/auth/auth.service.js';
import { Client, PASSWORD, createTestApp } from '../../support/app.js';
import type { TestApp } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { API, expectError, login, rowCounts, signUp, useApp } from './helpers.js';

describe.each(testDatabases)('API tokens on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);

  const bearerClient = (t: TestApp, token: string) => {
    const client = new Client(t.app);
    client.bearer = token;
    return client;
  };

  it_(
    'POST /tokens shows the secret once; only its hash is stored; GET lists without it',
    async () => {
      const t = app();
      const ann = await signUp(t, 'Scripter');
      const created = await ann.request('POST', `${API}/tokens`, {
        name: ' ci deploy ',
        currentPassword: PASSWORD,
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        name: 'ci deploy',
        prefix: expect.any(String),
        createdAt: expect.any(String),
        lastUsedAt: null,
        expiresAt: null,
        token: expect.stringMatching(/^tm_[\w-]{40,}$/),
      });
      const secret = created.body.token as string;
      expect(secret.startsWith(created.body.prefix)).toBe(true);
      expect(created.body.prefix.length).toBeLessThan(secret.length / 2);

      const row = await t.database.db
        .selectFrom('api_tokens')
        .selectAll()
        .where('id', '=', created.body.id)
        .executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).not.toContain(secret);
      expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);

      const list = await ann.request('GET', `${API}/tokens`);
      expect(list.status).toBe(200);
      expect(list.body.items).toEqual([
        {
          id: created.body.id,
          name: 'ci deploy',
          prefix: created.body.prefix,
          createdAt: created.body.createdAt,
          lastUsedAt: null,
          expiresAt: null,
        },
      ]);
      expect(list.raw.body).not.toContain(secret);
      // Someone else sees none of mine.
      const bob = await signUp(t, 'Bob');
      expect((await bob.request('GET', `${API}/tokens`)).body.items).toEqual([]);
    },
  );

  it_(
    'a bearer token authenticates without cookie or CSRF, reads and writes, and records its use',
    async () => {
      const t = app();
      const ann = await signUp(t, 'Bearer user');
      const { body } = await ann.request('POST', `${API}/tokens`, {
        name: 'script',
        currentPassword: PASSWORD,
      });
      const script = bearerClient(t, body.token);
      expect(script.cookie).toBeUndefined();

      const me = await script.request('GET', `${API}/auth/me`);
      expect(me.status).toBe(200);
      expect(me.body.user).toEqual(ann.user);
      const project = await script.request('POST', `${API}/projects`, { name: 'From a script' });
      expect(project.status).toBe(201);
      expect(project.headers['set-cookie']).toBeUndefined();
      const task = await script.request('POST', `${API}/projects/${project.body.id}/tasks`, {
        title: 'Scripted',
      });
      expect(task.status).toBe(201);
      expect(
        (await script.request('PATCH', `${API}/tasks/${task.body.id}`, { priority: 'urgent' }))
          .status,
      ).toBe(200);
      expect((await script.request('DELETE', `${API}/tasks/${task.body.id}`)).status).toBe(204);
      // The cookie session sees what the script did.
      expect((await ann.request('GET', `${API}/projects/${project.body.id}`)).body.name).toBe(
        'From a script',
      );

      const listed = await ann.request('GET', `${API}/tokens`);
      expect(listed.body.items[0].lastUsedAt).toEqual(expect.stringMatching(/^\d{4}-/));
    },
  );

  it_('an unknown, malformed or revoked token is 401, even on reads', async () => {
    const t = app();
    const ann = await signUp(t, 'Revoker');
    const { body } = await ann.request('POST', `${API}/tokens`, {
      name: 'short-lived',
      currentPassword: PASSWORD,
    });
    const script = bearerClient(t, body.token);
    expect((await script.request('GET', `${API}/projects`)).status).toBe(200);

    for (const header of [
      `Bearer ${body.token}x`,
      'Bearer tm_unknown',
      'Bearer',
      'Basic dXNlcjpwYXNz',
      `Bearer  `,
    ]) {
      const reply = await t.app.inject({
        method: 'GET',
        url: `${API}/projects`,
        headers: { authorization: header },
      });
      expect(reply.statusCode, header).toBe(401);
      expect(reply.json().error.code).toBe('UNAUTHENTICATED');
    }

    expectError(
      await ann.request('DELETE', `${API}/tokens/${body.id}`, undefined, { csrf: false }),
      'FORBIDDEN',
    );
    expect((await script.request('GET', `${API}/projects`)).status).toBe(200);
    const revoked = await ann.request('DELETE', `${API}/tokens/${body.id}`);
    expect(revoked.status).toBe(204);
    expectError(await script.request('GET', `${API}/projects`), 'UNAUTHENTICATED');
    expectError(await script.request('POST', `${API}/projects`, { name: 'No' }), 'UNAUTHENTICATED');
    expectError(await ann.request('DELETE', `${API}/tokens/${body.id}`), 'NOT_FOUND');
    expect((await ann.request('GET', `${API}/tokens`)).body.items).toEqual([]);
  });

  it_('nobody else can revoke my token (404, and it keeps working)', async () => {
    const t = app();
    const ann = await signUp(t, 'Owner of token');
    const mallory = await signUp(t, 'Mallory');
    const { body } = await ann.request('POST', `${API}/tokens`, {
      name: 'mine',
      currentPassword: PASSWORD,
    });
    expectError(await mallory.request('DELETE', `${API}/tokens/${body.id}`), 'NOT_FOUND');
    expect((await bearerClient(t, body.token).request('GET', `${API}/auth/me`)).status).toBe(200);
  });

  it_(
    'refuses bad token requests: anonymous 401, no CSRF 403, bad names 400, nothing written',
    async () => {
      const t = app();
      const ann = await signUp(t, 'Validator');
      const before = await rowCounts(t);
      const good = { name: 'x', currentPassword: PASSWORD };
      expectError(
        await new Client(t.app).request('POST', `${API}/tokens`, good),
        'UNAUTHENTICATED',
      );
      expectError(await new Client(t.app).request('GET', `${API}/tokens`), 'UNAUTHENTICATED');
      expectError(await ann.request('POST', `${API}/tokens`, good, { csrf: false }), 'FORBIDDEN');
      for (const body of [
        {},
        { name: 'x' },
        { ...good, name: '' },
        { ...good, name: '   ' },
        { ...good, name: 'x'.repeat(101) },
        { ...good, name: 7 },
        { ...good, scope: 'all' },
        { ...good, currentPassword: '' },
        { ...good, expiresInDays: 7 },
        { ...good, expiresInDays: '30' },
        { ...good, expiresInDays: 0 },
      ]) {
        expectError(await ann.request('POST', `${API}/tokens`, body), 'VALIDATION_FAILED');
      }
      expect(await rowCounts(t)).toEqual(before);
    },
  );

  const DAY_MS = 86_400_000;

  it_(
    'a stolen cookie cannot mint a token: without the password 400, nothing written',
    async () => {
      const t = app();
      const victim = await signUp(t, 'Victim');
      // The thief has the cookie only, and reads the CSRF token with it.
      const thief = new Client(t.app);
      thief.cookie = victim.cookie;
      thief.csrfToken = (await thief.request('GET', `${API}/auth/me`)).body.csrfToken;
      expect(thief.csrfToken).toBe(victim.csrfToken);
      const before = await rowCounts(t);
      expectError(
        await thief.request('POST', `${API}/tokens`, { name: 'persistence' }),
        'VALIDATION_FAILED',
      );
      const wrong = expectError(
        await thief.request('POST', `${API}/tokens`, {
          name: 'persistence',
          currentPassword: 'a guess at the password',
        }),
        'VALIDATION_FAILED',
      );
      expect(wrong.details).toEqual([
        { in: 'body', field: 'currentPassword', message: 'is incorrect' },
      ]);
      expect(await rowCounts(t)).toEqual(before);
      expect((await victim.request('GET', `${API}/tokens`)).body.items).toEqual([]);
      // The owner, who knows the password, can.
      const created = await victim.request('POST', `${API}/tokens`, {
        name: 'mine',
        currentPassword: PASSWORD,
      });
      expect(created.status).toBe(201);
    },
  );

  it_('a bearer caller needs the password too (no token minted from a token alone)', async () => {
    const t = app();
    const ann = await signUp(t, 'Chain');
    const { body } = await ann.request('POST', `${API}/tokens`, {
      name: 'first',
      currentPassword: PASSWORD,
      expiresInDays: 30,
    });
    const script = bearerClient(t, body.token);
    expectError(
      await script.request('POST', `${API}/tokens`, { name: 'forever' }),
      'VALIDATION_FAILED',
    );
    expectError(
      await script.request('POST', `${API}/tokens`, {
        name: 'forever',
        currentPassword: 'not the password!',
      }),
      'VALIDATION_FAILED',
    );
    const second = await script.request('POST', `${API}/tokens`, {
      name: 'second',
      currentPassword: PASSWORD,
    });
    expect(second.status).toBe(201);
    expect((await ann.request('GET', `${API}/tokens`)).body.items).toHaveLength(2);
  });

  it_(
    'a token lives 30, 90 or 365 days or does not expire; once expired it answers 401',
    async () => {
      const t = app();
      const ann = await signUp(t, 'Expiry');
      const made: Record<string, { id: string; token: string }> = {};
      for (const days of [30, 90, 365, null, undefined]) {
        const reply = await ann.request('POST', `${API}/tokens`, {
          name: `lives ${days}`,
          currentPassword: PASSWORD,
          ...(days === undefined ? {} : { expiresInDays: days }),
        });
        expect(reply.status).toBe(201);
        const lifetime = Date.parse(reply.body.expiresAt) - Date.parse(reply.body.createdAt);
        if (days) expect(lifetime).toBe(days * DAY_MS);
        else expect(reply.body.expiresAt).toBeNull();
        made[String(days)] = reply.body;
      }
      const listed = (await ann.request('GET', `${API}/tokens`)).body.items as {
        id: string;
        expiresAt: string | null;
      }[];
      expect(listed.find((k) => k.id === made['90']!.id)!.expiresAt).toMatch(/^\d{4}-/);
      expect(listed.find((k) => k.id === made['null']!.id)!.expiresAt).toBeNull();

      // Ninety days pass for one token (its stored expiry moves to the past before first use).
      await t.database.db
        .updateTable('api_tokens')
        .set({ expires_at: Date.now() - 1 })
        .where('id', '=', made['90']!.id)
        .execute();
      const expired = bearerClient(t, made['90']!.token);
      for (const [method, url, body] of [
        ['GET', `${API}/projects`, undefined],
        ['POST', `${API}/projects`, { name: 'Late' }],
      ] as const) {
        const error = expectError(await expired.request(method, url, body), 'UNAUTHENTICATED');
        expect(error.message).toMatch(/expired/);
      }
      // The others go on.
      for (const key of ['30', '365', 'null'])
        expect(
          (await bearerClient(t, made[key]!.token).request('GET', `${API}/projects`)).status,
        ).toBe(200);
      // It is still listed (as expired) until revoked.
      expect(
        (await ann.request('GET', `${API}/tokens`)).body.items.map((k: { id: string }) => k.id),
      ).toContain(made['90']!.id);
    },
  );

  it_('a password change revokes every API token: an old token is 401', async () => {
    const t = app();
    const ann = await signUp(t, 'Rotator');
    const tokens = [];
    for (const name of ['ci', 'laptop'])
      tokens.push(
        (await ann.request('POST', `${API}/tokens`, { name, currentPassword: PASSWORD })).body,
      );
    const scripts = tokens.map((k) => bearerClient(t, k.token as string));
    for (const script of scripts)
      expect((await script.request('GET', `${API}/projects`)).status).toBe(200);
    const newPassword = 'a rotated passphrase 2031';
    expect(
      (
        await ann.request('POST', `${API}/auth/password`, {
          currentPassword: PASSWORD,
          newPassword,
        })
      ).status,
    ).toBe(204);
    for (const script of scripts)
      expectError(await script.request('GET', `${API}/projects`), 'UNAUTHENTICATED');
    expect((await ann.request('GET', `${API}/tokens`)).body.items).toEqual([]);
    // The session that changed it goes on, and may make a new token with the new password.
    const fresh = await ann.request('POST', `${API}/tokens`, {
      name: 'after',
      currentPassword: newPassword,
    });
    expect(fresh.status).toBe(201);

    // Changed through a token: every token ends, that one too, and every session.
    const phone = new Client(t.app);
    expect((await login(phone, ann.user!.email, newPassword)).status).toBe(200);
    const script = bearerClient(t, fresh.body.token);
    expect(
      (
        await script.request('POST', `${API}/auth/password`, {
          currentPassword: newPassword,
          newPassword: 'yet another passphrase 2032',
        })
      ).status,
    ).toBe(204);
    expectError(await script.request('GET', `${API}/auth/me`), 'UNAUTHENTICATED');
    expectError(await phone.request('GET', `${API}/auth/me`), 'UNAUTHENTICATED');
    expectError(await ann.request('GET', `${API}/auth/me`), 'UNAUTHENTICATED');
  });

  it_('records the last use at most once a minute, not with a write per request', async () => {
    const touches: string[] = [];
    const t = await createTestApp(
      target,
      {},
      {
        log: (event) => {
          if (/^update [`"]api_tokens[`"] set [`"]last_used_at[`"]/.test(event.query.sql))
            touches.push(event.query.sql);
        },
      },
    );
    try {
      const ann = await signUp(t, 'Frequent');
      const { body } = await ann.request('POST', `${API}/tokens`, {
        name: 'busy',
        currentPassword: PASSWORD,
      });
      const script = bearerClient(t, body.token);
      for (let i = 0; i < 20; i++)
        expect((await script.request('GET', `${API}/auth/me`)).status).toBe(200);
      expect(touches).toHaveLength(1);
      const first = (await ann.request('GET', `${API}/tokens`)).body.items[0].lastUsedAt;
      expect(Date.parse(first)).toBeGreaterThan(Date.parse(body.createdAt) - 1);

      // A use more than a minute after the recorded one records again (the stored time is
      // moved back a minute, and this process forgets the cached credential as on a change).
      await t.database.db
        .updateTable('api_tokens')
        .set({ last_used_at: Date.parse(first) - 61_000 })
        .where('id', '=', body.id)
        .execute();
      await t.app.changes.publish(t.database.db, CREDENTIALS_TOPIC, ann.user!.id);
      const counted = touches.length; // this test's own update is logged too
      expect((await script.request('GET', `${API}/auth/me`)).status).toBe(200);
      expect(touches).toHaveLength(counted + 1);
      const second = (await ann.request('GET', `${API}/tokens`)).body.items[0].lastUsedAt;
      expect(Date.parse(second)).toBeGreaterThanOrEqual(Date.parse(first));
    } finally {
      await t.close();
    }
  });
});
