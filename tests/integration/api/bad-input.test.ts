// Bad input writes nothing: malformed JSON, unknown fields, wrong types, over-long strings, bad
// dates are 400 VALIDATION_FAILED (naming the field); bodies over 1 MiB are 413; after each, every
// table has the rows it had before. The limits themselves are accepted.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client, TestApp } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { API, createTask, expectError, rowCounts, team, useApp } from './helpers.js';

type Method = 'POST' | 'PATCH';

describe.each(testDatabases)('bad input on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);

  let t: TestApp;
  let owner: Client;
  let projectId: string;
  let taskId: string;

  beforeAll(async () => {
    if (target.skipReason) return;
    t = app();
    const people = await team(t);
    owner = people.owner;
    projectId = people.projectId;
    taskId = (await createTask(owner, projectId, { title: 'Untouched', description: 'as it was' }))
      .id;
  });

  /** Sends the request, expects the error, and checks that no table changed. */
  async function refused(
    method: Method,
    url: string,
    body: unknown,
    code: 'VALIDATION_FAILED' | 'PAYLOAD_TOO_LARGE' = 'VALIDATION_FAILED',
  ) {
    const before = await rowCounts(t);
    const task = await t.database.db
      .selectFrom('tasks')
      .selectAll()
      .where('id', '=', taskId)
      .executeTakeFirstOrThrow();
    const reply = await owner.request(method, url, body);
    const error = expectError(reply, code);
    expect(await rowCounts(t)).toEqual(before);
    const after = await t.database.db
      .selectFrom('tasks')
      .selectAll()
      .where('id', '=', taskId)
      .executeTakeFirstOrThrow();
    expect(after).toEqual(task);
    return error;
  }

  const endpoints = (): [string, Method, string][] => [
    ['POST /projects/:id/tasks', 'POST', `${API}/projects/${projectId}/tasks`],
    ['PATCH /tasks/:id', 'PATCH', `${API}/tasks/${taskId}`],
  ];

  describe.each(['POST /projects/:id/tasks', 'PATCH /tasks/:id'])('%s', (name) => {
    const endpoint = () => endpoints().find(([n]) => n === name)!;

    it_.each([
      ['malformed JSON', '{"title": "x",'],
      ['JSON that is not an object', '"just a string"'],
      ['a JSON array', '[{"title":"x"}]'],
      ['JSON null', 'null'],
      ['an empty body', ''],
      ['unquoted keys', '{title: "x"}'],
    ])('%s', async (_label, raw) => {
      const [, method, url] = endpoint();
      await refused(method, url, raw);
    });

    it_.each([
      ['an unknown field', { title: 'x', color: 'red' }, 'color'],
      ['a number for the title', { title: 42 }, 'title'],
      ['a title of 201 characters', { title: 'x'.repeat(201) }, 'title'],
      ['an empty title', { title: '' }, 'title'],
      ['a blank title', { title: '   ' }, 'title'],
      [
        'a description of 20,001 characters',
        { title: 'x', description: 'd'.repeat(20_001) },
        'description',
      ],
      ['a number for the description', { title: 'x', description: 7 }, 'description'],
      ['an unknown status', { title: 'x', status: 'blocked' }, 'status'],
      ['an unknown priority', { title: 'x', priority: 'critical' }, 'priority'],
      ['a month 13', { title: 'x', dueAt: '2030-13-01T00:00:00Z' }, 'dueAt'],
      ['February 30th', { title: 'x', dueAt: '2030-02-30T10:00:00Z' }, 'dueAt'],
      ['hour 25', { title: 'x', dueAt: '2030-01-01T25:00:00Z' }, 'dueAt'],
      ['words for a date', { title: 'x', dueAt: 'next tuesday' }, 'dueAt'],
      ['a date-time without a zone', { title: 'x', dueAt: '2030-01-01T10:00:00' }, 'dueAt'],
      ['a number for a date', { title: 'x', dueAt: 1_893_456_000_000 }, 'dueAt'],
      [
        'a leap second (no JavaScript date for it)',
        { title: 'x', dueAt: '2030-06-30T23:59:60Z' },
        'dueAt',
      ],
      ['labels that are not a list', { title: 'x', labels: 'bug' }, 'labels'],
      ['the same label twice', { title: 'x', labels: ['a', 'a'] }, 'labels'],
      [
        '51 labels',
        { title: 'x', labels: Array.from({ length: 51 }, (_, i) => `l${i}`) },
        'labels',
      ],
      ['a number for the assignee', { title: 'x', assigneeId: 5 }, 'assigneeId'],
    ])('%s', async (_label, body, field) => {
      const [, method, url] = endpoint();
      const error = await refused(method, url, body);
      expect(JSON.stringify(error.details)).toContain(field);
    });

    it_('a body over 1 MiB is 413', async () => {
      const [, method, url] = endpoint();
      await refused(
        method,
        url,
        { title: 'x', description: 'd'.repeat(1024 * 1024 + 1) },
        'PAYLOAD_TOO_LARGE',
      );
    });
  });

  it_('a PATCH with nothing to change is 400', async () => {
    await refused('PATCH', `${API}/tasks/${taskId}`, {});
  });

  it_('an id longer than any id is 400, not a database error', async () => {
    await refused('PATCH', `${API}/tasks/${'x'.repeat(37)}`, { title: 'x' });
  });

  it_(
    'other write routes refuse malformed JSON, unknown fields and oversize bodies the same way',
    async () => {
      const label = await owner.request('POST', `${API}/projects/${projectId}/labels`, {
        name: 'exists',
      });
      expect(label.status).toBe(201);
      const routes: [Method, string, Record<string, unknown>][] = [
        ['POST', `${API}/projects`, { name: 'x' }],
        ['PATCH', `${API}/projects/${projectId}`, { name: 'x' }],
        [
          'POST',
          `${API}/projects/${projectId}/members`,
          { email: 'a@example.com', role: 'viewer' },
        ],
        ['POST', `${API}/projects/${projectId}/labels`, { name: 'x' }],
        ['POST', `${API}/tasks/${taskId}/comments`, { body: 'x' }],
        ['POST', `${API}/tasks/${taskId}/move`, { status: 'done' }],
        ['POST', `${API}/tokens`, { name: 'x' }],
        ['POST', `${API}/auth/password`, { currentPassword: 'x', newPassword: 'y'.repeat(12) }],
      ];
      for (const [method, url, valid] of routes) {
        await refused(method, url, '{"oops": ');
        await refused(method, url, { ...valid, extra: true });
        await refused(
          method,
          url,
          { ...valid, padding: 'p'.repeat(1024 * 1024) },
          'PAYLOAD_TOO_LARGE',
        );
      }
    },
  );

  it_('a body that is not JSON at all is refused and writes nothing', async () => {
    const before = await rowCounts(t);
    for (const contentType of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/xml',
    ]) {
      const raw = await t.app.inject({
        method: 'POST',
        url: `${API}/projects/${projectId}/tasks`,
        headers: {
          cookie: owner.cookie!,
          'x-csrf-token': owner.csrfToken!,
          'content-type': contentType,
        },
        payload: contentType === 'text/plain' ? '{"title":"as text"}' : 'title=as+form',
      });
      expect([400, 415], `${contentType}: ${raw.body}`).toContain(raw.statusCode);
      expect(raw.json().error.code).toBe(
        raw.statusCode === 400 ? 'VALIDATION_FAILED' : 'UNSUPPORTED_MEDIA_TYPE',
      );
    }
    expect(await rowCounts(t)).toEqual(before);
  });

  it_('a dueBefore that no date can hold is 400', async () => {
    const reply = await owner.request(
      'GET',
      `${API}/projects/${projectId}/tasks?dueBefore=2030-06-30T23:59:60Z`,
    );
    expectError(reply, 'VALIDATION_FAILED');
  });

  // Limits count characters, not bytes: 20,000 emoji are 80,000 bytes of UTF-8, more than a
  // MySQL TEXT column holds (65,535 bytes), so descriptions need MEDIUMTEXT there.
  describe('the limits themselves are accepted and stored intact', () => {
    it_.each([
      ['ASCII', 'x'],
      ['accented', 'é'],
      ['CJK', '漢'],
      ['emoji', '😀'],
    ])('%s: a title of 200 and a description of 20,000 characters', async (_label, char) => {
      const title = char.repeat(200);
      const description = char.repeat(20_000);
      const created = await owner.request('POST', `${API}/projects/${projectId}/tasks`, {
        title,
        description,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const read = await owner.request('GET', `${API}/tasks/${created.body.id}`);
      expect(read.body.title).toBe(title);
      expect(read.body.description).toBe(description);
      const project = await owner.request('POST', `${API}/projects`, {
        name: char.repeat(100),
        description,
      });
      expect(project.status, JSON.stringify(project.body)).toBe(201);
      expect(
        (await owner.request('GET', `${API}/projects/${project.body.id}`)).body.description,
      ).toBe(description);
    });
  });
});
