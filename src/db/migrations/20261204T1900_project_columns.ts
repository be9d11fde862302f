// Frozen: never edit once released; add a new migration instead. Runs on SQLite and MySQL.
//
// Issue 14: each project owns its board columns. A column has a category, one of the task
// statuses (todo, in_progress, done), so that a task's `status` stays what "done", overdue and the
// metrics read; a category may have several columns. `tasks.column_id` names the task's column;
// null means the first column of the task's status (by position): what every task written before
// this migration, and every task an import writes by status alone, has. Every project gets the
// three columns of before (To do, In progress, Done); a new one gets them when created. Deleting a
// column sets its tasks' column to null (the service moves them first; the rule only keeps a
// project delete, which cascades to both tables, free of ordering problems on MySQL).
import { MysqlAdapter, sql } from 'kysely';
import type { Kysely } from 'kysely';
import { v7 } from 'uuid';

const DEFAULTS = [
  ['To do', 'todo'],
  ['In progress', 'in_progress'],
  ['Done', 'done'],
] as const;

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed against no app code */
export async function up(db: Kysely<any>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  const id = 'varchar(36)';
  await db.schema
    .createTable('project_columns')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('project_id', id, (c) => c.notNull())
    .addColumn('name', 'varchar(60)', (c) => c.notNull())
    .addColumn('color', 'varchar(7)')
    .addColumn('category', 'varchar(16)', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('wip_limit', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addForeignKeyConstraint(
      'project_columns_project_id_fk',
      ['project_id'],
      'projects',
      ['id'],
      (cb) => cb.onDelete('cascade'),
    )
    .$call((table) =>
      mysql ? table.modifyEnd(sql`character set utf8mb4 collate utf8mb4_unicode_ci`) : table,
    )
    .execute();
  // A project's columns in board order; the first of a category.
  await db.schema
    .createIndex('project_columns_project_idx')
    .on('project_columns')
    .columns(['project_id', 'category', 'position'])
    .execute();

  if (mysql) {
    await db.schema.alterTable('tasks').addColumn('column_id', id).execute();
    await db.schema
      .alterTable('tasks')
      .addForeignKeyConstraint('tasks_column_id_fk', ['column_id'], 'project_columns', ['id'])
      .onDelete('set null')
      .execute();
  } else {
    // SQLite adds no constraint to an existing table, but a column may carry its reference.
    await db.schema
      .alterTable('tasks')
      .addColumn('column_id', id, (c) => c.references('project_columns.id').onDelete('set null'))
      .execute();
    await db.schema.createIndex('tasks_column_id_idx').on('tasks').column('column_id').execute();
  }

  // The columns of every existing project, a page of projects at a time.
  const now = Date.now();
  let after = '';
  for (;;) {
    const projects = (await db
      .selectFrom('projects')
      .select('id')
      .where('id', '>', after)
      .orderBy('id')
      .limit(500)
      .execute()) as { id: string }[];
    if (projects.length === 0) break;
    await db
      .insertInto('project_columns')
      .values(
        projects.flatMap(({ id: projectId }) =>
          DEFAULTS.map(([name, category], i) => ({
            id: v7(),
            project_id: projectId,
            name,
            color: null,
            category,
            position: i + 1,
            wip_limit: null,
            created_at: now,
            updated_at: now,
          })),
        ),
      )
      .execute();
    after = projects[projects.length - 1]!.id;
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  if (mysql) {
    await db.schema.alterTable('tasks').dropConstraint('tasks_column_id_fk').execute();
    await db.schema.dropIndex('tasks_column_id_fk').on('tasks').execute();
  } else {
    await db.schema.dropIndex('tasks_column_id_idx').execute();
  }
  await db.schema.alterTable('tasks').dropColumn('column_id').execute();
  await db.schema.dropTable('project_columns').execute();
}
