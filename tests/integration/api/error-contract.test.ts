// Issue 11, finding 10: one error shape for every error the process can produce, authentication
// before validation, 405 with Allow for a method a known path does not serve, every status the
// code returns documented, and health endpoints unauthenticated and terse.
import { describe, expect, it } from 'vitest';
import { Client, createTestApp } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { API, expectError, rowCounts, signUp, useApp } from './helpers.js';

interface Operation {
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
}

interface Doc {
  paths: Record<string, Record<string, Operation>>;
}

describe.each(testDatabases)('error contract on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);

  it_('a URL that does not decode gets the error shape, not the framework body', async () => {
    const owner = await signUp(app());
    for (const url of [`${API}/tasks/%ff`, `${API}/projects/%E0%A4%A`]) {
      const error = expectError(await owner.request('GET', url), 'VALIDATION_FAILED');
      expect(error.details).toEqual([expect.objectContaining({ in: 'path' })]);
    }
  });

  it_(
    'an unknown method on a known path is 405 with Allow; an unknown path stays 404',
    async () => {
      const owner = await signUp(app());
      for (const method of ['PUT', 'TRACE', 'QUERY', 'OPTIONS'] as const) {
        const reply = await app().app.inject({
          method,
          url: `${API}/tasks/some-id`,
          headers: { cookie: owner.cookie! },
        });
        expect(reply.statusCode, method).toBe(405);
        expect(reply.headers.allow).toBe('DELETE, GET, HEAD, PATCH');
        expect(reply.json().error.code).toBe('METHOD_NOT_ALLOWED');
      }
      const post = await owner.request('POST', `${API}/projects/x/members/y`, {});
      expect(post.status).toBe(405);
      expect(post.headers.allow).toBe('DELETE, PATCH');
      // A fixed path names its own methods, not those of a parameter path it also fits.
      const put = await owner.request('PUT', `${API}/projects/import`, {});
      expect(put.status).toBe(405);
      expect(put.headers.allow).toBe('POST');
      expectError(await owner.request('GET', `${API}/no-such-thing`), 'NOT_FOUND');
    },
  );

  it_('authenticates before it validates: a bad body from nobody is a bare 401', async () => {
    const t = app();
    const before = await rowCounts(t);
    const anonymous = new Client(t.app);
    for (const [method, url, body] of [
      ['POST', `${API}/projects`, { name: 7, extra: true }],
      ['PATCH', `${API}/tasks/x`, 'not json'],
      ['GET', `${API}/projects/x/tasks?limit=999`, undefined],
    ] as const) {
      const error = expectError(await anonymous.request(method, url, body), 'UNAUTHENTICATED');
      expect(error.details).toBeUndefined();
    }
    expect(await rowCounts(t)).toEqual(before);
    // Sign-in and sign-up stay public: their bad input is still a 400.
    expectError(await anonymous.request('POST', `${API}/auth/login`, {}), 'VALIDATION_FAILED');
  });

  it_('documents every status: 400 where input is validated, 401 on every API route', async () => {
    const doc = (await app().app.inject({ method: 'GET', url: `${API}/openapi.json` })).json<Doc>();
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const name = `${method.toUpperCase()} ${path}`;
        const statuses = Object.keys(operation.responses);
        if (operation.parameters?.length || operation.requestBody)
          expect(statuses, name).toContain('400');
        if (path.startsWith('/api/')) expect(statuses, name).toContain('401');
        if (operation.requestBody)
          expect(statuses, name).toEqual(expect.arrayContaining(['413', '415']));
      }
    }
  });

  it_('API answers are never stored by a cache (CSRF tokens, personal data)', async () => {
    const owner = await signUp(app());
    const replies = [
      await owner.request('GET', `${API}/auth/me`),
      await owner.request('GET', `${API}/projects`),
      await owner.request('POST', `${API}/projects`, { name: 'Cached?' }),
      await new Client(app().app).request('POST', `${API}/auth/login`, {
        email: owner.user!.email,
        password: 'wrong password here',
      }),
      await owner.request('GET', `${API}/no-such-thing`),
    ];
    for (const reply of replies) expect(reply.headers['cache-control']).toBe('no-store');
  });

  it_('health endpoints need no credentials, and readiness names no driver error', async () => {
    const t = app();
    const doc = (await t.app.inject({ method: 'GET', url: `${API}/openapi.json` })).json<Doc>();
    for (const path of ['/livez', '/readyz']) expect(doc.paths[path]!.get!.security).toEqual([]);
    for (const path of [`${API}/auth/login`, `${API}/auth/register`])
      expect(doc.paths[path]!.post!.security).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);

    const broken = await createTestApp(target);
    await broken.database.close();
    const reply = await broken.app.inject({ method: 'GET', url: '/readyz' });
    expect(reply.statusCode).toBe(503);
    expect(reply.json()).toEqual({ status: 'unavailable', checks: { database: 'unavailable' } });
    await broken.close().catch(() => undefined);
  });
});
