// The scenarios: each one a generator of requests (authenticated with the data set's API token)
// and a hook for its response. Writes keep the versions they are answered with, so every
// If-Match is current and a 412 means a real lost-update conflict, counted as an error.
import type { Fixtures } from './data.js';
import { SEARCH_TERM } from './data.js';

export interface BenchRequest {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Called with the response (status and body text). */
  done?: (status: number, body: string) => void;
}

export interface Scenario {
  name: string;
  kind: 'read' | 'write' | 'mixed';
  description: string;
  next(): BenchRequest;
}

const NEXT_STATUS: Record<string, string> = {
  todo: 'in_progress',
  in_progress: 'done',
  done: 'todo',
};

/** Tasks that the update scenarios change, one request at a time per task. */
class TaskPool {
  private cursor = 0;
  private readonly busy = new Set<string>();

  constructor(private readonly tasks: Fixtures['tasks']) {
    if (tasks.length === 0) throw new Error('the benchmark project has no tasks');
  }

  take() {
    for (let i = 0; i < this.tasks.length; i++) {
      const task = this.tasks[this.cursor++ % this.tasks.length]!;
      if (!this.busy.has(task.id)) {
        this.busy.add(task.id);
        return task;
      }
    }
    throw new Error('every task of the pool has a request in flight');
  }

  release(task: Fixtures['tasks'][number], status: number, body: string) {
    this.busy.delete(task.id);
    if (status === 200 || status === 412) {
      try {
        const parsed = JSON.parse(body) as {
          version?: number;
          status?: string;
          error?: { details?: { current?: { version: number; status: string } } };
        };
        const current = status === 200 ? parsed : parsed.error?.details?.current;
        if (current?.version !== undefined) task.version = current.version;
        if (current?.status !== undefined) task.status = current.status;
      } catch {
        // an unreadable body is already counted by its status
      }
    }
  }
}

export function buildScenarios(token: string, projectId: string, fixtures: Fixtures): Scenario[] {
  const auth = { authorization: `Bearer ${token}`, accept: 'application/json' };
  const json = { ...auth, 'content-type': 'application/json' };
  const tasksPath = `/api/v1/projects/${projectId}/tasks`;
  const pool = new TaskPool(fixtures.tasks.map((t) => ({ ...t })));
  let getIndex = 0;
  let deepIndex = 0;
  let created = 0;
  if (fixtures.deepCursors.length === 0) throw new Error('no deep-page cursor in the data set');

  const list = (): BenchRequest => ({
    method: 'GET',
    path: `${tasksPath}?limit=50`,
    headers: auth,
  });
  const filtered = (): BenchRequest => ({
    method: 'GET',
    path: `${tasksPath}?status=todo&q=${SEARCH_TERM}&limit=50`,
    headers: auth,
  });
  const deep = (): BenchRequest => ({
    method: 'GET',
    path: `${tasksPath}?limit=50&cursor=${fixtures.deepCursors[deepIndex++ % fixtures.deepCursors.length]}`,
    headers: auth,
  });
  const get = (): BenchRequest => ({
    method: 'GET',
    path: `/api/v1/tasks/${fixtures.tasks[getIndex++ % fixtures.tasks.length]!.id}`,
    headers: auth,
  });
  const create = (): BenchRequest => ({
    method: 'POST',
    path: tasksPath,
    headers: json,
    body: JSON.stringify({
      title: `Benchmark task ${++created}`,
      description: 'Created by the load driver',
      priority: 'high',
    }),
  });
  const update = (): BenchRequest => {
    const task = pool.take();
    return {
      method: 'PATCH',
      path: `/api/v1/tasks/${task.id}`,
      headers: { ...json, 'if-match': `"${task.version}"` },
      body: JSON.stringify({ status: NEXT_STATUS[task.status] ?? 'todo' }),
      done: (status, body) => pool.release(task, status, body),
    };
  };
  // 80 % reads, 20 % writes, interleaved evenly.
  const mixedPattern = [list, get, filtered, list, update, deep, get, list, get, create];
  let mixedIndex = 0;
  const readPattern = [list, get, filtered, deep];
  let readIndex = 0;

  return [
    {
      name: 'list',
      kind: 'read',
      description: "first page (50) of a project's tasks",
      next: list,
    },
    {
      name: 'list-filter-search',
      kind: 'read',
      description: `status filter and search term "${SEARCH_TERM}"`,
      next: filtered,
    },
    {
      name: 'deep-page',
      kind: 'read',
      description: 'a page 50-90 % deep through the cursor',
      next: deep,
    },
    { name: 'get-task', kind: 'read', description: 'one task by id', next: get },
    { name: 'create-task', kind: 'write', description: 'create a task', next: create },
    {
      name: 'update-status',
      kind: 'write',
      description: "change a task's status with If-Match",
      next: update,
    },
    {
      name: 'mixed',
      kind: 'mixed',
      description: '80 % reads (list, filter, deep, get), 20 % writes (create, update)',
      next: () => mixedPattern[mixedIndex++ % mixedPattern.length]!(),
    },
    {
      name: 'warmup',
      kind: 'read',
      description: 'the read scenarios in turn',
      next: () => readPattern[readIndex++ % readPattern.length]!(),
    },
  ];
}
