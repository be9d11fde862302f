// Prometheus metrics for the service. They are served by their own listener (METRICS_PORT, default
// 9464) so the public port never exposes them and a NetworkPolicy can open them to Prometheus only.
// Every label value is bounded: route templates instead of URLs, a fixed 'unmatched' for 404s, an
// operation word instead of SQL. Names are listed in docs/runbook.md and used by the alert rules.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LogEvent } from 'kysely';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DatabaseHandle, Db } from '../db/database.js';
import { appliedMigrations, migrations } from '../db/migrate.js';
import { version } from '../version.js';

/** The registry served on METRICS_PORT. Tests may pass their own to every function below. */
export const registry = new Registry();

/** Route label of requests that matched no route (404s): raw URLs would make cardinality unbounded. */
export const UNMATCHED_ROUTE = 'unmatched';

// Seconds. 0.5 is a bucket boundary on purpose: the p95 > 500 ms alert then reads an exact bucket.
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const QUERY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** `locked`: refused before the password check, the account having failed too often. */
export type LoginResult = 'success' | 'failure' | 'locked';
export type QueryOperation = 'select' | 'insert' | 'update' | 'delete' | 'other';
const QUERY_OPERATIONS: readonly QueryOperation[] = [
  'select',
  'insert',
  'update',
  'delete',
  'other',
];

/** A mysql2 (callback) pool, read through its internal queues; only their lengths are used. */
export interface MysqlPoolLike {
  readonly _allConnections?: { readonly length: number };
  readonly _freeConnections?: { readonly length: number };
  readonly _connectionQueue?: { readonly length: number };
  readonly config?: { readonly connectionLimit?: number };
}

/** What the pool gauges report for one pool at scrape time. */
export interface PoolSnapshot {
  inUse: number;
  idle: number;
  waiting: number;
  max: number;
}

/** A database pool to report: a mysql2 pool, or the embedded SQLite database (one connection). */
export type PoolSource = { kind: 'mysql'; pool: MysqlPoolLike } | { kind: 'sqlite' };

interface AppMetrics {
  httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  inFlight: Gauge;
  queryDuration: Histogram<'pool' | 'operation'>;
  queryErrors: Counter<'pool' | 'operation'>;
  pools: Map<string, () => PoolSnapshot>;
  migrationsApplied: Gauge;
  migrationsPending: Gauge;
  tasksCreated: Counter;
  logins: Counter<'result'>;
}

const perRegistry = new WeakMap<Registry, AppMetrics>();

/** The metric objects of one registry, created (with the default process metrics) on first use. */
function metricsOf(reg: Registry): AppMetrics {
  const existing = perRegistry.get(reg);
  if (existing) return existing;
  const registers = [reg];
  collectDefaultMetrics({ register: reg });
  const pools = new Map<string, () => PoolSnapshot>();
  const poolGauge = (name: string, help: string, pick: (s: PoolSnapshot) => number): Gauge =>
    new Gauge({
      name,
      help,
      labelNames: ['pool'],
      registers,
      collect() {
        this.reset();
        for (const [pool, read] of pools) this.set({ pool }, pick(read()));
      },
    });
  poolGauge('db_pool_connections_in_use', 'Connections lent out by the pool.', (s) => s.inUse);
  poolGauge('db_pool_connections_idle', 'Open connections waiting in the pool.', (s) => s.idle);
  poolGauge('db_pool_connections_max', 'Upper bound of the pool.', (s) => s.max);
  poolGauge('db_pool_requests_waiting', 'Queries queued for a free connection.', (s) => s.waiting);

  const build = buildInfo();
  new Gauge({
    name: 'taskmanager_build_info',
    help: 'Always 1; the labels tell which build runs.',
    labelNames: ['version', 'commit', 'node_version'],
    registers,
  }).set({ version: build.version, commit: build.commit, node_version: process.version }, 1);

  const metrics: AppMetrics = {
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method, route template and status code.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: HTTP_BUCKETS,
      registers,
    }),
    inFlight: new Gauge({
      name: 'http_requests_in_flight',
      help: 'HTTP requests being served right now.',
      registers,
    }),
    queryDuration: new Histogram({
      name: 'db_query_duration_seconds',
      help: 'Time of one database query as Kysely measures it, by pool and operation.',
      labelNames: ['pool', 'operation'],
      buckets: QUERY_BUCKETS,
      registers,
    }),
    queryErrors: new Counter({
      name: 'db_query_errors_total',
      help: 'Database queries that failed, by pool and operation.',
      labelNames: ['pool', 'operation'],
      registers,
    }),
    pools,
    migrationsApplied: new Gauge({
      name: 'db_migrations_applied',
      help: 'Schema migrations applied to the database this process uses.',
      registers,
    }),
    migrationsPending: new Gauge({
      name: 'db_migrations_pending',
      help: 'Schema migrations this build knows that the database has not applied yet.',
      registers,
    }),
    tasksCreated: new Counter({
      name: 'tasks_created_total',
      help: 'Tasks created through the API.',
      registers,
    }),
    logins: new Counter({
      name: 'logins_total',
      help: 'Password login attempts, by result.',
      labelNames: ['result'],
      registers,
    }),
  };
  // Series that exist at 0 from the start let rate() and the dashboards work before the first event.
  for (const result of ['success', 'failure', 'locked'] as const) metrics.logins.inc({ result }, 0);
  metrics.tasksCreated.inc(0);
  perRegistry.set(reg, metrics);
  return metrics;
}

/** Version from package.json and commit from GIT_COMMIT (set by the image build), for build info. */
export function buildInfo(): { version: string; commit: string } {
  return { version, commit: process.env.GIT_COMMIT?.trim() || 'unknown' };
}

/** Counters the services call; they live in the process-wide registry. */
export const businessMetrics = {
  taskCreated: (): void => metricsOf(registry).tasksCreated.inc(),
  loginAttempt: (result: LoginResult): void => metricsOf(registry).logins.inc({ result }),
};

/** Route label of a request: its route template, or 'unmatched'. Never the URL. */
export function routeLabel(request: FastifyRequest): string {
  return request.routeOptions.url ?? UNMATCHED_ROUTE;
}

/**
 * Adds the HTTP hooks (duration histogram by route template, in-flight gauge) to an instance. Call
 * it on the root instance before routes are registered so every route gets the hooks.
 */
export function registerMetrics(app: FastifyInstance, options: { registry?: Registry } = {}): void {
  const metrics = metricsOf(options.registry ?? registry);
  app.addHook('onRequest', (_request: FastifyRequest, reply: FastifyReply, done) => {
    metrics.inFlight.inc();
    // 'close' fires for finished and for aborted responses alike, so the gauge never leaks.
    reply.raw.once('close', () => metrics.inFlight.dec());
    done();
  });
  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    metrics.httpDuration.observe(
      { method: request.method, route: routeLabel(request), status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}

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

/**
 * A client span for one SQLite query, parented to the active (request) span and timed from Kysely's
 * measurement. Without an active span (tracing off, or outside a request) it does nothing.
 */
function recordQuerySpan(event: LogEvent, operation: QueryOperation): void {
  const parent = context.active();
  if (!trace.getSpan(parent)) return;
  const end = Date.now();
  const span = trace.getTracer('cloudedu-taskmanager.db').startSpan(
    operation.toUpperCase(),
    {
      kind: SpanKind.CLIENT,
      startTime: end - event.queryDurationMillis,
      attributes: {
        'db.system.name': 'sqlite',
        'db.operation.name': operation.toUpperCase(),
        // Kysely compiles parameters into placeholders: the text carries no user values.
        'db.query.text': event.query.sql,
      },
    },
    parent,
  );
  if (event.level === 'error') {
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(event.error) });
  }
  span.end(end);
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

/** The Kysely `log` callback for a database handle of the service (see createQueryObserver). */
export function queryObserverFor(
  database: { dialect: 'mysql' | 'sqlite' },
  pool: 'primary' | 'replica' = 'primary',
) {
  return createQueryObserver({ dialect: database.dialect, pool });
}

/**
 * Everything the running service reports besides HTTP: pool gauges for its databases, then the
 * listener on METRICS_PORT (same HOST as the API, so that Prometheus reaches it in a pod).
 */
export async function startServiceMetrics(
  config: { host: string; metricsPort: number },
  databases: { primary: DatabaseHandle; replica?: DatabaseHandle | undefined },
): Promise<MetricsServer> {
  const source = (handle: DatabaseHandle): PoolSource =>
    handle.pool
      ? { kind: 'mysql', pool: handle.pool as unknown as MysqlPoolLike }
      : { kind: 'sqlite' };
  registerPoolMetrics(source(databases.primary), { pool: 'primary' });
  if (databases.replica) registerPoolMetrics(source(databases.replica), { pool: 'replica' });
  return startMetricsServer({ host: config.host, port: config.metricsPort });
}

export interface MetricsServer {
  /** The bound port (useful when 0 was asked for). */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` on its own port. A plain node:http server: no Fastify hooks, so scrapes are
 * not counted as requests and never reach the public port.
 */
export async function startMetricsServer(
  options: { host: string; port: number },
  reg: Registry = registry,
): Promise<MetricsServer> {
  metricsOf(reg);
  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0];
    if (pathname !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    reg.metrics().then(
      (body) => {
        res.writeHead(200, { 'content-type': reg.contentType });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`metrics collection failed: ${String(error)}\n`);
      },
    );
  });
  server.keepAliveTimeout = 65_000; // longer than Prometheus' idle timeout, fewer reconnects
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
