// Frozen: never edit once released; add a new migration instead. Runs on SQLite and MySQL.
// The change feed (src/db/change-feed.ts): replicas tell each other through the database what
// they must forget (a revoked credential), polled by id and pruned by age.
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed against no app code */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('changes')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('topic', 'varchar(32)', (c) => c.notNull())
    .addColumn('subject', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('changes_created_idx').on('changes').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('changes').execute();
}
