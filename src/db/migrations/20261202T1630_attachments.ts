// Frozen: never edit once released; add a new migration instead. Runs on SQLite and MySQL.
//
// Issue 14: attachments. Files on a task, kept where every replica reads them: their bytes in the
// database (`storage` 'db'; an object store may hold them later, `data` then null). A task's
// cover image is a row of its own table rather than a column of `tasks`: a foreign key from
// tasks to attachments would make the two tables each other's parent, which a restore (parents
// first, src/backup/tables.ts) cannot load; deleting the attachment deletes the row (the task
// then has no cover), deleting the task deletes both.
import { MysqlAdapter, sql } from 'kysely';
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed against no app code */
export async function up(db: Kysely<any>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  const id = 'varchar(36)';
  await db.schema
    .createTable('attachments')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('task_id', id, (c) => c.notNull())
    .addColumn('project_id', id, (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('content_type', 'varchar(100)', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('storage', 'varchar(8)', (c) => c.notNull())
    // LONGBLOB on MySQL (a BLOB holds 64 KiB only); SQLite's BLOB has no size of its own.
    .addColumn('data', mysql ? sql`longblob` : 'blob')
    .addColumn('uploaded_by', id, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addForeignKeyConstraint('attachments_task_id_fk', ['task_id'], 'tasks', ['id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .addForeignKeyConstraint('attachments_uploaded_by_fk', ['uploaded_by'], 'users', ['id'])
    .$call((table) =>
      mysql ? table.modifyEnd(sql`character set utf8mb4 collate utf8mb4_unicode_ci`) : table,
    )
    .execute();
  // A task's attachments, newest first (ids are time-ordered), and the task cascade.
  await db.schema
    .createIndex('attachments_task_idx')
    .on('attachments')
    .columns(['task_id', 'id'])
    .execute();
  // The uploader's foreign key (SQLite needs an index for each; MySQL makes its own).
  if (!mysql) {
    await db.schema
      .createIndex('attachments_uploaded_by_idx')
      .on('attachments')
      .column('uploaded_by')
      .execute();
  }

  await db.schema
    .createTable('task_covers')
    .addColumn('task_id', id, (c) => c.primaryKey())
    .addColumn('attachment_id', id, (c) => c.notNull())
    .addForeignKeyConstraint('task_covers_task_id_fk', ['task_id'], 'tasks', ['id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .addForeignKeyConstraint(
      'task_covers_attachment_id_fk',
      ['attachment_id'],
      'attachments',
      ['id'],
      (cb) => cb.onDelete('cascade'),
    )
    .$call((table) =>
      mysql ? table.modifyEnd(sql`character set utf8mb4 collate utf8mb4_unicode_ci`) : table,
    )
    .execute();
  if (!mysql) {
    await db.schema
      .createIndex('task_covers_attachment_idx')
      .on('task_covers')
      .column('attachment_id')
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('task_covers').execute();
  await db.schema.dropTable('attachments').execute();
}
