// Issue 16, proofs 3 and 5 (MySQL half): data survives a MySQL pod deletion (the app's /readyz
// goes 503 and back by itself, nothing restarts, the tasks are still there); the seed's
// dirty-volume CrashLoopBackOff is reproduced for real, `taskmanager doctor` names it, and the
// chart's remedy (the check-datadir init container) brings MySQL back; the data is then restored.
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
  doctorRecording,
  waitFor,
  type Pod,
} from './support.js';

const ctx = clusterContext();
const STS = `${RELEASE}-mysql`;
const PVC = `data-${STS}-0`;

async function readyz(ip: string): Promise<number> {
  try {
    return (await fetch(`http://${ip}:8080/readyz`, { signal: AbortSignal.timeout(2_000) })).status;
  } catch {
    return 0;
  }
}

describe.skipIf(ctx.skipReason)('data and MySQL failures on a real cluster', () => {
  const cluster = new Cluster(ctx);
  const base = `http://${ctx.nodeIP}:${NODE_PORT}`;
  const user = new HttpUser(base);
  let projectId = '';

  beforeAll(async () => {
    await readyRelease(cluster);
    await user.register('Cy');
    const project = await user.request('POST', '/api/v1/projects', { name: 'Survives' });
    projectId = project.body.id;
    const task = await user.request('POST', `/api/v1/projects/${projectId}/tasks`, {
      title: 'Kept on the PVC',
    });
    expect(task.status).toBe(201);
  }, 20 * 60_000);

  const titles = async () =>
    (await user.request('GET', `/api/v1/projects/${projectId}/tasks`)).body.items.map(
      (t: { title: string }) => t.title,
    );

  /** Scales MySQL and waits until its pod is gone (0) or Ready (1). */
  async function scaleMysql(replicas: 0 | 1) {
    await cluster.must(['scale', `statefulset/${STS}`, '-n', NAMESPACE, `--replicas=${replicas}`]);
    await waitFor(
      `MySQL at ${replicas} ready pods`,
      async () => {
        const pods = await cluster.pods('mysql');
        if (replicas === 0) return pods.length === 0 ? true : undefined;
        return pods.length === 1 && isReady(pods[0]!) ? true : undefined;
      },
      300_000,
      2_000,
    );
  }

  /** Moves folders on the MySQL volume with a restricted pod (as MySQL's UID) while MySQL is at 0. */
  async function onVolume(name: string, script: string) {
    const r = await cluster.nodePod(NAMESPACE, name, `import fs from 'node:fs'; ${script}`, {
      uid: 10002,
      pvc: PVC,
    });
    expect(r.status, `${name}: ${r.stderr}${r.stdout}`).toBe(0);
  }

  it('survives a MySQL pod deletion: /readyz 503 and back, no app restart, tasks kept', async () => {
    const [app] = await cluster.pods('app');
    const ip = app!.status.podIP!;
    const restartsBefore = app!.status.containerStatuses![0]!.restartCount;
    expect(await readyz(ip)).toBe(200);
    const [mysql] = await cluster.pods('mysql');
    await cluster.must(['delete', 'pod', mysql!.metadata.name, '-n', NAMESPACE, '--wait=false']);
    const seen: number[] = [];
    await waitFor(
      'readyz 503',
      async () => {
        const s = await readyz(ip);
        seen.push(s);
        return s === 503 ? true : undefined;
      },
      120_000,
      250,
    );
    await waitFor(
      'readyz 200 again',
      async () => ((await readyz(ip)) === 200 ? true : undefined),
      300_000,
      1_000,
    );
    console.log(`readyz while MySQL restarted: ${[...new Set(seen)].join(', ')} then 200`);
    const [after] = await cluster.pods('app');
    expect(after!.metadata.name).toBe(app!.metadata.name);
    expect(after!.status.containerStatuses![0]!.restartCount).toBe(restartsBefore);
    await waitFor(
      'tasks through the NodePort',
      async () => ((await titles()).length ? true : undefined),
      60_000,
    );
    expect(await titles()).toEqual(['Kept on the PVC']);
  });

  it('reproduces the dirty-volume CrashLoopBackOff, doctor names it, the chart remedy fixes it', async () => {
    const sts = await cluster.json<{ spec: { template: { spec: { initContainers: unknown[] } } } }>(
      ['get', 'statefulset', STS, '-n', NAMESPACE],
    );
    const initContainers = sts.spec.template.spec.initContainers;
    expect(initContainers.map((c) => (c as { name: string }).name)).toEqual(['check-datadir']);

    // 1. The seed's situation: no remedy, and a data directory with files but no mysql schema
    //    (what an interrupted initialisation leaves). The real data is moved aside, not lost.
    await scaleMysql(0);
    await cluster.must([
      'patch',
      'statefulset',
      STS,
      '-n',
      NAMESPACE,
      '--type=json',
      '-p',
      '[{"op":"remove","path":"/spec/template/spec/initContainers"}]',
    ]);
    await onVolume(
      'dirty-volume',
      "fs.renameSync('/volume/data', '/volume/saved-by-test'); fs.mkdirSync('/volume/data'); fs.writeFileSync('/volume/data/ibdata1', 'half-written');",
    );
    await cluster.must(['scale', `statefulset/${STS}`, '-n', NAMESPACE, '--replicas=1']);
    const crashing = await waitFor(
      'MySQL in CrashLoopBackOff',
      async () => {
        const [pod] = await cluster.pods('mysql');
        const status = pod?.status.containerStatuses?.find((c) => c.name === 'mysql');
        return status?.state.waiting?.reason === 'CrashLoopBackOff' ? pod : undefined;
      },
      240_000,
      2_000,
    );
    const logs = await cluster.kubectl([
      'logs',
      '-n',
      NAMESPACE,
      crashing.metadata.name,
      '-c',
      'mysql',
      '--previous',
    ]);
    expect(logs.stdout + logs.stderr).toContain('data directory has files in it');

    // 2. doctor names it, with the safe fix.
    const doctor = await doctorRecording(cluster, 'mysql-dirty-volume');
    expect(doctor.status).toBe(1);
    expect(doctor.stdout).toContain('[mysql-dirty-volume]');

    // 3. The chart's remedy: its StatefulSet with check-datadir moves the directory aside and
    //    MySQL initialises a fresh one.
    await cluster.must([
      'patch',
      'statefulset',
      STS,
      '-n',
      NAMESPACE,
      '--type=json',
      '-p',
      JSON.stringify([
        { op: 'add', path: '/spec/template/spec/initContainers', value: initContainers },
      ]),
    ]);
    await cluster.must(['delete', 'pod', crashing.metadata.name, '-n', NAMESPACE, '--wait=false']);
    const fixed = await waitFor(
      'MySQL Ready with the remedy',
      async () => {
        const pods = await cluster.pods('mysql');
        const pod: Pod | undefined = pods[0];
        return pod && isReady(pod) ? pod : undefined;
      },
      300_000,
      2_000,
    );
    const check = await cluster.kubectl([
      'logs',
      '-n',
      NAMESPACE,
      fixed.metadata.name,
      '-c',
      'check-datadir',
    ]);
    expect(check.stdout).toMatch(/moving it to \/volume\/broken-\d{14}/);

    // 4. Put the real data back (the test's own clean-up) and find the task again.
    await scaleMysql(0);
    await onVolume(
      'restore-volume',
      "fs.renameSync('/volume/data', '/volume/fresh-by-test'); fs.renameSync('/volume/saved-by-test', '/volume/data');",
    );
    await scaleMysql(1);
    await waitFor(
      'tasks after the restore',
      async () => ((await titles()).length ? true : undefined),
      180_000,
      2_000,
    );
    expect(await titles()).toEqual(['Kept on the PVC']);
  });
});
