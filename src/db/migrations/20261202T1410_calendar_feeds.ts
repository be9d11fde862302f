// Frozen: never edit once released; add a new migration instead. Runs on SQLite and MySQL.
//
// Issue 14: iCalendar feeds of due tasks, one project's or a user's own ("My work"), read by
// calendar apps through a secret URL. Only the token's SHA-256 is kept; deleting the row revokes
// the URL. A feed goes with its user or its project.
import { MysqlAdapter, sql } from 'kysely';
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed against no app code */
export async function up(db: Kysely<any>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  await db.schema
    .createTable('calendar_feeds')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    // NULL: the user's own feed (tasks assigned to them in every project).
    .addColumn('project_id', 'varchar(36)')
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addForeignKeyConstraint('calendar_feeds_user_id_fk', ['user_id'], 'users', ['id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .addForeignKeyConstraint(
      'calendar_feeds_project_id_fk',
      ['project_id'],
      'projects',
      ['id'],
      (cb) => cb.onDelete('cascade'),
    )
    .$call((table) =>
      mysql ? table.modifyEnd(sql`character set utf8mb4 collate utf8mb4_unicode_ci`) : table,
    )
    .execute();
  // A user's feeds (and the cascade on SQLite, which needs an index for each foreign key).
  await db.schema
    .createIndex('calendar_feeds_user_idx')
    .on('calendar_feeds')
    .column('user_id')
    .execute();
  if (!mysql) {
    await db.schema
      .createIndex('calendar_feeds_project_idx')
      .on('calendar_feeds')
      .column('project_id')
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('calendar_feeds').execute();
}
