// The database is the bus between replicas (/work/shared/ARCHITECTURE.md): a process that
// changes something other processes cache appends a row to `changes`, and every process polls
// the rows after the last one it saw, one indexed query per interval. Revocation of cached
// credentials uses it, and the live event streams of projects (features/live), whose rows carry
// a payload and whose ids clients resume from.
import type { Db } from './database.js';

/** A row as listeners get it: its id (monotonic) and payload besides the subject. */
export interface Change {
  id: number;
  data: string | null;
}

export type ChangeListener = (subject: string, change: Change) => void;

/**
 * Appends a row for every process to read at its next poll, on `db` (the transaction that makes
 * the change, so that the row commits with it). No process dispatches it before reading it back.
 */
export async function appendChange(
  db: Db,
  row: { topic: string; subject: string; data?: string | null; at: number },
): Promise<number> {
  const result = await db
    .insertInto('changes')
    .values({ topic: row.topic, subject: row.subject, data: row.data ?? null, created_at: row.at })
    .executeTakeFirst();
  return Number(result.insertId ?? 0);
}

/** Several rows in one insert (one round trip), on `db` as appendChange. */
export async function appendChanges(
  db: Db,
  rows: readonly { topic: string; subject: string; data?: string | null; at: number }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('changes')
    .values(
      rows.map((row) => ({
        topic: row.topic,
        subject: row.subject,
        data: row.data ?? null,
        created_at: row.at,
      })),
    )
    .execute();
}

export interface ChangeFeedOptions {
  intervalMs?: number;
  /** Rows older than this are pruned (a process away for longer drops its caches instead). */
  retentionMs?: number;
  now?: () => number;
}

// Ids are handed out at insert but become visible at commit, so a row with a smaller id may
// appear after a larger one was read. Rows are re-read until they are this old (by the time this
// process first saw them) and dispatched once.
const SETTLE_MS = 5_000;
const PRUNE_EVERY = 60;

export class ChangeFeed {
  private readonly listeners = new Map<string, ChangeListener[]>();
  private readonly intervalMs: number;
  private readonly retentionMs: number;
  private readonly now: () => number;
  /** Every row up to this id has been dispatched and settled. */
  private settledId = 0;
  /** Rows after settledId already dispatched, with when they were first seen. */
  private readonly recent = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private polls = 0;
  private lastPollStartedAt = -Infinity;
  private started = false;
  private polling: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    options: ChangeFeedOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 500;
    this.retentionMs = options.retentionMs ?? 10 * 60_000;
    this.now = options.now ?? Date.now;
  }

  on(topic: string, listener: ChangeListener): void {
    this.listeners.set(topic, [...(this.listeners.get(topic) ?? []), listener]);
  }

  /**
   * Records a change for every process, on `db` (pass the transaction that makes the change, so
   * the row commits with it). This process forgets at once; the others at their next poll.
   */
  async publish(db: Db, topic: string, subject: string): Promise<void> {
    const id = await appendChange(db, { topic, subject, at: this.now() });
    this.dispatch(topic, subject, { id, data: null });
  }

  /** The newest row id this process has read (0 before its first poll). */
  get lastSeenId(): number {
    return Math.max(this.settledId, ...this.recent.keys());
  }

  /**
   * Whether a change committed before `ageMs` ago has certainly been dispatched: the last poll
   * that succeeded started within that window. Caches consult this, and read through while the
   * feed lags (a database outage, a stalled event loop).
   */
  caughtUpWithin(ageMs: number): boolean {
    return this.timer !== undefined && this.now() - this.lastPollStartedAt <= ageMs;
  }

  /**
   * Polls every interval until stop(). The first successful poll starts from the newest row:
   * older changes concern caches this process never had. Failed polls (the database away, the
   * table not migrated yet) are retried at the next tick.
   */
  start(): void {
    if (this.timer) return;
    const tick = () => {
      if (this.polling) return; // a slow poll is not overtaken by the next
      this.polling = this.poll()
        .catch(() => undefined)
        .finally(() => (this.polling = undefined));
    };
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
    tick();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One poll: dispatches rows not seen yet. Exposed for tests; the timer calls it. */
  async poll(): Promise<void> {
    const startedAt = this.now();
    if (!this.started) {
      const row = await this.db
        .selectFrom('changes')
        .select((eb) => eb.fn.max('id').as('id'))
        .executeTakeFirst();
      this.settledId = Number(row?.id ?? 0);
      this.started = true;
      this.lastPollStartedAt = startedAt;
      return;
    }
    const rows = await this.db
      .selectFrom('changes')
      .select(['id', 'topic', 'subject', 'data'])
      .where('id', '>', this.settledId)
      .orderBy('id')
      .execute();
    for (const row of rows) {
      const id = Number(row.id);
      if (this.recent.has(id)) continue;
      this.recent.set(id, startedAt);
      this.dispatch(row.topic, row.subject, { id, data: row.data });
    }
    this.settle(startedAt);
    this.lastPollStartedAt = startedAt;
    if (++this.polls % PRUNE_EVERY === 0) {
      await this.db
        .deleteFrom('changes')
        .where('created_at', '<', startedAt - this.retentionMs)
        .execute();
    }
  }

  /** Advances settledId over the run of consecutive settled rows. */
  private settle(now: number): void {
    const ids = [...this.recent.keys()].sort((a, b) => a - b);
    for (const id of ids) {
      if (now - this.recent.get(id)! < SETTLE_MS) break;
      this.settledId = id;
      this.recent.delete(id);
    }
  }

  private dispatch(topic: string, subject: string, change: Change): void {
    for (const listener of this.listeners.get(topic) ?? []) listener(subject, change);
  }
}
