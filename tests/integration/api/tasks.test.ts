// Tasks: create/read/update/delete, filters and search, sorts, keyset pagination over several
// pages, ETag + If-Match (412 on a stale version, and under concurrent writes), kanban moves,
// and the activity they leave behind.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client, Reply } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { API, createTask, expectError, ids, rowCounts, signUp, team, useApp } from './helpers.js';

interface Task {
  id: string;
  title: string;
  description: string | null;
  status: string;
  priority: string;
  position: number;
  dueAt: string | null;
  assigneeId: string | null;
  labels: { id: string; name: string }[];
  version: number;
  createdAt: string;
}

const PRIORITY_RANK: Record<string, number> = { low: 0, medium: 1, high: 2, urgent: 3 };

/** Every page of a list, following nextCursor to the end. */
async function allPages(client: Client, url: string) {
  const pages: Task[][] = [];
  let cursor: string | null = null;
  do {
    const separator = url.includes('?') ? '&' : '?';
    const reply: Reply<{ items: Task[]; nextCursor: string | null }> = await client.request(
      'GET',
      cursor ? `${url}${separator}cursor=${encodeURIComponent(cursor)}` : url,
    );
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    pages.push(reply.body.items);
    cursor = reply.body.nextCursor;
    if (pages.length > 100) throw new Error('pagination does not end');
  } while (cursor !== null);
  return pages;
}

async function column(client: Client, projectId: string, status: string) {
  const reply = await client.request(
    'GET',
    `${API}/projects/${projectId}/tasks?status=${status}&limit=200`,
  );
  return (reply.body.items as Task[]).map((task) => task.title);
}

describe.each(testDatabases)('tasks on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);

  describe('create, read, update, delete', () => {
    it_('creates with defaults (201, ETag) and with every field', async () => {
      const t = app();
      const { owner, editor, projectId } = await team(t);
      const plain = await editor.request('POST', `${API}/projects/${projectId}/tasks`, {
        title: '  Plain  ',
      });
      expect(plain.status).toBe(201);
      expect(plain.headers.etag).toBe('"1"');
      expect(plain.body).toEqual({
        id: expect.any(String),
        projectId,
        title: 'Plain',
        description: null,
        status: 'todo',
        priority: 'medium',
        position: expect.any(Number),
        dueAt: null,
        assigneeId: null,
        assignee: null,
        labels: [],
        version: 1,
        createdBy: editor.user!.id,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const label = await owner.request('POST', `${API}/projects/${projectId}/labels`, {
        name: 'bug',
        color: '#FF0000',
      });
      const full = await editor.request('POST', `${API}/projects/${projectId}/tasks`, {
        title: 'Full',
        description: 'All the fields',
        status: 'in_progress',
        priority: 'urgent',
        dueAt: '2030-06-01T12:30:00+02:00',
        assigneeId: owner.user!.id,
        labels: [label.body.id],
      });
      expect(full.status).toBe(201);
      expect(full.body).toMatchObject({
        description: 'All the fields',
        status: 'in_progress',
        priority: 'urgent',
        dueAt: '2030-06-01T10:30:00.000Z',
        assigneeId: owner.user!.id,
        assignee: { id: owner.user!.id, name: 'Owner' },
        labels: [{ id: label.body.id, name: 'bug', color: '#ff0000', projectId }],
      });
      const read = await editor.request('GET', `${API}/tasks/${full.body.id}`);
      expect(read.status).toBe(200);
      expect(read.headers.etag).toBe('"1"');
      expect(read.body).toEqual(full.body);
    });

    it_(
      'refuses an assignee who is not a member and labels of another project (400, nothing written)',
      async () => {
        const t = app();
        const { owner, stranger, projectId } = await team(t);
        const { body: other } = await owner.request('POST', `${API}/projects`, { name: 'Other' });
        const foreign = await owner.request('POST', `${API}/projects/${other.id}/labels`, {
          name: 'foreign',
        });
        const before = await rowCounts(t);
        const url = `${API}/projects/${projectId}/tasks`;
        expectError(
          await owner.request('POST', url, { title: 'x', assigneeId: stranger.user!.id }),
          'VALIDATION_FAILED',
        );
        expectError(
          await owner.request('POST', url, { title: 'x', labels: [foreign.body.id] }),
          'VALIDATION_FAILED',
        );
        expect(await rowCounts(t)).toEqual(before);
      },
    );

    it_(
      'updates fields, replaces labels, unassigns; a status change moves it to the end of the new column',
      async () => {
        const t = app();
        const { owner, editor, projectId } = await team(t);
        const l1 = (
          await owner.request('POST', `${API}/projects/${projectId}/labels`, { name: 'one' })
        ).body.id;
        const l2 = (
          await owner.request('POST', `${API}/projects/${projectId}/labels`, { name: 'two' })
        ).body.id;
        await createTask(owner, projectId, { title: 'Already done', status: 'done' });
        const task = await createTask(owner, projectId, {
          assigneeId: editor.user!.id,
          labels: [l1],
        });
        const patched = await editor.request('PATCH', `${API}/tasks/${task.id}`, {
          title: 'Renamed',
          description: 'Now described',
          priority: 'low',
          dueAt: '2031-01-01T00:00:00Z',
          labels: [l2, l1],
          assigneeId: null,
          status: 'done',
        });
        expect(patched.status).toBe(200);
        expect(patched.headers.etag).toBe('"2"');
        expect(patched.body).toMatchObject({
          title: 'Renamed',
          description: 'Now described',
          priority: 'low',
          dueAt: '2031-01-01T00:00:00.000Z',
          assigneeId: null,
          status: 'done',
          version: 2,
        });
        expect(patched.body.labels.map((l: { name: string }) => l.name)).toEqual(['one', 'two']);
        expect(await column(owner, projectId, 'done')).toEqual(['Already done', 'Renamed']);
        const cleared = await editor.request('PATCH', `${API}/tasks/${task.id}`, {
          labels: [],
          dueAt: null,
          description: null,
        });
        expect(cleared.body).toMatchObject({
          labels: [],
          dueAt: null,
          description: null,
          version: 3,
        });
      },
    );

    it_('deletes a task (204) with its comments; then 404', async () => {
      const t = app();
      const { owner, editor, projectId } = await team(t);
      const task = await createTask(owner, projectId);
      await owner.request('POST', `${API}/tasks/${task.id}/comments`, { body: 'bye' });
      expect((await editor.request('DELETE', `${API}/tasks/${task.id}`)).status).toBe(204);
      expectError(await owner.request('GET', `${API}/tasks/${task.id}`), 'NOT_FOUND');
      expectError(await owner.request('DELETE', `${API}/tasks/${task.id}`), 'NOT_FOUND');
      expectError(await owner.request('GET', `${API}/tasks/${task.id}/comments`), 'NOT_FOUND');
      const comments = await t.database.db
        .selectFrom('comments')
        .select('id')
        .where('task_id', '=', task.id)
        .execute();
      expect(comments).toEqual([]);
    });
  });

  describe('ETag and If-Match', () => {
    it_(
      'PATCH with the current ETag applies; with a stale one is 412 with the current version, nothing written',
      async () => {
        const t = app();
        const { owner, editor, projectId } = await team(t);
        const task = await createTask(owner, projectId, { title: 'Contended' });
        const etag = (await owner.request('GET', `${API}/tasks/${task.id}`)).headers.etag as string;
        expect(etag).toBe('"1"');
        const first = await editor.request(
          'PATCH',
          `${API}/tasks/${task.id}`,
          { title: 'Editor wins' },
          { headers: { 'if-match': etag } },
        );
        expect(first.status).toBe(200);
        expect(first.headers.etag).toBe('"2"');

        const before = await rowCounts(t);
        const stale = await owner.request(
          'PATCH',
          `${API}/tasks/${task.id}`,
          { title: 'Owner loses' },
          { headers: { 'if-match': etag } },
        );
        const error = expectError(stale, 'PRECONDITION_FAILED');
        expect(error.details).toMatchObject({
          currentVersion: 2,
          current: { id: task.id, title: 'Editor wins', version: 2 },
        });
        expect(await rowCounts(t)).toEqual(before);
        const now = await owner.request('GET', `${API}/tasks/${task.id}`);
        expect(now.body).toMatchObject({ title: 'Editor wins', version: 2 });

        // Weak ETags, lists and * are understood; no If-Match at all is a plain write.
        expect(
          (
            await owner.request(
              'PATCH',
              `${API}/tasks/${task.id}`,
              { priority: 'high' },
              { headers: { 'if-match': 'W/"2"' } },
            )
          ).status,
        ).toBe(200);
        expect(
          (
            await owner.request(
              'PATCH',
              `${API}/tasks/${task.id}`,
              { priority: 'low' },
              { headers: { 'if-match': '"1", "3"' } },
            )
          ).status,
        ).toBe(200);
        expect(
          (
            await owner.request(
              'PATCH',
              `${API}/tasks/${task.id}`,
              { priority: 'medium' },
              { headers: { 'if-match': '*' } },
            )
          ).status,
        ).toBe(200);
        expect(
          (await owner.request('PATCH', `${API}/tasks/${task.id}`, { priority: 'urgent' })).body
            .version,
        ).toBe(6);
        expectError(
          await owner.request(
            'PATCH',
            `${API}/tasks/${task.id}`,
            { priority: 'low' },
            { headers: { 'if-match': 'banana' } },
          ),
          'VALIDATION_FAILED',
        );
      },
    );

    it_('move and DELETE honour If-Match too (412 when stale, task unchanged)', async () => {
      const t = app();
      const { owner, projectId } = await team(t);
      const task = await createTask(owner, projectId);
      await owner.request('PATCH', `${API}/tasks/${task.id}`, { priority: 'high' });
      const stale = { headers: { 'if-match': '"1"' } };
      const moved = await owner.request(
        'POST',
        `${API}/tasks/${task.id}/move`,
        { status: 'done' },
        stale,
      );
      expect(expectError(moved, 'PRECONDITION_FAILED').details).toMatchObject({
        currentVersion: 2,
      });
      const deleted = await owner.request('DELETE', `${API}/tasks/${task.id}`, undefined, stale);
      expect(expectError(deleted, 'PRECONDITION_FAILED').details).toMatchObject({
        currentVersion: 2,
      });
      expect((await owner.request('GET', `${API}/tasks/${task.id}`)).body).toMatchObject({
        status: 'todo',
        version: 2,
      });
      const fresh = { headers: { 'if-match': '"2"' } };
      const ok = await owner.request(
        'POST',
        `${API}/tasks/${task.id}/move`,
        { status: 'done' },
        fresh,
      );
      expect(ok.status).toBe(200);
      expect(ok.headers.etag).toBe('"3"');
      expect(
        (
          await owner.request('DELETE', `${API}/tasks/${task.id}`, undefined, {
            headers: { 'if-match': '"3"' },
          })
        ).status,
      ).toBe(204);
    });

    it_('concurrent writes with the same ETag: exactly one wins, the others get 412', async () => {
      const t = app();
      const { owner, editor, projectId } = await team(t);
      const task = await createTask(owner, projectId);
      const writers = [owner, editor, owner, editor, owner, editor];
      const replies = await Promise.all(
        writers.map((client, i) =>
          client.request(
            'PATCH',
            `${API}/tasks/${task.id}`,
            { title: `Writer ${i}` },
            { headers: { 'if-match': '"1"' } },
          ),
        ),
      );
      const statuses = replies.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 412, 412, 412, 412, 412]);
      const winner = replies.find((r) => r.status === 200)!;
      const final = await owner.request('GET', `${API}/tasks/${task.id}`);
      expect(final.body).toMatchObject({ version: 2, title: winner.body.title });
    });
  });

  describe('filters and search', () => {
    let t: ReturnType<typeof app>;
    let owner: Client;
    let editorId: string;
    let projectId: string;
    let bugLabel: string;
    const byTitle: Record<string, string> = {};

    beforeAll(async () => {
      if (target.skipReason) return;
      t = app();
      const people = await team(t);
      owner = people.owner;
      editorId = people.editor.user!.id;
      projectId = people.projectId;
      bugLabel = (
        await owner.request('POST', `${API}/projects/${projectId}/labels`, { name: 'bug' })
      ).body.id;
      const tasks: Record<string, unknown>[] = [
        {
          title: 'Write report',
          assigneeId: editorId,
          labels: [bugLabel],
          dueAt: '2030-01-10T00:00:00Z',
        },
        { title: 'Review 50% done', status: 'in_progress', dueAt: '2030-03-01T00:00:00Z' },
        { title: '500 items', description: 'about 50 percent', status: 'done' },
        { title: 'snake_case naming' },
        { title: 'snakeXcase naming', dueAt: '2030-01-31T23:59:59Z' },
        { title: 'Wow! great' },
        { title: 'Wowza great' },
        { title: 'Numbers', description: 'for the quarterly REPORT' },
        { title: 'C:\\temp path' },
      ];
      for (const body of tasks)
        byTitle[body.title as string] = (await createTask(owner, projectId, body)).id;
    });

    const titles = async (query: string) => {
      const reply = await owner.request(
        'GET',
        `${API}/projects/${projectId}/tasks?${query}&limit=200`,
      );
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      return (reply.body.items as Task[]).map((task) => task.title).sort();
    };

    it_.each([
      ['status=done', ['500 items']],
      ['status=in_progress', ['Review 50% done']],
      ['q=report', ['Numbers', 'Write report']],
      ['q=REPORT', ['Numbers', 'Write report']],
      ['q=50%25', ['Review 50% done']],
      ['q=%25', ['Review 50% done']],
      ['q=snake_case', ['snake_case naming']],
      ['q=_', ['snake_case naming']],
      ['q=Wow!', ['Wow! great']],
      ['q=!', ['Wow! great']],
      ['q=%5C', ['C:\\temp path']],
      ['q=percent', ['500 items']],
      ['q=nothing-matches', []],
      ['dueBefore=2030-02-01T00:00:00Z', ['Write report', 'snakeXcase naming']],
      ['dueBefore=2030-01-31T23:59:59Z', ['Write report']],
      ['status=todo&q=naming', ['snake_case naming', 'snakeXcase naming']],
    ])('%s', async (query, expected) => {
      expect(await titles(query)).toEqual([...expected].sort());
    });

    it_('assigneeId=<member> and assigneeId=none', async () => {
      expect(await titles(`assigneeId=${editorId}`)).toEqual(['Write report']);
      const none = await titles('assigneeId=none');
      expect(none).toHaveLength(Object.keys(byTitle).length - 1);
      expect(none).not.toContain('Write report');
      expect(await titles(`assigneeId=${owner.user!.id}`)).toEqual([]);
    });

    it_('label=<id>', async () => {
      expect(await titles(`label=${bugLabel}`)).toEqual(['Write report']);
      expect(await titles('label=01900000-0000-7000-8000-000000000000')).toEqual([]);
    });

    it_.each([
      'status=blocked',
      'dueBefore=tomorrow',
      'dueBefore=2030-02-30T00:00:00Z',
      'sort=random',
      'limit=0',
      'limit=201',
      'limit=ten',
      'cursor=not-a-cursor',
      `cursor=${Buffer.from('{"k":{"a":1},"id":"x"}').toString('base64url')}`,
      `cursor=${Buffer.from('[1,2]').toString('base64url')}`,
      'unknown=1',
      'q=',
      `q=${'x'.repeat(201)}`,
    ])('refuses ?%s with 400', async (query) => {
      const reply = await owner.request('GET', `${API}/projects/${projectId}/tasks?${query}`);
      expectError(reply, 'VALIDATION_FAILED');
    });
  });

  describe('sorting and keyset pagination', () => {
    const COUNT = 55;
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf'];
    const priorities = ['low', 'medium', 'high', 'urgent'];
    const dues = [
      '2030-01-01T00:00:00.000Z',
      '2030-02-01T00:00:00.000Z',
      '2029-12-31T00:00:00.000Z',
      null,
    ];
    let owner: Client;
    let projectId: string;
    let created: string[] = [];

    beforeAll(async () => {
      if (target.skipReason) return;
      const t = app();
      owner = await signUp(t, 'Paginator');
      projectId = (await owner.request('POST', `${API}/projects`, { name: 'Many tasks' })).body.id;
      created = [];
      for (let i = 0; i < COUNT; i++) {
        const task = await createTask(owner, projectId, {
          // Repeating titles, priorities and due dates: ties the id must break.
          title: `${words[i % words.length]} task`,
          priority: priorities[i % priorities.length],
          dueAt: dues[i % dues.length],
          status: i % 5 === 0 ? 'done' : 'todo',
        });
        created.push(task.id);
      }
    });

    const compare = {
      createdAt: (a: Task, b: Task) => a.createdAt.localeCompare(b.createdAt),
      title: (a: Task, b: Task) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0),
      priority: (a: Task, b: Task) => PRIORITY_RANK[a.priority]! - PRIORITY_RANK[b.priority]!,
      dueAt: (a: Task, b: Task) => (a.dueAt ?? '').localeCompare(b.dueAt ?? ''),
      position: (a: Task, b: Task) => a.position - b.position,
    };

    /** Asserts the order: by key in the direction, ties by id in the same direction; null dueAt last. */
    function expectSorted(items: Task[], sort: string) {
      const descending = sort.startsWith('-');
      const key = (descending ? sort.slice(1) : sort) as keyof typeof compare;
      for (let i = 1; i < items.length; i++) {
        const [a, b] = [items[i - 1]!, items[i]!];
        if (key === 'dueAt' && (a.dueAt === null || b.dueAt === null)) {
          expect(a.dueAt === null && b.dueAt !== null, `null dueAt must come last (${sort})`).toBe(
            false,
          );
          if (a.dueAt !== null) continue;
        }
        let order = compare[key](a, b);
        if (key === 'dueAt' && a.dueAt === null) order = 0;
        if (order === 0) order = a.id < b.id ? -1 : 1;
        expect(
          descending ? -order : order,
          `${sort}: ${a.title}/${a.id} before ${b.title}/${b.id}`,
        ).toBeLessThan(0);
      }
    }

    it_.each([
      'position',
      'createdAt',
      '-createdAt',
      'dueAt',
      '-dueAt',
      'priority',
      '-priority',
      'title',
      '-title',
      'updatedAt',
      '-updatedAt',
    ])(
      'sort=%s: 8 pages of 7, no duplicates, no gaps, nextCursor null at the end',
      async (sort) => {
        const pages = await allPages(
          owner,
          `${API}/projects/${projectId}/tasks?sort=${sort}&limit=7`,
        );
        expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 7, 7, 7, 7, 6]);
        const items = pages.flat();
        expect(new Set(ids(items)).size).toBe(COUNT);
        expect(new Set(ids(items))).toEqual(new Set(created));
        const single = await owner.request(
          'GET',
          `${API}/projects/${projectId}/tasks?sort=${sort}&limit=200`,
        );
        expect(single.body.nextCursor).toBeNull();
        expect(ids(items)).toEqual(ids(single.body.items));
        if (!sort.endsWith('pdatedAt')) expectSorted(items, sort);
      },
    );

    it_('createdAt order is the order of creation; -createdAt its reverse', async () => {
      const asc = (
        await allPages(owner, `${API}/projects/${projectId}/tasks?sort=createdAt&limit=10`)
      ).flat();
      expect(ids(asc)).toEqual(created);
      const desc = (
        await allPages(owner, `${API}/projects/${projectId}/tasks?sort=-createdAt&limit=10`)
      ).flat();
      expect(ids(desc)).toEqual([...created].reverse());
    });

    it_('pages through a filtered list too', async () => {
      const pages = await allPages(
        owner,
        `${API}/projects/${projectId}/tasks?status=todo&sort=-dueAt&limit=4`,
      );
      const items = pages.flat();
      expect(items).toHaveLength(COUNT - Math.ceil(COUNT / 5));
      expect(items.every((task) => task.status === 'todo')).toBe(true);
      expect(new Set(ids(items)).size).toBe(items.length);
      expectSorted(items, '-dueAt');
      expect(pages.at(-1)!.length).toBeGreaterThan(0);
    });

    it_('limit defaults to 50 and goes up to 200', async () => {
      const first = await owner.request('GET', `${API}/projects/${projectId}/tasks`);
      expect(first.body.items).toHaveLength(50);
      expect(typeof first.body.nextCursor).toBe('string');
      const rest = await owner.request(
        'GET',
        `${API}/projects/${projectId}/tasks?cursor=${first.body.nextCursor}`,
      );
      expect(rest.body.items).toHaveLength(COUNT - 50);
      expect(rest.body.nextCursor).toBeNull();
      const max = await owner.request('GET', `${API}/projects/${projectId}/tasks?limit=200`);
      expect(max.body.items).toHaveLength(COUNT);
      expect(max.body.nextCursor).toBeNull();
      const exact = await owner.request('GET', `${API}/projects/${projectId}/tasks?limit=${COUNT}`);
      expect(exact.body.nextCursor).toBeNull();
    });
  });

  describe('kanban moves', () => {
    it_('moves before another task, to the end, and across columns', async () => {
      const t = app();
      const { owner, editor, projectId } = await team(t);
      const a = await createTask(owner, projectId, { title: 'A' });
      const b = await createTask(owner, projectId, { title: 'B' });
      const c = await createTask(owner, projectId, { title: 'C' });
      const move = (id: string, body: Record<string, unknown>) =>
        editor.request('POST', `${API}/tasks/${id}/move`, body);

      const moved = await move(c.id, { status: 'todo', beforeId: a.id });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ status: 'todo', version: 2 });
      expect(await column(owner, projectId, 'todo')).toEqual(['C', 'A', 'B']);
      expect((await move(c.id, { status: 'todo', beforeId: b.id })).status).toBe(200);
      expect(await column(owner, projectId, 'todo')).toEqual(['A', 'C', 'B']);
      expect((await move(a.id, { status: 'todo' })).status).toBe(200);
      expect(await column(owner, projectId, 'todo')).toEqual(['C', 'B', 'A']);

      expect((await move(b.id, { status: 'in_progress' })).status).toBe(200);
      expect((await move(a.id, { status: 'in_progress', beforeId: b.id })).status).toBe(200);
      expect((await move(c.id, { status: 'in_progress', beforeId: null })).status).toBe(200);
      expect(await column(owner, projectId, 'in_progress')).toEqual(['A', 'B', 'C']);
      expect(await column(owner, projectId, 'todo')).toEqual([]);
      expect((await owner.request('GET', `${API}/projects/${projectId}`)).body.taskCounts).toEqual({
        todo: 0,
        in_progress: 3,
        done: 0,
      });
    });

    it_(
      'refuses a beforeId that is itself, in another column or in another project (400, nothing written)',
      async () => {
        const t = app();
        const { owner, projectId } = await team(t);
        const a = await createTask(owner, projectId, { title: 'A' });
        const done = await createTask(owner, projectId, { title: 'Done', status: 'done' });
        const { body: other } = await owner.request('POST', `${API}/projects`, {
          name: 'Elsewhere',
        });
        const foreign = await createTask(owner, other.id, { title: 'Foreign' });
        const before = await rowCounts(t);
        for (const body of [
          { status: 'todo', beforeId: a.id },
          { status: 'todo', beforeId: done.id },
          { status: 'todo', beforeId: foreign.id },
          { status: 'todo', beforeId: '01900000-0000-7000-8000-000000000000' },
          { status: 'archived' },
          {},
          { status: 'todo', position: 3 },
        ]) {
          expectError(
            await owner.request('POST', `${API}/tasks/${a.id}/move`, body),
            'VALIDATION_FAILED',
          );
        }
        expect(await rowCounts(t)).toEqual(before);
        expect((await owner.request('GET', `${API}/tasks/${a.id}`)).body.version).toBe(1);
      },
    );

    it_('keeps the order when repeated moves use up the gap between two tasks', async () => {
      const t = app();
      const owner = await signUp(t, 'Mover');
      const projectId = (await owner.request('POST', `${API}/projects`, { name: 'Tight' })).body.id;
      const tasks: Record<string, string> = {};
      for (const title of ['A', 'P', 'Q', 'B'])
        tasks[title] = (await createTask(owner, projectId, { title })).id;
      // Alternately put P and Q just before B: every move halves the gap before B.
      for (let i = 0; i < 60; i++) {
        const mover = i % 2 === 0 ? tasks.P! : tasks.Q!;
        const reply = await owner.request('POST', `${API}/tasks/${mover}/move`, {
          status: 'todo',
          beforeId: tasks.B,
        });
        expect(reply.status).toBe(200);
      }
      expect(await column(owner, projectId, 'todo')).toEqual(['A', 'P', 'Q', 'B']);
      const reply = await owner.request('GET', `${API}/projects/${projectId}/tasks?status=todo`);
      const positions = (reply.body.items as Task[]).map((task) => task.position);
      expect(new Set(positions).size).toBe(4);
    });
  });

  describe('activity', () => {
    it_(
      'records who did what: create, update, move, comment, delete (newest first, paginated)',
      async () => {
        const t = app();
        const { owner, editor, viewer, projectId } = await team(t);
        const task = await createTask(editor, projectId, { title: 'Tracked' });
        await editor.request('PATCH', `${API}/tasks/${task.id}`, { priority: 'high' });
        await owner.request('POST', `${API}/tasks/${task.id}/move`, { status: 'done' });
        await editor.request('POST', `${API}/tasks/${task.id}/comments`, { body: 'Shipped' });
        const other = await createTask(owner, projectId, { title: 'Other' });

        const forTask = await viewer.request('GET', `${API}/tasks/${task.id}/activity`);
        expect(forTask.status).toBe(200);
        expect(
          forTask.body.items.map((e: { action: string; actor: { name: string } }) => [
            e.action,
            e.actor.name,
          ]),
        ).toEqual([
          ['comment.added', 'Editor'],
          ['task.moved', 'Owner'],
          ['task.updated', 'Editor'],
          ['task.created', 'Editor'],
        ]);
        const moved = forTask.body.items[1];
        expect(moved).toMatchObject({
          projectId,
          taskId: task.id,
          details: { from: 'todo', to: 'done' },
        });
        expect(moved.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
        expect(forTask.body.items[2].details.fields).toEqual(['priority']);

        expect((await owner.request('DELETE', `${API}/tasks/${task.id}`)).status).toBe(204);
        const pages = await allPages(viewer, `${API}/projects/${projectId}/activity?limit=3`);
        const entries = pages.flat() as unknown as {
          id: string;
          action: string;
          taskId: string | null;
        }[];
        expect(pages.length).toBeGreaterThan(2);
        expect(new Set(ids(entries)).size).toBe(entries.length);
        expect(entries.map((e) => e.action)).toEqual([
          'task.deleted',
          'task.created',
          'comment.added',
          'task.moved',
          'task.updated',
          'task.created',
          'member.added',
          'member.added',
          'project.created',
        ]);
        expect(entries[1]!.taskId).toBe(other.id);
        expectError(
          await viewer.request('GET', `${API}/projects/${projectId}/activity?cursor=zzz`),
          'VALIDATION_FAILED',
        );
        expectError(
          await viewer.request('GET', `${API}/projects/${projectId}/activity?limit=500`),
          'VALIDATION_FAILED',
        );
      },
    );
  });
});
