// Issue 16, proof 6: with metrics-server running, the chart's HorizontalPodAutoscaler (prod's, with
// small thresholds for the test) reads the app's CPU, scales it up under a bounded load and back
// down when the load stops.
//
// The CPU request is prod's order of magnitude (dev's 50m made a freshly started pod read 54 % "at
// rest" in CI: it scaled up without load and never came back down), and the load starts only once
// the reading at rest is below the target, so the scale-up is the load's and the scale-down can
// happen.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Cluster,
  NAMESPACE,
  NODE_PORT,
  RELEASE,
  clusterContext,
  readyRelease,
  waitFor,
} from './support.js';

const ctx = clusterContext();

interface Hpa {
  status: {
    currentReplicas?: number;
    desiredReplicas?: number;
    currentMetrics?: { resource?: { current?: { averageUtilization?: number } } }[];
  };
}

describe.skipIf(ctx.skipReason)('autoscaling on a real cluster', () => {
  const cluster = new Cluster(ctx);
  const base = `http://${ctx.nodeIP}:${NODE_PORT}`;

  beforeAll(async () => {
    await readyRelease(cluster);
  }, 20 * 60_000);

  it('scales up under load and back down after it', async () => {
    const hpa = () => cluster.json<Hpa>(['get', 'hpa', RELEASE, '-n', NAMESPACE]);
    const targetPercent = 30;
    // The request to put back afterwards (dev's, unless an earlier file changed it).
    const before = await cluster.helm(['get', 'values', RELEASE, '-n', NAMESPACE, '-o', 'json']);
    expect(before.status, before.stderr).toBe(0);
    const requestBefore = (
      JSON.parse(before.stdout) as { resources?: { requests?: { cpu?: string } } }
    ).resources?.requests?.cpu;
    // Prod's HPA shape; thresholds small enough for a test, the replica count back to 1 after.
    const on = await cluster.upgrade([
      '--set',
      'autoscaling.enabled=true',
      '--set',
      'autoscaling.minReplicas=1',
      '--set',
      'autoscaling.maxReplicas=3',
      '--set',
      `autoscaling.targetCPUUtilizationPercentage=${targetPercent}`,
      '--set',
      'resources.requests.cpu=200m',
      '--set',
      'autoscaling.scaleDownStabilizationSeconds=15',
      '--set',
      'autoscaling.scaleUpStabilizationSeconds=0',
      // The load below is sign-ups from one address: lift the per-address limit for this test only.
      '--set',
      'config.extraEnv.LOGIN_RATE_LIMIT_PER_MINUTE=100000',
    ]);
    expect(on.status, on.stderr).toBe(0);
    try {
      const reading = await waitFor(
        `the HPA to read CPU at rest below ${targetPercent} % on one replica`,
        async () => {
          const h = await hpa();
          const cpu = h.status.currentMetrics?.[0]?.resource?.current?.averageUtilization;
          return cpu !== undefined && cpu < targetPercent && h.status.desiredReplicas === 1
            ? cpu
            : undefined;
        },
        300_000,
        5_000,
      );
      console.log(`HPA reads ${reading} % CPU at rest`);

      // Bounded load: sign-ups hash a password each (CPU-bound), 4 at a time, at most 3 minutes.
      let loading = true;
      let sent = 0;
      const worker = async () => {
        while (loading && sent < 5_000) {
          sent++;
          await fetch(`${base}/api/v1/auth/register`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              email: `load-${sent}-${Math.random()}@example.com`,
              name: 'Load',
              password: 'correct horse battery staple',
            }),
            signal: AbortSignal.timeout(10_000),
          }).catch(() => undefined);
        }
      };
      const workers = Array.from({ length: 4 }, worker);
      let up: Hpa;
      try {
        up = await waitFor(
          'a scale-up',
          async () => {
            const h = await hpa();
            return (h.status.desiredReplicas ?? 1) > 1 ? h : undefined;
          },
          180_000,
          5_000,
        );
      } finally {
        loading = false;
        await Promise.all(workers);
      }
      console.log(`scaled up to ${up.status.desiredReplicas} after ${sent} sign-ups`);
      const down = await waitFor(
        'the scale-down',
        async () => {
          const h = await hpa();
          return h.status.desiredReplicas === 1 && h.status.currentReplicas === 1 ? h : undefined;
        },
        300_000,
        5_000,
      );
      expect(down.status.desiredReplicas).toBe(1);
    } finally {
      const off = await cluster.upgrade([
        '--set',
        'autoscaling.enabled=false',
        '--set',
        `resources.requests.cpu=${requestBefore ?? 'null'}`,
        '--set',
        'config.extraEnv.LOGIN_RATE_LIMIT_PER_MINUTE=null',
      ]);
      expect(off.status, off.stderr).toBe(0);
    }
  });
});
