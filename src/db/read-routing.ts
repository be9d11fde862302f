// Reads from a replica (DATABASE_READ_URL) without a caller ever missing its own writes.
//
// Every interval this process samples the primary's replication position (its GTIDs) and asks the
// replica how far it has applied: the replica then holds every commit made before the newest
// sample it has reached (`caughtUpTo`). A caller's reads go to the replica only when that moment
// is after the caller's last write; until then they stay on the primary. So a stopped or lagging
// replica never hides a caller's write from it, however far behind it falls, and no fixed window
// has to guess the lag. Everyone's reads leave the replica while it is more than MAX_LAG_MS behind
// (stale reads are bounded like revoked credentials are, within 2 s), and while it fails: a query
// that fails on the replica is answered by the primary.
//
// A caller's last write is known in this process (by user) and, across processes and replicas of
// the service, from the `tm_last_write` cookie that each write sets (access/read-your-writes.ts).
import type {
  CompiledQuery,
  DatabaseConnection,
  Driver,
  Kysely,
  QueryResult,
  TransactionSettings,
} from 'kysely';
import {
  Kysely as KyselyClass,
  MysqlAdapter,
  MysqlIntrospector,
  MysqlQueryCompiler,
  sql,
} from 'kysely';
import { LruCache } from '../platform/lru-cache.js';
import type { Db } from './database.js';
import type { Database } from './types.js';

/** Reads of a caller (a user id), or of no one in particular. */
export type Reader = (userId?: string) => Db;

/** Past this lag nobody reads from the replica: revocations and removals hold within 2 s. */
export const MAX_LAG_MS = 1_500;
/** Clocks of the service's hosts may differ this much (NTP); the cookie crosses hosts. */
export const CLOCK_SKEW_MS = 250;
const WRITERS_REMEMBERED = 50_000;
/** A replica that failed a query or a check is not read from for this long. */
const FAILED_REPLICA_PAUSE_MS = 5_000;

export type Flavour = 'mariadb' | 'mysql';

export interface ReadRoutingOptions {
  intervalMs?: number;
  now?: () => number;
  /** A read the replica failed was answered by the primary (for a metric). */
  onFallback?: () => void;
}

export class ReadRouting {
  /** Every commit made on the primary before this moment is on the replica. */
  private caughtUpTo = -Infinity;
  private failedAt = -Infinity;
  private readonly writes: LruCache<string, number>;
  /** Primary positions sampled and not yet seen on the replica, oldest first. */
  private samples: { at: number; position: string }[] = [];
  private flavour: Flavour | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly replicaOrPrimary: Db | undefined;

  constructor(
    private readonly primary: Db,
    private readonly replica: Db | undefined,
    options: ReadRoutingOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 500;
    this.now = options.now ?? Date.now;
    // Entries outlive what they can decide: past MAX_LAG_MS the lag rule covers the write.
    this.writes = new LruCache(WRITERS_REMEMBERED, MAX_LAG_MS + 2 * CLOCK_SKEW_MS, this.now);
    this.replicaOrPrimary =
      replica &&
      withFallback(replica, primary, () => {
        this.replicaFailed();
        options.onFallback?.();
      });
  }

  get hasReplica(): boolean {
    return this.replica !== undefined;
  }

  /** Where the reads of this caller go now: the replica if it holds the caller's writes. */
  readonly reader: Reader = (userId) => {
    if (!this.replicaOrPrimary) return this.primary;
    const now = this.now();
    if (now - this.failedAt < FAILED_REPLICA_PAUSE_MS) return this.primary;
    if (now - this.caughtUpTo > MAX_LAG_MS) return this.primary;
    const wrote = userId === undefined ? undefined : this.writes.get(userId);
    if (wrote !== undefined && wrote + CLOCK_SKEW_MS >= this.caughtUpTo) return this.primary;
    return this.replicaOrPrimary;
  };

  /** The caller wrote at `at` (or may have): its reads stay on the primary until the replica has it. */
  wrote(userId: string, at = this.now()): void {
    const known = this.writes.get(userId);
    if (known === undefined || at > known) this.writes.set(userId, Math.min(at, this.now()));
  }

  /** The caller's last write known here, for the cookie that carries it to other processes. */
  lastWrite(userId: string): number | undefined {
    return this.writes.get(userId);
  }

  /** Checks the replica every interval until stop(). */
  start(): void {
    if (!this.replica || this.timer) return;
    const tick = () => {
      if (this.checking) return;
      this.checking = this.check()
        .catch(() => this.replicaFailed())
        .finally(() => (this.checking = undefined));
    };
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
    tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.checking;
  }

  /** One check: sample the primary's position, then see which samples the replica has. */
  async check(): Promise<void> {
    if (!this.replica) return;
    this.flavour ??= await flavourOf(this.primary);
    const at = this.now();
    this.samples.push({ at, position: await position(this.primary, this.flavour, 'primary') });
    const applied = await position(this.replica, this.flavour, 'replica');
    const reached = this.samples.findLastIndex((s) => holds(this.flavour!, applied, s.position));
    if (reached >= 0) {
      this.caughtUpTo = this.samples[reached]!.at;
      this.samples = this.samples.slice(reached + 1);
    }
    // Samples this old can no longer let anyone read from the replica.
    this.samples = this.samples.filter((s) => at - s.at <= MAX_LAG_MS * 4);
  }

  private replicaFailed(): void {
    this.failedAt = this.now();
  }
}

/** Which server a MySQL connection reaches: MariaDB and MySQL differ in replication and hints. */
export async function flavourOf(db: Db): Promise<Flavour> {
  const { rows } = await sql<{ v: string }>`select version() as v`.execute(db);
  return /mariadb/i.test(rows[0]?.v ?? '') ? 'mariadb' : 'mysql';
}

// MariaDB: GTIDs written to the binary log, and applied by replication. MySQL: executed GTIDs.
async function position(db: Db, flavour: Flavour, role: 'primary' | 'replica'): Promise<string> {
  const query =
    flavour === 'mysql'
      ? sql<{ p: string }>`select @@global.gtid_executed as p`
      : role === 'primary'
        ? sql<{ p: string }>`select @@global.gtid_binlog_pos as p`
        : sql<{ p: string }>`select @@global.gtid_slave_pos as p`;
  const { rows } = await query.execute(db);
  return rows[0]?.p ?? '';
}

/** Whether a server at position `applied` holds everything of position `wanted`. */
export function holds(flavour: Flavour, applied: string, wanted: string): boolean {
  return flavour === 'mariadb'
    ? mariadbHolds(applied, wanted)
    : mysqlHolds(parseGtidSet(applied), parseGtidSet(wanted));
}

/** MariaDB positions: `domain-server-sequence`, one per replication domain, comma-separated. */
function mariadbHolds(applied: string, wanted: string): boolean {
  const sequences = new Map<string, bigint>();
  for (const gtid of applied.split(',').filter((g) => g.trim())) {
    const [domain, , sequence] = gtid.trim().split('-');
    sequences.set(domain!, BigInt(sequence!));
  }
  return wanted
    .split(',')
    .filter((g) => g.trim())
    .every((gtid) => {
      const [domain, , sequence] = gtid.trim().split('-');
      const have = sequences.get(domain!);
      return have !== undefined && have >= BigInt(sequence!);
    });
}

type GtidSet = Map<string, [bigint, bigint][]>;

/** MySQL GTID sets: `uuid[:tag]:1-5:7,uuid2:1-3` (intervals per source, tags since 8.3). */
export function parseGtidSet(text: string): GtidSet {
  const set: GtidSet = new Map();
  for (const part of text.replace(/\s/g, '').split(',').filter(Boolean)) {
    const [uuid, ...items] = part.split(':');
    let source = uuid!.toLowerCase();
    for (const item of items) {
      const range = /^(\d+)(?:-(\d+))?$/.exec(item);
      if (!range) {
        source = `${uuid!.toLowerCase()}:${item}`;
        continue;
      }
      const start = BigInt(range[1]!);
      set.set(source, [...(set.get(source) ?? []), [start, BigInt(range[2] ?? range[1]!)]]);
    }
  }
  return set;
}

function mysqlHolds(applied: GtidSet, wanted: GtidSet): boolean {
  for (const [source, intervals] of wanted) {
    const have = applied.get(source) ?? [];
    // MySQL prints a set with its intervals merged, so each wanted one lies within a single one.
    const covered = ([start, end]: [bigint, bigint]) =>
      have.some(([from, to]) => from <= start && end <= to);
    if (!intervals.every(covered)) return false;
  }
  return true;
}

/**
 * A Kysely whose queries run on the replica, or on the primary when the replica fails them (it is
 * down, or has not replicated a migration yet). It reads only: transactions belong on the primary.
 */
function withFallback(replica: Db, primary: Db, failed: () => void): Db {
  const run = (db: Db, query: CompiledQuery) =>
    db.getExecutor().provideConnection((connection) => connection.executeQuery(query));
  const connection: DatabaseConnection = {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      try {
        return (await run(replica, query)) as QueryResult<R>;
      } catch {
        const result = (await run(primary, query)) as QueryResult<R>;
        // Only once the primary answered is it the replica's fault.
        failed();
        return result;
      }
    },
    // eslint-disable-next-line require-yield
    async *streamQuery() {
      throw new Error('reads from a replica do not stream');
    },
  };
  const refuse = () => Promise.reject(new Error('transactions run on the primary, not a replica'));
  const driver: Driver = {
    init: async () => undefined,
    acquireConnection: async () => connection,
    beginTransaction: (_c: DatabaseConnection, _s: TransactionSettings) => refuse(),
    commitTransaction: () => refuse(),
    rollbackTransaction: () => refuse(),
    releaseConnection: async () => undefined,
    destroy: async () => undefined,
  };
  return new KyselyClass<Database>({
    dialect: {
      createAdapter: () => new MysqlAdapter(),
      createDriver: () => driver,
      createIntrospector: (db: Kysely<unknown>) => new MysqlIntrospector(db),
      createQueryCompiler: () => new MysqlQueryCompiler(),
    },
  });
}
