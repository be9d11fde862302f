// Database metrics: query duration and errors by operation (Kysely's log hook), pool gauges read
// at scrape time, and the migration state. SQLite queries also become trace spans here, since
// SQLite has no instrumentation of its own (mysql2's does that for MySQL).
import type { LogEvent } from 'kysely';
import type { Registry } from 'prom-client';
import type { Db } from '../../db/database.js';
import { appliedMigrations, migrations } from '../../db/migrate.js';
import { recordQuerySpan } from '../tracing/sqlite-spans.js';
import { metricsOf, QUERY_OPERATIONS, registry } from './registry.js';
import type { PoolSnapshot, QueryOperation } from './registry.js';

/** A mysql2 (callback) pool, read through its internal queues; only their lengths are used. */
export interface MysqlPoolLike {
  readonly _allConnections?: { readonly length: number };
  readonly _freeConnections?: { readonly length: number };
  readonly _connectionQueue?: { readonly length: number };
  readonly config?: { readonly connectionLimit?: number };
}

/** A database pool to report: a mysql2 pool, or the embedded SQLite database (one connection). */
export type PoolSource = { kind: 'mysql'; pool: MysqlPoolLike } | { kind: 'sqlite' };

/** The SQL operation word of a query, from Kysely's operation node (or the SQL of a raw query). */
export function queryOperation(event: Pick<LogEvent, 'query'>): QueryOperation {
  switch (event.query.query.kind) {
    case 'SelectQueryNode':
      return 'select';
    case 'InsertQueryNode':
      return 'insert';
    case 'UpdateQueryNode':
      return 'update';
    case 'DeleteQueryNode':
      return 'delete';
    default: {
      const word = /^\s*(?:with\b[\s\S]*?\)\s*)?(\w+)/i.exec(event.query.sql)?.[1]?.toLowerCase();
      return QUERY_OPERATIONS.find((op) => op === word) ?? 'other';
    }
  }
}

export interface QueryObserverOptions {
  /** Which database the Kysely instance talks to; SQLite queries also become trace spans. */
  dialect: 'mysql' | 'sqlite';
  /** Pool label: 'primary', or 'replica' for the DATABASE_READ_URL instance. */
  pool?: string;
  registry?: Registry;
}

/**
 * Kysely's `log` option: records each query's duration by operation. mysql2 queries are traced by
 * the mysql2 instrumentation; SQLite has none, so its queries become spans here (a no-op when
 * tracing is off).
 */
export function createQueryObserver(options: QueryObserverOptions): (event: LogEvent) => void {
  const metrics = metricsOf(options.registry ?? registry);
  const pool = options.pool ?? 'primary';
  for (const operation of QUERY_OPERATIONS) metrics.queryErrors.inc({ pool, operation }, 0);
  return (event) => {
    const operation = queryOperation(event);
    metrics.queryDuration.observe({ pool, operation }, event.queryDurationMillis / 1000);
    if (event.level === 'error') metrics.queryErrors.inc({ pool, operation });
    if (options.dialect === 'sqlite') recordQuerySpan(event, operation);
  };
}

/** Reports a pool's in-use, idle and waiting counts at every scrape. */
export function registerPoolMetrics(
  source: PoolSource,
  options: { pool?: string; registry?: Registry } = {},
): void {
  const metrics = metricsOf(options.registry ?? registry);
  metrics.pools.set(options.pool ?? 'primary', poolReader(source));
}

function poolReader(source: PoolSource): () => PoolSnapshot {
  // better-sqlite3 is synchronous: Kysely serialises queries over its single connection.
  if (source.kind === 'sqlite') return () => ({ inUse: 0, idle: 1, waiting: 0, max: 1 });
  const pool = source.pool;
  return () => {
    const all = pool._allConnections?.length ?? 0;
    const idle = pool._freeConnections?.length ?? 0;
    return {
      inUse: Math.max(0, all - idle),
      idle,
      waiting: pool._connectionQueue?.length ?? 0,
      max: pool.config?.connectionLimit ?? 0,
    };
  };
}

/** Records how many migrations the database has applied and how many this build still has. */
export function recordMigrations(
  state: { applied: number; pending: number },
  options: { registry?: Registry } = {},
): void {
  const metrics = metricsOf(options.registry ?? registry);
  metrics.migrationsApplied.set(state.applied);
  metrics.migrationsPending.set(state.pending);
}

/**
 * Reads how many of this build's migrations the database has applied. Never throws: a database
 * that cannot say leaves the gauges as they were (the readiness probe reports that outage).
 */
export async function recordMigrationState(db: Db, options: { registry?: Registry } = {}) {
  try {
    const applied = (await appliedMigrations(db)).length;
    const known = Object.keys(migrations).length;
    recordMigrations({ applied, pending: Math.max(0, known - applied) }, options);
  } catch {
    // Left to the readiness probe and the query error counter.
  }
}

/** A read the replica failed went to the primary (db/read-routing.ts reports it). */
export const recordReplicaFallback = (): void => metricsOf(registry).replicaFallbacks.inc();

/** The Kysely `log` callback for a database handle of the service (see createQueryObserver). */
export function queryObserverFor(
  database: { dialect: 'mysql' | 'sqlite' },
  pool: 'primary' | 'replica' = 'primary',
) {
  return createQueryObserver({ dialect: database.dialect, pool });
}
