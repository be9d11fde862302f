// Metrics with WEB_CONCURRENCY workers: each worker keeps its own registry and answers the
// primary's requests for it over the cluster's IPC channel; the primary serves them summed (by
// each metric's `aggregator`, see registry.ts) on METRICS_PORT, with the series of the primary
// itself: how many workers run and how many were replaced.
import { AggregatorRegistry, Counter, Gauge, Registry } from 'prom-client';
import { registry, startMetricsServer } from './registry.js';
import type { MetricsServer } from './registry.js';

/** In a worker: answer the primary's metrics requests with the service's registry. */
export function answerPrimaryForMetrics(): void {
  AggregatorRegistry.setRegistries([registry]);
  // Constructing one is what installs prom-client's listener for the primary's requests.
  new AggregatorRegistry();
}

export interface ClusterMetrics {
  server: MetricsServer;
  workers: Gauge;
  restarts: Counter;
}

/** In the primary: METRICS_PORT serves every worker's series summed, and the primary's own. */
export async function startClusterMetrics(config: {
  host: string;
  metricsPort: number;
}): Promise<ClusterMetrics> {
  const aggregator = new AggregatorRegistry();
  const own = new Registry();
  const workers = new Gauge({
    name: 'taskmanager_workers',
    help: 'Worker processes serving the port (WEB_CONCURRENCY).',
    registers: [own],
  });
  const restarts = new Counter({
    name: 'taskmanager_worker_restarts_total',
    help: 'Workers that died and were replaced.',
    registers: [own],
  });
  const server = await startMetricsServer(
    { host: config.host, port: config.metricsPort },
    {
      contentType: aggregator.contentType,
      metrics: async () => {
        const [fromWorkers, fromPrimary] = await Promise.all([
          aggregator.clusterMetrics(),
          own.metrics(),
        ]);
        return `${fromWorkers}\n${fromPrimary}`;
      },
    },
  );
  return { server, workers, restarts };
}
