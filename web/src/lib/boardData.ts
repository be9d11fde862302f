// Loading a whole board: the project's columns, then every task of each in kanban order. The
// columns' tasks load in parallel, and the project screen starts this while it loads the project
// itself, so that the board does not wait for one request after another.
import { columns as columnsApi, tasks as tasksApi } from '../api/endpoints';
import type { Column, Task } from '../api/types';

const PAGE_SIZE = 200;

export interface BoardData {
  /** In board order. */
  columns: Column[];
  /** Column by column, each in its kanban order. */
  tasks: Task[];
}

async function loadColumn(projectId: string, columnId: string): Promise<Task[]> {
  const all: Task[] = [];
  let cursor: string | undefined;
  do {
    const page = await tasksApi.list(projectId, {
      columnId,
      sort: 'position',
      limit: PAGE_SIZE,
      cursor,
    });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

export async function loadBoard(projectId: string): Promise<BoardData> {
  const columns = await columnsApi.list(projectId);
  const tasks = await Promise.all(columns.map((column) => loadColumn(projectId, column.id)));
  return { columns, tasks: tasks.flat() };
}

let prefetched: { projectId: string; at: number; promise: Promise<BoardData> } | undefined;

/** Starts loading a board now; the board screen picks it up if it asks within a few seconds. */
export function prefetchBoard(projectId: string): void {
  const promise = loadBoard(projectId);
  promise.catch(() => undefined);
  prefetched = { projectId, at: Date.now(), promise };
}

export function boardData(projectId: string): Promise<BoardData> {
  const hit = prefetched;
  prefetched = undefined;
  if (hit && hit.projectId === projectId && Date.now() - hit.at < 5_000) return hit.promise;
  return loadBoard(projectId);
}
