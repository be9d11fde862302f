// Frozen: never edit once released; add a new migration instead. Runs on SQLite and MySQL.
//
// Issue 14: archived tasks. A task is archived when `archived_at` is set: it leaves the board, the
// list, My work, reminders and calendar feeds, and is kept with its comments, checklist and
// history until restored. The board index gains `archived_at` before the position, so that a
// column's active tasks stay one index range however many archived ones "Done" accumulates
// (`archived_at IS NULL` is an equality for the index on both engines). The archive view reads
// the project's archived tasks by archive time from the second index.
import { MysqlAdapter } from 'kysely';
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed against no app code */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tasks').addColumn('archived_at', 'bigint').execute();
  await db.schema
    .createIndex('tasks_column_idx')
    .on('tasks')
    .columns(['project_id', 'status', 'archived_at', 'position', 'id'])
    .execute();
  await dropIndex(db, 'tasks_board_idx');
  await db.schema
    .createIndex('tasks_archived_idx')
    .on('tasks')
    .columns(['project_id', 'archived_at', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('tasks_board_idx')
    .on('tasks')
    .columns(['project_id', 'status', 'position', 'id'])
    .execute();
  await dropIndex(db, 'tasks_archived_idx');
  await dropIndex(db, 'tasks_column_idx');
  await db.schema.alterTable('tasks').dropColumn('archived_at').execute();
}

// MySQL names the table of an index; SQLite's index names are global and take no table.
const dropIndex = (db: Kysely<any>, name: string) => {
  const drop = db.schema.dropIndex(name);
  return (db.getExecutor().adapter instanceof MysqlAdapter ? drop.on('tasks') : drop).execute();
};
