// API tokens for scripts: created with the secret shown once, stored as a hash, usable as
// `Authorization: Bearer` without cookie or CSRF, listed without the secret, revocable.
import { describe, expect, it } from 'vitest';
import { Client } from '../../support/app.js';
import type { TestApp } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { API, expectError, rowCounts, signUp, useApp } from './helpers.js';

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
      const created = await ann.request('POST', `${API}/tokens`, { name: ' ci deploy ' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        name: 'ci deploy',
        prefix: expect.any(String),
        createdAt: expect.any(String),
        lastUsedAt: null,
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
      const { body } = await ann.request('POST', `${API}/tokens`, { name: 'script' });
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
    const { body } = await ann.request('POST', `${API}/tokens`, { name: 'short-lived' });
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
    const { body } = await ann.request('POST', `${API}/tokens`, { name: 'mine' });
    expectError(await mallory.request('DELETE', `${API}/tokens/${body.id}`), 'NOT_FOUND');
    expect((await bearerClient(t, body.token).request('GET', `${API}/auth/me`)).status).toBe(200);
  });

  it_(
    'refuses bad token requests: anonymous 401, no CSRF 403, bad names 400, nothing written',
    async () => {
      const t = app();
      const ann = await signUp(t, 'Validator');
      const before = await rowCounts(t);
      expectError(
        await new Client(t.app).request('POST', `${API}/tokens`, { name: 'x' }),
        'UNAUTHENTICATED',
      );
      expectError(await new Client(t.app).request('GET', `${API}/tokens`), 'UNAUTHENTICATED');
      expectError(
        await ann.request('POST', `${API}/tokens`, { name: 'x' }, { csrf: false }),
        'FORBIDDEN',
      );
      for (const body of [
        {},
        { name: '' },
        { name: '   ' },
        { name: 'x'.repeat(101) },
        { name: 7 },
        { name: 'x', scope: 'all' },
      ]) {
        expectError(await ann.request('POST', `${API}/tokens`, body), 'VALIDATION_FAILED');
      }
      expect(await rowCounts(t)).toEqual(before);
    },
  );
});
