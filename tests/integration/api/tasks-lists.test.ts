// Task lists: filters and search, sorts, keyset pagination over several pages.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import {
  API,
  PRIORITY_RANK,
  allPages,
  createTask,
  expectError,
  ids,
  signUp,
  team,
  useApp,
} from './helpers.js';
import type { Task } from './helpers.js';

describe.each(testDatabases)('tasks on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);

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
        { title: 'Wow! great', priority: 'urgent' },
        { title: 'Wowza great', priority: 'low' },
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
      // dueAfter is inclusive; with dueBefore a half-open range (a calendar's month).
      ['dueAfter=2030-01-31T23:59:59Z', ['Review 50% done', 'snakeXcase naming']],
      ['dueAfter=2030-02-01T00:00:00Z', ['Review 50% done']],
      [
        'dueAfter=2030-01-01T00:00:00Z&dueBefore=2030-02-01T00:00:00Z',
        ['Write report', 'snakeXcase naming'],
      ],
      ['dueAfter=2030-01-10T00:00:00.001Z&dueBefore=2030-02-01T00:00:00Z', ['snakeXcase naming']],
      ['dueAfter=2030-02-01T00:00:00Z&dueBefore=2030-02-01T00:00:00Z', []],
      [
        'dueAfter=2030-01-01T00:00:00%2B01:00&sort=dueAt',
        ['Review 50% done', 'Write report', 'snakeXcase naming'],
      ],
      ['status=todo&q=naming', ['snake_case naming', 'snakeXcase naming']],
      ['priority=urgent', ['Wow! great']],
      ['priority=low&q=great', ['Wowza great']],
      ['priority=high', []],
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
      'priority=critical',
      'dueBefore=tomorrow',
      'dueBefore=2030-02-30T00:00:00Z',
      'dueAfter=tomorrow',
      'dueAfter=2030-02-30T00:00:00Z',
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

    it_(
      'pages through a due-date range (dueAfter and dueBefore, as the calendar asks)',
      async () => {
        const range = `dueAfter=${encodeURIComponent('2030-01-01T00:00:00Z')}&dueBefore=${encodeURIComponent('2030-02-01T00:00:00.001Z')}`;
        const pages = await allPages(
          owner,
          `${API}/projects/${projectId}/tasks?${range}&sort=dueAt&limit=5`,
        );
        const items = pages.flat();
        // Every task due on 2030-01-01 or 2030-02-01 (dues[0], dues[1]), each once;
        // none undated or outside the range.
        expect(ids(items).sort()).toEqual(created.filter((_, i) => i % dues.length < 2).sort());
        expectSorted(items, 'dueAt');
      },
    );

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
});
