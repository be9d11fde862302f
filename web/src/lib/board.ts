// Pure board logic, kept apart from React so that it reads (and can be tested) on its own.
import type { Column, Status, Task } from '../api/types';

/** The board's cards: the project's columns in board order, and each column's card ids. */
export interface Columns {
  order: string[];
  cards: Record<string, string[]>;
}

// A column is a drop target too, beside its cards: its drag id must not be mistaken for a task's.
const COLUMN_PREFIX = 'column:';

/** The drag-and-drop id of a column. */
export const columnDropId = (columnId: string) => `${COLUMN_PREFIX}${columnId}`;

/** The column a drag id names, if it names a column (not a card). */
export function droppedColumn(value: unknown): string | undefined {
  return typeof value === 'string' && value.startsWith(COLUMN_PREFIX)
    ? value.slice(COLUMN_PREFIX.length)
    : undefined;
}

export const isColumnDrop = (value: unknown) => droppedColumn(value) !== undefined;

/**
 * Groups tasks by column, keeping the order the service returned them in (the kanban order). A
 * task of a column the board does not know (created since) goes to the first column of its status.
 */
export function toColumns(columns: readonly Column[], tasks: readonly Task[]): Columns {
  const cards: Record<string, string[]> = {};
  for (const column of columns) cards[column.id] = [];
  for (const task of tasks) {
    const home =
      cards[task.columnId] ?? cards[columns.find((c) => c.category === task.status)?.id ?? ''];
    home?.push(task.id);
  }
  return { order: columns.map((column) => column.id), cards };
}

/** The column holding card `id`, or the column a column's drag id names. */
export function findColumn(columns: Columns, id: string): string | undefined {
  const dropped = droppedColumn(id);
  if (dropped !== undefined) return columns.cards[dropped] ? dropped : undefined;
  return columns.order.find((column) => columns.cards[column]?.includes(id));
}

/** Moves `id` into column `to` just before `beforeId` (or to the end), removing it elsewhere. */
export function placeBefore(
  columns: Columns,
  id: string,
  to: string,
  beforeId: string | undefined,
): Columns {
  const cards: Record<string, string[]> = {};
  for (const column of columns.order)
    cards[column] = (columns.cards[column] ?? []).filter((x) => x !== id);
  const target = cards[to];
  if (!target) return columns;
  const index = beforeId ? target.indexOf(beforeId) : -1;
  if (index === -1) target.push(id);
  else target.splice(index, 0, id);
  return { order: columns.order, cards };
}

/** Where a card held over another column would go: before `beforeId`, or at the end. */
export interface DropTarget {
  columnId: string;
  beforeId: string | undefined;
}

/**
 * Where card `id`, held by the pointer over `overId` (a card, or a column's drop id), would land
 * in another column: before that card, or after it when the pointer is on its lower half (`below`).
 * Undefined over the card's own column, which its sortable list orders as it is dragged.
 */
export function dropTargetOf(
  columns: Columns,
  id: string,
  overId: string,
  below: boolean,
): DropTarget | undefined {
  const from = findColumn(columns, id);
  const to = findColumn(columns, overId);
  if (!to || to === from) return undefined;
  if (isColumnDrop(overId)) return { columnId: to, beforeId: undefined };
  const list = columns.cards[to] ?? [];
  return { columnId: to, beforeId: below ? list[list.indexOf(overId) + 1] : overId };
}

export const sameDropTarget = (a: DropTarget | undefined, b: DropTarget | undefined) =>
  a === b || (!!a && !!b && a.columnId === b.columnId && a.beforeId === b.beforeId);

/** Each column's cards that `keep` keeps (the filter's). */
export function filterColumns(columns: Columns, keep: (id: string) => boolean): Columns {
  const cards: Record<string, string[]> = {};
  for (const column of columns.order) cards[column] = (columns.cards[column] ?? []).filter(keep);
  return { order: columns.order, cards };
}

export function cardCount(columns: Columns): number {
  return columns.order.reduce((sum, column) => sum + (columns.cards[column]?.length ?? 0), 0);
}

export interface Placement {
  columnId: string;
  index: number;
  beforeId: string | undefined;
}

export function placementOf(columns: Columns, id: string): Placement | undefined {
  const columnId = findColumn(columns, id);
  if (!columnId) return undefined;
  const list = columns.cards[columnId] ?? [];
  const index = list.indexOf(id);
  return { columnId, index, beforeId: list[index + 1] };
}

export function samePlacement(a: Placement | undefined, b: Placement | undefined): boolean {
  return !!a && !!b && a.columnId === b.columnId && a.beforeId === b.beforeId;
}

/**
 * The `beforeId` that moves column `id` one place left (-1) or right (+1), as PATCH /columns
 * takes it: null for the end. Undefined when it is already at that edge.
 */
export function columnStep(
  order: readonly string[],
  id: string,
  step: -1 | 1,
): string | null | undefined {
  const index = order.indexOf(id);
  if (index === -1) return undefined;
  if (step === -1) return index > 0 ? order[index - 1] : undefined;
  if (index >= order.length - 1) return undefined;
  return order[index + 2] ?? null;
}

/** Whether a column with `count` tasks is over its WIP limit (none: never). */
export const overLimit = (count: number, wipLimit: number | null | undefined) =>
  wipLimit != null && count > wipLimit;

/** The names the service gives a new project's columns (and the ones a migration added). */
const STARTING_NAMES: Record<Status, string> = {
  todo: 'To do',
  in_progress: 'In progress',
  done: 'Done',
};

/**
 * The name a column is shown by. The three a project starts with keep the name of their status
 * in the UI's language ("Por hacer" in Spanish) until someone renames them.
 */
export function columnName(
  column: Pick<Column, 'name' | 'category'>,
  statusName: (status: Status) => string,
): string {
  return column.name === STARTING_NAMES[column.category]
    ? statusName(column.category)
    : column.name;
}

/** The name column `id` is shown by, if it is one of `columns` (else undefined). */
export function nameOfColumn(
  columns: readonly Column[] | undefined,
  id: string,
  statusName: (status: Status) => string,
): string | undefined {
  const column = columns?.find((c) => c.id === id);
  return column && columnName(column, statusName);
}

/**
 * A column among the project's as a choice (the task page's Status): its name, and its category
 * when the name does not say it ("Review (In progress)").
 */
export function columnChoice(
  column: Pick<Column, 'name' | 'category'>,
  statusName: (status: Status) => string,
): string {
  const name = columnName(column, statusName);
  const category = statusName(column.category);
  return name === category ? name : `${name} (${category})`;
}
