// SQL for users, sessions and API tokens. Functions take the database (or a transaction) first,
// so that callers own the transaction.
import type { Db } from '../../db/database.js';
import { inLockedTransaction } from '../../db/locks.js';
import type { ApiTokenRow, SessionRow, UserRow } from '../../db/types.js';
import type { Insertable } from 'kysely';
import type { ApiTokensTable, SessionsTable, UsersTable } from '../../db/types.js';

export const findUserByEmail = (db: Db, email: string): Promise<UserRow | undefined> =>
  db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();

export const findUserById = (db: Db, id: string): Promise<UserRow | undefined> =>
  db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();

export async function countUsers(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Runs `fn` in a transaction while no other sign-up runs, on any replica (db/locks.ts). */
export const withSignUpLock = <T>(db: Db, fn: (db: Db) => Promise<T>): Promise<T> =>
  inLockedTransaction(db, 'taskmanager.sign-up', fn);

/**
 * Takes the row locks of every admin for the rest of the transaction (a write that changes
 * nothing): role and status changes then run one after another, and each counts the admins as
 * the previous one left them. Portable where `select … for update` is not (SQLite).
 */
export const lockAdmins = (db: Db) =>
  db
    .updateTable('users')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('role', '=', 'admin')
    .execute();

export const insertUser = (db: Db, user: Insertable<UsersTable>) =>
  db.insertInto('users').values(user).execute();

export const updatePasswordHash = (db: Db, userId: string, passwordHash: string, now: number) =>
  db
    .updateTable('users')
    .set({ password_hash: passwordHash, updated_at: now })
    .where('id', '=', userId)
    .execute();

export const insertSession = (db: Db, session: Insertable<SessionsTable>) =>
  db.insertInto('sessions').values(session).execute();

export interface SessionWithUser {
  session: SessionRow;
  user: UserRow;
}

// Every authenticated request resolves its credential: one query with the user joined, not two.
const userColumns = [
  'u.id as user_id_',
  'u.email as user_email_',
  'u.name as user_name_',
  'u.password_hash as user_password_hash_',
  'u.role as user_role_',
  'u.created_at as user_created_at_',
  'u.updated_at as user_updated_at_',
  'u.disabled_at as user_disabled_at_',
  'u.password_reset_hash as user_password_reset_hash_',
  'u.password_reset_expires_at as user_password_reset_expires_at_',
] as const;

interface JoinedUser {
  user_id_: string;
  user_email_: string;
  user_name_: string;
  user_password_hash_: string;
  user_role_: UserRow['role'];
  user_created_at_: number;
  user_updated_at_: number;
  user_disabled_at_: number | null;
  user_password_reset_hash_: string | null;
  user_password_reset_expires_at_: number | null;
}

function splitUser<T extends JoinedUser>(
  row: T,
): { rest: Omit<T, keyof JoinedUser>; user: UserRow } {
  const {
    user_id_: id,
    user_email_: email,
    user_name_: name,
    user_password_hash_: password_hash,
    user_role_: role,
    user_created_at_: created_at,
    user_updated_at_: updated_at,
    user_disabled_at_: disabled_at,
    user_password_reset_hash_: password_reset_hash,
    user_password_reset_expires_at_: password_reset_expires_at,
    ...rest
  } = row;
  return {
    rest,
    user: {
      id,
      email,
      name,
      password_hash,
      role,
      created_at,
      updated_at,
      disabled_at,
      password_reset_hash,
      password_reset_expires_at,
    },
  };
}

export async function findSessionByTokenHash(
  db: Db,
  tokenHash: string,
): Promise<SessionWithUser | undefined> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .selectAll('s')
    .select(userColumns)
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return undefined;
  const { rest: session, user } = splitUser(row);
  return { session, user };
}

export const touchSession = (db: Db, sessionId: string, now: number) =>
  db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', sessionId).execute();

export const deleteSession = (db: Db, sessionId: string) =>
  db.deleteFrom('sessions').where('id', '=', sessionId).execute();

export const deleteUserSession = (db: Db, userId: string, sessionId: string) =>
  db
    .deleteFrom('sessions')
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .executeTakeFirst();

export const deleteOtherSessions = (db: Db, userId: string, keepSessionId: string | undefined) => {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (keepSessionId) query = query.where('id', '!=', keepSessionId);
  return query.execute();
};

export const listUserSessions = (db: Db, userId: string, now: number): Promise<SessionRow[]> =>
  db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .orderBy('last_seen_at', 'desc')
    .execute();

export const insertApiToken = (db: Db, token: Insertable<ApiTokensTable>) =>
  db.insertInto('api_tokens').values(token).execute();

export const listApiTokens = (db: Db, userId: string): Promise<ApiTokenRow[]> =>
  db
    .selectFrom('api_tokens')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .execute();

export const deleteUserApiTokens = (db: Db, userId: string) =>
  db.deleteFrom('api_tokens').where('user_id', '=', userId).execute();

export const deleteApiToken = (db: Db, userId: string, tokenId: string) =>
  db
    .deleteFrom('api_tokens')
    .where('id', '=', tokenId)
    .where('user_id', '=', userId)
    .executeTakeFirst();

export async function findApiToken(
  db: Db,
  tokenHash: string,
): Promise<{ token: ApiTokenRow; user: UserRow } | undefined> {
  const row = await db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .selectAll('t')
    .select(userColumns)
    .where('t.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return undefined;
  const { rest: token, user } = splitUser(row);
  return { token, user };
}

export const touchApiToken = (db: Db, tokenId: string, now: number) =>
  db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', tokenId).execute();
