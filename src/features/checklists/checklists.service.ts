// Checklists on a task: viewers read, editors and owners write (as for the task itself). Every
// write to one checklist runs under a lock named after its task, on any replica: an add reads the
// last position and a reorder renumbers the list, and two at once would otherwise interleave.
import type { AuthContext } from '../../access/caller.js';
import { requireRole, requireTaskRole } from '../../access/roles.js';
import { recordActivity } from '../../activity-log/record.js';
import type { Static } from 'typebox';
import type { Db } from '../../db/database.js';
import { inLockedTransaction } from '../../db/locks.js';
import type { Reader } from '../../db/read-routing.js';
import type { ChecklistItemRow } from '../../db/types.js';
import { NotFound, ValidationFailed } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { toIso } from '../../platform/schemas.js';
import * as repo from './checklists.repository.js';
import { MAX_CHECKLIST_ITEMS } from './checklists.schemas.js';
import type { ChecklistItem } from './checklists.schemas.js';

const toItem = (row: ChecklistItemRow): Static<typeof ChecklistItem> => ({
  id: row.id,
  taskId: row.task_id,
  text: row.text,
  done: Number(row.done) === 1,
  position: Number(row.position),
  createdAt: toIso(row.created_at),
  updatedAt: toIso(row.updated_at),
});

export interface ItemChange {
  text?: string;
  done?: boolean;
  beforeId?: string | null;
}

const inChecklistTransaction = <T>(db: Db, taskId: string, fn: (trx: Db) => Promise<T>) =>
  inLockedTransaction(db, `taskmanager.checklist.${taskId}`, fn);

export class ChecklistsService {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
    /** Reads of a caller: a replica when it holds the caller's writes (db/read-routing.ts). */
    private readonly reader: Reader = () => db,
  ) {}

  async list(auth: AuthContext, taskId: string) {
    const db = this.reader(auth.user.id);
    await requireTaskRole(db, auth.user.id, taskId, 'viewer');
    return (await repo.listItems(db, taskId)).map(toItem);
  }

  async add(auth: AuthContext, taskId: string, input: { text: string; done?: boolean }) {
    const now = this.now();
    const row: ChecklistItemRow = {
      id: newId(),
      task_id: taskId,
      text: input.text.trim(),
      done: input.done ? 1 : 0,
      position: 0,
      created_at: now,
      updated_at: now,
    };
    await inChecklistTransaction(this.db, taskId, async (trx) => {
      // Checked inside the lock: a task deleted meanwhile is a 404, never a foreign-key error.
      const projectId = await requireTaskRole(trx, auth.user.id, taskId, 'editor');
      const items = await repo.listItems(trx, taskId);
      if (items.length >= MAX_CHECKLIST_ITEMS) {
        throw ValidationFailed(`A checklist holds at most ${MAX_CHECKLIST_ITEMS} items`, [
          { field: 'text', message: `the checklist already has ${items.length} items` },
        ]);
      }
      row.position = Number(items.at(-1)?.position ?? 0) + 1;
      await repo.insertItem(trx, row);
      await recordActivity(trx, {
        projectId,
        taskId,
        actorId: auth.user.id,
        action: 'checklist.item_added',
        details: { itemId: row.id, text: row.text },
        at: now,
      });
    });
    return toItem(row);
  }

  /** The item, for a caller allowed to change it; 404 for strangers, 403 for viewers. */
  private async writable(db: Db, auth: AuthContext, itemId: string) {
    const item = await repo.findItem(db, itemId);
    if (!item) throw NotFound('Checklist item');
    await requireRole(db, auth.user.id, item.project_id, 'editor', 'Checklist item');
    return item;
  }

  async update(auth: AuthContext, itemId: string, change: ItemChange) {
    const found = await this.writable(this.db, auth, itemId);
    const now = this.now();
    return inChecklistTransaction(this.db, found.task_id, async (trx) => {
      const item = await this.writable(trx, auth, itemId);
      const changes: Parameters<typeof repo.updateItem>[2] = { updated_at: now };
      if (change.text !== undefined) changes.text = change.text.trim();
      if (change.done !== undefined) changes.done = change.done ? 1 : 0;
      await repo.updateItem(trx, itemId, changes);
      if (change.beforeId !== undefined) await this.reorder(trx, item, change.beforeId);
      await recordActivity(trx, {
        projectId: item.project_id,
        taskId: item.task_id,
        actorId: auth.user.id,
        action: 'checklist.item_updated',
        details: {
          itemId,
          text: changes.text ?? item.text,
          fields: Object.keys(change),
          ...(change.done !== undefined ? { done: change.done } : {}),
        },
        at: now,
      });
      const updated = (await repo.listItems(trx, item.task_id)).find((i) => i.id === itemId);
      return toItem(updated!);
    });
  }

  /** Places the item before `beforeId` (the end for null) and numbers the list 1…n again. */
  private async reorder(trx: Db, item: ChecklistItemRow, beforeId: string | null) {
    const others = (await repo.listItems(trx, item.task_id)).filter((i) => i.id !== item.id);
    let index = others.length;
    if (beforeId !== null) {
      index = others.findIndex((i) => i.id === beforeId);
      if (index < 0) {
        throw ValidationFailed('beforeId must be another item of the same checklist', [
          {
            field: 'beforeId',
            message: beforeId === item.id ? 'is the item being moved' : 'is not in this checklist',
          },
        ]);
      }
    }
    const order = [...others.slice(0, index), item, ...others.slice(index)];
    for (const [i, row] of order.entries()) {
      if (Number(row.position) !== i + 1) await repo.updateItem(trx, row.id, { position: i + 1 });
    }
  }

  async remove(auth: AuthContext, itemId: string): Promise<void> {
    const found = await this.writable(this.db, auth, itemId);
    await inChecklistTransaction(this.db, found.task_id, async (trx) => {
      const item = await this.writable(trx, auth, itemId);
      await repo.deleteItem(trx, itemId);
      await recordActivity(trx, {
        projectId: item.project_id,
        taskId: item.task_id,
        actorId: auth.user.id,
        action: 'checklist.item_deleted',
        details: { itemId, text: item.text },
        at: this.now(),
      });
    });
  }
}
