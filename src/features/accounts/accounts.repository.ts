// SQL for account management: the users as admins see them, the invites, reset links. Functions
// take the database (or a transaction) first, so that callers own the transaction.
import type { Db } from '../../db/database.js';
import type { InviteRow, UserRow } from '../../db/types.js';

export const findUser = (db: Db, userId: string): Promise<UserRow | undefined> =>
  db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();

/** A page of users by email (unique, so the email alone is the keyset), `limit + 1` rows. */
export function listUsers(db: Db, limit: number, after?: string): Promise<UserRow[]> {
  let query = db
    .selectFrom('users')
    .selectAll()
    .orderBy('email')
    .limit(limit + 1);
  if (after !== undefined) query = query.where('email', '>', after);
  return query.execute();
}

// Shared with single sign-on's admin group (features/auth owns the users table).
export { lockAdmins } from '../auth/auth.repository.js';

export const updateUser = (
  db: Db,
  userId: string,
  changes: Partial<
    Pick<
      UserRow,
      | 'role'
      | 'disabled_at'
      | 'password_hash'
      | 'password_reset_hash'
      | 'password_reset_expires_at'
      | 'updated_at'
    >
  >,
) => db.updateTable('users').set(changes).where('id', '=', userId).execute();

/** The account a reset link belongs to, while the link is valid and the account enabled. */
export const findUserByResetHash = (
  db: Db,
  hash: string,
  now: number,
): Promise<UserRow | undefined> =>
  db
    .selectFrom('users')
    .selectAll()
    .where('password_reset_hash', '=', hash)
    .where('password_reset_expires_at', '>', now)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();

/** Sets the new password if the link is still the account's (single use: 0 rows otherwise). */
export async function completeReset(
  db: Db,
  userId: string,
  hash: string,
  passwordHash: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({
      password_hash: passwordHash,
      password_reset_hash: null,
      password_reset_expires_at: null,
      updated_at: now,
    })
    .where('id', '=', userId)
    .where('password_reset_hash', '=', hash)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Invites with the names an admin recognises them by: project, creator, who used it. */
const invitesWithNames = (db: Db) =>
  db
    .selectFrom('invites as i')
    .leftJoin('projects as p', 'p.id', 'i.project_id')
    .innerJoin('users as c', 'c.id', 'i.created_by')
    .leftJoin('users as u', 'u.id', 'i.used_by')
    .selectAll('i')
    .select([
      'p.name as project_name',
      'c.name as creator_name',
      'u.email as user_email',
      'u.name as user_name',
    ]);

export type InviteListRow = NonNullable<Awaited<ReturnType<typeof findInvite>>>;

/** A page of invites, newest first (ids are time-ordered), `limit + 1` rows. */
export function listInvites(db: Db, limit: number, before?: string) {
  let query = invitesWithNames(db)
    .orderBy('i.id', 'desc')
    .limit(limit + 1);
  if (before !== undefined) query = query.where('i.id', '<', before);
  return query.execute();
}

export const findInvite = (db: Db, inviteId: string) =>
  invitesWithNames(db).where('i.id', '=', inviteId).executeTakeFirst();

export const insertInvite = (db: Db, invite: InviteRow) =>
  db.insertInto('invites').values(invite).execute();

export const deleteInvite = (db: Db, inviteId: string) =>
  db.deleteFrom('invites').where('id', '=', inviteId).executeTakeFirst();

export const findInviteByHash = (db: Db, hash: string): Promise<InviteRow | undefined> =>
  db.selectFrom('invites').selectAll().where('token_hash', '=', hash).executeTakeFirst();

/** Marks the invite used by `userId` if it still may be (single use: false if another won). */
export async function claimInvite(
  db: Db,
  inviteId: string,
  userId: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('invites')
    .set({ used_at: now, used_by: userId })
    .where('id', '=', inviteId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
