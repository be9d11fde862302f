// SQL for tasks: keyset-paginated lists over the indexes created in the initial migration,
// kanban positions, and version-checked updates (optimistic concurrency).
import { sql } from 'kysely';
import type { ExpressionBuilder, SqlBool } from 'kysely';
import { isMysql } from '../../db/database.js';
import type { Db } from '../../db/database.js';
import type {
  Database,
  LabelRow,
  NewTask,
  ProjectRole,
  TaskRow,
  TaskUpdate,
} from '../../db/types.js';
import type { Cursor } from '../../platform/pagination.js';
import { POSITION_STEP } from '../columns/columns.repository.js';
import type { TaskSort } from './tasks.domain.js';

// Placement primitives live with the columns (features/columns): the tasks' own SQL uses them.
export {
  inPlacementTransaction,
  lastPosition,
  POSITION_STEP,
} from '../columns/columns.repository.js';

const sortColumn = {
  position: 'position',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  dueAt: 'due_at',
  priority: 'priority',
  title: 'title',
  archivedAt: 'archived_at',
} as const;

export function sortSpec(sort: TaskSort) {
  const descending = sort.startsWith('-');
  const column = sortColumn[(descending ? sort.slice(1) : sort) as keyof typeof sortColumn];
  return { column, descending, nullable: column === 'due_at' || column === 'archived_at' };
}

export interface TaskFilter {
  projectId: string;
  /** Only if this user is a member of the project: an empty page otherwise. */
  memberId: string;
  status?: TaskRow['status'];
  /** One column (with `status`, its category); `first`: it is the first of its status. */
  column?: { id: string; first: boolean };
  assigneeId?: string | null;
  labelId?: string;
  /** The stored rank (tasks.domain PRIORITIES). */
  priority?: number;
  q?: string;
  dueBefore?: number;
  /** Due at or after (inclusive): with dueBefore, a half-open range such as a calendar's month. */
  dueAfter?: number;
  /** The archive (archived tasks only) rather than the board's tasks (active only). */
  archived: boolean;
  sort: TaskSort;
  limit: number;
  after?: Cursor;
}

export type TaskListRow = TaskRow & {
  assignee_name: string | null;
  /**
   * The task's labels as a JSON array, null or '[]' for none (see labelsJson): text from SQLite,
   * already parsed by mysql2 (MariaDB marks JSON function results as JSON).
   */
  labels_json: string | LabelRow[] | null;
  /** Counts of the task's checklist items, all and checked (numbers or numeric strings). */
  checklist_total: number | string | null;
  checklist_done: number | string | null;
  /** How many files are attached (features/attachments), and the cover's id. */
  attachment_count: number | string | null;
  cover_attachment_id: string | null;
  /** The task's column: its own, or the first column of its status when it names none. */
  column_ref: string | null;
};

/**
 * A task's labels aggregated into one JSON column of the task's row, so that a page and its
 * labels are one query. Sorted by name in labelsOf(): MySQL has no ORDER BY in JSON_ARRAYAGG.
 */
export function labelsJson(db: Db) {
  const agg = sql.raw(isMysql(db) ? 'json_arrayagg' : 'json_group_array');
  return sql<
    string | LabelRow[] | null
  >`(select ${agg}(json_object('id', l.id, 'project_id', l.project_id,
    'name', l.name, 'color', l.color, 'created_at', l.created_at))
    from task_labels tl inner join labels l on l.id = tl.label_id
    where tl.task_id = t.id)`.as('labels_json');
}

/**
 * The task's checklist progress as two columns of its row (one index range each), its
 * attachments (how many, and the cover's id: one primary-key probe), and its column (the first of
 * its status, one index probe, only for a task that names none).
 */
export const taskRowExtras = [
  sql<number>`(select count(*) from checklist_items ci where ci.task_id = t.id)`.as(
    'checklist_total',
  ),
  sql<number>`(select coalesce(sum(ci.done), 0) from checklist_items ci where ci.task_id = t.id)`.as(
    'checklist_done',
  ),
  sql<number>`(select count(*) from attachments af where af.task_id = t.id)`.as('attachment_count'),
  sql<string | null>`(select tc.attachment_id from task_covers tc where tc.task_id = t.id)`.as(
    'cover_attachment_id',
  ),
  sql<string | null>`coalesce(t.column_id, (select pc.id from project_columns pc
    where pc.project_id = t.project_id and pc.category = t.status
    order by pc.position limit 1))`.as('column_ref'),
];

const byName = (a: LabelRow, b: LabelRow) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The labels of a row read with labelsJson, sorted by name. */
export function labelsOf(row: TaskListRow): LabelRow[] {
  const json = row.labels_json;
  if (json === null || json === '[]') return [];
  const labels = typeof json === 'string' ? (JSON.parse(json) as LabelRow[]) : json;
  return labels.length > 1 ? labels.sort(byName) : labels;
}

type Eb = ExpressionBuilder<Database & { t: Database['tasks'] }, 't'>;

/**
 * `(key, id)` strictly after the cursor in the sort order; nulls sort last either way. Written
 * `key >= k and (key > k or id > i)` rather than `key > k or (key = k and id > i)`: the same rows,
 * but SQLite and MySQL can only seek the index to the cursor with a bare bound on the key.
 * Otherwise a deep page scans every row before it (bench/README.md).
 */
function afterCursor(eb: Eb, column: ReturnType<typeof sortSpec>, cursor: Cursor) {
  const col = sql.ref(`t.${column.column}`);
  const id = sql.ref('t.id');
  const cmp = column.descending ? sql.raw('<') : sql.raw('>');
  if (cursor.k === null) {
    return eb.and([sql<SqlBool>`${col} is null`, sql<SqlBool>`${id} ${cmp} ${cursor.id}`]);
  }
  const after = eb.and([
    sql<SqlBool>`${col} ${cmp}= ${cursor.k}`,
    eb.or([sql<SqlBool>`${col} ${cmp} ${cursor.k}`, sql<SqlBool>`${id} ${cmp} ${cursor.id}`]),
  ]);
  return column.nullable ? eb.or([after, sql<SqlBool>`${col} is null`]) : after;
}

/** The task carries the label. */
const hasLabel = (labelId: string) => (eb: Eb) =>
  eb.exists(
    eb
      .selectFrom('task_labels as tl')
      .select('tl.task_id')
      .whereRef('tl.task_id', '=', 't.id')
      .where('tl.label_id', '=', labelId),
  );

/** The task is in the column: it names it, or names none and the column is its status' first. */
const inColumn = (column: { id: string; first: boolean }, ref: 't.column_id' | 'column_id') =>
  column.first
    ? sql<SqlBool>`(${sql.ref(ref)} = ${column.id} or ${sql.ref(ref)} is null)`
    : sql<SqlBool>`${sql.ref(ref)} = ${column.id}`;

/** Escapes LIKE wildcards so that a search for "50%" means the text "50%". */
export const likePattern = (text: string) => `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;

/** The text is in the task's title or description (the list's `q`: a substring, not a word). */
const containsText = (text: string) => (eb: Eb) => {
  const pattern = likePattern(text);
  return eb.or([
    sql<SqlBool>`${sql.ref('t.title')} like ${pattern} escape '!'`,
    sql<SqlBool>`${sql.ref('t.description')} like ${pattern} escape '!'`,
  ]);
};

export function listTasks(db: Db, filter: TaskFilter): Promise<TaskListRow[]> {
  const spec = sortSpec(filter.sort);
  let q = db
    .selectFrom('tasks as t')
    .leftJoin('users as a', 'a.id', 't.assignee_id')
    .selectAll('t')
    .select(['a.name as assignee_name', labelsJson(db), ...taskRowExtras])
    .where('t.project_id', '=', filter.projectId)
    // The caller's membership in the same round trip: not correlated, evaluated once.
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('project_members as pm')
          .select('pm.user_id')
          .where('pm.project_id', '=', filter.projectId)
          .where('pm.user_id', '=', filter.memberId),
      ),
    )
    .where('t.archived_at', filter.archived ? 'is not' : 'is', null);
  if (filter.status) q = q.where('t.status', '=', filter.status);
  if (filter.column) q = q.where(inColumn(filter.column, 't.column_id'));
  if (filter.assigneeId !== undefined) {
    q =
      filter.assigneeId === null
        ? q.where('t.assignee_id', 'is', null)
        : q.where('t.assignee_id', '=', filter.assigneeId);
  }
  if (filter.labelId) q = q.where(hasLabel(filter.labelId));
  if (filter.priority !== undefined) q = q.where('t.priority', '=', filter.priority);
  if (filter.q) q = q.where(containsText(filter.q));
  if (filter.dueBefore !== undefined) q = q.where('t.due_at', '<', filter.dueBefore);
  if (filter.dueAfter !== undefined) q = q.where('t.due_at', '>=', filter.dueAfter);
  const after = filter.after;
  if (after) q = q.where((eb) => afterCursor(eb as unknown as Eb, spec, after));

  const direction = spec.descending ? 'desc' : 'asc';
  if (spec.nullable)
    q = q.orderBy(sql`case when ${sql.ref(`t.${spec.column}`)} is null then 1 else 0 end`);
  return q
    .orderBy(`t.${spec.column}`, direction)
    .orderBy('t.id', direction)
    .limit(filter.limit + 1)
    .execute();
}

export interface AssignedFilter {
  /** Tasks assigned to this user, in projects they are a member of. */
  userId: string;
  status?: TaskRow['status'];
  labelId?: string;
  /** The stored rank (tasks.domain PRIORITIES). */
  priority?: number;
  q?: string;
  dueBefore?: number;
  /** Due at or after (inclusive): with dueBefore, a half-open range such as a calendar's month. */
  dueAfter?: number;
  limit: number;
  after?: Cursor;
}

/** "My work": by due date (none last), then id; one index range (tasks_my_work_idx). */
export function listAssignedTasks(db: Db, filter: AssignedFilter): Promise<TaskListRow[]> {
  const spec = sortSpec('dueAt');
  let q = db
    .selectFrom('tasks as t')
    .innerJoin('project_members as pm', (join) =>
      join.onRef('pm.project_id', '=', 't.project_id').on('pm.user_id', '=', filter.userId),
    )
    .leftJoin('users as a', 'a.id', 't.assignee_id')
    .selectAll('t')
    .select(['a.name as assignee_name', labelsJson(db), ...taskRowExtras])
    .where('t.assignee_id', '=', filter.userId)
    .where('t.archived_at', 'is', null);
  if (filter.status) q = q.where('t.status', '=', filter.status);
  if (filter.labelId) q = q.where(hasLabel(filter.labelId));
  if (filter.priority !== undefined) q = q.where('t.priority', '=', filter.priority);
  if (filter.q) q = q.where(containsText(filter.q));
  if (filter.dueBefore !== undefined) q = q.where('t.due_at', '<', filter.dueBefore);
  if (filter.dueAfter !== undefined) q = q.where('t.due_at', '>=', filter.dueAfter);
  const after = filter.after;
  if (after) q = q.where((eb) => afterCursor(eb as unknown as Eb, spec, after));
  return q
    .orderBy(sql`case when ${sql.ref('t.due_at')} is null then 1 else 0 end`)
    .orderBy('t.due_at')
    .orderBy('t.id')
    .limit(filter.limit + 1)
    .execute();
}

export const findTask = (db: Db, taskId: string): Promise<TaskListRow | undefined> =>
  db
    .selectFrom('tasks as t')
    .leftJoin('users as a', 'a.id', 't.assignee_id')
    .selectAll('t')
    .select(['a.name as assignee_name', labelsJson(db), ...taskRowExtras])
    .where('t.id', '=', taskId)
    .executeTakeFirst();

/** The task with the user's role in its project (null for a non-member), in one query. */
export const findTaskWithRole = (
  db: Db,
  taskId: string,
  userId: string,
): Promise<(TaskListRow & { caller_role: ProjectRole | null; watching: unknown }) | undefined> =>
  db
    .selectFrom('tasks as t')
    .leftJoin('users as a', 'a.id', 't.assignee_id')
    .leftJoin('project_members as pm', (join) =>
      join.onRef('pm.project_id', '=', 't.project_id').on('pm.user_id', '=', userId),
    )
    .selectAll('t')
    .select([
      'a.name as assignee_name',
      labelsJson(db),
      ...taskRowExtras,
      'pm.role as caller_role',
      // One primary-key probe: whether the caller watches the task (features/notifications).
      sql<unknown>`exists(select 1 from task_watchers w where w.task_id = t.id and w.user_id = ${userId})`.as(
        'watching',
      ),
    ])
    .where('t.id', '=', taskId)
    .executeTakeFirst();

export const insertTask = (db: Db, task: NewTask) => db.insertInto('tasks').values(task).execute();

/** Applies `changes` only if the task is still at `version`; returns whether it was. */
export async function updateTaskIfVersion(
  db: Db,
  taskId: string,
  version: number,
  changes: TaskUpdate,
): Promise<boolean> {
  const result = await db
    .updateTable('tasks')
    .set({ ...changes, version: version + 1 })
    .where('id', '=', taskId)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Archives a column's active tasks in one statement (each one's version moves on, so an editor
 * open on one of them sees the change); returns how many.
 */
export async function archiveColumn(
  db: Db,
  projectId: string,
  status: TaskRow['status'],
  at: number,
  column?: { id: string; first: boolean },
): Promise<{ count: number; ids: string[] }> {
  let update = db
    .updateTable('tasks')
    .set({ archived_at: at, updated_at: at, version: sql`version + 1` })
    .where('project_id', '=', projectId)
    .where('status', '=', status)
    .where('archived_at', 'is', null);
  if (column) update = update.where(inColumn(column, 'column_id'));
  const result = await update.executeTakeFirst();
  const count = Number(result.numUpdatedRows);
  if (count === 0) return { count, ids: [] };
  // The ones this statement archived: those of the column stamped with this instant. (A task of
  // it archived alone by another request in the same millisecond would be counted too: its event
  // would then be sent twice, which webhooks' at-least-once delivery already allows.)
  const archived = await db
    .selectFrom('tasks')
    .select('id')
    .where('project_id', '=', projectId)
    .where('status', '=', status)
    .where('archived_at', '=', at)
    .execute();
  return { count, ids: archived.map((row) => row.id) };
}

/** Deletes the task, only at `version` when one is given (one statement: no check-then-act). */
export async function deleteTask(db: Db, taskId: string, version?: number): Promise<boolean> {
  let query = db.deleteFrom('tasks').where('id', '=', taskId);
  if (version !== undefined) query = query.where('version', '=', version);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function setTaskLabels(db: Db, taskId: string, labelIds: string[]): Promise<void> {
  await db.deleteFrom('task_labels').where('task_id', '=', taskId).execute();
  if (labelIds.length > 0) {
    await db
      .insertInto('task_labels')
      .values(labelIds.map((labelId) => ({ task_id: taskId, label_id: labelId })))
      .execute();
  }
}

/** The position just before `position` in a column (excluding one task). */
export async function previousPosition(
  db: Db,
  projectId: string,
  status: TaskRow['status'],
  position: number,
  excludeId: string,
): Promise<number | undefined> {
  const row = await db
    .selectFrom('tasks')
    .select('position')
    .where('project_id', '=', projectId)
    .where('status', '=', status)
    .where('archived_at', 'is', null)
    .where('position', '<', position)
    .where('id', '!=', excludeId)
    .orderBy('position', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? Number(row.position) : undefined;
}

/** Spreads a column's positions evenly again when repeated insertions exhausted a gap. */
export async function renumberColumn(
  db: Db,
  projectId: string,
  status: TaskRow['status'],
): Promise<void> {
  const rows = await db
    .selectFrom('tasks')
    .select('id')
    .where('project_id', '=', projectId)
    .where('status', '=', status)
    .where('archived_at', 'is', null)
    .orderBy('position')
    .orderBy('id')
    .execute();
  let position = POSITION_STEP;
  for (const row of rows) {
    await db.updateTable('tasks').set({ position }).where('id', '=', row.id).execute();
    position += POSITION_STEP;
  }
}

export async function memberIds(
  db: Db,
  projectId: string,
  userIds: string[],
): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('project_members')
    .select('user_id')
    .where('project_id', '=', projectId)
    .where('user_id', 'in', userIds)
    .execute();
  return new Set(rows.map((r) => r.user_id));
}

export async function labelIdsInProject(
  db: Db,
  projectId: string,
  labelIds: string[],
): Promise<Set<string>> {
  if (labelIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('labels')
    .select('id')
    .where('project_id', '=', projectId)
    .where('id', 'in', labelIds)
    .execute();
  return new Set(rows.map((r) => r.id));
}
