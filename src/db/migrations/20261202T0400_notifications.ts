// Frozen: never edit once released; add a new migration instead. Runs on SQLite and MySQL.
//
// Issue 13: watchers of a task, the in-app inbox (one row per recipient, written in the
// transaction of the change it tells about), each user's choice of notification kinds, and the
// index of "My work" (a user's assigned tasks across projects by due date).
import { MysqlAdapter, sql } from 'kysely';
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed against no app code */
export async function up(db: Kysely<any>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  const id = 'varchar(36)';
  // Declared, not inherited: the database's default may be latin1 (issue 11, finding 12).
  const utf8mb4 = <T extends { modifyEnd(s: unknown): T }>(table: T): T =>
    mysql ? table.modifyEnd(sql`character set utf8mb4 collate utf8mb4_unicode_ci`) : table;

  await db.schema
    .createTable('task_watchers')
    .addColumn('task_id', id, (c) => c.notNull())
    .addColumn('user_id', id, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('task_watchers_pk', ['task_id', 'user_id'])
    .addForeignKeyConstraint('task_watchers_task_id_fk', ['task_id'], 'tasks', ['id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .addForeignKeyConstraint('task_watchers_user_id_fk', ['user_id'], 'users', ['id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .$call(utf8mb4)
    .execute();
  // The user's foreign key (MySQL indexes it anyway; SQLite needs it for the cascade).
  await db.schema
    .createIndex('task_watchers_user_idx')
    .on('task_watchers')
    .column('user_id')
    .execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('user_id', id, (c) => c.notNull())
    .addColumn('project_id', id, (c) => c.notNull())
    .addColumn('task_id', id)
    .addColumn('actor_id', id)
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('comment_id', id)
    .addColumn('read_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    /** null: no email; 'pending' until the mailer claims and sends it; then 'sent' or 'failed'. */
    .addColumn('email_state', 'varchar(16)')
    .addColumn('email_claimed_until', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('email_claimed_by', 'varchar(36)')
    .addForeignKeyConstraint('notifications_user_id_fk', ['user_id'], 'users', ['id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .addForeignKeyConstraint(
      'notifications_project_id_fk',
      ['project_id'],
      'projects',
      ['id'],
      (cb) => cb.onDelete('cascade'),
    )
    .addForeignKeyConstraint('notifications_task_id_fk', ['task_id'], 'tasks', ['id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .addForeignKeyConstraint('notifications_actor_id_fk', ['actor_id'], 'users', ['id'], (cb) =>
      cb.onDelete('set null'),
    )
    .$call(utf8mb4)
    .execute();
  // The inbox newest first (ids are time-ordered) and the unread count: one range each.
  await db.schema
    .createIndex('notifications_inbox_idx')
    .on('notifications')
    .columns(['user_id', 'id'])
    .execute();
  await db.schema
    .createIndex('notifications_unread_idx')
    .on('notifications')
    .columns(['user_id', 'read_at', 'id'])
    .execute();
  // The mailer's poll: pending emails not claimed by a live claim.
  await db.schema
    .createIndex('notifications_email_idx')
    .on('notifications')
    .columns(['email_state', 'email_claimed_until'])
    .execute();
  // Foreign keys: SQLite needs an index for each cascade; MySQL makes these itself.
  if (!mysql) {
    for (const column of ['project_id', 'task_id', 'actor_id']) {
      await db.schema
        .createIndex(`notifications_${column}_idx`)
        .on('notifications')
        .column(column)
        .execute();
    }
  }

  // "My work": a user's assigned tasks across projects by due date (keyset pages).
  await db.schema
    .createIndex('tasks_my_work_idx')
    .on('tasks')
    .columns(['assignee_id', 'due_at', 'id'])
    .execute();

  await db.schema
    .createTable('notification_settings')
    .addColumn('user_id', id, (c) => c.primaryKey())
    /** JSON array of the kinds the user turned off in the inbox; no row: all on. */
    .addColumn('in_app_off', 'varchar(255)', (c) => c.notNull())
    /** JSON array of the kinds not emailed. */
    .addColumn('email_off', 'varchar(255)', (c) => c.notNull())
    /** The language of emails: en or es. */
    .addColumn('language', 'varchar(8)', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addForeignKeyConstraint(
      'notification_settings_user_id_fk',
      ['user_id'],
      'users',
      ['id'],
      (cb) => cb.onDelete('cascade'),
    )
    .$call(utf8mb4)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notification_settings').execute();
  // Mended after release: this down failed on both databases, so no database depends on it.
  // SQLite's index names are global and take no table. On MySQL the index also serves the assignee's
  // foreign key (MySQL dropped the key's own index when this one was made): the key is dropped and
  // added again around it, which gives it back an index of its own, as before `up`.
  if (db.getExecutor().adapter instanceof MysqlAdapter) {
    await sql`alter table tasks drop foreign key tasks_assignee_id_fk`.execute(db);
    await sql`alter table tasks drop index tasks_my_work_idx`.execute(db);
    await sql`alter table tasks add constraint tasks_assignee_id_fk foreign key (assignee_id)
      references users (id) on delete set null`.execute(db);
  } else {
    await db.schema.dropIndex('tasks_my_work_idx').execute();
  }
  await db.schema.dropTable('notifications').execute();
  await db.schema.dropTable('task_watchers').execute();
}
