// Frozen: never edit once released; add a new migration instead. Runs on SQLite and MySQL.
//
// Issue 15, single sign-on: which account an OpenID Connect identity (issuer, subject) signs in
// to, and the sign-ins in flight (state, nonce and PKCE verifier) in the database every replica
// shares, so that the callback may reach another replica than the start did.
import { MysqlAdapter, sql } from 'kysely';
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed against no app code */
export async function up(db: Kysely<any>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  const id = 'varchar(36)';
  // Issuer and subject compare exactly (a subject differing only in case is another person).
  const exact = (length: number) =>
    mysql
      ? sql`varchar(${sql.raw(String(length))}) character set utf8mb4 collate utf8mb4_bin`
      : sql`varchar(${sql.raw(String(length))})`;
  const utf8mb4 = <T extends { modifyEnd(s: unknown): T }>(table: T): T =>
    mysql ? table.modifyEnd(sql`character set utf8mb4 collate utf8mb4_unicode_ci`) : table;

  await db.schema
    .createTable('oidc_identities')
    .addColumn('issuer', exact(255), (c) => c.notNull())
    .addColumn('subject', exact(255), (c) => c.notNull())
    .addColumn('user_id', id, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_login_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('oidc_identities_pk', ['issuer', 'subject'])
    .addForeignKeyConstraint('oidc_identities_user_id_fk', ['user_id'], 'users', ['id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .$call(utf8mb4)
    .execute();
  if (!mysql) {
    await db.schema
      .createIndex('oidc_identities_user_idx')
      .on('oidc_identities')
      .column('user_id')
      .execute();
  }

  await db.schema
    .createTable('oidc_logins')
    // SHA-256 of the browser's cookie value: the row belongs to the browser that started it.
    .addColumn('id_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('state', 'varchar(100)', (c) => c.notNull())
    .addColumn('nonce', 'varchar(100)', (c) => c.notNull())
    .addColumn('code_verifier', 'varchar(128)', (c) => c.notNull())
    .addColumn('next_path', 'varchar(2000)', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .$call(utf8mb4)
    .execute();
  await db.schema
    .createIndex('oidc_logins_expires_idx')
    .on('oidc_logins')
    .column('expires_at')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('oidc_logins').execute();
  await db.schema.dropTable('oidc_identities').execute();
}
