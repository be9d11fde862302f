// The metrics of the running service, started by server.ts: pool gauges for its databases, the
// build info, and the listener on METRICS_PORT.
import type { DatabaseHandle } from '../../db/database.js';
import { registerPoolMetrics } from './database.js';
import type { MysqlPoolLike, PoolSource } from './database.js';
import { setBuildInfo, startMetricsServer } from './registry.js';
import type { MetricsServer } from './registry.js';

/**
 * Everything the running service reports besides HTTP: build info, pool gauges for its databases,
 * then the listener on METRICS_PORT (same HOST as the API, so that Prometheus reaches it in a pod).
 * A worker of WEB_CONCURRENCY has no listener (`listen: false`): its primary serves the sum.
 */
export async function startServiceMetrics(
  config: { host: string; metricsPort: number; commit: string },
  databases: { primary: DatabaseHandle; replica?: DatabaseHandle | undefined },
  options: { listen?: boolean } = {},
): Promise<MetricsServer | undefined> {
  const source = (handle: DatabaseHandle): PoolSource =>
    handle.pool
      ? { kind: 'mysql', pool: handle.pool as unknown as MysqlPoolLike }
      : { kind: 'sqlite' };
  setBuildInfo(config.commit);
  registerPoolMetrics(source(databases.primary), { pool: 'primary' });
  if (databases.replica) registerPoolMetrics(source(databases.replica), { pool: 'replica' });
  if (options.listen === false) return undefined;
  return startMetricsServer({ host: config.host, port: config.metricsPort });
}
