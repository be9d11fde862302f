import type { Db } from '../../db/database.js';
import type { LabelRow } from '../../db/types.js';

export const listLabels = (db: Db, projectId: string): Promise<LabelRow[]> =>
  db.selectFrom('labels').selectAll().where('project_id', '=', projectId).orderBy('name').execute();

export const findLabel = (db: Db, labelId: string): Promise<LabelRow | undefined> =>
  db.selectFrom('labels').selectAll().where('id', '=', labelId).executeTakeFirst();

export const findLabelByName = (db: Db, projectId: string, name: string) =>
  db
    .selectFrom('labels')
    .select('id')
    .where('project_id', '=', projectId)
    .where('name', '=', name)
    .executeTakeFirst();

export const insertLabel = (db: Db, label: LabelRow) =>
  db.insertInto('labels').values(label).execute();

export const deleteLabel = (db: Db, labelId: string) =>
  db.deleteFrom('labels').where('id', '=', labelId).execute();

export const updateLabel = (
  db: Db,
  labelId: string,
  changes: Partial<Pick<LabelRow, 'name' | 'color'>>,
) => db.updateTable('labels').set(changes).where('id', '=', labelId).execute();

/** Puts `intoId` on every task that has `fromId` (and not already `intoId`); returns how many. */
export async function addLabelWhereLabelled(db: Db, fromId: string, intoId: string) {
  const result = await db
    .insertInto('task_labels')
    .columns(['task_id', 'label_id'])
    .expression((eb) =>
      eb
        .selectFrom('task_labels as tl')
        .select(['tl.task_id', eb.val(intoId).as('label_id')])
        .where('tl.label_id', '=', fromId)
        .where((w) =>
          w.not(
            w.exists(
              w
                .selectFrom('task_labels as has')
                .select('has.task_id')
                .whereRef('has.task_id', '=', 'tl.task_id')
                .where('has.label_id', '=', intoId),
            ),
          ),
        ),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}
