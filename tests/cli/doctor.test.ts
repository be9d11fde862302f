// `taskmanager doctor` against kubectl outputs of each failure it knows, kept as fixtures (how
// they were made: tests/fixtures/README.md) and served by a fake kubectl on PATH: the whole path
// from the command line through kubectl's JSON to the printed diagnosis and the exit code.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/cli/commands/doctor.js';
import { detectCluster } from '../../src/cli/deploy/cluster.js';
import { diagnose, formatFindings } from '../../src/cli/doctor/diagnose.js';
import { errorLine } from '../../src/cli/doctor/pods.js';
import type { KubeEvent, Pod, Snapshot } from '../../src/cli/deploy/kube.js';
import { FIXTURES, captureIo, fakeTools } from './fake-tools.js';
import type { FakeTools } from './fake-tools.js';

interface Expected {
  exit: number;
  ids: string[];
  mentions?: string[];
}

const scenarios = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

let fakes: FakeTools | undefined;
afterEach(() => fakes?.cleanup());

async function doctor(scenario: string, args: string[] = ['--env', 'dev']) {
  fakes = fakeTools(['kubectl'], { FAKE_KUBECTL_FIXTURES: path.join(FIXTURES, scenario) });
  const captured = captureIo(fakes.env);
  const code = await runDoctor(args, captured.io);
  return { code, out: captured.stdout(), err: captured.stderr(), calls: fakes.calls() };
}

const problemIds = (out: string): string[] =>
  [...out.matchAll(/^PROBLEM \[([a-z-]+)\]/gm)].map((m) => m[1] ?? '');

describe('taskmanager doctor on the fixture failures', () => {
  it('has a fixture for every failure the issue lists', () => {
    expect(scenarios).toEqual(
      expect.arrayContaining([
        'healthy',
        'err-image-never-pull',
        'image-pull-backoff',
        'mysql-dirty-volume',
        'waiting-for-database',
        'pvc-pending-no-default-storageclass',
        'pod-security-refused',
        'hpa-no-metrics-server',
        'secret-missing',
      ]),
    );
  });

  it.each(scenarios)('%s', async (scenario) => {
    const expected = JSON.parse(
      readFileSync(path.join(FIXTURES, scenario, 'expected.json'), 'utf8'),
    ) as Expected;
    const { code, out, err } = await doctor(scenario);
    expect(err).toBe('');
    expect(code).toBe(expected.exit);
    expect(problemIds(out).sort()).toEqual([...expected.ids].sort());
    for (const text of expected.mentions ?? []) expect(out).toContain(text);
    if (expected.exit === 0) expect(out).toMatch(/^no problems found$/m);
    else expect(out).toMatch(/^\d+ problems? found/m);
  });

  it('reads the cluster only through kubectl -o json (and logs of failing containers)', async () => {
    const { calls } = await doctor('mysql-dirty-volume', [
      '--env',
      'dev',
      '--context',
      'kind-cloudedu',
    ]);
    expect(calls.every((c) => c.tool === 'kubectl')).toBe(true);
    const gets = calls.filter((c) => c.args[2] === 'get');
    expect(gets.map((c) => c.args)).toEqual([
      ['--context', 'kind-cloudedu', 'get', 'namespace', 'cloudedu-dev', '-o', 'json'],
      [
        '--context',
        'kind-cloudedu',
        'get',
        'pods,replicasets,statefulsets,deployments,jobs,persistentvolumeclaims,horizontalpodautoscalers,services,ingresses',
        '-n',
        'cloudedu-dev',
        '-o',
        'json',
      ],
      ['--context', 'kind-cloudedu', 'get', 'events', '-n', 'cloudedu-dev', '-o', 'json'],
      ['--context', 'kind-cloudedu', 'get', 'storageclasses', '-o', 'json'],
      ['--context', 'kind-cloudedu', 'get', 'secrets', '-n', 'cloudedu-dev', '-o', 'json'],
    ]);
    expect(calls.filter((c) => c.args[2] === 'logs').map((c) => c.args.slice(2))).toContainEqual([
      'logs',
      'cloudedu-taskmanager-mysql-0',
      '-c',
      'mysql',
      '-n',
      'cloudedu-dev',
      '--tail',
      '40',
      '--previous',
    ]);
  });

  it('names the cause of the MySQL crash and each step of the safe reset in order', async () => {
    const { out } = await doctor('mysql-dirty-volume');
    expect(out).toContain('Invalid MySQL server downgrade');
    expect(out).toContain(
      'persistentvolumeclaim/data-cloudedu-taskmanager-mysql-0 is older than statefulset/cloudedu-taskmanager-mysql',
    );
    const order = [
      'scale statefulset/cloudedu-taskmanager-mysql --replicas=0',
      'get pvc data-cloudedu-taskmanager-mysql-0',
      'delete pvc data-cloudedu-taskmanager-mysql-0',
      'scale statefulset/cloudedu-taskmanager-mysql --replicas=1',
    ].map((step) => out.indexOf(step));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('reads the database mode from the release: MySQL scaled to zero is not an external database', async () => {
    const { out } = await doctor('mysql-scaled-to-zero');
    expect(out).toContain(
      'PROBLEM [mysql-scaled-to-zero] MySQL is scaled to zero: statefulset/cloudedu-taskmanager-mysql has no pod',
    );
    expect(out).toContain('(standalone mode)');
    expect(out).not.toMatch(/external|database-unreachable/);
  });

  it('quotes the error of a crash-looping MySQL, not the URL its log ends with', async () => {
    const { out } = await doctor('mysql-crashloop-mariadb');
    const seen = out.split('\n').find((l) => l.startsWith('  seen: 4 restarts'));
    expect(seen).toContain('[Warning] Failed to normalize the argument for --secure-file-priv.');
    expect(seen).not.toContain('https://');
  });

  it('names the init container a pending pod waits on instead of calling it running', async () => {
    const { out } = await doctor('waiting-in-init-container');
    expect(out).not.toContain('Running, not ready');
    expect(out).toContain(
      'PROBLEM [pod-not-ready] Pod cloudedu-taskmanager-migrate-7xk2p is not ready (waiting for init container db-bootstrap: running)',
    );
    // MySQL running its init container is merely starting: part of the app's finding, not its own.
    expect(problemIds(out).sort()).toEqual(['pod-not-ready', 'waiting-for-database']);
  });

  it('uses the namespace of --namespace over --env', async () => {
    const { calls } = await doctor('healthy', ['--namespace', 'team-a']);
    expect(calls.some((c) => c.args.join(' ') === 'get namespace team-a -o json')).toBe(true);
  });

  it('says in one line what to do when the cluster cannot be read', async () => {
    fakes = fakeTools(['kubectl'], {
      FAKE_KUBECTL_FIXTURES: path.join(FIXTURES, 'does-not-exist'),
    });
    const captured = captureIo(fakes.env);
    const code = await runDoctor([], captured.io);
    expect(code).toBe(1);
    expect(captured.stderr().trim().split('\n')).toHaveLength(1);
    expect(captured.stderr()).toMatch(
      /^taskmanager doctor: kubectl has no current context\. Next: /,
    );
  });

  it('says in one line that kubectl is missing', async () => {
    fakes = fakeTools([]);
    const captured = captureIo(fakes.env);
    expect(await runDoctor([], captured.io)).toBe(1);
    expect(captured.stderr()).toMatch(
      /^taskmanager doctor: kubectl not found on PATH: install kubectl/,
    );
  });
});

// Rules checked on variations of the fixture snapshots, for branches no fixture covers.
function snapshotOf(scenario: string): Snapshot {
  const read = (name: string): { items: unknown[] } =>
    JSON.parse(readFileSync(path.join(FIXTURES, scenario, name), 'utf8')) as { items: unknown[] };
  const items = read('resources.json').items as { kind: string }[];
  const of = <T>(kind: string): T[] => items.filter((i) => i.kind === kind) as T[];
  return {
    namespace: 'cloudedu-dev',
    namespaceObject: JSON.parse(
      readFileSync(path.join(FIXTURES, scenario, 'namespace.json'), 'utf8'),
    ) as Snapshot['namespaceObject'],
    pods: of('Pod'),
    replicaSets: of('ReplicaSet'),
    statefulSets: of('StatefulSet'),
    jobs: of('Job'),
    deployments: of('Deployment'),
    pvcs: of('PersistentVolumeClaim'),
    hpas: of('HorizontalPodAutoscaler'),
    services: of('Service'),
    ingresses: of('Ingress'),
    events: read('events.json').items as KubeEvent[],
    storageClasses: read('storageclasses.json').items as Snapshot['storageClasses'],
    secretNames: ['cloudedu-taskmanager-db'],
    logs: {},
  };
}

const kind = { cluster: detectCluster('kind-cloudedu'), env: 'dev' };

describe('diagnosis rules', () => {
  it('warns, without failing, when the namespace does not enforce restricted', () => {
    const s = snapshotOf('healthy');
    delete s.namespaceObject?.metadata.labels?.['pod-security.kubernetes.io/enforce'];
    const findings = diagnose(s, kind);
    expect(findings.map((f) => [f.id, f.severity])).toEqual([
      ['namespace-not-restricted', 'warning'],
    ]);
    expect(formatFindings(findings)).toMatch(/^no problems found \(1 warning\)/);
    expect(formatFindings(findings)).toContain('kubectl label --dry-run=server');
  });

  it('recognises an interrupted initialisation (MY-010457) in the MySQL log', () => {
    const s = snapshotOf('mysql-dirty-volume');
    for (const p of s.pvcs) p.metadata.creationTimestamp = '2025-03-01T12:00:06Z';
    s.logs['cloudedu-taskmanager-mysql-0/mysql'] =
      '2025-03-01T12:00:02.126000Z 0 [ERROR] [MY-010457] [Server] --initialize specified but the data directory has files in it. Aborting.\n';
    const finding = diagnose(s, kind).find((f) => f.id === 'mysql-dirty-volume');
    expect(finding?.evidence).toContain('MY-010457');
  });

  it('reports an unexplained MySQL crash with the command to read its log', () => {
    const s = snapshotOf('mysql-dirty-volume');
    for (const p of s.pvcs) p.metadata.creationTimestamp = '2025-03-01T12:00:06Z';
    const finding = diagnose(s, kind).find((f) => f.id === 'mysql-crashloop');
    expect(finding?.fix.join('\n')).toContain(
      'logs cloudedu-taskmanager-mysql-0 -c mysql --previous',
    );
  });

  it('asks for a CPU request when the HPA lacks one, not for a metrics server', () => {
    const s = snapshotOf('hpa-no-metrics-server');
    const condition = s.hpas[0]?.status.conditions?.find((c) => c.type === 'ScalingActive');
    if (condition)
      condition.message =
        'the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container app of Pod x';
    s.events = [];
    expect(diagnose(s, kind).map((f) => f.id)).toEqual(['hpa-missing-requests']);
  });

  it('tells minikube users to enable its addons for storage and metrics', () => {
    const s = snapshotOf('pvc-pending-no-default-storageclass');
    s.storageClasses = [];
    const text = formatFindings(diagnose(s, { cluster: detectCluster('minikube'), env: 'dev' }));
    expect(text).toContain('minikube addons enable default-storageclass -p minikube');
  });

  it('treats an image from a registry as a pull failure, not a missing load', () => {
    const s = snapshotOf('image-pull-backoff');
    const pod = s.pods.find((p) => p.metadata.name.startsWith('cloudedu-taskmanager-7')) as Pod;
    const image = 'ghcr.io/acme/cloudedu-taskmanager:1.4.0';
    const container = pod.spec.containers[0];
    if (container) container.image = image;
    const findings = diagnose(s, kind);
    expect(findings.map((f) => f.id)).toEqual(['image-pull-failed']);
    expect(findings[0]?.fix.join('\n')).toContain('imagePullSecrets');
  });

  it('ignores events about failures that are over (events outlive a fix by an hour)', () => {
    const s = snapshotOf('healthy');
    const stale = snapshotOf('pod-security-refused').events.filter(
      (e) => e.reason === 'FailedCreate',
    );
    const mount = snapshotOf('secret-missing').events.filter(
      (e) => e.reason === 'FailedMount' && e.involvedObject.name === s.pods[0]?.metadata.name,
    );
    const hpa = snapshotOf('hpa-no-metrics-server');
    const metrics = hpa.events.filter((e) => e.involvedObject.kind === 'HorizontalPodAutoscaler');
    for (const h of hpa.hpas) {
      for (const c of h.status.conditions ?? []) {
        if (c.type === 'ScalingActive')
          Object.assign(c, { status: 'True', reason: 'ValidMetricFound' });
      }
    }
    s.hpas = hpa.hpas;
    s.events.push(...stale, ...mount, ...metrics);
    expect(stale.length * mount.length * metrics.length).toBeGreaterThan(0);
    expect(diagnose(s, kind)).toEqual([]);
  });

  it('says external mode only when the release runs no MySQL, and names operator mode', () => {
    const s = snapshotOf('mysql-scaled-to-zero');
    const sts = s.statefulSets;
    s.statefulSets = [];
    expect(diagnose(s, kind).map((f) => [f.id, f.title])).toEqual([
      [
        'database-unreachable',
        'The app is not ready: it cannot reach its external database (the release runs no MySQL: external mode)',
      ],
    ]);
    s.statefulSets = sts.map((w) => ({
      ...w,
      metadata: {
        ...w.metadata,
        name: 'cloudedu-taskmanager-db',
        labels: {
          'app.kubernetes.io/managed-by': 'mysql-operator',
          'mysql.oracle.com/cluster': 'x',
        },
      },
    }));
    const titles = diagnose(s, kind).map((f) => f.title);
    expect(titles).toContain(
      'MySQL is scaled to zero: statefulset/cloudedu-taskmanager-db has no pod, so the app has no database',
    );
    expect(titles).toContain(
      'The app is not ready because its database has no pod (operator mode)',
    );
  });

  it('reports a StatefulSet that wants MySQL pods and gets none, with its event', () => {
    const s = snapshotOf('mysql-scaled-to-zero');
    const sts = s.statefulSets[0];
    if (sts?.spec) sts.spec.replicas = 1;
    s.events.push({
      metadata: { name: 'e' },
      involvedObject: { kind: 'StatefulSet', name: sts?.metadata.name },
      type: 'Warning',
      reason: 'FailedCreate',
      message:
        'create Pod cloudedu-taskmanager-mysql-0 in StatefulSet cloudedu-taskmanager-mysql failed error: exceeded quota',
    });
    const finding = diagnose(s, kind).find((f) => f.id === 'mysql-no-pod');
    expect(finding?.evidence).toContain('exceeded quota');
  });

  it('picks the telling line of a log, whatever comes last', () => {
    const innodb = [
      '2025-03-01 12:05:43 0 [Note] InnoDB: Using transactional memory',
      '2025-03-01 12:05:43 0x7f InnoDB: Assertion failure in file ./storage/innobase/fil/fil0fil.cc line 2840',
      'InnoDB: We intentionally generate a memory trap.',
      'InnoDB: Submit a detailed bug report to https://jira.mariadb.org/',
      'Writing a core file...',
    ].join('\n');
    expect(errorLine(innodb)).toContain('Assertion failure in file');
    expect(errorLine('a [ERROR] cause\nb [ERROR] Aborting\n')).toBe('a [ERROR] cause');
    expect(errorLine('starting\nsee https://example.org\n')).toBe('starting');
    expect(errorLine(undefined)).toBe('');
  });

  it('reports a pod it cannot explain rather than staying silent', () => {
    const s = snapshotOf('healthy');
    const pod = s.pods[0] as Pod;
    pod.status.conditions = [{ type: 'Ready', status: 'False' }];
    const status = pod.status.containerStatuses?.[0];
    if (status) {
      status.ready = false;
      status.state = { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } };
      status.lastState = { terminated: { exitCode: 2 } };
      status.restartCount = 3;
    }
    s.logs[`${pod.metadata.name}/app`] =
      'DATABASE_URL: must be sqlite: or mysql://, got "postgres://x"\n';
    const findings = diagnose(s, kind);
    expect(findings.map((f) => f.id)).toEqual(['pod-not-ready']);
    expect(findings[0]?.evidence).toContain('last exit code 2');
    expect(findings[0]?.evidence).toContain('DATABASE_URL');
  });
});
