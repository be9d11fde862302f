// Frozen: never edit once released; add a new migration instead. Runs on SQLite and MySQL.
//
// Issue 13: due reminders ("due tomorrow", "overdue"), each sent once whatever the number of
// replicas. A row here is the claim of one reminder: its key is the task, the kind and the due
// date it is about, so the replica whose insert lands sends it and every other one (or the same
// one after a restart) finds it taken; a new due date is a new reminder.
import { MysqlAdapter, sql } from 'kysely';
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed against no app code */
export async function up(db: Kysely<any>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  await db.schema
    .createTable('due_reminders')
    .addColumn('task_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('due_reminders_pk', ['task_id', 'kind', 'due_at'])
    .addForeignKeyConstraint('due_reminders_task_id_fk', ['task_id'], 'tasks', ['id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .$call((table) =>
      mysql ? table.modifyEnd(sql`character set utf8mb4 collate utf8mb4_unicode_ci`) : table,
    )
    .execute();
  // The scheduler's scan: tasks whose due date falls in a window, whatever their project.
  await db.schema.createIndex('tasks_due_at_idx').on('tasks').columns(['due_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  const drop = db.schema.dropIndex('tasks_due_at_idx');
  // MySQL names the table of an index; SQLite's index names are global and take no table.
  await (db.getExecutor().adapter instanceof MysqlAdapter ? drop.on('tasks') : drop).execute();
  await db.schema.dropTable('due_reminders').execute();
}
