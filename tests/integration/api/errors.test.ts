// Every error has one shape, `{ error: { code, message, details? } }`, with the contract's code
// for its status, a request id, and no internals: no stack, no SQL, no driver message, and no
// details at all on a 5xx. One request per code here; the feature suites cover each in depth.
import { describe, expect, it } from 'vitest';
import { Client } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { API, createTask, expectError, signUp, team, useApp } from './helpers.js';

describe.each(testDatabases)('error responses on $name', (target) => {
  const it_ = it.skipIf(target.skipReason);

  describe('the contract codes', () => {
    const app = useApp(target);

    it_('answers each code with its status and the one error shape', async () => {
      const t = app();
      const { owner, viewer, stranger, projectId } = await team(t);
      const task = await createTask(owner, projectId);
      await owner.request('PATCH', `${API}/tasks/${task.id}`, { title: 'v2' });

      const validation = expectError(
        await owner.request('POST', `${API}/projects/${projectId}/tasks`, { title: 7 }),
        'VALIDATION_FAILED',
      );
      expect(validation.details).toEqual([
        { in: 'body', field: 'title', message: expect.any(String) },
      ]);
      const unknownField = expectError(
        await owner.request('POST', `${API}/projects/${projectId}/tasks`, {
          title: 'x',
          colour: 'red',
        }),
        'VALIDATION_FAILED',
      );
      expect(unknownField.details).toEqual([
        { in: 'body', field: 'colour', message: 'is not an allowed field' },
      ]);
      const query = expectError(
        await owner.request('GET', `${API}/projects/${projectId}/tasks?limit=999`),
        'VALIDATION_FAILED',
      );
      expect(query.details).toEqual([
        { in: 'querystring', field: 'limit', message: expect.any(String) },
      ]);

      expectError(await new Client(t.app).request('GET', `${API}/projects`), 'UNAUTHENTICATED');
      expectError(
        await viewer.request('PATCH', `${API}/tasks/${task.id}`, { title: 'no' }),
        'FORBIDDEN',
      );
      expectError(await stranger.request('GET', `${API}/tasks/${task.id}`), 'NOT_FOUND');
      expectError(
        await owner.request('POST', `${API}/projects/${projectId}/members`, {
          email: viewer.user!.email,
          role: 'editor',
        }),
        'CONFLICT',
      );
      const stale = expectError(
        await owner.request(
          'PATCH',
          `${API}/tasks/${task.id}`,
          { title: 'v3' },
          { headers: { 'if-match': '"1"' } },
        ),
        'PRECONDITION_FAILED',
      );
      expect(stale.details).toMatchObject({ currentVersion: 2 });
      expectError(
        await owner.request('POST', `${API}/projects`, {
          name: 'x',
          description: 'y'.repeat(1_100_000),
        }),
        'PAYLOAD_TOO_LARGE',
      );
      // RATE_LIMITED is exercised in auth-config.test.ts (it needs small limits).
    });

    // An unknown method on a known path is a 405 since issue 11 (error-contract.test.ts).
    it_('an unknown route is a 404, an unserved method a 405, in the same shape', async () => {
      const t = app();
      const ann = await signUp(t, 'Lost');
      expect(
        expectError(await ann.request('GET', `${API}/nothing-here`), 'NOT_FOUND').message,
      ).toContain('/api/v1/nothing-here');
      expectError(await ann.request('PUT', `${API}/projects`, { name: 'x' }), 'METHOD_NOT_ALLOWED');
      expectError(await new Client(t.app).request('GET', `${API}/nothing-here?x=1`), 'NOT_FOUND');
    });

    it_('every response, error or not, carries a request id', async () => {
      const t = app();
      const ok = await t.app.inject({ method: 'GET', url: '/livez' });
      const refused = await t.app.inject({ method: 'GET', url: `${API}/auth/me` });
      expect(ok.headers['x-request-id']).toBeTruthy();
      expect(refused.headers['x-request-id']).toBeTruthy();
      expect(refused.headers['x-request-id']).not.toBe(ok.headers['x-request-id']);
    });
  });

  describe('an unexpected failure', () => {
    const app = useApp(target);

    it_(
      'is a 500 INTERNAL with a generic message and no details (here: a table that vanished)',
      async () => {
        const t = app();
        const { owner, projectId } = await team(t);
        const task = await createTask(owner, projectId);
        await t.database.db.schema.dropTable('comments').execute();
        for (const [method, body] of [
          ['GET', undefined],
          ['POST', { body: 'lost' }],
        ] as const) {
          const reply = await owner.request(method, `${API}/tasks/${task.id}/comments`, body);
          const error = expectError(reply, 'INTERNAL');
          expect(error).toEqual({ code: 'INTERNAL', message: expect.any(String) });
          expect(reply.raw.body).not.toMatch(/comments|table|sql|ER_|SQLITE/i);
        }
        // The rest of the service keeps working.
        expect((await owner.request('GET', `${API}/tasks/${task.id}`)).status).toBe(200);
      },
    );
  });
});
