// Frozen: never edit once released; add a new migration instead. Runs on SQLite and MySQL.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed against no app code */
export async function up(db: Kysely<any>): Promise<void> {
  const id = 'varchar(36)';
  // Descriptions may hold 20,000 characters: up to 80,000 bytes of UTF-8, more than MySQL's TEXT
  // (64 KiB). MEDIUMTEXT holds 16 MiB; SQLite reads the name as its TEXT affinity.
  const longText = sql`mediumtext`;

  await db.schema
    .createTable('users')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('email', 'varchar(254)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
    .addColumn('role', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('user_id', id, (c) => c.notNull())
    .addColumn('csrf_token', 'varchar(64)', (c) => c.notNull())
    .addColumn('user_agent', 'varchar(255)')
    .addColumn('ip', 'varchar(64)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addForeignKeyConstraint('sessions_user_id_fk', ['user_id'], 'users', ['id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('user_id', id, (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('prefix', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addForeignKeyConstraint('api_tokens_user_id_fk', ['user_id'], 'users', ['id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .execute();
  await db.schema.createIndex('api_tokens_user_idx').on('api_tokens').column('user_id').execute();

  await db.schema
    .createTable('projects')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('description', longText)
    .addColumn('created_by', id, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addForeignKeyConstraint('projects_created_by_fk', ['created_by'], 'users', ['id'])
    .execute();

  await db.schema
    .createTable('project_members')
    .addColumn('project_id', id, (c) => c.notNull())
    .addColumn('user_id', id, (c) => c.notNull())
    .addColumn('role', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('project_members_pk', ['project_id', 'user_id'])
    .addForeignKeyConstraint(
      'project_members_project_id_fk',
      ['project_id'],
      'projects',
      ['id'],
      (cb) => cb.onDelete('cascade'),
    )
    .addForeignKeyConstraint('project_members_user_id_fk', ['user_id'], 'users', ['id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('project_members_user_idx')
    .on('project_members')
    .columns(['user_id', 'project_id'])
    .execute();

  await db.schema
    .createTable('tasks')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('project_id', id, (c) => c.notNull())
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('description', longText)
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('priority', 'smallint', (c) => c.notNull())
    .addColumn('position', 'double precision', (c) => c.notNull())
    .addColumn('due_at', 'bigint')
    .addColumn('assignee_id', id)
    .addColumn('created_by', id, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addForeignKeyConstraint('tasks_project_id_fk', ['project_id'], 'projects', ['id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .addForeignKeyConstraint('tasks_assignee_id_fk', ['assignee_id'], 'users', ['id'], (cb) =>
      cb.onDelete('set null'),
    )
    .addForeignKeyConstraint('tasks_created_by_fk', ['created_by'], 'users', ['id'])
    .execute();
  // One index per sort order of the list endpoint (keyset pagination: sort key, then id), and
  // the board's per-column order. A page then costs the same at 1k and 1M tasks.
  const taskIndexes: [string, string[]][] = [
    ['tasks_board_idx', ['project_id', 'status', 'position', 'id']],
    ['tasks_position_idx', ['project_id', 'position', 'id']],
    ['tasks_created_idx', ['project_id', 'created_at', 'id']],
    ['tasks_updated_idx', ['project_id', 'updated_at', 'id']],
    ['tasks_due_idx', ['project_id', 'due_at', 'id']],
    ['tasks_priority_idx', ['project_id', 'priority', 'id']],
    ['tasks_title_idx', ['project_id', 'title', 'id']],
    ['tasks_assignee_idx', ['project_id', 'assignee_id', 'id']],
  ];
  for (const [name, columns] of taskIndexes) {
    await db.schema.createIndex(name).on('tasks').columns(columns).execute();
  }

  await db.schema
    .createTable('labels')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('project_id', id, (c) => c.notNull())
    .addColumn('name', 'varchar(50)', (c) => c.notNull())
    .addColumn('color', 'varchar(7)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('labels_project_name_uq', ['project_id', 'name'])
    .addForeignKeyConstraint('labels_project_id_fk', ['project_id'], 'projects', ['id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .execute();

  await db.schema
    .createTable('task_labels')
    .addColumn('task_id', id, (c) => c.notNull())
    .addColumn('label_id', id, (c) => c.notNull())
    .addPrimaryKeyConstraint('task_labels_pk', ['task_id', 'label_id'])
    .addForeignKeyConstraint('task_labels_task_id_fk', ['task_id'], 'tasks', ['id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .addForeignKeyConstraint('task_labels_label_id_fk', ['label_id'], 'labels', ['id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('task_labels_label_idx')
    .on('task_labels')
    .columns(['label_id', 'task_id'])
    .execute();

  await db.schema
    .createTable('comments')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('task_id', id, (c) => c.notNull())
    .addColumn('author_id', id, (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addForeignKeyConstraint('comments_task_id_fk', ['task_id'], 'tasks', ['id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .addForeignKeyConstraint('comments_author_id_fk', ['author_id'], 'users', ['id'])
    .execute();
  await db.schema
    .createIndex('comments_task_idx')
    .on('comments')
    .columns(['task_id', 'id'])
    .execute();

  await db.schema
    .createTable('activity')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('project_id', id, (c) => c.notNull())
    .addColumn('task_id', id)
    .addColumn('actor_id', id, (c) => c.notNull())
    .addColumn('action', 'varchar(50)', (c) => c.notNull())
    .addColumn('details', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addForeignKeyConstraint('activity_project_id_fk', ['project_id'], 'projects', ['id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .addForeignKeyConstraint('activity_actor_id_fk', ['actor_id'], 'users', ['id'])
    .execute();
  await db.schema
    .createIndex('activity_project_idx')
    .on('activity')
    .columns(['project_id', 'id'])
    .execute();
  await db.schema
    .createIndex('activity_task_idx')
    .on('activity')
    .columns(['task_id', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'activity',
    'comments',
    'task_labels',
    'labels',
    'tasks',
    'project_members',
    'projects',
    'api_tokens',
    'sessions',
    'users',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
