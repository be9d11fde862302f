// One Kysely instance for either dialect. The embedded SQLite file is the laptop default; MySQL
// (or MariaDB) is production. Everything above this file is dialect-agnostic.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  MysqlAdapter,
  MysqlDialect,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  sql,
} from 'kysely';
import type {
  DatabaseConnection,
  DialectAdapter,
  Driver,
  SqliteDialectConfig,
  TransactionSettings,
  LogEvent,
  MigrationLockOptions,
  SqliteDatabase as SqliteDatabaseLike,
} from 'kysely';
import type * as Mysql2 from 'mysql2';
import type { Pool } from 'mysql2';
import type { DatabaseConfig, DatabaseDialect } from '../config.js';
import type { Database } from './types.js';

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  dialect: DatabaseDialect;
  /** The mysql2 pool (MySQL only), for pool metrics. */
  pool: Pool | undefined;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Called for every query with its duration (metrics, slow-query logs). */
  log?: (event: LogEvent) => void;
  poolSize?: number;
  /** How long a new MySQL connection may take (default 5 s). */
  connectTimeoutMs?: number;
}

// Kysely's SQLite adapter takes no migration lock (it assumes one connection), so two processes
// migrating one file would both find the schema missing. This lock is the lock row itself:
// claimed with a compare-and-set of the claim time, released by clearing it; a claim older than
// STALE_LOCK_MS (a migrator that died) may be taken over.
const STALE_LOCK_MS = 120_000;

class LockingSqliteAdapter extends SqliteAdapter {
  override async acquireMigrationLock(
    db: Kysely<unknown>,
    options: MigrationLockOptions,
  ): Promise<void> {
    const deadline = Date.now() + 2 * STALE_LOCK_MS;
    while (Date.now() < deadline) {
      const now = Date.now();
      const result = await sql`update ${sql.table(options.lockTable)} set is_locked = ${now}
        where id = ${options.lockRowId} and (is_locked = 0 or is_locked < ${now - STALE_LOCK_MS})`.execute(
        db,
      );
      if (Number(result.numAffectedRows ?? 0) === 1) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('timed out waiting for another migrator to finish');
  }

  override async releaseMigrationLock(
    db: Kysely<unknown>,
    options: MigrationLockOptions,
  ): Promise<void> {
    await sql`update ${sql.table(options.lockTable)} set is_locked = 0 where id = ${options.lockRowId}`.execute(
      db,
    );
  }
}

/**
 * better-sqlite3 with its prepared statements kept. Kysely prepares every query anew, which on
 * the task list cost as much CPU as running the queries (bench/README.md). Least recently used
 * statements are dropped past `max`: `in (...)` lists of every length each make their own SQL.
 * Reusing a statement is safe because Kysely runs one query at a time on the connection.
 */
export function withStatementCache(sqlite: SqliteDatabase.Database, max = 256): SqliteDatabaseLike {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement) {
        statements.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (statements.size >= max) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}

/**
 * Transactions take SQLite's write lock when they begin. A deferred `begin` reads first and asks
 * for the lock at its first write; if another process (a WEB_CONCURRENCY worker, the CLI) wrote
 * in between, SQLite answers SQLITE_BUSY at once instead of waiting out the busy timeout, since
 * the transaction's snapshot is stale. Read-only transactions (a backup's snapshot) stay deferred
 * and so never hold writers back.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(
    connection: DatabaseConnection,
    settings?: TransactionSettings,
  ): Promise<void> {
    const begin = settings?.accessMode === 'read only' ? 'begin' : 'begin immediate';
    await connection.executeQuery(CompiledQuery.raw(begin));
  }
}

class LockingSqliteDialect extends SqliteDialect {
  constructor(private readonly options: SqliteDialectConfig) {
    super(options);
  }

  override createAdapter(): DialectAdapter {
    return new LockingSqliteAdapter();
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.options);
  }
}

export function openDatabase(
  config: DatabaseConfig,
  options: DatabaseOptions = {},
): DatabaseHandle {
  if (config.dialect === 'sqlite') {
    const file = config.file ?? ':memory:';
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    const sqlite = new SqliteDatabase(file);
    // WAL lets readers proceed during a write; the busy timeout queues writers instead of failing.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({
      dialect: new LockingSqliteDialect({ database: withStatementCache(sqlite) }),
      log: options.log,
    });
    return { db, dialect: 'sqlite', pool: undefined, close: () => db.destroy() };
  }

  // Loaded here, not imported: mysql2 costs SQLite deployments ~100 ms of start-up and 16 MB.
  const { createPool } = createRequire(import.meta.url)('mysql2') as typeof Mysql2;
  const pool = createPool({
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: config.database,
    connectionLimit: options.poolSize ?? 10,
    // Fail fast when the server is away so that readiness and requests answer 503 promptly.
    connectTimeout: options.connectTimeoutMs ?? 5_000,
    enableKeepAlive: true,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: false,
  });
  const db = new Kysely<Database>({
    dialect: new MysqlDialect({ pool }),
    log: options.log,
  });
  return { db, dialect: 'mysql', pool, close: () => db.destroy() };
}

/** Whether `db` (or a transaction of it) speaks MySQL, for the few functions named differently. */
export const isMysql = (db: Db): boolean => db.getExecutor().adapter instanceof MysqlAdapter;

/** Resolves when the database answers a trivial query; rejects otherwise. */
export async function ping(db: Db, timeoutMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`database did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([sql`select 1`.execute(db), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface WaitOptions {
  timeoutSeconds: number;
  onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
  signal?: AbortSignal;
}

/**
 * Waits for the database with exponential backoff (250 ms doubling to 5 s) so that a pod that
 * starts before its database neither crash-loops nor floods the server.
 */
export async function waitForDatabase(db: Db, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  let delay = 250;
  for (let attempt = 1; ; attempt++) {
    try {
      await ping(db, 5_000);
      return;
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (Date.now() + delay > deadline) {
        throw new Error(
          `database not reachable after ${options.timeoutSeconds} s: ${(error as Error).message}`,
        );
      }
      options.onRetry?.(attempt, delay, error);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 5_000);
    }
  }
}
