// Issue 17 on a real cluster: the chart's backup CronJob runs once and writes a verified archive on
// its volume, then docs/runbook.md#restore is followed step by step to bring the data back into a
// fresh release (its own empty MySQL), and a user of the old release signs in there and finds
// their tasks. Step 1 of the runbook (listing the volume with busybox) is replaced by the Job's
// log line: no busybox image can be pulled here.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHART,
  Cluster,
  HttpUser,
  NAMESPACE,
  NODE_PORT,
  RELEASE,
  clusterContext,
  readyRelease,
  root,
  waitFor,
} from './support.js';

const ctx = clusterContext();
// Contains the chart's name, so its objects are named after the release (as the runbook's $REL).
const FRESH = 'cloudedu-taskmanager-restored';
const FRESH_PORT = 30081;
const RUN = 'backup-now';

describe.skipIf(ctx.skipReason)(
  'scheduled backup and the runbook restore on a real cluster',
  () => {
    const cluster = new Cluster(ctx);
    const user = new HttpUser(`http://${ctx.nodeIP}:${NODE_PORT}`);
    const titles = ['Plan the move', 'Back up first', 'Restore in the cluster'];
    let archive = '';
    let tmp = '';

    beforeAll(async () => {
      tmp = await mkdtemp(path.join(tmpdir(), 'cluster-backup-'));
      await readyRelease(cluster);
      await user.register('Bo');
      const project = await user.request('POST', '/api/v1/projects', { name: 'Kept in a backup' });
      expect(project.status).toBe(201);
      for (const title of titles) {
        const r = await user.request('POST', `/api/v1/projects/${project.body.id}/tasks`, {
          title,
        });
        expect(r.status).toBe(201);
      }
    }, 20 * 60_000);

    afterAll(async () => {
      await cluster.helm(['uninstall', FRESH, '-n', NAMESPACE, '--wait']);
      await cluster.kubectl([
        'delete',
        'pvc,job',
        '-n',
        NAMESPACE,
        '-l',
        `app.kubernetes.io/instance=${FRESH}`,
        '--wait=false',
      ]);
      await cluster.kubectl(['delete', 'job', RUN, '-n', NAMESPACE, '--ignore-not-found']);
      // The next file finds the namespace as it was: the fresh release's pods gone, not leaving.
      await cluster.kubectl(
        [
          'wait',
          '--for=delete',
          'pod',
          '-n',
          NAMESPACE,
          '-l',
          `app.kubernetes.io/instance=${FRESH}`,
          '--timeout=180s',
        ],
        { timeoutMs: 190_000 },
      );
      // The suite's release goes back to its values without backups; the kept backup volume too.
      await cluster.upgrade(['--set', 'backup.enabled=false']);
      await cluster.kubectl([
        'delete',
        'pvc',
        `${RELEASE}-backups`,
        '-n',
        NAMESPACE,
        '--wait=false',
      ]);
      if (tmp) await rm(tmp, { recursive: true, force: true });
    }, 15 * 60_000);

    it('the CronJob, run once, writes a verified archive onto its volume', async () => {
      const enabled = await cluster.upgrade([
        '--set',
        'backup.enabled=true',
        '--set',
        'backup.persistence.size=256Mi',
      ]);
      expect(enabled.status, enabled.stderr).toBe(0);
      // The CronJob's own Job template, started now instead of at 02:17.
      await cluster.must([
        'create',
        'job',
        RUN,
        '-n',
        NAMESPACE,
        '--from',
        `cronjob/${RELEASE}-backup`,
      ]);
      await cluster.must(
        ['wait', '-n', NAMESPACE, '--for=condition=complete', '--timeout=10m', `job/${RUN}`],
        { timeoutMs: 11 * 60_000 },
      );
      const logs = await cluster.must(['logs', '-n', NAMESPACE, `job/${RUN}`]);
      expect(logs).toMatch(/read back and verified/);
      archive = /(taskmanager-[0-9TZ-]+\.ndjson\.gz)/.exec(logs)?.[1] ?? '';
      expect(archive, logs).not.toBe('');
      // Every task made above is in it (the archive's counts include them).
      const tasks = Number(/(\d+) tasks?\b/.exec(logs)?.[1] ?? 0);
      expect(tasks).toBeGreaterThanOrEqual(titles.length);
    });

    it('docs/runbook.md#restore brings the data back into a fresh release', async () => {
      expect(archive).not.toBe('');
      // A fresh release beside the old one: its own empty MySQL, the old release's backup volume.
      const install = await cluster.helm([
        'install',
        FRESH,
        CHART,
        '-n',
        NAMESPACE,
        '-f',
        path.join(CHART, 'values-dev.yaml'),
        ...cluster.imageValues(),
        '--set',
        `service.nodePort=${FRESH_PORT}`,
        // The cluster-wide roles belong to the first release (docs: rbac.createClusterRoles).
        '--set',
        'rbac.createClusterRoles=false',
        '--set-string',
        `backup.persistence.existingClaim=${RELEASE}-backups`,
        '--wait',
        '--timeout',
        '10m',
      ]);
      expect(install.status, install.stderr).toBe(0);

      // 2. Stop the writers.
      await cluster.must(['scale', '-n', NAMESPACE, `deploy/${FRESH}`, '--replicas=0']);
      // 3. Render the restore Job with the release's values and the archive's name, and run it.
      const valuesFile = path.join(tmp, 'values.yaml');
      const values = await cluster.helm(['get', 'values', FRESH, '-n', NAMESPACE, '-o', 'yaml']);
      expect(values.status, values.stderr).toBe(0);
      await writeFile(valuesFile, values.stdout);
      const version = JSON.parse(await cluster.must(['version', '-o', 'json'])) as {
        serverVersion: { gitVersion: string };
      };
      const job = await cluster.helm([
        'template',
        FRESH,
        CHART,
        '-n',
        NAMESPACE,
        '-f',
        valuesFile,
        // As the runbook: helm template would render for Kubernetes 1.20 otherwise.
        '--kube-version',
        version.serverVersion.gitVersion,
        '--show-only',
        'templates/backup-restore-job.yaml',
        '--set',
        `backup.restore.file=${archive}`,
      ]);
      expect(job.status, job.stderr).toBe(0);
      await cluster.must(['apply', '-f', '-'], { input: job.stdout });
      await cluster.must(
        [
          'wait',
          '-n',
          NAMESPACE,
          '--for=condition=complete',
          '--timeout=10m',
          `job/${FRESH}-restore`,
        ],
        { timeoutMs: 11 * 60_000 },
      );
      const logs = await cluster.must(['logs', '-n', NAMESPACE, `job/${FRESH}-restore`]);
      expect(logs).toMatch(/counts and checksum verified/);
      // 4. Start the app again and remove the Job.
      await cluster.must(['scale', '-n', NAMESPACE, `deploy/${FRESH}`, '--replicas=1']);
      await cluster.must(['delete', 'job', '-n', NAMESPACE, `${FRESH}-restore`]);

      // The old release's user signs in on the fresh one (sessions are not archived) and finds the
      // project and its tasks.
      const restored = new HttpUser(`http://${ctx.nodeIP}:${FRESH_PORT}`);
      await waitFor(
        'the restored release to accept a sign-in',
        async () => {
          await restored.login(user.email);
          return true;
        },
        5 * 60_000,
      );
      const projects = await restored.request('GET', '/api/v1/projects');
      const project = projects.body.items.find(
        (p: { name: string }) => p.name === 'Kept in a backup',
      );
      expect(project).toBeDefined();
      const tasks = await restored.request('GET', `/api/v1/projects/${project.id}/tasks`);
      expect(tasks.body.items.map((t: { title: string }) => t.title).sort()).toEqual(
        [...titles].sort(),
      );
    });
  },
);

// The runbook this file follows must still say what the test does.
const runbook = readFileSync(path.join(root, 'docs/runbook.md'), 'utf8');
if (
  !/--kube-version "\$KUBE_VERSION" --show-only templates\/backup-restore-job\.yaml/.test(runbook)
)
  throw new Error('docs/runbook.md#restore no longer renders the restore Job as this test does');
