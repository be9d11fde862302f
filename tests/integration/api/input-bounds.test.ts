// Issue 11, findings 1 and 7: every timestamp the API accepts lies in 0001-01-01 … 9999-12-31 UTC
// (an offset must not push a valid-looking date out of it), and a decoded cursor is checked like
// any other input. Each refusal is a 400 in the error shape that writes nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client, TestApp } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { SORTS } from '../../../src/features/tasks/tasks.domain.js';
import { API, createTask, expectError, rowCounts, team, useApp } from './helpers.js';

const OUT_OF_RANGE = [
  '9999-12-31T23:59:59-01:00', // year 10000 in UTC
  '0000-01-01T00:00:00+00:01', // year -1 in UTC
  '0001-01-01T00:00:00+00:01',
  '0000-12-31T23:59:59Z',
  '2026-01-01T23:59:60Z', // a leap second: no JavaScript date holds it
  '2026-02-30T00:00:00Z',
];
const EDGES = ['0001-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '9999-12-31T00:59:59-01:00'];

describe.each(testDatabases)('input bounds on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);

  let t: TestApp;
  let owner: Client;
  let projectId: string;

  beforeAll(async () => {
    if (target.skipReason) return;
    t = app();
    ({ owner, projectId } = await team(t));
  });

  it_.each(OUT_OF_RANGE)(
    'refuses dueAt %s on create and update, writing nothing',
    async (dueAt) => {
      const task = await createTask(owner, projectId, { title: 'Bounded' });
      const before = await rowCounts(t);
      const created = await owner.request('POST', `${API}/projects/${projectId}/tasks`, {
        title: 'x',
        dueAt,
      });
      expect(expectError(created, 'VALIDATION_FAILED').details).toContainEqual(
        expect.objectContaining({ in: 'body', field: 'dueAt' }),
      );
      const updated = await owner.request('PATCH', `${API}/tasks/${task.id}`, { dueAt });
      expectError(updated, 'VALIDATION_FAILED');
      expect(await rowCounts(t)).toEqual(before);
      const listed = await owner.request(
        'GET',
        `${API}/projects/${projectId}/tasks?dueBefore=${encodeURIComponent(dueAt)}`,
      );
      expectError(listed, 'VALIDATION_FAILED');
      // The project still answers: nothing unreadable was stored.
      expect((await owner.request('GET', `${API}/projects/${projectId}/tasks`)).status).toBe(200);
    },
  );

  it_.each(EDGES)('accepts dueAt %s and gives it back in UTC', async (dueAt) => {
    const task = await createTask(owner, projectId, { title: 'Edge', dueAt });
    const got = await owner.request('GET', `${API}/tasks/${task.id}`);
    expect(got.status).toBe(200);
    expect(Date.parse(got.body.dueAt)).toBe(Date.parse(dueAt));
    expect(got.body.dueAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    for (const sort of ['dueAt', '-dueAt']) {
      const page = await owner.request('GET', `${API}/projects/${projectId}/tasks?sort=${sort}`);
      expect(page.status).toBe(200);
    }
  });

  it_.each(SORTS)('refuses a cursor with an infinite key (sort %s)', async (sort) => {
    for (const cursor of [
      'eyJrIjoxZTk5OSwiaWQiOiJ4In0', // {"k":1e999,"id":"x"}
      Buffer.from('{"k":-1e999,"id":"x"}').toString('base64url'),
      Buffer.from(JSON.stringify({ k: 'x'.repeat(201), id: 'x' })).toString('base64url'),
      Buffer.from(JSON.stringify({ k: 1, id: 'x'.repeat(37) })).toString('base64url'),
      Buffer.from(JSON.stringify({ k: 1, id: 'x', extra: true })).toString('base64url'),
      Buffer.from(JSON.stringify({ k: [1], id: 'x' })).toString('base64url'),
    ]) {
      const reply = await owner.request(
        'GET',
        `${API}/projects/${projectId}/tasks?sort=${encodeURIComponent(sort)}&cursor=${cursor}`,
      );
      expect(expectError(reply, 'VALIDATION_FAILED').details).toEqual([
        { in: 'querystring', field: 'cursor', message: 'is not a cursor this API returned' },
      ]);
    }
  });
});
