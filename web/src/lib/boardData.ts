// Loading a whole board: every task of the project in kanban order. The three columns load in
// parallel, and the project screen starts this while it loads the project itself, so that the
// board does not wait for one request after another.
import { tasks as tasksApi } from '../api/endpoints';
import type { Status, Task } from '../api/types';
import { STATUSES } from '../api/types';

const PAGE_SIZE = 200;

async function loadColumn(projectId: string, status: Status): Promise<Task[]> {
  const all: Task[] = [];
  let cursor: string | undefined;
  do {
    const page = await tasksApi.list(projectId, {
      status,
      sort: 'position',
      limit: PAGE_SIZE,
      cursor,
    });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

export async function loadBoardTasks(projectId: string): Promise<Task[]> {
  const columns = await Promise.all(STATUSES.map((status) => loadColumn(projectId, status)));
  return columns.flat();
}

let prefetched: { projectId: string; at: number; promise: Promise<Task[]> } | undefined;

/** Starts loading a board now; the board screen picks it up if it asks within a few seconds. */
export function prefetchBoardTasks(projectId: string): void {
  const promise = loadBoardTasks(projectId);
  promise.catch(() => undefined);
  prefetched = { projectId, at: Date.now(), promise };
}

export function boardTasks(projectId: string): Promise<Task[]> {
  const hit = prefetched;
  prefetched = undefined;
  if (hit && hit.projectId === projectId && Date.now() - hit.at < 5_000) return hit.promise;
  return loadBoardTasks(projectId);
}
