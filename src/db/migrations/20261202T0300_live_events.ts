// Frozen: never edit once released; add a new migration instead. Runs on SQLite and MySQL.
//
// Issue 13, live updates: a row of the change feed may carry a small JSON payload (a project's
// event for the server-sent events streams, features/live), and a stream resuming after a
// dropped connection reads one project's rows after an id through the index.
import { MysqlAdapter } from 'kysely';
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed against no app code */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('changes').addColumn('data', 'text').execute();
  await db.schema
    .createIndex('changes_subject_idx')
    .on('changes')
    .columns(['topic', 'subject', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  const dropIndex = db.schema.dropIndex('changes_subject_idx');
  await (
    db.getExecutor().adapter instanceof MysqlAdapter ? dropIndex.on('changes') : dropIndex
  ).execute();
  await db.schema.alterTable('changes').dropColumn('data').execute();
}
