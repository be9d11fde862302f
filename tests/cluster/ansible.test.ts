// Issue 16, proof 1 (second half): the Ansible `site.yml` with the dev inventory installs the app
// on a real cluster — prerequisites checked, the namespace labelled restricted, the database
// Secret generated once, the chart installed and `helm test` run by the play — and a second run
// keeps the Secret. Its own namespace, release and NodePort, so the suite's release is untouched;
// removed afterwards.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Cluster,
  HttpUser,
  type Pod,
  clusterContext,
  isReady,
  root,
  splitImage,
  waitFor,
} from './support.js';

const ctx = clusterContext();
const NS = 'cloudedu-ansible';
const RELEASE = 'tm-ansible';
const PORT = 30082; // 30080: the suite's release; 30081: backup.test.ts's restore target
const ANSIBLE = path.join(root, 'deploy/ansible');

describe.skipIf(ctx.skipReason)('ansible-playbook site.yml (dev) on a real cluster', () => {
  const cluster = new Cluster(ctx);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tm-ansible-'));
  let vars: string;
  let first: { status: number; stdout: string; stderr: string };

  const play = () =>
    cluster.exec('ansible-playbook', ['-i', 'inventories/dev', 'site.yml', '-e', `@${vars}`], {
      cwd: ANSIBLE,
      timeoutMs: 15 * 60_000,
    });
  const secretVersion = async () =>
    (
      await cluster.json<{ metadata: { resourceVersion: string } }>([
        'get',
        'secret',
        'cloudedu-taskmanager-db',
        '-n',
        NS,
      ])
    ).metadata.resourceVersion;

  beforeAll(async () => {
    const context = (await cluster.kubectl(['config', 'current-context'])).stdout.trim();
    const image = (reference: string) => ({ ...splitImage(reference), pullPolicy: 'Never' });
    // The site overlay a team would keep next to its inventory: here, the locally loaded images
    // (nothing is pulled on this cluster) and this cluster's pod network.
    const overlay = path.join(dir, 'site-values.json');
    writeFileSync(
      overlay,
      JSON.stringify({
        image: { pullPolicy: 'Never' },
        service: { nodePort: PORT },
        mysql: {
          standalone: { image: image(ctx.images.mariadb) },
          exporter: { image: image(ctx.images.exporter) },
        },
        networkPolicy: { podCIDRs: ctx.podCIDRs },
        // A second release in the cluster: the cluster-wide roles belong to the first one
        // (rbac.createClusterRoles in the chart's README; Helm refuses to adopt them).
        rbac: { createClusterRoles: false },
      }),
    );
    const { repository, tag } = splitImage(ctx.images.app);
    vars = path.join(dir, 'vars.json');
    writeFileSync(
      vars,
      JSON.stringify({
        cloudedu_kube_context: context,
        cloudedu_namespace: NS,
        cloudedu_release: RELEASE,
        cloudedu_image_repository: repository,
        cloudedu_image_tag: tag,
        cloudedu_node_address: ctx.nodeIP,
        app_extra_values_files: [overlay],
      }),
    );
    first = await play();
  }, 20 * 60_000);

  afterAll(async () => {
    await cluster.helm(['uninstall', RELEASE, '-n', NS, '--wait', '--timeout', '3m']);
    await cluster.kubectl(['delete', 'namespace', NS, '--wait=true', '--timeout=180s'], {
      timeoutMs: 200_000,
    });
    rmSync(dir, { recursive: true, force: true });
  }, 10 * 60_000);

  it('installs the release, runs helm test and prints the NodePort URL', () => {
    const out = first.stdout + first.stderr;
    console.log(out.slice(-3_000));
    expect(first.status, out).toBe(0);
    expect(out).toContain('TASK [app : Run the chart');
    expect(out).toMatch(/failed=0/);
    expect(out).toContain(`is up: http://${ctx.nodeIP}:${PORT}/`);
  });

  it('leaves a restricted namespace with every pod Ready', async () => {
    const ns = await cluster.json<{ metadata: { labels: Record<string, string> } }>([
      'get',
      'namespace',
      NS,
    ]);
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const pods = await cluster.json<{ items: Pod[] }>([
      'get',
      'pods',
      '-n',
      NS,
      '-l',
      `app.kubernetes.io/instance=${RELEASE}`,
    ]);
    const running = pods.items.filter((p) => p.status.phase !== 'Succeeded');
    expect(running.length).toBeGreaterThanOrEqual(2); // the app and MySQL
    for (const pod of running) expect(isReady(pod), pod.metadata.name).toBe(true);
  });

  it('serves a sign-up -> project -> task walk on its NodePort', async () => {
    const base = `http://${ctx.nodeIP}:${PORT}`;
    await waitFor(
      'the NodePort',
      async () => (await fetch(`${base}/readyz`)).ok || undefined,
      60_000,
      2_000,
    );
    const user = new HttpUser(base);
    await user.register('Ansible');
    const project = await user.request('POST', '/api/v1/projects', {
      name: 'Installed by Ansible',
    });
    expect(project.status).toBe(201);
    const task = await user.request('POST', `/api/v1/projects/${project.body.id}/tasks`, {
      title: 'Run the playbook twice',
    });
    expect(task.status).toBe(201);
  });

  it('runs again without generating the Secret again (the data volume keeps its passwords)', async () => {
    const before = await secretVersion();
    const again = await play();
    const out = again.stdout + again.stderr;
    expect(again.status, out.slice(-3_000)).toBe(0);
    expect(out).toMatch(/Create the database Secret once\][^\n]*\nskipping:/);
    expect(await secretVersion()).toBe(before);
    expect((await fetch(`http://${ctx.nodeIP}:${PORT}/readyz`)).status).toBe(200);
  });
});
