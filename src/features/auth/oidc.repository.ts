// SQL for single sign-on: the identities linked to accounts and the sign-ins in flight.
import type { Insertable } from 'kysely';
import type { Db } from '../../db/database.js';
import type { OidcLoginsTable, UserRow } from '../../db/types.js';

export const findLinkedUser = (
  db: Db,
  issuer: string,
  subject: string,
): Promise<UserRow | undefined> =>
  db
    .selectFrom('oidc_identities as i')
    .innerJoin('users as u', 'u.id', 'i.user_id')
    .selectAll('u')
    .where('i.issuer', '=', issuer)
    .where('i.subject', '=', subject)
    .executeTakeFirst();

export const linkIdentity = (
  db: Db,
  identity: { issuer: string; subject: string; userId: string },
  now: number,
) =>
  db
    .insertInto('oidc_identities')
    .values({
      issuer: identity.issuer,
      subject: identity.subject,
      user_id: identity.userId,
      created_at: now,
      last_login_at: now,
    })
    .execute();

export const touchIdentity = (db: Db, issuer: string, subject: string, now: number) =>
  db
    .updateTable('oidc_identities')
    .set({ last_login_at: now })
    .where('issuer', '=', issuer)
    .where('subject', '=', subject)
    .execute();

export async function insertLogin(db: Db, login: Insertable<OidcLoginsTable>, now: number) {
  // Abandoned sign-ins are pruned by the next one to start: the table stays small.
  await db.deleteFrom('oidc_logins').where('expires_at', '<', now).execute();
  await db.insertInto('oidc_logins').values(login).execute();
}

/** The sign-in in flight behind a cookie, removed as it is read: each is used at most once. */
export async function takeLogin(db: Db, idHash: string) {
  const row = await db
    .selectFrom('oidc_logins')
    .selectAll()
    .where('id_hash', '=', idHash)
    .executeTakeFirst();
  if (!row) return undefined;
  const deleted = await db
    .deleteFrom('oidc_logins')
    .where('id_hash', '=', idHash)
    .executeTakeFirst();
  // A concurrent callback with the same cookie took it first.
  return Number(deleted.numDeletedRows) === 1 ? row : undefined;
}

export const setRole = (db: Db, userId: string, role: UserRow['role'], now: number) =>
  db.updateTable('users').set({ role, updated_at: now }).where('id', '=', userId).execute();

/** Enabled admins other than `userId` (take lockAdmins first: changes run one at a time). */
export async function otherActiveAdmins(db: Db, userId: string): Promise<number> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .where('id', '!=', userId)
    .execute();
  return rows.length;
}
