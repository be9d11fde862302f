// Tasks: authorization (viewers read, editors and owners write), validation that needs the
// database (assignee is a member, labels belong to the project), kanban placement, and
// optimistic concurrency: a write based on a stale version is refused, never silently merged.
import type { AuthContext } from '../../access/caller.js';
import { checkRole, requireRole } from '../../access/roles.js';
import { recordActivity } from '../../activity-log/record.js';
import { enqueueWebhookDeliveriesPerTask } from '../../activity-log/webhook-outbox.js';
import type { Static } from 'typebox';
import type { Db } from '../../db/database.js';
import type { Reader } from '../../db/read-routing.js';
import type { TaskRow, TaskUpdate } from '../../db/types.js';
import { NotFound, PreconditionFailed, ValidationFailed } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { decodeCursor, pageOf } from '../../platform/pagination.js';
import { fromIso, toIso, toIsoOrNull } from '../../platform/schemas.js';
import { listColumns } from '../columns/columns.repository.js';
import { toLabel } from '../labels/labels.service.js';
import * as repo from './tasks.repository.js';
import type { Task as TaskSchema } from './tasks.schemas.js';
import { PRIORITIES } from './tasks.domain.js';
import type { Priority, TaskSort } from './tasks.domain.js';
import type { TaskListRow } from './tasks.repository.js';

type Status = TaskRow['status'];

export interface TaskInput {
  title?: string;
  description?: string | null;
  status?: Status;
  columnId?: string;
  priority?: Priority;
  dueAt?: string | null;
  assigneeId?: string | null;
  labels?: string[];
}

export interface ListInput {
  status?: Status;
  columnId?: string;
  assigneeId?: string;
  label?: string;
  priority?: Priority;
  q?: string;
  dueBefore?: string;
  dueAfter?: string;
  archived?: boolean;
  sort?: TaskSort;
  limit?: number;
  cursor?: string;
}

export type TaskCreatedListener = (projectId: string) => void;

export type Task = Static<typeof TaskSchema>;

export const toTask = (row: TaskListRow): Task => ({
  id: row.id,
  projectId: row.project_id,
  title: row.title,
  description: row.description,
  status: row.status,
  // Never null: every project has a column of each status (features/columns).
  columnId: row.column_ref ?? '',
  priority: PRIORITIES[row.priority] ?? 'medium',
  position: Number(row.position),
  dueAt: toIsoOrNull(row.due_at === null ? null : Number(row.due_at)),
  assigneeId: row.assignee_id,
  assignee: row.assignee_id ? { id: row.assignee_id, name: row.assignee_name ?? '' } : null,
  labels: repo.labelsOf(row).map(toLabel),
  checklist: { done: Number(row.checklist_done ?? 0), total: Number(row.checklist_total ?? 0) },
  attachments: Number(row.attachment_count ?? 0),
  cover: row.cover_attachment_id
    ? {
        attachmentId: row.cover_attachment_id,
        url: `/api/v1/attachments/${row.cover_attachment_id}?inline=1`,
      }
    : null,
  version: row.version,
  archivedAt: toIsoOrNull(row.archived_at === null ? null : Number(row.archived_at)),
  createdBy: row.created_by,
  createdAt: toIso(row.created_at),
  updatedAt: toIso(row.updated_at),
});

export class TasksService {
  taskCreatedListener: TaskCreatedListener | undefined;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
    /** Reads of a caller: a replica when it holds the caller's writes (db/read-routing.ts). */
    private readonly reader: Reader = () => db,
  ) {}

  /** The task and the caller's right to it; 404 for strangers, 403 for too low a role. */
  private async load(auth: AuthContext, taskId: string, needed: 'viewer' | 'editor') {
    // A write checks the task where it will write it.
    const db = needed === 'viewer' ? this.reader(auth.user.id) : this.db;
    const row = await repo.findTaskWithRole(db, taskId, auth.user.id);
    checkRole(row?.caller_role, needed, 'Task');
    return row!;
  }

  /**
   * The column a write or a filter names: `columnId` (a column of the project, agreeing with
   * `status` if both are given), or the first column of `status`. `first`: whether it is the
   * first column of its status, which also holds the tasks that name no column.
   */
  private async column(
    db: Db,
    projectId: string,
    input: { status?: Status; columnId?: string },
  ): Promise<{ id: string; category: Status; first: boolean }> {
    // One read of the project's columns (at most 20) answers both questions.
    const columns = await listColumns(db, projectId);
    let category = input.status;
    let id: string | undefined;
    if (input.columnId !== undefined) {
      const column = columns.find((c) => c.id === input.columnId);
      if (!column) {
        throw ValidationFailed('columnId must be a column of the project', [
          { field: 'columnId', message: 'is not a column of this project' },
        ]);
      }
      if (category !== undefined && category !== column.category) {
        throw ValidationFailed("The status and the column's category disagree", [
          { field: 'status', message: `is not the column's category (${column.category})` },
        ]);
      }
      category = column.category;
      id = column.id;
    }
    const first = columns.find((c) => c.category === (category ?? 'todo'));
    if (!first) throw new Error(`project ${projectId} has no ${category ?? 'todo'} column`);
    return {
      id: id ?? first.id,
      category: category ?? 'todo',
      first: (id ?? first.id) === first.id,
    };
  }

  async list(auth: AuthContext, projectId: string, input: ListInput) {
    const limit = input.limit ?? 50;
    const sort = input.sort ?? 'position';
    const db = this.reader(auth.user.id);
    let inColumn: { id: string; category: Status; first: boolean } | undefined;
    if (input.columnId !== undefined) {
      // A stranger learns nothing of the project's columns: 404 first.
      await requireRole(db, auth.user.id, projectId, 'viewer');
      inColumn = await this.column(db, projectId, { columnId: input.columnId });
      if (input.status !== undefined && input.status !== inColumn.category) {
        return { items: [], nextCursor: null };
      }
    }
    const rows = await repo.listTasks(db, {
      projectId,
      memberId: auth.user.id,
      status: inColumn?.category ?? input.status,
      column: inColumn,
      assigneeId: input.assigneeId === 'none' ? null : input.assigneeId,
      labelId: input.label,
      priority: input.priority === undefined ? undefined : PRIORITIES.indexOf(input.priority),
      q: input.q?.trim() || undefined,
      dueBefore: input.dueBefore ? fromIso(input.dueBefore, 'dueBefore') : undefined,
      dueAfter: input.dueAfter ? fromIso(input.dueAfter, 'dueAfter') : undefined,
      archived: input.archived ?? false,
      sort,
      limit,
      after: decodeCursor(input.cursor),
    });
    const { column } = repo.sortSpec(sort);
    // Only a stranger and an empty page look alike: ask which one (404 or an empty page).
    if (rows.length === 0) await requireRole(db, auth.user.id, projectId, 'viewer');
    const page = pageOf(rows, limit, (row) => (row[column] === null ? null : row[column]));
    return { items: page.items.map(toTask), nextCursor: page.nextCursor };
  }

  /** "My work": tasks assigned to the caller in any of their projects, by due date. */
  async assignedToMe(
    auth: AuthContext,
    input: Pick<
      ListInput,
      'status' | 'label' | 'priority' | 'q' | 'dueBefore' | 'dueAfter' | 'limit' | 'cursor'
    >,
  ) {
    const limit = input.limit ?? 50;
    const rows = await repo.listAssignedTasks(this.reader(auth.user.id), {
      userId: auth.user.id,
      status: input.status,
      labelId: input.label,
      priority: input.priority === undefined ? undefined : PRIORITIES.indexOf(input.priority),
      q: input.q?.trim() || undefined,
      dueBefore: input.dueBefore ? fromIso(input.dueBefore, 'dueBefore') : undefined,
      dueAfter: input.dueAfter ? fromIso(input.dueAfter, 'dueAfter') : undefined,
      limit,
      after: decodeCursor(input.cursor),
    });
    const page = pageOf(rows, limit, (row) => (row.due_at === null ? null : Number(row.due_at)));
    return { items: page.items.map(toTask), nextCursor: page.nextCursor };
  }

  async get(auth: AuthContext, taskId: string): Promise<Task> {
    const row = await this.load(auth, taskId, 'viewer');
    return { ...toTask(row), watching: Boolean(Number(row.watching)) };
  }

  /** The task as it is now, for a caller this request has already authorised to write it. */
  private async reread(taskId: string): Promise<Task> {
    const row = await repo.findTask(this.db, taskId);
    if (!row) throw NotFound('Task');
    return toTask(row);
  }

  private async checkReferences(db: Db, projectId: string, input: TaskInput): Promise<void> {
    if (input.assigneeId) {
      const members = await repo.memberIds(db, projectId, [input.assigneeId]);
      if (!members.has(input.assigneeId)) {
        throw ValidationFailed('The assignee must be a member of the project', [
          { field: 'assigneeId', message: 'is not a member of this project' },
        ]);
      }
    }
    if (input.labels && input.labels.length > 0) {
      const known = await repo.labelIdsInProject(db, projectId, input.labels);
      const unknown = input.labels.filter((id) => !known.has(id));
      if (unknown.length > 0) {
        throw ValidationFailed('Some labels do not belong to this project', [
          { field: 'labels', message: `unknown label ids: ${unknown.join(', ')}` },
        ]);
      }
    }
  }

  async create(
    auth: AuthContext,
    projectId: string,
    input: TaskInput & { title: string; beforeId?: string | null },
  ): Promise<Task> {
    await requireRole(this.db, auth.user.id, projectId, 'editor');
    const id = newId();
    const now = this.now();
    await repo.inPlacementTransaction(this.db, projectId, async (trx) => {
      await this.checkReferences(trx, projectId, input);
      const column = await this.column(trx, projectId, input);
      const status = column.category;
      const position = await this.placement(
        trx,
        projectId,
        id,
        column,
        input.beforeId ?? undefined,
      );
      await repo.insertTask(trx, {
        id,
        project_id: projectId,
        title: input.title.trim(),
        description: input.description ?? null,
        status,
        column_id: column.id,
        priority: PRIORITIES.indexOf(input.priority ?? 'medium'),
        position,
        due_at: input.dueAt ? fromIso(input.dueAt, 'dueAt') : null,
        assignee_id: input.assigneeId ?? null,
        created_by: auth.user.id,
        version: 1,
        created_at: now,
        updated_at: now,
      });
      if (input.labels?.length) await repo.setTaskLabels(trx, id, input.labels);
      await recordActivity(trx, {
        projectId,
        taskId: id,
        actorId: auth.user.id,
        action: 'task.created',
        details: { title: input.title.trim() },
        at: now,
      });
    });
    this.taskCreatedListener?.(projectId);
    return this.reread(id);
  }

  private stale(current: Task): never {
    throw PreconditionFailed(
      'The task was changed by someone else; review their version and try again',
      {
        currentVersion: current.version,
        current,
      },
    );
  }

  async update(
    auth: AuthContext,
    taskId: string,
    input: TaskInput,
    ifMatch?: number[],
  ): Promise<Task> {
    const row = await this.load(auth, taskId, 'editor');
    if (ifMatch && ifMatch.length > 0 && !ifMatch.includes(row.version)) {
      this.stale(toTask(row));
    }
    const now = this.now();
    const changes: TaskUpdate = { updated_at: now };
    if (input.title !== undefined) changes.title = input.title.trim();
    if (input.description !== undefined) changes.description = input.description;
    if (input.priority !== undefined) changes.priority = PRIORITIES.indexOf(input.priority);
    if (input.dueAt !== undefined)
      changes.due_at = input.dueAt === null ? null : fromIso(input.dueAt, 'dueAt');
    if (input.assigneeId !== undefined) changes.assignee_id = input.assigneeId;

    const placing =
      (input.status !== undefined && input.status !== row.status) ||
      (input.columnId !== undefined && input.columnId !== row.column_ref);
    // Only a change of column places the task; other edits need not wait for placements.
    const inTransaction = <T>(fn: (trx: Db) => Promise<T>) =>
      placing
        ? repo.inPlacementTransaction(this.db, row.project_id, fn)
        : this.db.transaction().execute(fn);
    const applied = await inTransaction(async (trx) => {
      await this.checkReferences(trx, row.project_id, input);
      if (placing) {
        // To the end of the new column (a status alone: the first column of that status).
        const column = await this.column(trx, row.project_id, input);
        if (column.id !== row.column_ref) {
          changes.status = column.category;
          changes.column_id = column.id;
          changes.position =
            ((await repo.lastPosition(trx, row.project_id, column.category, taskId)) ?? 0) +
            repo.POSITION_STEP;
        }
      }
      if (!(await repo.updateTaskIfVersion(trx, taskId, row.version, changes))) return false;
      if (input.labels !== undefined) await repo.setTaskLabels(trx, taskId, input.labels);
      await recordActivity(trx, {
        projectId: row.project_id,
        taskId,
        actorId: auth.user.id,
        action: 'task.updated',
        details: {
          fields: Object.keys(input),
          ...(changes.status && changes.status !== row.status
            ? { from: row.status, to: changes.status }
            : {}),
          // Another column (of the same status or not), as a move says it.
          ...(changes.column_id ? { fromColumn: row.column_ref, toColumn: changes.column_id } : {}),
          // The new assignee is told (activity-log/notifications.ts).
          ...(changes.assignee_id && changes.assignee_id !== row.assignee_id
            ? { assignedTo: changes.assignee_id }
            : {}),
        },
        at: now,
      });
      return true;
    });
    // Another write landed between our read and our update: same answer as a stale If-Match.
    if (!applied) this.stale(await this.reread(taskId));
    return this.reread(taskId);
  }

  async move(
    auth: AuthContext,
    taskId: string,
    input: { status?: Status; columnId?: string; beforeId?: string | null },
    ifMatch?: number[],
  ) {
    if (input.status === undefined && input.columnId === undefined) {
      throw ValidationFailed('Say where the task goes: columnId or status', [
        { field: 'columnId', message: 'is required without status' },
      ]);
    }
    const row = await this.load(auth, taskId, 'editor');
    if (ifMatch && ifMatch.length > 0 && !ifMatch.includes(row.version)) {
      this.stale(toTask(row));
    }
    if (input.beforeId === taskId) {
      throw ValidationFailed('A task cannot be placed before itself', [
        { field: 'beforeId', message: 'is the task being moved' },
      ]);
    }
    const now = this.now();
    const applied = await repo.inPlacementTransaction(this.db, row.project_id, async (trx) => {
      const column = await this.column(trx, row.project_id, {
        ...input,
        columnId: input.columnId ?? (await this.columnOfStatusMove(trx, row, input)),
      });
      const position = await this.placement(
        trx,
        row.project_id,
        row.id,
        column,
        input.beforeId ?? undefined,
      );
      const ok = await repo.updateTaskIfVersion(trx, taskId, row.version, {
        status: column.category,
        column_id: column.id,
        position,
        updated_at: now,
      });
      if (!ok) return false;
      await recordActivity(trx, {
        projectId: row.project_id,
        taskId,
        actorId: auth.user.id,
        action: 'task.moved',
        details: {
          from: row.status,
          to: column.category,
          ...(column.id !== row.column_ref
            ? { fromColumn: row.column_ref, toColumn: column.id }
            : {}),
        },
        at: now,
      });
      return true;
    });
    if (!applied) this.stale(await this.reread(taskId));
    return this.reread(taskId);
  }

  /**
   * The column a move by status alone means (a client from before columns): the column of the
   * task it is placed before, if that has the status; else, within its own status, the column the
   * task is in (a reorder keeps it there); else none (the first column of the status).
   */
  private async columnOfStatusMove(
    trx: Db,
    row: TaskListRow,
    input: { status?: Status; beforeId?: string | null },
  ): Promise<string | undefined> {
    if (input.beforeId) {
      const before = await repo.findTask(trx, input.beforeId);
      if (before?.project_id === row.project_id && before.status === input.status)
        return before.column_ref ?? undefined;
      return undefined;
    }
    return input.status === row.status ? (row.column_ref ?? undefined) : undefined;
  }

  /**
   * A position for task `taskId` between the neighbours (the column's end without `beforeId`),
   * renumbering the column when the gap is used up.
   */
  private async placement(
    trx: Db,
    projectId: string,
    taskId: string,
    column: { id: string; category: Status },
    beforeId?: string,
  ): Promise<number> {
    const status = column.category;
    for (let attempt = 0; attempt < 2; attempt++) {
      if (!beforeId) {
        return (
          ((await repo.lastPosition(trx, projectId, status, taskId)) ?? 0) + repo.POSITION_STEP
        );
      }
      const before = await repo.findTask(trx, beforeId);
      if (
        !before ||
        before.project_id !== projectId ||
        before.status !== status ||
        before.column_ref !== column.id ||
        before.archived_at !== null
      ) {
        throw ValidationFailed('beforeId must be a task in the target column of the same project', [
          { field: 'beforeId', message: 'is not in the target column' },
        ]);
      }
      const next = Number(before.position);
      const previous = await repo.previousPosition(trx, projectId, status, next, taskId);
      const position = previous === undefined ? next - repo.POSITION_STEP : (previous + next) / 2;
      if (position !== previous && position !== next) return position;
      await repo.renumberColumn(trx, projectId, status);
    }
    throw new Error('could not find a position after renumbering the column');
  }

  /**
   * Archives the task (off the board, kept with everything it holds) or restores it to the end of
   * its column. Doing what is already done changes nothing and answers the task as it is.
   */
  async setArchived(
    auth: AuthContext,
    taskId: string,
    archived: boolean,
    ifMatch?: number[],
  ): Promise<Task> {
    const row = await this.load(auth, taskId, 'editor');
    if (ifMatch && ifMatch.length > 0 && !ifMatch.includes(row.version)) {
      this.stale(toTask(row));
    }
    if ((row.archived_at !== null) === archived) return toTask(row);
    const now = this.now();
    // Only a restore places the task; archiving need not wait for placements (as in update).
    const inTransaction = <T>(fn: (trx: Db) => Promise<T>) =>
      archived
        ? this.db.transaction().execute(fn)
        : repo.inPlacementTransaction(this.db, row.project_id, fn);
    const applied = await inTransaction(async (trx) => {
      const changes: TaskUpdate = archived
        ? { archived_at: now, updated_at: now }
        : {
            archived_at: null,
            updated_at: now,
            position:
              ((await repo.lastPosition(trx, row.project_id, row.status, taskId)) ?? 0) +
              repo.POSITION_STEP,
          };
      if (!(await repo.updateTaskIfVersion(trx, taskId, row.version, changes))) return false;
      await recordActivity(trx, {
        projectId: row.project_id,
        taskId,
        actorId: auth.user.id,
        action: archived ? 'task.archived' : 'task.restored',
        details: { title: row.title },
        at: now,
      });
      return true;
    });
    if (!applied) this.stale(await this.reread(taskId));
    return this.reread(taskId);
  }

  /**
   * Archives every active task of a column ("Archive done tasks"): one history entry, and for
   * webhooks one `task.updated` per task, as if each had been archived alone.
   */
  async archiveColumn(
    auth: AuthContext,
    projectId: string,
    input: { status?: Status; columnId?: string },
  ) {
    await requireRole(this.db, auth.user.id, projectId, 'editor');
    const now = this.now();
    const archived = await this.db.transaction().execute(async (trx) => {
      // A status alone archives that status in every column, as before columns could be added.
      const column =
        input.columnId === undefined ? undefined : await this.column(trx, projectId, input);
      const status = column?.category ?? input.status!;
      const { count, ids } = await repo.archiveColumn(trx, projectId, status, now, column);
      if (count > 0) {
        await recordActivity(trx, {
          projectId,
          actorId: auth.user.id,
          action: 'tasks.archived',
          details: { status, count, ...(column ? { columnId: column.id } : {}) },
          at: now,
        });
        await enqueueWebhookDeliveriesPerTask(
          trx,
          { projectId, actorId: auth.user.id, action: 'task.archived', at: now },
          ids,
        );
      }
      return count;
    });
    return { archived };
  }

  async remove(auth: AuthContext, taskId: string, ifMatch?: number[]): Promise<void> {
    const row = await this.load(auth, taskId, 'editor');
    if (ifMatch && ifMatch.length > 0 && !ifMatch.includes(row.version)) {
      this.stale(toTask(row));
    }
    // With If-Match, the version check and the delete are one statement: an edit landing
    // after the check above makes the delete match no row, and the answer is 412.
    const conditional = ifMatch && ifMatch.length > 0 ? row.version : undefined;
    const deleted = await this.db.transaction().execute(async (trx) => {
      if (!(await repo.deleteTask(trx, taskId, conditional))) return false;
      await recordActivity(trx, {
        projectId: row.project_id,
        taskId,
        actorId: auth.user.id,
        action: 'task.deleted',
        details: { title: row.title },
        at: this.now(),
      });
      return true;
    });
    if (!deleted) this.stale(await this.reread(taskId));
  }
}
