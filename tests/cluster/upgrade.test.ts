// Issue 16, proof 2: with two replicas, `helm upgrade` to a new image tag (the migration hook Job
// runs first) loses no request of a bounded request loop through the NodePort, and the
// PodDisruptionBudget holds while a drain evicts the app pods.
import http from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Cluster,
  HttpUser,
  NAMESPACE,
  NODE_PORT,
  RELEASE,
  clusterContext,
  readyRelease,
  isReady,
  splitImage,
  waitFor,
} from './support.js';

const ctx = clusterContext();

/**
 * Sends GET requests (each on a new connection, as a load balancer without keep-alive would) with
 * `workers` in parallel until stop() is called or `max` requests were sent; counts every failure.
 */
function requestLoop(url: string, cookie: string, workers = 2, max = 5_000) {
  let running = true;
  let sent = 0;
  const errors: string[] = [];
  const one = () =>
    new Promise<void>((resolve) => {
      const req = http.get(url, { agent: false, headers: { cookie }, timeout: 5_000 }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) errors.push(`HTTP ${res.statusCode}`);
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => {
        errors.push(String((e as NodeJS.ErrnoException).code ?? e.message));
        resolve();
      });
    });
  const loops = Array.from({ length: workers }, async () => {
    while (running && sent < max) {
      sent++;
      await one();
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return { sent, errors };
    },
  };
}

describe.skipIf(ctx.skipReason)('upgrades and drains on a real cluster', () => {
  const cluster = new Cluster(ctx);
  const base = `http://${ctx.nodeIP}:${NODE_PORT}`;
  const user = new HttpUser(base);
  let projectUrl = '';

  beforeAll(async () => {
    await readyRelease(cluster);
    // Two replicas, as staging and prod run (staging's Ingress and TLS need what this cluster lacks).
    const two = await cluster.upgrade([
      '--set',
      'replicaCount=2',
      '--set-string',
      `image.tag=${splitImage(ctx.images.app).tag}`,
    ]);
    expect(two.status, two.stderr).toBe(0);
    await user.register('Dee');
    const project = await user.request('POST', '/api/v1/projects', { name: 'Always up' });
    projectUrl = `${base}/api/v1/projects/${project.body.id}/tasks`;
  }, 20 * 60_000);

  it('upgrades to a new image tag without losing a request', async () => {
    const loop = requestLoop(projectUrl, user.cookie);
    const next = splitImage(ctx.images.appNext).tag;
    const upgrade = await cluster.upgrade(['--set-string', `image.tag=${next}`]);
    // Requests keep flowing a little after the rollout, when the old pods have gone.
    await new Promise((r) => setTimeout(r, 5_000));
    const { sent, errors } = await loop.stop();
    console.log(
      `helm upgrade to ${next}: ${sent} requests, ${errors.length} errors ${errors.slice(0, 5).join(', ')}`,
    );
    expect(upgrade.status, upgrade.stderr).toBe(0);
    const pods = await cluster.pods('app');
    expect(pods.map((p) => p.spec.containers[0]!.image)).toEqual([
      ctx.images.appNext,
      ctx.images.appNext,
    ]);
    expect(sent).toBeGreaterThan(50);
    expect(errors).toEqual([]);
    const history = await cluster.helm(['history', RELEASE, '-n', NAMESPACE, '-o', 'json']);
    expect(JSON.parse(history.stdout).pop().status).toBe('deployed');
  });

  it('keeps one app pod serving while a drain evicts them (PodDisruptionBudget)', async () => {
    const nodes = await cluster.json<{ items: { metadata: { name: string } }[] }>(['get', 'nodes']);
    const node = nodes.items[0]!.metadata.name;
    const pdb = await cluster.json<{ status: { disruptionsAllowed: number } }>([
      'get',
      'pdb',
      RELEASE,
      '-n',
      NAMESPACE,
    ]);
    expect(pdb.status.disruptionsAllowed).toBe(1);
    const loop = requestLoop(projectUrl, user.cookie);
    let drain;
    try {
      // On one node the evicted pod cannot be rescheduled: the PDB must refuse the second eviction.
      drain = await cluster.kubectl(
        [
          'drain',
          node,
          '--pod-selector',
          `app.kubernetes.io/instance=${RELEASE},app.kubernetes.io/component=app`,
          '--delete-emptydir-data',
          '--ignore-daemonsets',
          '--timeout=40s',
        ],
        { timeoutMs: 90_000 },
      );
    } finally {
      await cluster.kubectl(['uncordon', node]);
    }
    const ready = (await cluster.pods('app')).filter(isReady);
    const { sent, errors } = await loop.stop();
    console.log(
      `drain: exit ${drain.status}; ${sent} requests, ${errors.length} errors\n${drain.stderr.split('\n').slice(0, 6).join('\n')}`,
    );
    expect(drain.status).not.toBe(0);
    expect(drain.stderr + drain.stdout).toMatch(/disruption budget/);
    expect(ready.length).toBeGreaterThanOrEqual(1);
    expect(errors).toEqual([]);
    await waitFor(
      'two ready app pods again',
      async () => ((await cluster.pods('app')).filter(isReady).length === 2 ? true : undefined),
      300_000,
      2_000,
    );
  });
});
