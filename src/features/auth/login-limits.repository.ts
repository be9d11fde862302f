// SQL for the sign-in counters (login-limits.ts): one row per bucket and window, counted with one
// atomic upsert, so that replicas counting the same bucket at once never lose a hit.
import { sql } from 'kysely';
import { isMysql } from '../../db/database.js';
import type { Db } from '../../db/database.js';

export interface LimitWindow {
  /** Hits counted in the window, this one included. */
  hits: number;
  /** Epoch ms at which the window ends and the count starts again. */
  resetAt: number;
}

/**
 * Counts one hit in `bucket`: a new window of `windowMs` when there is none or the last one has
 * ended. The upsert and the read of its result are one transaction, so the count returned is the
 * one this hit made (MySQL has no RETURNING; the row stays locked until the read).
 */
export function countHit(
  db: Db,
  bucket: string,
  now: number,
  windowMs: number,
): Promise<LimitWindow> {
  const resetAt = now + windowMs;
  const ended = sql<boolean>`reset_at <= ${now}`;
  return db.transaction().execute(async (trx) => {
    const insert = trx.insertInto('login_limits').values({ bucket, hits: 1, reset_at: resetAt });
    await (
      isMysql(trx)
        ? // MySQL assigns left to right, each assignment seeing the ones before it: hits must come
          // first, while reset_at still holds the old window's end.
          insert.onDuplicateKeyUpdate({
            hits: sql`if(${ended}, 1, hits + 1)`,
            reset_at: sql`if(${ended}, ${resetAt}, reset_at)`,
          })
        : insert.onConflict((conflict) =>
            conflict.column('bucket').doUpdateSet({
              hits: sql`case when ${ended} then 1 else hits + 1 end`,
              reset_at: sql`case when ${ended} then ${resetAt} else reset_at end`,
            }),
          )
    ).execute();
    const row = await trx
      .selectFrom('login_limits')
      .select(['hits', 'reset_at'])
      .where('bucket', '=', bucket)
      .executeTakeFirstOrThrow();
    return { hits: Number(row.hits), resetAt: Number(row.reset_at) };
  });
}

export const clearBucket = (db: Db, bucket: string) =>
  db.deleteFrom('login_limits').where('bucket', '=', bucket).execute();

const PRUNE_BATCH = 500;

/**
 * Deletes the rows whose window ended before `now`, in batches by primary key: a range delete on
 * reset_at would lock index ranges that concurrent upserts also need (a deadlock on MySQL).
 * The delete checks the end again, so a window renewed meanwhile stays. Returns the rows removed.
 */
export async function pruneEnded(db: Db, now: number, maxBatches = 20): Promise<number> {
  let removed = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const rows = await db
      .selectFrom('login_limits')
      .select('bucket')
      .where('reset_at', '<=', now)
      .limit(PRUNE_BATCH)
      .execute();
    if (rows.length === 0) break;
    const result = await db
      .deleteFrom('login_limits')
      .where(
        'bucket',
        'in',
        rows.map((r) => r.bucket),
      )
      .where('reset_at', '<=', now)
      .executeTakeFirst();
    removed += Number(result.numDeletedRows);
    if (rows.length < PRUNE_BATCH) break;
  }
  return removed;
}
