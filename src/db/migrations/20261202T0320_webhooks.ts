// Frozen: never edit once released; add a new migration instead. Runs on SQLite and MySQL.
//
// Issue 15: webhooks per project, and their deliveries queued in the database (written in the
// transaction of the change they announce, claimed by one replica at a time, retried with
// backoff). The secret is kept as written: the service needs it to sign every delivery.
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
    .createTable('webhooks')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('project_id', id, (c) => c.notNull())
    .addColumn('url', 'varchar(2048)', (c) => c.notNull())
    .addColumn('secret', 'varchar(128)', (c) => c.notNull())
    /** JSON array of event names. */
    .addColumn('events', 'varchar(255)', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('disabled_reason', 'varchar(255)')
    .addColumn('disabled_at', 'bigint')
    .addColumn('created_by', id, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addForeignKeyConstraint('webhooks_project_id_fk', ['project_id'], 'projects', ['id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .addForeignKeyConstraint('webhooks_created_by_fk', ['created_by'], 'users', ['id'])
    .$call(utf8mb4)
    .execute();
  if (!mysql) {
    await db.schema
      .createIndex('webhooks_project_idx')
      .on('webhooks')
      .column('project_id')
      .execute();
  }

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('webhook_id', id, (c) => c.notNull())
    .addColumn('event', 'varchar(64)', (c) => c.notNull())
    /** JSON text: the event's data, wrapped with the delivery id when sent. */
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('claimed_until', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('claimed_by', 'varchar(36)')
    .addColumn('redelivery_of', id)
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_attempt_at', 'bigint')
    .addColumn('response_status', 'integer')
    .addColumn('duration_ms', 'integer')
    .addColumn('response_snippet', 'varchar(1024)')
    .addColumn('error', 'varchar(255)')
    .addForeignKeyConstraint(
      'webhook_deliveries_webhook_id_fk',
      ['webhook_id'],
      'webhooks',
      ['id'],
      (cb) => cb.onDelete('cascade'),
    )
    .$call(utf8mb4)
    .execute();
  // The worker's poll: due pending deliveries.
  await db.schema
    .createIndex('webhook_deliveries_due_idx')
    .on('webhook_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();
  // The delivery log of a webhook, newest first (and its foreign key on MySQL).
  await db.schema
    .createIndex('webhook_deliveries_webhook_idx')
    .on('webhook_deliveries')
    .columns(['webhook_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_deliveries').execute();
  await db.schema.dropTable('webhooks').execute();
}
