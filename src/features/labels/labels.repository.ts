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
