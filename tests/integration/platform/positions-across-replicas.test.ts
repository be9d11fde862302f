// Issue 11, finding 8: positions within a board column stay unique and totally ordered however
// many writes place tasks at once. Real HTTP against two service processes on one database, the
// requests spread over both: creates, moves to the end of a column, moves before one task.
import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../support/databases.js';
import { ApiClient } from '../../support/http.js';
import { useReplicas } from '../../support/replicas.js';
import type { Service } from '../../support/service.js';

const API = '/api/v1';
const PASSWORD = 'correct horse battery staple';
const TASKS = 50;

interface Task {
  id: string;
  status: string;
  position: number;
}

describe.each(testDatabases)('task positions under concurrency on $name', (target) => {
  const it_ = it.skipIf(target.skipReason);
  const replicas = useReplicas(target);
  const clients: ApiClient[] = [];
  let projectId = '';

  beforeAll(async () => {
    if (target.skipReason) return;
    const [a, b] = replicas.services as [Service, Service];
    const onA = new ApiClient(a.url);
    await onA.register(`mover.${Date.now().toString(36)}@example.com`, PASSWORD, 'Mover');
    const onB = new ApiClient(b.url);
    onB.cookie = onA.cookie;
    onB.csrfToken = onA.csrfToken;
    clients.push(onA, onB);
    projectId = (await onA.ok('POST', `${API}/projects`, { name: 'Board' })).body.id as string;
  });

  /** The column in board order, three times over (from either replica): always the same. */
  async function column(status: string): Promise<Task[]> {
    const reads = await Promise.all(
      [0, 1, 0].map(async (i) => {
        const reply = await clients[i]!.ok(
          'GET',
          `${API}/projects/${projectId}/tasks?status=${status}&sort=position&limit=200`,
        );
        return reply.body.items as Task[];
      }),
    );
    for (const read of reads.slice(1))
      expect(read.map((t) => t.id)).toEqual(reads[0]!.map((t) => t.id));
    return reads[0]!;
  }

  /** Every position distinct, and the board order strictly ascending in it. */
  function expectTotallyOrdered(tasks: Task[], count: number) {
    expect(tasks).toHaveLength(count);
    const positions = tasks.map((t) => t.position);
    expect(new Set(positions).size).toBe(count);
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
  }

  it_('50 tasks created at once get 50 distinct positions', async () => {
    const created = await Promise.all(
      Array.from({ length: TASKS }, (_, i) =>
        clients[i % 2]!.ok('POST', `${API}/projects/${projectId}/tasks`, { title: `Task ${i}` }),
      ),
    );
    expect(created.map((r) => r.body.status as string)).toEqual(Array(TASKS).fill('todo'));
    expectTotallyOrdered(await column('todo'), TASKS);
  });

  it_('50 parallel moves to the end of one column leave 50 distinct positions', async () => {
    const todo = await column('todo');
    const moved = await Promise.all(
      todo.map((task, i) =>
        clients[i % 2]!.request('POST', `${API}/tasks/${task.id}/move`, { status: 'done' }),
      ),
    );
    expect(moved.map((r) => r.status)).toEqual(Array(TASKS).fill(200));
    const done = await column('done');
    expectTotallyOrdered(done, TASKS);
    // Each move answered with the place it took.
    const answered = new Map(moved.map((r) => [r.body.id as string, r.body.position as number]));
    for (const task of done) expect(task.position).toBe(answered.get(task.id));
  });

  it_(
    'parallel moves before one task all land between it and its neighbour, distinct',
    async () => {
      const done = await column('done');
      const anchor = done[1]!;
      const movers = done.slice(10, 30);
      const moved = await Promise.all(
        movers.map((task, i) =>
          clients[i % 2]!.request('POST', `${API}/tasks/${task.id}/move`, {
            status: 'done',
            beforeId: anchor.id,
          }),
        ),
      );
      expect(moved.map((r) => r.status)).toEqual(Array(movers.length).fill(200));
      const after = await column('done');
      expectTotallyOrdered(after, TASKS);
      // The column reads: the first task, the movers (in the order their moves were applied), then
      // the anchor and everything else.
      const ids = after.map((t) => t.id);
      expect(ids[0]).toBe(done[0]!.id);
      expect(new Set(ids.slice(1, 1 + movers.length))).toEqual(new Set(movers.map((t) => t.id)));
      expect(ids[1 + movers.length]).toBe(anchor.id);
    },
  );
});
