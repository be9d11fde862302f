// Issue 16, proof 1: the user's own command installs the app on a real cluster. `taskmanager
// deploy --env dev` (the README path) installs the release; its pods pass Pod Security
// `restricted` enforced by admission and become Ready; `helm test --logs` passes; the app answers
// on NodePort 30080 of the node and a sign-up -> project -> task walk goes through it.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Cluster,
  HttpUser,
  NAMESPACE,
  NODE_PORT,
  RELEASE,
  clusterContext,
  ensureRelease,
  isReady,
  useSuiteValues,
  type DeployRecord,
} from './support.js';

const ctx = clusterContext();

describe.skipIf(ctx.skipReason)('taskmanager deploy --env dev on a real cluster', () => {
  const cluster = new Cluster(ctx);
  let deploy: DeployRecord;

  beforeAll(async () => {
    deploy = await ensureRelease(cluster);
  }, 20 * 60_000);

  it('installs the release with the README command', async () => {
    console.log(
      `taskmanager deploy --env dev: exit ${deploy.status} in ${deploy.seconds} s\n${deploy.stdout}${deploy.stderr}`,
    );
    expect(deploy.status, deploy.stderr + deploy.stdout).toBe(0);
    const status = await cluster.helm(['status', RELEASE, '-n', NAMESPACE, '-o', 'json']);
    expect(JSON.parse(status.stdout).info.status).toBe('deployed');
    // (Its URL line suggests a port-forward: the CLI knows node addresses of kind and minikube only.)
  });

  it('labels the namespace restricted, and admission refuses a pod that is not', async () => {
    const ns = await cluster.json<{ metadata: { labels: Record<string, string> } }>([
      'get',
      'namespace',
      NAMESPACE,
    ]);
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const privileged = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'privileged-probe', namespace: NAMESPACE },
      spec: {
        containers: [{ name: 'c', image: ctx.images.app, securityContext: { privileged: true } }],
      },
    };
    const refused = await cluster.kubectl(['apply', '--dry-run=server', '-f', '-'], {
      input: JSON.stringify(privileged),
    });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/violates PodSecurity "restricted:latest"/);
  });

  it('brings every pod of the release to Ready under restricted', async () => {
    const app = await cluster.pods('app');
    const mysql = await cluster.pods('mysql');
    expect(app.length).toBe(1); // dev: one replica
    expect(mysql.length).toBe(1);
    for (const pod of [...app, ...mysql]) expect(isReady(pod), pod.metadata.name).toBe(true);
    // The migration hook Job ran and was removed once it succeeded (hook-succeeded).
    const jobs = await cluster.json<{ items: unknown[] }>(['get', 'jobs', '-n', NAMESPACE]);
    expect(jobs.items).toEqual([]);
  });

  it('passes helm test, with the test pod logs shown (helm test --logs)', async () => {
    const test = await cluster.helm([
      'test',
      RELEASE,
      '-n',
      NAMESPACE,
      '--logs',
      '--timeout',
      '3m',
    ]);
    console.log(test.stdout);
    expect(test.status, test.stderr).toBe(0);
    expect(test.stdout).toMatch(/Phase:\s+Succeeded/);
    expect(test.stdout).toContain('/readyz: HTTP 200');
    expect(test.stdout).toContain('/api/v1/openapi.json: HTTP 200');
  });

  it('serves a sign-up -> project -> task walk on NodePort 30080 of the node', async () => {
    const base = `http://${ctx.nodeIP}:${NODE_PORT}`;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const ann = new HttpUser(base);
    await ann.register('Ann');
    const project = await ann.request('POST', '/api/v1/projects', { name: 'Cluster launch' });
    expect(project.status).toBe(201);
    const task = await ann.request('POST', `/api/v1/projects/${project.body.id}/tasks`, {
      title: 'Install on a real cluster',
      priority: 'high',
    });
    expect(task.status).toBe(201);
    const list = await ann.request('GET', `/api/v1/projects/${project.body.id}/tasks`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((t: { title: string }) => t.title)).toEqual([
      'Install on a real cluster',
    ]);
    // The web UI is served by the same pods.
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
  });

  it('switches to the stand-in images by values, pullPolicy Never, without losing the data', async () => {
    const base = `http://${ctx.nodeIP}:${NODE_PORT}`;
    const ann = new HttpUser(base);
    await ann.register('Bea');
    const project = await ann.request('POST', '/api/v1/projects', { name: 'Before the switch' });
    await useSuiteValues(cluster);
    const [mysql] = await cluster.pods('mysql');
    expect(mysql!.spec.containers[0]!.image).toBe(ctx.images.mariadb);
    const [app] = await cluster.pods('app');
    expect(app!.spec.containers[0]!.image).toBe(ctx.images.app);
    const again = await ann.request('GET', `/api/v1/projects/${project.body.id}`);
    expect(again.status).toBe(200);
    expect(again.body.name).toBe('Before the switch');
  });
});
