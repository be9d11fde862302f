// Prometheus metrics for the service: the registry, every series it holds, and its listener. They are served by their own listener (METRICS_PORT, default
// 9464) so the public port never exposes them and a NetworkPolicy can open them to Prometheus only.
// Every label value is bounded: route templates instead of URLs, a fixed 'unmatched' for 404s, an
// operation word instead of SQL. Names are listed in docs/runbook.md and used by the alert rules.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { version } from '../../version.js';

/** The registry served on METRICS_PORT. Tests may pass their own to every function below. */
export const registry = new Registry();

// Seconds. 0.5 is a bucket boundary on purpose: the p95 > 500 ms alert then reads an exact bucket.
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const QUERY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export type QueryOperation = 'select' | 'insert' | 'update' | 'delete' | 'other';
export const QUERY_OPERATIONS: readonly QueryOperation[] = [
  'select',
  'insert',
  'update',
  'delete',
  'other',
];

/** What the pool gauges report for one pool at scrape time. */
export interface PoolSnapshot {
  inUse: number;
  idle: number;
  waiting: number;
  max: number;
}

/** Every series of one registry; the modules beside this one record into them. */
export interface AppMetrics {
  httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  inFlight: Gauge;
  queryDuration: Histogram<'pool' | 'operation'>;
  queryErrors: Counter<'pool' | 'operation'>;
  replicaFallbacks: Counter;
  pools: Map<string, () => PoolSnapshot>;
  buildInfo: Gauge<'version' | 'commit' | 'node_version'>;
  migrationsApplied: Gauge;
  migrationsPending: Gauge;
  tasksCreated: Counter;
  logins: Counter<'result'>;
}

const perRegistry = new WeakMap<Registry, AppMetrics>();

/** The metric objects of one registry, created (with the default process metrics) on first use. */
export function metricsOf(reg: Registry): AppMetrics {
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

  // With WEB_CONCURRENCY workers the primary sums every series over the workers (cluster.ts);
  // these few describe the one database or build that all of them share instead.
  const buildInfo = new Gauge({
    name: 'taskmanager_build_info',
    help: 'Always 1; the labels tell which build runs.',
    labelNames: ['version', 'commit', 'node_version'],
    registers,
    aggregator: 'first',
  });

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
    replicaFallbacks: new Counter({
      name: 'db_replica_fallbacks_total',
      help: 'Reads the replica failed (unreachable, not migrated yet) that the primary answered.',
      registers,
    }),
    pools,
    buildInfo,
    migrationsApplied: new Gauge({
      name: 'db_migrations_applied',
      help: 'Schema migrations applied to the database this process uses.',
      registers,
      aggregator: 'max',
    }),
    migrationsPending: new Gauge({
      name: 'db_migrations_pending',
      help: 'Schema migrations this build knows that the database has not applied yet.',
      registers,
      aggregator: 'max',
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
  metrics.replicaFallbacks.inc(0);
  perRegistry.set(reg, metrics);
  setBuildInfo(UNKNOWN_COMMIT, reg);
  return metrics;
}

const UNKNOWN_COMMIT = 'unknown';

/**
 * Labels the build info series with the package version and the source commit (config.commit,
 * from GIT_COMMIT that the image build sets); 'unknown' until the service says.
 */
export function setBuildInfo(commit: string, reg: Registry = registry): void {
  const gauge = metricsOf(reg).buildInfo;
  gauge.reset();
  gauge.set({ version, commit: commit || UNKNOWN_COMMIT, node_version: process.version }, 1);
}

export interface MetricsServer {
  /** The bound port (useful when 0 was asked for). */
  readonly port: number;
  close(): Promise<void>;
}

/** What /metrics serves: a registry, or the workers' registries summed (cluster.ts). */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

/**
 * Serves `GET /metrics` on its own port. A plain node:http server: no Fastify hooks, so scrapes are
 * not counted as requests and never reach the public port.
 */
export async function startMetricsServer(
  options: { host: string; port: number },
  reg: MetricsSource = registry,
): Promise<MetricsServer> {
  if (reg instanceof Registry) metricsOf(reg as Registry);
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
