// SQL for a project's board columns, and the placement of tasks in them: the lock every
// placement takes, and a column's last position. Positions are numbered per status (a column's
// category): the tasks of one column are a subsequence of their status' order, so placing before
// a task of the column or after its status' last task places within the column.
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { inLockedTransaction } from '../../db/locks.js';
import type { ProjectColumnRow, TaskRow } from '../../db/types.js';

export type Category = ProjectColumnRow['category'];

/** The columns a new project starts with: the board of before columns could be changed. */
export const DEFAULT_COLUMNS: readonly { name: string; category: Category }[] = [
  { name: 'To do', category: 'todo' },
  { name: 'In progress', category: 'in_progress' },
  { name: 'Done', category: 'done' },
];

/**
 * Runs `fn` in a transaction that is the only one placing tasks in the project's columns (or
 * changing the columns), on any replica. A placement reads the neighbouring positions, then
 * writes: two at once would read the same last position and both take it (issue 11, finding 8).
 * Not a lock on the project row: every activity insert takes a shared lock on it (its foreign
 * key), so an edit holding its task's row would deadlock with a move waiting for that task.
 */
export const inPlacementTransaction = <T>(
  db: Db,
  projectId: string,
  fn: (trx: Db) => Promise<T>,
): Promise<T> => inLockedTransaction(db, `taskmanager.placements.${projectId}`, fn);

export const POSITION_STEP = 1024;

// Placement is among a status' active tasks (tasks_column_idx): an archived task keeps its old
// position, unused, and is placed at the end of its column again when restored.

/** The largest position of a status (excluding one task), or undefined when it has none. */
export async function lastPosition(
  db: Db,
  projectId: string,
  status: TaskRow['status'],
  excludeId?: string,
): Promise<number | undefined> {
  let q = db
    .selectFrom('tasks')
    .select('position')
    .where('project_id', '=', projectId)
    .where('status', '=', status)
    .where('archived_at', 'is', null);
  if (excludeId) q = q.where('id', '!=', excludeId);
  const row = await q.orderBy('position', 'desc').limit(1).executeTakeFirst();
  return row ? Number(row.position) : undefined;
}

export const listColumns = (db: Db, projectId: string): Promise<ProjectColumnRow[]> =>
  db
    .selectFrom('project_columns')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('position')
    .orderBy('id')
    .execute();

export const findColumn = (db: Db, columnId: string): Promise<ProjectColumnRow | undefined> =>
  db.selectFrom('project_columns').selectAll().where('id', '=', columnId).executeTakeFirst();

export const insertColumns = (db: Db, rows: ProjectColumnRow[]) =>
  db.insertInto('project_columns').values(rows).execute();

export const updateColumn = (
  db: Db,
  columnId: string,
  changes: Partial<Omit<ProjectColumnRow, 'id' | 'project_id' | 'category'>>,
) => db.updateTable('project_columns').set(changes).where('id', '=', columnId).execute();

export const deleteColumn = (db: Db, columnId: string) =>
  db.deleteFrom('project_columns').where('id', '=', columnId).execute();

/**
 * Names the column of every task of the project that has none (null: the first column of its
 * status), before a change of the columns could make another column the first.
 */
export async function pinTaskColumns(db: Db, projectId: string, columns: ProjectColumnRow[]) {
  for (const { category } of DEFAULT_COLUMNS) {
    const first = columns.find((c) => c.category === category);
    if (!first) continue;
    await db
      .updateTable('tasks')
      .set({ column_id: first.id })
      .where('project_id', '=', projectId)
      .where('status', '=', category)
      .where('column_id', 'is', null)
      .execute();
  }
}

/** How many tasks, active and archived, a column holds (after pinTaskColumns). */
export async function countTasks(db: Db, columnId: string): Promise<number> {
  const row = await db
    .selectFrom('tasks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('column_id', '=', columnId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Moves every task of column `from` into `to`: active ones to the end of it in their order,
 * archived ones with it (placed when restored). Each task's version moves on.
 */
export async function moveTasks(
  db: Db,
  projectId: string,
  from: ProjectColumnRow,
  to: ProjectColumnRow,
  at: number,
): Promise<number> {
  const active = await db
    .selectFrom('tasks')
    .select('id')
    .where('column_id', '=', from.id)
    .where('archived_at', 'is', null)
    .orderBy('position')
    .orderBy('id')
    .execute();
  let position = (await lastPosition(db, projectId, to.category)) ?? 0;
  for (const row of active) {
    position += POSITION_STEP;
    await db
      .updateTable('tasks')
      .set({
        column_id: to.id,
        status: to.category,
        position,
        updated_at: at,
        version: sql`version + 1`,
      })
      .where('id', '=', row.id)
      .execute();
  }
  const archived = await db
    .updateTable('tasks')
    .set({ column_id: to.id, status: to.category, updated_at: at, version: sql`version + 1` })
    .where('column_id', '=', from.id)
    .executeTakeFirst();
  return active.length + Number(archived.numUpdatedRows);
}
