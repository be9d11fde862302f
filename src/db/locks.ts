// Transactions that exclude each other on every replica, for work that reads and then writes
// what no row lock covers (the first account, the positions in a board column).
import { sql } from 'kysely';
import { isMysql } from './database.js';
import type { Db } from './database.js';

const LOCK_TIMEOUT_SECONDS = 10;

/**
 * Runs `fn` in a transaction while no other holder of `name` (at most 64 characters) runs.
 * MySQL: a named lock (GET_LOCK), taken before the transaction begins, so that its reads see what
 * the previous holder committed, and released after it ends. It takes no row lock, so it cannot
 * deadlock with the foreign-key locks of other writes.
 * SQLite: BEGIN IMMEDIATE takes the file's one write lock at the start, for every process on the
 * file (others wait, busy_timeout); a deferred transaction that read first could instead fail at
 * its first write once another process had written.
 */
export function inLockedTransaction<T>(
  db: Db,
  name: string,
  fn: (trx: Db) => Promise<T>,
): Promise<T> {
  return db.connection().execute(async (conn) => {
    if (!isMysql(conn)) {
      await sql`begin immediate`.execute(conn);
      try {
        const result = await fn(conn);
        await sql`commit`.execute(conn);
        return result;
      } catch (error) {
        // SQLite has already rolled back after some errors; the first error is the one to report.
        await sql`rollback`.execute(conn).catch(() => undefined);
        throw error;
      }
    }
    const lock = await sql<{
      ok: number | null;
    }>`select get_lock(${name}, ${LOCK_TIMEOUT_SECONDS}) as ok`.execute(conn);
    if (Number(lock.rows[0]?.ok) !== 1) throw new Error(`timed out waiting for the lock ${name}`);
    try {
      return await conn.transaction().execute(fn);
    } finally {
      await sql`select release_lock(${name})`.execute(conn);
    }
  });
}
