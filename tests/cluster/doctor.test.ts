// Issue 16, proof 5: `taskmanager doctor` on real failures of the suite's release, each created
// for real and undone afterwards: an image that is not on the node with pullPolicy Never
// (ErrImageNeverPull), a wrong database password, and a pod Pod Security refuses. (The MySQL
// dirty volume is in resilience.test.ts, next to the data it must not lose.)
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Cluster,
  NAMESPACE,
  RELEASE,
  clusterContext,
  readyRelease,
  isReady,
  splitImage,
  doctorRecording,
  waitFor,
} from './support.js';

const ctx = clusterContext();

describe.skipIf(ctx.skipReason)('taskmanager doctor on real failures', () => {
  const cluster = new Cluster(ctx);
  // Each run keeps what kubectl answered (the doctor fixtures are re-recorded from these).
  const doctor = (scenario: string) => doctorRecording(cluster, scenario);
  const rolledOut = async () => {
    const r = await cluster.kubectl(
      ['rollout', 'status', `deployment/${RELEASE}`, '-n', NAMESPACE, '--timeout=300s'],
      { timeoutMs: 310_000 },
    );
    expect(r.status, r.stderr).toBe(0);
  };

  beforeAll(async () => {
    await readyRelease(cluster);
    await rolledOut();
  }, 20 * 60_000);

  it('finds nothing on the healthy release', async () => {
    const r = await doctor('healthy');
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('names ErrImageNeverPull when the image is not loaded into the node', async () => {
    const current = await cluster.json<{
      spec: { template: { spec: { containers: { image: string }[] } } };
    }>(['get', 'deployment', RELEASE, '-n', NAMESPACE]);
    const good = splitImage(current.spec.template.spec.containers[0]!.image).tag;
    // No hooks: the migration Job would wait for the same missing image.
    const broken = await cluster.upgrade(['--set-string', 'image.tag=never-loaded'], {
      wait: false,
      hooks: false,
    });
    expect(broken.status, broken.stderr).toBe(0);
    try {
      await waitFor(
        'a pod waiting in ErrImageNeverPull',
        async () => {
          const pods = await cluster.pods('app');
          return pods.some(
            (p) => p.status.containerStatuses?.[0]?.state.waiting?.reason === 'ErrImageNeverPull',
          )
            ? true
            : undefined;
        },
        120_000,
        2_000,
      );
      const r = await doctor('err-image-never-pull');
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('[image-not-in-cluster]');
      expect(r.stdout).toContain('never-loaded');
    } finally {
      const back = await cluster.upgrade(['--set-string', `image.tag=${good}`], { hooks: false });
      expect(back.status, back.stderr).toBe(0);
    }
  });

  it('names a wrong database password', async () => {
    const secret = `${RELEASE}-db`;
    const before = await cluster.json<{ data: Record<string, string> }>([
      'get',
      'secret',
      secret,
      '-n',
      NAMESPACE,
    ]);
    const patch = (value: string) =>
      cluster.must([
        'patch',
        'secret',
        secret,
        '-n',
        NAMESPACE,
        '--type=merge',
        '-p',
        JSON.stringify({ data: { 'mysql-password': value } }),
      ]);
    await patch(Buffer.from('not-the-password').toString('base64'));
    try {
      await cluster.must(['rollout', 'restart', `deployment/${RELEASE}`, '-n', NAMESPACE]);
      await waitFor(
        'a new app pod refused by MySQL',
        async () => {
          for (const pod of await cluster.pods('app')) {
            if (isReady(pod)) continue;
            const logs = await cluster.kubectl([
              'logs',
              '-n',
              NAMESPACE,
              pod.metadata.name,
              '-c',
              'app',
            ]);
            if (/Access denied/.test(logs.stdout)) return true;
          }
          return undefined;
        },
        180_000,
        3_000,
      );
      const r = await doctor('mysql-password-mismatch');
      expect(r.status).toBe(1);
      expect(r.stdout, r.stdout).toContain('[mysql-password-mismatch]');
    } finally {
      await patch(before.data['mysql-password']!);
      await cluster.must(['rollout', 'restart', `deployment/${RELEASE}`, '-n', NAMESPACE]);
      await rolledOut();
    }
  });

  it('names pods that Pod Security admission refuses', async () => {
    const escalate = (value: boolean) =>
      cluster.must([
        'patch',
        'deployment',
        RELEASE,
        '-n',
        NAMESPACE,
        '--type=json',
        '-p',
        JSON.stringify([
          {
            op: 'replace',
            path: '/spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation',
            value,
          },
        ]),
      ]);
    await escalate(true);
    try {
      await waitFor(
        'a FailedCreate event from Pod Security',
        async () => {
          const events = await cluster.json<{ items: { reason: string; message: string }[] }>([
            'get',
            'events',
            '-n',
            NAMESPACE,
          ]);
          return events.items.some(
            (e) => e.reason === 'FailedCreate' && /violates PodSecurity/.test(e.message),
          )
            ? true
            : undefined;
        },
        120_000,
        2_000,
      );
      const r = await doctor('pod-security-refused');
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('[pod-security-refused]');
      expect(r.stdout).toContain('allowPrivilegeEscalation');
    } finally {
      await escalate(false);
      await rolledOut();
    }
  });
});
