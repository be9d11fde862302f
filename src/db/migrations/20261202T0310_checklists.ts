// Frozen: never edit once released; add a new migration instead. Runs on SQLite and MySQL.
//
// Issue 14: checklists on a task. Items are ordered by an integer position within their task (a
// checklist is short, so a reorder renumbers it) and go with their task.
import { MysqlAdapter, sql } from 'kysely';
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed against no app code */
export async function up(db: Kysely<any>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  const id = 'varchar(36)';
  await db.schema
    .createTable('checklist_items')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('task_id', id, (c) => c.notNull())
    .addColumn('text', 'varchar(500)', (c) => c.notNull())
    .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addForeignKeyConstraint('checklist_items_task_id_fk', ['task_id'], 'tasks', ['id'], (cb) =>
      cb.onDelete('cascade'),
    )
    // Declared, not inherited: the database's default may be latin1 (finding 12).
    .$call((table) =>
      mysql ? table.modifyEnd(sql`character set utf8mb4 collate utf8mb4_unicode_ci`) : table,
    )
    .execute();
  // A task's items in order, and its progress counted, from this index alone on both databases.
  await db.schema
    .createIndex('checklist_items_task_idx')
    .on('checklist_items')
    .columns(['task_id', 'position', 'done'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('checklist_items').execute();
}
