// Frozen: never edit once released; add a new migration instead. Runs on SQLite and MySQL.
//
// Issue 11, findings 3 and 6: the sign-in limits (per client address, per account) are counted in
// the database every replica shares instead of each process's memory. One row per bucket and
// window; rows whose window has ended are pruned by reset_at.
import { MysqlAdapter, sql } from 'kysely';
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed against no app code */
export async function up(db: Kysely<any>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  await db.schema
    .createTable('login_limits')
    .addColumn('bucket', 'varchar(100)', (c) => c.primaryKey())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addColumn('reset_at', 'bigint', (c) => c.notNull())
    // Declared, not inherited from the database's default; buckets compare exactly.
    .$call((table) =>
      mysql ? table.modifyEnd(sql`character set utf8mb4 collate utf8mb4_bin`) : table,
    )
    .execute();
  await db.schema
    .createIndex('login_limits_reset_idx')
    .on('login_limits')
    .column('reset_at')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('login_limits').execute();
}
