// A project's board columns: viewers read, editors change them. Each category (status) keeps at
// least one column, so that every status has somewhere on the board to be. Every change runs
// under the project's placement lock: it may name the column of tasks that had none (the first
// of their status, which a new or moved column could change) or move a deleted column's tasks.
import type { AuthContext } from '../../access/caller.js';
import { requireRole } from '../../access/roles.js';
import { recordActivity } from '../../activity-log/record.js';
import type { Static } from 'typebox';
import type { Db } from '../../db/database.js';
import type { Reader } from '../../db/read-routing.js';
import type { ProjectColumnRow } from '../../db/types.js';
import { Conflict, NotFound, ValidationFailed } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { toIso } from '../../platform/schemas.js';
import * as repo from './columns.repository.js';
import { MAX_COLUMNS } from './columns.schemas.js';
import type { Column } from './columns.schemas.js';

export const toColumn = (row: ProjectColumnRow): Static<typeof Column> => ({
  id: row.id,
  projectId: row.project_id,
  name: row.name,
  color: row.color,
  category: row.category,
  position: Number(row.position),
  wipLimit: row.wip_limit === null ? null : Number(row.wip_limit),
  createdAt: toIso(row.created_at),
  updatedAt: toIso(row.updated_at),
});

/** The rows of the columns a new project starts with (repo.DEFAULT_COLUMNS). */
export const defaultColumnRows = (projectId: string, at: number): ProjectColumnRow[] =>
  repo.DEFAULT_COLUMNS.map((c, i) => ({
    id: newId(),
    project_id: projectId,
    name: c.name,
    color: null,
    category: c.category,
    position: i + 1,
    wip_limit: null,
    created_at: at,
    updated_at: at,
  }));

export interface ColumnInput {
  name?: string;
  color?: string | null;
  wipLimit?: number | null;
  beforeId?: string | null;
}

/** `columns` in board order with `column` placed before `beforeId` (null: at the end). */
function reordered(columns: ProjectColumnRow[], column: ProjectColumnRow, beforeId: string | null) {
  const others = columns.filter((c) => c.id !== column.id);
  let index = others.length;
  if (beforeId !== null) {
    index = others.findIndex((c) => c.id === beforeId);
    if (index < 0) {
      throw ValidationFailed('beforeId must be another column of the same project', [
        {
          field: 'beforeId',
          message: beforeId === column.id ? 'is the column being moved' : 'is not in this project',
        },
      ]);
    }
  }
  return [...others.slice(0, index), column, ...others.slice(index)];
}

export class ColumnsService {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
    /** Reads of a caller: a replica when it holds the caller's writes (db/read-routing.ts). */
    private readonly reader: Reader = () => db,
  ) {}

  async list(auth: AuthContext, projectId: string) {
    const db = this.reader(auth.user.id);
    await requireRole(db, auth.user.id, projectId, 'viewer');
    return (await repo.listColumns(db, projectId)).map(toColumn);
  }

  /** The column, for a caller allowed to change it; 404 for strangers, 403 for viewers. */
  private async writable(db: Db, auth: AuthContext, columnId: string) {
    const column = await repo.findColumn(db, columnId);
    if (!column) throw NotFound('Column');
    await requireRole(db, auth.user.id, column.project_id, 'editor', 'Column');
    return column;
  }

  /** Numbers the columns 1…n in this order, writing only those whose place changed. */
  private async renumber(trx: Db, order: ProjectColumnRow[], at: number) {
    for (const [i, row] of order.entries()) {
      if (Number(row.position) !== i + 1) {
        await repo.updateColumn(trx, row.id, { position: i + 1, updated_at: at });
        row.position = i + 1;
      }
    }
  }

  async create(
    auth: AuthContext,
    projectId: string,
    input: ColumnInput & { name: string; category: ProjectColumnRow['category'] },
  ) {
    await requireRole(this.db, auth.user.id, projectId, 'editor');
    const now = this.now();
    const row: ProjectColumnRow = {
      id: newId(),
      project_id: projectId,
      name: input.name.trim(),
      color: input.color?.toLowerCase() ?? null,
      category: input.category,
      position: 0,
      wip_limit: input.wipLimit ?? null,
      created_at: now,
      updated_at: now,
    };
    await repo.inPlacementTransaction(this.db, projectId, async (trx) => {
      const columns = await repo.listColumns(trx, projectId);
      if (columns.length >= MAX_COLUMNS) {
        throw ValidationFailed(`A board holds at most ${MAX_COLUMNS} columns`, [
          { field: 'name', message: `the project already has ${columns.length} columns` },
        ]);
      }
      await repo.pinTaskColumns(trx, projectId, columns);
      const order = reordered([...columns, row], row, input.beforeId ?? null);
      row.position = order.indexOf(row) + 1;
      await repo.insertColumns(trx, [row]);
      await this.renumber(trx, order, now);
      await recordActivity(trx, {
        projectId,
        actorId: auth.user.id,
        action: 'column.created',
        details: { columnId: row.id, name: row.name, category: row.category },
        at: now,
      });
    });
    return toColumn(row);
  }

  async update(auth: AuthContext, columnId: string, input: ColumnInput) {
    const found = await this.writable(this.db, auth, columnId);
    const now = this.now();
    return repo.inPlacementTransaction(this.db, found.project_id, async (trx) => {
      const column = await this.writable(trx, auth, columnId);
      const changes: Parameters<typeof repo.updateColumn>[2] = { updated_at: now };
      if (input.name !== undefined) changes.name = input.name.trim();
      if (input.color !== undefined) changes.color = input.color?.toLowerCase() ?? null;
      if (input.wipLimit !== undefined) changes.wip_limit = input.wipLimit;
      await repo.updateColumn(trx, columnId, changes);
      if (input.beforeId !== undefined) {
        const columns = await repo.listColumns(trx, column.project_id);
        await repo.pinTaskColumns(trx, column.project_id, columns);
        const self = columns.find((c) => c.id === columnId)!;
        await this.renumber(trx, reordered(columns, self, input.beforeId), now);
      }
      await recordActivity(trx, {
        projectId: column.project_id,
        actorId: auth.user.id,
        action: 'column.updated',
        details: { columnId, name: changes.name ?? column.name, fields: Object.keys(input) },
        at: now,
      });
      return toColumn((await repo.findColumn(trx, columnId))!);
    });
  }

  /**
   * Deletes the column; its tasks (active and archived) move to `moveTo`, which is required when
   * there are any. The last column of a category stays.
   */
  async remove(auth: AuthContext, columnId: string, moveTo: string | undefined): Promise<void> {
    const found = await this.writable(this.db, auth, columnId);
    const now = this.now();
    await repo.inPlacementTransaction(this.db, found.project_id, async (trx) => {
      const column = await this.writable(trx, auth, columnId);
      const columns = await repo.listColumns(trx, column.project_id);
      let target: ProjectColumnRow | undefined;
      if (moveTo !== undefined) {
        target = columns.find((c) => c.id === moveTo && c.id !== columnId);
        if (!target) {
          throw ValidationFailed('moveTo must be another column of the same project', [
            {
              field: 'moveTo',
              message:
                moveTo === columnId ? 'is the column being deleted' : 'is not in this project',
            },
          ]);
        }
      }
      if (!columns.some((c) => c.id !== columnId && c.category === column.category)) {
        throw Conflict(
          `"${column.name}" is the last column for ${column.category} tasks; add another one first`,
        );
      }
      await repo.pinTaskColumns(trx, column.project_id, columns);
      let moved = 0;
      if ((await repo.countTasks(trx, columnId)) > 0) {
        if (!target) {
          throw ValidationFailed('The column holds tasks: say which column receives them', [
            { field: 'moveTo', message: 'is required: the column is not empty' },
          ]);
        }
        moved = await repo.moveTasks(trx, column.project_id, column, target, now);
      }
      await repo.deleteColumn(trx, columnId);
      await this.renumber(
        trx,
        columns.filter((c) => c.id !== columnId),
        now,
      );
      await recordActivity(trx, {
        projectId: column.project_id,
        actorId: auth.user.id,
        action: 'column.deleted',
        details: {
          columnId,
          name: column.name,
          ...(target ? { movedTo: target.name, tasks: moved } : {}),
        },
        at: now,
      });
    });
  }
}
