// Pure board logic, kept apart from React so that it reads (and can be tested) on its own.
import type { Status, Task } from '../api/types';
import { STATUSES } from '../api/types';

export type Columns = Record<Status, string[]>;

export function isStatus(value: unknown): value is Status {
  return typeof value === 'string' && (STATUSES as readonly string[]).includes(value);
}

/** Groups tasks by status, keeping the order the service returned them in (the kanban order). */
export function toColumns(tasks: readonly Task[]): Columns {
  const columns: Columns = { todo: [], in_progress: [], done: [] };
  for (const task of tasks) columns[task.status].push(task.id);
  return columns;
}

export function findColumn(columns: Columns, id: string): Status | undefined {
  if (isStatus(id)) return id;
  return STATUSES.find((status) => columns[status].includes(id));
}

/** Moves `id` into column `to` just before `beforeId` (or to the end), removing it elsewhere. */
export function placeBefore(
  columns: Columns,
  id: string,
  to: Status,
  beforeId: string | undefined,
): Columns {
  const next: Columns = {
    todo: columns.todo.filter((x) => x !== id),
    in_progress: columns.in_progress.filter((x) => x !== id),
    done: columns.done.filter((x) => x !== id),
  };
  const target = next[to];
  const index = beforeId ? target.indexOf(beforeId) : -1;
  if (index === -1) target.push(id);
  else target.splice(index, 0, id);
  return next;
}

export interface Placement {
  status: Status;
  index: number;
  beforeId: string | undefined;
}

export function placementOf(columns: Columns, id: string): Placement | undefined {
  const status = findColumn(columns, id);
  if (!status) return undefined;
  const list = columns[status];
  const index = list.indexOf(id);
  return { status, index, beforeId: list[index + 1] };
}

export function samePlacement(a: Placement | undefined, b: Placement | undefined): boolean {
  return !!a && !!b && a.status === b.status && a.beforeId === b.beforeId;
}
