// The Helm chart's three MySQL modes on what the real `helm` renders: standalone, operator (prod)
// and external.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTool, run } from '../support/tools.js';
import {
  at,
  chartDir,
  helmTemplate,
  mustRender,
  named,
  ofKind,
  release,
  renderedEnvs,
  type Container,
  type K8sObject,
} from './chart-helpers.js';

const helm = requireTool('helm', 'go install helm.sh/helm/v3/cmd/helm');
const exporterTool = requireTool('prometheus-mysqld-exporter', 'apt-get install prometheus-mysqld-exporter');
const full = release; // the release name already holds the chart name

describe.skipIf(helm.skipReason)('Helm chart', () => {
  const rendered = renderedEnvs(helm.path!);

  describe('MySQL standalone', () => {
    const sts = () => named(rendered.dev.objects, 'StatefulSet', `${full}-mysql`);
    const mysql = () =>
      (at(sts(), 'spec.template.spec.containers') as Container[]).find((c) => c.name === 'mysql')!;

    it('runs an official MySQL 8.4 image pinned to an exact version', () => {
      expect(mysql().image).toMatch(/^docker\.io\/library\/mysql(:8\.4\.\d+|@sha256:[a-f0-9]{64})$/);
    });

    it('keeps data on a PVC template with configurable class and size, in a subdirectory', () => {
      const custom = mustRender(helm.path!, 'dev', [
        '--set',
        'mysql.standalone.persistence.storageClass=fast-ssd',
        '--set',
        'mysql.standalone.persistence.size=42Gi',
      ]);
      const claim = at(named(custom.objects, 'StatefulSet', `${full}-mysql`), 'spec.volumeClaimTemplates.0') as K8sObject;
      expect(at(claim, 'spec.storageClassName')).toBe('fast-ssd');
      expect(at(claim, 'spec.resources.requests.storage')).toBe('42Gi');
      const data = mysql().volumeMounts!.find((m) => m.mountPath === '/var/lib/mysql');
      expect(data?.name).toBe('data');
      // Never the volume root: lost+found there makes a fresh initialisation crash-loop.
      expect(data?.subPath).toBe('data');
    });

    it('moves a half-initialised data directory aside before mysqld starts', () => {
      const init = (at(sts(), 'spec.template.spec.initContainers') as Container[])[0]!;
      expect(init.name).toBe('check-datadir');
      const script = (named(rendered.dev.objects, 'ConfigMap', `${full}-mysql`).data as Record<string, string>)[
        'check-datadir.sh'
      ]!;
      expect(script).toContain('mv "$data" "$aside"');
      expect(script).not.toMatch(/\brm\b/);
    });

    it('probes with mysqladmin ping and runs non-root with an fsGroup', () => {
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
        expect((at(mysql()[probe], 'exec.command') as string[]).slice(0, 2)).toEqual(['mysqladmin', 'ping']);
      }
      const pod = at(sts(), 'spec.template.spec.securityContext') as Record<string, number>;
      expect(pod.runAsUser).toBeGreaterThan(0);
      expect(pod.fsGroup).toBe(pod.runAsGroup);
    });

    it('reads its credentials from the Secret as files', () => {
      const env = Object.fromEntries((mysql().env ?? []).map((e) => [e.name, e.value]));
      expect(env.MYSQL_ROOT_PASSWORD_FILE).toMatch(/^\/var\/run\/secrets\/mysql\//);
      expect(env.MYSQL_PASSWORD_FILE).toMatch(/^\/var\/run\/secrets\/mysql\//);
      expect(Object.keys(env).some((k) => /PASSWORD$/.test(k))).toBe(false);
    });

    it('has a mysqld-exporter sidecar in staging with its own ServiceMonitor and a credentials file', () => {
      const staging = named(rendered.staging.objects, 'StatefulSet', `${full}-mysql`);
      const exporter = (at(staging, 'spec.template.spec.containers') as Container[]).find(
        (c) => c.name === 'mysqld-exporter',
      )!;
      expect(exporter.image).toMatch(/^docker\.io\/prom\/mysqld-exporter:v\d+\.\d+\.\d+$/);
      expect(exporter.args).toContain('--config.my-cnf=/var/run/secrets/exporter/exporter.my.cnf');
      expect(exporter.env ?? []).toEqual([]);
      expect(exporter.ports).toEqual([{ name: 'metrics', containerPort: 9104, protocol: 'TCP' }]);
      const monitor = named(rendered.staging.objects, 'ServiceMonitor', `${full}-mysql`);
      expect(at(monitor, 'spec.endpoints.0.port')).toBe('metrics');
      expect(at(monitor, 'spec.endpoints.0.relabelings.0.replacement')).toBe('cloudedu-taskmanager-mysql');
      const headless = named(rendered.staging.objects, 'Service', `${full}-mysql-headless`);
      expect(at(monitor, 'spec.selector.matchLabels')).toEqual(
        expect.objectContaining({ 'cloudedu.io/metrics': 'mysql' }),
      );
      expect(headless.metadata.labels?.['cloudedu.io/metrics']).toBe('mysql');
    });
  });

  describe('MySQL operator mode (prod)', () => {
    const cluster = () => ofKind(rendered.prod.objects, 'InnoDBCluster')[0]!;
    const config = () => named(rendered.prod.objects, 'ConfigMap', full).data as Record<string, string>;

    it('declares an InnoDBCluster with instances, router and the generated Secret', () => {
      expect(cluster().apiVersion).toBe('mysql.oracle.com/v2');
      expect(at(cluster(), 'spec.instances')).toBe(3);
      expect(at(cluster(), 'spec.router.instances')).toBe(2);
      const secretName = at(cluster(), 'spec.secretName') as string;
      const secret = named(rendered.prod.objects, 'Secret', secretName);
      expect(Object.keys(secret.data as object)).toEqual(
        expect.arrayContaining(['rootUser', 'rootHost', 'rootPassword']),
      );
    });

    it('writes to the router read-write port 6446 and reads from the read-only port 6447', () => {
      const host = `${cluster().metadata.name}.cloudedu.svc`;
      expect(config().DATABASE_URL).toBe(`mysql://taskmanager@${host}:6446/taskmanager`);
      expect(config().DATABASE_READ_URL).toBe(`mysql://taskmanager@${host}:6447/taskmanager`);
      const policy = named(rendered.prod.objects, 'NetworkPolicy', `${full}-allow-app-to-mysql`);
      const ports = (at(policy, 'spec.egress.0.ports') as { port: number }[]).map((p) => p.port);
      expect(ports).toEqual([6446, 6447]);
    });

    it('leaves DATABASE_READ_URL out when reads stay on the primary', () => {
      const primaryOnly = mustRender(helm.path!, 'prod', ['--set', 'mysql.operator.readFromReplicas=false']);
      expect(named(primaryOnly.objects, 'ConfigMap', full).data).not.toHaveProperty('DATABASE_READ_URL');
    });

    it("runs the operator's exporter on every server with the Group Replication collectors", () => {
      const metrics = at(cluster(), 'spec.metrics') as {
        enable: boolean;
        image: string;
        options: string[];
        monitor: boolean;
      };
      expect(metrics.enable).toBe(true);
      expect(metrics.image).toMatch(/^docker\.io\/prom\/mysqld-exporter:v\d+\.\d+\.\d+$/);
      // TaskManagerMySQLReplicationLag reads replication_group_member_stats; the dashboard the members.
      expect(metrics.options).toEqual([
        '--collect.perf_schema.replication_group_member_stats',
        '--collect.perf_schema.replication_group_members',
      ]);
      // The operator's own ServiceMonitor would set job="<cluster>-instances": off.
      expect(metrics.monitor).toBe(false);
    });

    it('scrapes the servers with its own ServiceMonitor and the job the alerts select', () => {
      const name = cluster().metadata.name;
      const monitor = named(rendered.prod.objects, 'ServiceMonitor', `${full}-mysql`);
      expect(monitor.metadata.name).not.toBe(name); // never the operator's monitor (named like the cluster)
      // The operator's headless "<cluster>-instances" Service, which carries the exporter's port.
      expect(at(monitor, 'spec.selector.matchLabels')).toEqual({ 'mysql.oracle.com/cluster': name, tier: 'mysql' });
      expect(at(monitor, 'spec.namespaceSelector.matchNames')).toEqual(['cloudedu']);
      expect(at(monitor, 'spec.endpoints.0.port')).toBe('metrics');
      expect(at(monitor, 'spec.endpoints.0.relabelings')).toEqual([
        { action: 'replace', targetLabel: 'job', replacement: 'cloudedu-taskmanager-mysql' },
      ]);
      expect(monitor.metadata.labels?.release).toBe('kube-prometheus-stack');
      const alerts = readFileSync(path.join(chartDir, 'files/alerts.yaml'), 'utf8');
      expect(alerts).toContain('mysql_perf_schema_transactions_remote_in_applier_queue{job="cloudedu-taskmanager-mysql"}');
    });

    it("lets Prometheus reach the servers' exporter port 9104 through allow-prometheus-to-metrics", () => {
      const policy = named(rendered.prod.objects, 'NetworkPolicy', `${full}-allow-prometheus-to-metrics`);
      const selector = at(policy, 'spec.podSelector') as { matchLabels: Record<string, string> };
      expect(Object.keys(selector)).toEqual(['matchLabels']);
      // The operator merges spec.podLabels into the server pods' labels.
      const serverLabels = at(cluster(), 'spec.podLabels') as Record<string, string>;
      expect(serverLabels).toEqual(expect.objectContaining(selector.matchLabels));
      // The same policy still selects the app pods.
      const appLabels = at(named(rendered.prod.objects, 'Deployment', full), 'spec.template.metadata.labels') as Record<
        string,
        string
      >;
      expect(appLabels).toEqual(expect.objectContaining(selector.matchLabels));
      const ports = (at(policy, 'spec.ingress.0.ports') as { port: number }[]).map((p) => p.port);
      expect(ports.sort()).toEqual([9104, 9464]);
      // The operator's sidecar always listens on 9104, whatever mysql.exporter.port says.
      const moved = mustRender(helm.path!, 'prod', ['--set', 'mysql.exporter.port=9999']);
      const movedPorts = at(named(moved.objects, 'NetworkPolicy', `${full}-allow-prometheus-to-metrics`), 'spec.ingress.0.ports') as {
        port: number;
      }[];
      expect(movedPorts.map((p) => p.port).sort()).toEqual([9104, 9464]);
    });

    it('renders no exporter, server label, ServiceMonitor or port 9104 with the exporter off', () => {
      const { objects } = mustRender(helm.path!, 'prod', ['--set', 'mysql.exporter.enabled=false']);
      const spec = at(ofKind(objects, 'InnoDBCluster')[0], 'spec') as Record<string, unknown>;
      expect(spec).not.toHaveProperty('metrics');
      expect(spec).not.toHaveProperty('podLabels');
      expect(ofKind(objects, 'ServiceMonitor').map((m) => m.metadata.name)).toEqual([full]);
      const ports = at(named(objects, 'NetworkPolicy', `${full}-allow-prometheus-to-metrics`), 'spec.ingress.0.ports');
      expect(ports).toEqual([{ port: 9464, protocol: 'TCP' }]);
    });

    it.skipIf(exporterTool.skipReason)('passes options the real mysqld-exporter accepts', () => {
      const options = at(cluster(), 'spec.metrics.options') as string[];
      // kingpin refuses an unknown flag before --version prints anything.
      const accepted = run(exporterTool.path!, [...options, '--version']);
      expect(accepted.status, accepted.stderr).toBe(0);
      const refused = run(exporterTool.path!, [...options, '--collect.perf_schema.replication_group_no_such', '--version']);
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain('unknown long flag');
    });
  });

  describe('MySQL external mode', () => {
    const externalArgs = [
      '--set',
      'mysql.mode=external',
      '--set',
      'mysql.external.host=db.example.internal',
      '--set',
      'mysql.external.existingSecret=managed-mysql',
      '--set',
      'mysql.external.passwordKey=password',
      '--set',
      'mysql.external.cidrs={10.20.0.0/16}',
    ];

    it('uses the existing Secret, renders no database and migrates pre-install', () => {
      const { objects } = mustRender(helm.path!, 'staging', externalArgs);
      expect(ofKind(objects, 'StatefulSet')).toEqual([]);
      expect(ofKind(objects, 'InnoDBCluster')).toEqual([]);
      expect(ofKind(objects, 'Secret')).toEqual([]);
      const data = named(objects, 'ConfigMap', full).data as Record<string, string>;
      expect(data.DATABASE_URL).toBe('mysql://taskmanager@db.example.internal:3306/taskmanager');
      const volumes = at(named(objects, 'Deployment', full), 'spec.template.spec.volumes') as {
        name: string;
        secret?: { secretName: string; items: { key: string }[] };
      }[];
      const secret = volumes.find((v) => v.name === 'database-password')?.secret;
      expect(secret?.secretName).toBe('managed-mysql');
      expect(secret?.items[0]?.key).toBe('password');
      const job = named(objects, 'Job', `${full}-migrate`);
      expect((job.metadata.annotations as Record<string, string>)['helm.sh/hook']).toBe(
        'pre-install,pre-upgrade',
      );
      // No root credentials exist for a managed server: no account bootstrap.
      expect(at(job, 'spec.template.spec.initContainers')).toBeUndefined();
      const egress = named(objects, 'NetworkPolicy', `${full}-allow-app-to-mysql`);
      expect(at(egress, 'spec.egress.0.to.0.ipBlock.cidr')).toBe('10.20.0.0/16');
    });

    it('stops with a clear message when the host is missing', () => {
      const result = helmTemplate(helm.path!, 'staging', [
        '--set',
        'mysql.mode=external',
        '--set',
        'mysql.external.existingSecret=managed-mysql',
      ]);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/mysql\/external|mysql\.external\.host/);
    });
  });
});
