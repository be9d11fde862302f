// The doctor's diagnosis rules on variations of the fixture snapshots (tests/fixtures/doctor), in
// process, for branches no fixture covers; the whole command on the fixtures: doctor.test.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectCluster } from '../../src/cli/deploy/cluster.js';
import { diagnose, formatFindings } from '../../src/cli/doctor/diagnose.js';
import { errorLine } from '../../src/cli/doctor/pods.js';
import type { KubeEvent, Pod, Snapshot } from '../../src/cli/deploy/kube.js';
import { FIXTURES } from './fake-tools.js';

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

  it('leaves pods on their way out alone, and warns about one that hangs past its grace period', () => {
    const s = snapshotOf('healthy');
    const staying = s.pods[0]!;
    // An uninstalled release's pod: running, not ready any more (SIGTERM), deletion asked.
    const leaving: Pod = structuredClone(staying);
    leaving.metadata.name = 'cloudedu-taskmanager-restored-5d9c7-abcde';
    leaving.metadata.deletionTimestamp = '2026-12-02T10:00:30Z';
    for (const c of leaving.status.containerStatuses ?? []) c.ready = false;
    leaving.status.conditions = [{ type: 'Ready', status: 'False' }];
    s.pods.push(leaving);
    const at = (iso: string) => diagnose(s, { ...kind, now: new Date(iso) });
    expect(at('2026-12-02T10:00:10Z')).toEqual([]);
    expect(at('2026-12-02T10:01:29Z')).toEqual([]);
    leaving.metadata.finalizers = ['example.com/hold'];
    const hung = at('2026-12-02T10:04:00Z');
    expect(hung.map((f) => [f.id, f.severity, f.subject])).toEqual([
      ['pod-stuck-terminating', 'warning', `pod/${leaving.metadata.name}`],
    ]);
    expect(hung[0]!.title).toContain('3 min after its grace period');
    expect(hung[0]!.evidence).toContain('finalizers: example.com/hold');
    // Without a deletion time the same pod is an unexplained not-ready pod, as before.
    delete leaving.metadata.deletionTimestamp;
    expect(at('2026-12-02T10:04:00Z').map((f) => f.id)).toEqual(['pod-not-ready']);
  });

  it('names a refused password from the log before the probe has failed (or its event arrived)', () => {
    const s = snapshotOf('live-mysql-password-mismatch');
    const logs = path.join(FIXTURES, 'live-mysql-password-mismatch', 'logs');
    const app = 'cloudedu-taskmanager-56778b958d-zgf6q';
    s.logs[`${app}/app`] = readFileSync(path.join(logs, `${app}_app.log`), 'utf8');
    s.events = s.events.filter((e) => e.reason !== 'Unhealthy');
    const findings = diagnose(s, kind);
    expect(findings.map((f) => f.id)).toEqual(['mysql-password-mismatch']);
    expect(findings[0]?.evidence).toMatch(
      /^container app running, not ready; app log: .*Access denied/,
    );
    // Without the log line (nor a failed probe) nothing says what is wrong: not this finding.
    delete s.logs[`${app}/app`];
    expect(diagnose(s, kind).map((f) => f.id)).not.toContain('mysql-password-mismatch');
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
