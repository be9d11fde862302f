// Frozen: never edit once released; add a new migration instead. Runs on SQLite and MySQL.
//
// Issue 15: with AUTH_MODE=oidc an invite is accepted through single sign-on. The invite's hash
// rides with the sign-in in flight (oidc_logins), so that the callback creates the account the
// invite allows (also while registration is closed) and claims the invite in the same transaction.
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed against no app code */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('oidc_logins').addColumn('invite_hash', 'varchar(64)').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('oidc_logins').dropColumn('invite_hash').execute();
}
