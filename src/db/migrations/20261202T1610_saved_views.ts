// Frozen: never edit once released; add a new migration instead. Runs on SQLite and MySQL.
//
// Issue 14: saved views. A user names the filters of a project's board or list ("My open bugs")
// and opens them again in one click; each view is its owner's alone and goes with the user or
// the project. The filters are kept as the query string the web UI puts in the URL.
import { MysqlAdapter, sql } from 'kysely';
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed against no app code */
export async function up(db: Kysely<any>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  await db.schema
    .createTable('saved_views')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('project_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('name', 'varchar(60)', (c) => c.notNull())
    .addColumn('view', 'varchar(16)', (c) => c.notNull())
    .addColumn('query', 'varchar(1000)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addForeignKeyConstraint('saved_views_user_id_fk', ['user_id'], 'users', ['id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .addForeignKeyConstraint(
      'saved_views_project_id_fk',
      ['project_id'],
      'projects',
      ['id'],
      (cb) => cb.onDelete('cascade'),
    )
    .$call((table) =>
      mysql ? table.modifyEnd(sql`character set utf8mb4 collate utf8mb4_unicode_ci`) : table,
    )
    .execute();
  // A user's views of a project, by name (and the user cascade).
  await db.schema
    .createIndex('saved_views_user_project_idx')
    .on('saved_views')
    .columns(['user_id', 'project_id', 'name'])
    .execute();
  // The project cascade (SQLite needs an index for each foreign key; MySQL makes its own).
  if (!mysql) {
    await db.schema
      .createIndex('saved_views_project_idx')
      .on('saved_views')
      .column('project_id')
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('saved_views').execute();
}
