// Frozen: never edit once released; add a new migration instead. Runs on SQLite and MySQL.
//
// Issue 14: a user's language and theme follow the account from browser to browser. A row of its
// own rather than columns of `users`: the signed-in user is cached per replica with the
// credential (features/auth), and nothing about a preference needs that.
import { MysqlAdapter, sql } from 'kysely';
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed against no app code */
export async function up(db: Kysely<any>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  await db.schema
    .createTable('user_preferences')
    .addColumn('user_id', 'varchar(36)', (c) => c.primaryKey())
    // NULL: the browser's language.
    .addColumn('language', 'varchar(8)')
    .addColumn('theme', 'varchar(8)', (c) => c.notNull().defaultTo('system'))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addForeignKeyConstraint('user_preferences_user_id_fk', ['user_id'], 'users', ['id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .$call((table) =>
      mysql ? table.modifyEnd(sql`character set utf8mb4 collate utf8mb4_unicode_ci`) : table,
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('user_preferences').execute();
}
