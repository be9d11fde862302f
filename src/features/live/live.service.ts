// Live updates of a project, and of a user's inbox, as server-sent events (issue 13). Every write a member sees records
// a live event on the change feed in its own transaction (activity-log/record.ts); each process
// reads the feed once per interval for all its streams (db/change-feed.ts) and fans the rows
// out here, so a write on one replica reaches the streams of every other. An event's id is the
// feed row's id: a client that reconnects with Last-Event-ID gets the rows after it from the
// table, which keeps them for the feed's retention; older than that, it is told to reload.
import type { ServerResponse } from 'node:http';
import { USER_EVENTS_TOPIC } from '../../activity-log/notifications.js';
import { PROJECT_EVENTS_TOPIC } from '../../activity-log/record.js';
import type { LiveEvent } from '../../activity-log/record.js';
import type { AuthContext } from '../../access/caller.js';
import { requireRole } from '../../access/roles.js';
import type { Change, ChangeFeed } from '../../db/change-feed.js';
import type { Db } from '../../db/database.js';

export interface LiveOptions {
  /** The feed topic of revoked credentials (features/auth): their streams end. */
  credentialsTopic?: string;
  /** A comment line this often keeps proxies from closing an idle stream. */
  heartbeatMs?: number;
  /** A resume that would replay more rows than this is told to reload instead. */
  maxReplay?: number;
}

/** Unsent bytes a slow client may hold up before its stream is ended (it resumes later). */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** How long an EventSource waits before reconnecting (the SSE `retry` field). */
const RETRY_MS = 3_000;

/** What a stream follows: a project's events, or one user's own (their inbox). */
export interface StreamSource {
  topic: typeof PROJECT_EVENTS_TOPIC | typeof USER_EVENTS_TOPIC;
  /** The project's id, or the user's. */
  subject: string;
}

const keyOf = (source: StreamSource) => `${source.topic}:${source.subject}`;

interface Stream {
  source: StreamSource;
  userId: string;
  sessionId: string | undefined;
  response: ServerResponse;
  /** The id of the last event sent with an id; a row that commits late goes without one. */
  lastId: number;
  /**
   * Rows up to `from` that the feed had not read when the stream opened were committed before:
   * the client has them (they are at or before its Last-Event-ID) or was sent them from the table.
   */
  from: number;
  seenAtOpen: number;
  /** Sent from the table; the feed may still bring them. */
  replayed: Set<number> | undefined;
  /** Rows the feed dispatched while the stream was replaying what the client missed. */
  pending: { id: number; data: string | null }[] | undefined;
}

/** One SSE frame; `id` omitted leaves the client's Last-Event-ID as it was. */
function frame(fields: { id?: number; event?: string; data: string }): string {
  return (
    (fields.id !== undefined ? `id: ${fields.id}\n` : '') +
    (fields.event ? `event: ${fields.event}\n` : '') +
    `data: ${fields.data}\n\n`
  );
}

/** The event as sent: the feed row's payload with the row id (also the SSE id). */
const eventData = (id: number, data: string | null) =>
  JSON.stringify({ id, ...(JSON.parse(data ?? '{}') as LiveEvent) });

// Changes after which a stream's membership is checked again.
const MEMBERSHIP_EVENTS = new Set([
  'member.removed',
  'member.added',
  'member.role_changed',
  'project.deleted',
]);

export class LiveService {
  private readonly streams = new Map<string, Set<Stream>>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly maxReplay: number;

  constructor(
    private readonly db: Db,
    private readonly feed: ChangeFeed,
    options: LiveOptions = {},
  ) {
    this.maxReplay = options.maxReplay ?? 1_000;
    for (const topic of [PROJECT_EVENTS_TOPIC, USER_EVENTS_TOPIC] as const)
      feed.on(topic, (subject, change) => this.deliver({ topic, subject }, change));
    // A revoked credential (sign-out, deleted token, password change) ends its streams; the
    // client reconnects and is authenticated again.
    if (options.credentialsTopic) {
      feed.on(options.credentialsTopic, (subject) =>
        this.end((s) => s.userId === subject || s.sessionId === subject, 'credentials'),
      );
    }
    // One timer for every stream of the process.
    this.heartbeat = setInterval(() => {
      for (const stream of this.all()) this.write(stream, ':\n\n');
    }, options.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  /** Open streams (for metrics and tests). */
  get size(): number {
    let n = 0;
    for (const set of this.streams.values()) n += set.size;
    return n;
  }

  /** Checks the caller may read the project (404 for strangers, as everywhere in the API). */
  async authorize(auth: AuthContext, projectId: string): Promise<void> {
    await requireRole(this.db, auth.user.id, projectId, 'viewer');
  }

  /**
   * Serves a stream on `response` (already authorized and hijacked from the framework) until
   * the client goes, its membership or credential ends, or the process shuts down.
   */
  async open(
    auth: AuthContext,
    source: StreamSource,
    lastEventId: number | undefined,
    response: ServerResponse,
    headers: Record<string, string>,
  ): Promise<void> {
    const stream: Stream = {
      source,
      userId: auth.user.id,
      sessionId: auth.sessionId,
      response,
      lastId: 0,
      from: 0,
      seenAtOpen: this.feed.lastSeenId,
      replayed: undefined,
      pending: [],
    };
    // Subscribed before reading the table, so that no row falls between the two.
    this.add(stream);
    response.on('close', () => this.remove(stream));
    response.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // nginx (the chart's ingress) would otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    response.write(`retry: ${RETRY_MS}\n\n`);
    try {
      await this.catchUp(stream, lastEventId);
    } catch (error) {
      this.remove(stream);
      response.end();
      throw error;
    }
  }

  /** Ends every stream (the process is shutting down; clients resume on another replica). */
  close(): void {
    clearInterval(this.heartbeat);
    this.end(() => true, 'shutdown');
  }

  private async catchUp(stream: Stream, lastEventId: number | undefined): Promise<void> {
    const bounds = await this.db
      .selectFrom('changes')
      .select((eb) => [eb.fn.min('id').as('first'), eb.fn.max('id').as('last')])
      .executeTakeFirst();
    const first = bounds?.first == null ? undefined : Number(bounds.first);
    const last = Math.max(Number(bounds?.last ?? 0), this.feed.lastSeenId);
    let replay: { id: number; data: string | null }[] = [];
    let reset = false;
    if (lastEventId !== undefined) {
      // Rows after the client's id were pruned (or the id is not from this database): it reloads.
      reset = first === undefined ? lastEventId !== last : lastEventId < first - 1;
      reset ||= lastEventId > last;
      if (!reset) {
        replay = (
          await this.db
            .selectFrom('changes')
            .select(['id', 'data'])
            .where('topic', '=', stream.source.topic)
            .where('subject', '=', stream.source.subject)
            .where('id', '>', lastEventId)
            .orderBy('id')
            .limit(this.maxReplay + 1)
            .execute()
        ).map((row) => ({ id: Number(row.id), data: row.data }));
        reset = replay.length > this.maxReplay;
      }
    }
    const from = reset || lastEventId === undefined ? last : lastEventId;
    stream.lastId = stream.from = from;
    this.write(stream, frame({ id: from, event: reset ? 'reset' : 'ready', data: '{}' }));
    if (reset) replay = [];
    for (const row of replay) this.send(stream, row);
    const replayedTo = replay.at(-1)?.id ?? 0;
    if (replayedTo > this.feed.lastSeenId) stream.replayed = new Set(replay.map((r) => r.id));
    const pending = stream.pending ?? [];
    stream.pending = undefined;
    for (const row of pending) this.deliverTo(stream, row);
  }

  /** A row the feed read, unless the stream has it already. */
  private deliverTo(stream: Stream, change: Change): void {
    if (stream.replayed) {
      const had = stream.replayed.delete(change.id);
      // The feed reads in id order: past the last replayed row, none of them can come again.
      if (change.id >= Math.max(0, ...stream.replayed)) stream.replayed = undefined;
      if (had) return;
    }
    if (change.id <= stream.from && change.id > stream.seenAtOpen) return;
    this.send(stream, change);
  }

  private deliver(source: StreamSource, change: Change): void {
    const streams = this.streams.get(keyOf(source));
    if (!streams) return;
    for (const stream of streams) {
      if (stream.pending) stream.pending.push(change);
      else this.deliverTo(stream, change);
    }
    if (source.topic !== PROJECT_EVENTS_TOPIC) return;
    const type = (JSON.parse(change.data ?? '{}') as LiveEvent).type;
    if (MEMBERSHIP_EVENTS.has(type)) void this.recheck(source.subject).catch(() => undefined);
  }

  /** One query for the project's members; streams of anyone no longer among them end. */
  private async recheck(projectId: string): Promise<void> {
    const rows = await this.db
      .selectFrom('project_members')
      .select('user_id')
      .where('project_id', '=', projectId)
      .execute();
    const members = new Set(rows.map((r) => r.user_id));
    this.end(
      (s) =>
        s.source.topic === PROJECT_EVENTS_TOPIC &&
        s.source.subject === projectId &&
        !members.has(s.userId),
      'membership',
    );
  }

  private send(stream: Stream, change: Change): void {
    const inOrder = change.id > stream.lastId;
    if (inOrder) stream.lastId = change.id;
    this.write(
      stream,
      frame({ id: inOrder ? change.id : undefined, data: eventData(change.id, change.data) }),
    );
  }

  private write(stream: Stream, text: string): void {
    const { response } = stream;
    if (response.writableEnded || response.destroyed) return;
    response.write(text);
    if (response.writableLength > MAX_BUFFERED_BYTES) {
      this.remove(stream);
      response.destroy();
    }
  }

  private end(which: (stream: Stream) => boolean, reason: string): void {
    for (const stream of [...this.all()].filter(which)) {
      this.write(stream, frame({ event: 'end', data: JSON.stringify({ reason }) }));
      this.remove(stream);
      stream.response.end();
    }
  }

  private *all(): Iterable<Stream> {
    for (const set of this.streams.values()) yield* set;
  }

  private add(stream: Stream): void {
    const key = keyOf(stream.source);
    const set = this.streams.get(key) ?? new Set();
    set.add(stream);
    this.streams.set(key, set);
  }

  private remove(stream: Stream): void {
    const key = keyOf(stream.source);
    const set = this.streams.get(key);
    if (!set?.delete(stream)) return;
    if (set.size === 0) this.streams.delete(key);
  }
}
