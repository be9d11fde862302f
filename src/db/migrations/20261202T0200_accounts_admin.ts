// Frozen: never edit once released; add a new migration instead. Runs on SQLite and MySQL.
//
// Issue 11, findings 4 and 5: API tokens may expire; admins disable accounts, force a password
// reset (a single-use link, stored as its SHA-256 with an expiry) and invite people (single-use
// links, optionally into a project with a role).
import { MysqlAdapter, sql } from 'kysely';
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed against no app code */
export async function up(db: Kysely<any>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  const id = 'varchar(36)';

  await db.schema.alterTable('users').addColumn('disabled_at', 'bigint').execute();
  await db.schema.alterTable('users').addColumn('password_reset_hash', 'varchar(64)').execute();
  await db.schema.alterTable('users').addColumn('password_reset_expires_at', 'bigint').execute();
  // Several NULLs are allowed in a unique index on both databases.
  await db.schema
    .createIndex('users_password_reset_uq')
    .on('users')
    .column('password_reset_hash')
    .unique()
    .execute();

  await db.schema.alterTable('api_tokens').addColumn('expires_at', 'bigint').execute();

  await db.schema
    .createTable('invites')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('note', 'varchar(100)')
    .addColumn('project_id', id)
    .addColumn('project_role', 'varchar(16)')
    .addColumn('created_by', id, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('used_by', id)
    // An invite into a project goes with the project.
    .addForeignKeyConstraint('invites_project_id_fk', ['project_id'], 'projects', ['id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .addForeignKeyConstraint('invites_created_by_fk', ['created_by'], 'users', ['id'])
    .addForeignKeyConstraint('invites_used_by_fk', ['used_by'], 'users', ['id'])
    // Declared, not inherited: the database's default may be latin1 (finding 12).
    .$call((table) =>
      mysql ? table.modifyEnd(sql`character set utf8mb4 collate utf8mb4_unicode_ci`) : table,
    )
    .execute();
  // Deleting a project finds its invites by index (MySQL made one for the foreign key already).
  if (!mysql) {
    await db.schema.createIndex('invites_project_idx').on('invites').column('project_id').execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('invites').execute();
  await db.schema.alterTable('api_tokens').dropColumn('expires_at').execute();
  // SQLite drops no column an index still names; MySQL names the table of an index.
  const dropIndex = db.schema.dropIndex('users_password_reset_uq');
  await (
    db.getExecutor().adapter instanceof MysqlAdapter ? dropIndex.on('users') : dropIndex
  ).execute();
  for (const column of ['password_reset_expires_at', 'password_reset_hash', 'disabled_at']) {
    await db.schema.alterTable('users').dropColumn(column).execute();
  }
}
