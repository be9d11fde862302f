import type { Db } from '../../db/database.js';
import type { ChecklistItemRow } from '../../db/types.js';

export const listItems = (db: Db, taskId: string): Promise<ChecklistItemRow[]> =>
  db
    .selectFrom('checklist_items')
    .selectAll()
    .where('task_id', '=', taskId)
    .orderBy('position')
    .orderBy('id')
    .execute();

/** The item with its task's project. */
export const findItem = (db: Db, itemId: string) =>
  db
    .selectFrom('checklist_items as c')
    .innerJoin('tasks as t', 't.id', 'c.task_id')
    .selectAll('c')
    .select('t.project_id')
    .where('c.id', '=', itemId)
    .executeTakeFirst();

export const insertItem = (db: Db, item: ChecklistItemRow) =>
  db.insertInto('checklist_items').values(item).execute();

export const updateItem = (
  db: Db,
  itemId: string,
  changes: Partial<Pick<ChecklistItemRow, 'text' | 'done' | 'position' | 'updated_at'>>,
) => db.updateTable('checklist_items').set(changes).where('id', '=', itemId).execute();

export const deleteItem = (db: Db, itemId: string) =>
  db.deleteFrom('checklist_items').where('id', '=', itemId).execute();
