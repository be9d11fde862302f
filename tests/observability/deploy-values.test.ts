// deploy/observability: the values files agree with each other (Service names, data source uids,
// ports), the plain scrape configuration is valid for a real Prometheus, and the app's chart,
// rendered with the observability overlay, ships exactly the rules, dashboards, ServiceMonitors
// and policies the stack expects.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { requireTool, run } from '../support/tools.js';
import { startPrometheus } from './support/prometheus.js';
import type { Prometheus } from './support/prometheus.js';
import { dashboardFiles } from './support/promql.js';
import { eventually } from '../support/process.js';
import { chartDir, loadRules, repoRoot, rulesFile } from './support/rules.js';

const observability = path.join(repoRoot, 'deploy', 'observability');
const valuesDir = path.join(observability, 'values');
const helm = requireTool('helm', 'go install helm.sh/helm/v3/cmd/helm');
const prometheusTool = requireTool('prometheus', 'apt-get install prometheus');

type Tree = Record<string, any>;
const load = (file: string): Tree => parse(readFileSync(file, 'utf8')) as Tree;
const values = (release: string) => load(path.join(valuesDir, `${release}.yaml`));

describe('observability values files', () => {
  it('are one per release of the stack, all valid YAML', () => {
    expect(readdirSync(valuesDir).sort()).toEqual([
      'alloy.yaml',
      'jaeger.yaml',
      'kube-prometheus-stack.yaml',
      'loki.yaml',
      'opentelemetry-collector.yaml',
    ]);
    for (const file of readdirSync(valuesDir))
      expect(load(path.join(valuesDir, file))).toBeTypeOf('object');
  });

  it('send logs where Grafana reads them: the Loki gateway of release "loki"', () => {
    const grafana = values('kube-prometheus-stack').grafana as Tree;
    const loki = (grafana.additionalDataSources as Tree[]).find((d) => d.type === 'loki')!;
    expect(loki.uid).toBe('loki');
    expect(loki.url).toBe('http://loki-gateway.observability.svc');
    const alloyConfig = values('alloy').alloy.configMap.content as string;
    expect(alloyConfig).toContain(`url = "${loki.url}/loki/api/v1/push"`);
    expect(values('loki').gateway.enabled).toBe(true);
    // The labels the dashboards select on are the ones the agent sets.
    for (const label of ['namespace', 'pod', 'container', 'app']) {
      expect(alloyConfig).toContain(`target_label  = "${label}"`);
    }
  });

  it('send traces from the app through the collector to the Jaeger that Grafana reads', () => {
    const collector = values('opentelemetry-collector');
    const pipeline = collector.config.service.pipelines.traces as Tree;
    expect(pipeline.receivers).toEqual(['otlp']);
    for (const processor of pipeline.processors as string[])
      expect(collector.config.processors).toHaveProperty(processor);
    for (const exporter of pipeline.exporters as string[])
      expect(collector.config.exporters).toHaveProperty([exporter]);
    expect(collector.config.exporters['otlp/jaeger'].endpoint).toBe(
      'jaeger-collector.observability.svc:4317',
    );
    const jaeger = values('jaeger');
    expect(jaeger.allInOne.enabled).toBe(true);
    const grafana = values('kube-prometheus-stack').grafana as Tree;
    const jaegerDs = (grafana.additionalDataSources as Tree[]).find((d) => d.type === 'jaeger')!;
    expect(jaegerDs.uid).toBe('jaeger');
    expect(jaegerDs.url).toBe('http://jaeger-query.observability.svc:16686');
    // The app's chart points there by default (the overlay only turns tracing on).
    expect(load(path.join(chartDir, 'values.yaml')).tracing.endpoint).toBe(
      'http://opentelemetry-collector.observability.svc:4318',
    );
    expect(load(path.join(observability, 'taskmanager-values.yaml')).tracing).toEqual({
      enabled: true,
    });
  });

  it("live where the app chart's defaults look for them: one namespace, release names, pod labels", () => {
    const role = load(
      path.join(repoRoot, 'deploy', 'ansible', 'roles', 'observability', 'defaults', 'main.yml'),
    );
    const namespace = role.observability_namespace as string;
    expect(namespace).toBe('observability');
    const readme = readFileSync(path.join(observability, 'README.md'), 'utf8');
    expect(readme).toContain(`Everything goes to one namespace, \`${namespace}\``);
    // Every release of the stack goes there (a command may continue on the next line).
    const lines = readme.split('\n');
    lines.forEach((line, i) => {
      if (!line.includes('helm upgrade --install ') || line.includes('cloudedu-taskmanager'))
        return;
      expect(`${line} ${lines[i + 1] ?? ''}`).toContain(`-n ${namespace} `);
    });
    const releases = (role.observability_charts as Tree[]).map((c) => c.name as string);
    const chartValues = load(path.join(chartDir, 'values.yaml'));
    const policy = chartValues.networkPolicy as Tree;
    // Prometheus of kube-prometheus-stack: the operator labels its pods app.kubernetes.io/name=prometheus.
    expect(releases).toContain('kube-prometheus-stack');
    expect(policy.prometheus).toEqual({
      namespaceSelector: { 'kubernetes.io/metadata.name': namespace },
      podSelector: { 'app.kubernetes.io/name': 'prometheus' },
    });
    // The collector chart names its Service after the release and labels its pods with the chart's
    // name, unless its values override the names (they do not).
    const collector = values('opentelemetry-collector');
    expect(collector).not.toHaveProperty('nameOverride');
    expect(collector).not.toHaveProperty('fullnameOverride');
    expect(releases).toContain('opentelemetry-collector');
    expect(policy.otlpCollector).toEqual({
      namespaceSelector: { 'kubernetes.io/metadata.name': namespace },
      podSelector: { 'app.kubernetes.io/name': 'opentelemetry-collector' },
    });
    expect(new URL(chartValues.tracing.endpoint as string).host).toBe(
      `opentelemetry-collector.${namespace}.svc:4318`,
    );
    expect(collector.ports?.['otlp-http']?.enabled ?? true).toBe(true);
  });

  it("let Prometheus select the app's ServiceMonitors and rules and Grafana find its dashboards", () => {
    const stack = values('kube-prometheus-stack');
    const spec = stack.prometheus.prometheusSpec as Tree;
    expect(spec.serviceMonitorSelectorNilUsesHelmValues).toBe(false);
    expect(spec.ruleSelectorNilUsesHelmValues).toBe(false);
    const sidecar = stack.grafana.sidecar.dashboards as Tree;
    expect(sidecar).toMatchObject({
      enabled: true,
      label: 'grafana_dashboard',
      labelValue: '1',
      searchNamespace: 'ALL',
    });
  });

  it("link log lines to traces with a pattern that matches the app's log lines", () => {
    const loki = (values('kube-prometheus-stack').grafana.additionalDataSources as Tree[]).find(
      (d) => d.type === 'loki',
    )!;
    const field = (loki.jsonData.derivedFields as Tree[])[0]!;
    expect(field.datasourceUid).toBe('jaeger');
    const line = JSON.stringify({
      level: 'info',
      time: '2026-01-01T00:00:00.000Z',
      request_id: 'abc',
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      span_id: 'b7ad6b7169203331',
      msg: 'request completed',
    });
    expect(new RegExp(field.matcherRegex as string).exec(line)?.[1]).toBe(
      '0af7651916cd43dd8448eb211c80319c',
    );
  });
});

// Debian's Prometheus is built without Kubernetes service discovery, so the jobs are run here with
// file_sd targets carrying the same __meta_kubernetes_* labels Kubernetes discovery would give:
// the relabelling (which pods are kept, which labels they get) is what is under test.
describe.skipIf(prometheusTool.skipReason)('plain Prometheus scrape configuration', () => {
  let prometheus: Prometheus | undefined;
  afterAll(async () => prometheus?.stop());

  it('keeps the metrics ports of the app and MySQL pods, with the labels the rules use', async () => {
    const jobs = load(
      path.join(observability, 'prometheus-scrape-configs.yaml'),
    ) as unknown as Tree[];
    expect(jobs.map((j) => j.job_name)).toEqual([
      'cloudedu-taskmanager',
      'cloudedu-taskmanager-mysql',
    ]);
    for (const job of jobs) expect(job.kubernetes_sd_configs).toEqual([{ role: 'pod' }]);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'scrape-config-'));
    const pod = (
      name: string,
      app: string,
      component: string,
      container: string,
      port: string,
      ip: string,
      extra: Record<string, string> = {},
    ) => ({
      targets: [ip],
      labels: {
        __meta_kubernetes_namespace: 'cloudedu',
        __meta_kubernetes_pod_name: name,
        __meta_kubernetes_pod_label_app_kubernetes_io_name: app,
        __meta_kubernetes_pod_label_app_kubernetes_io_component: component,
        __meta_kubernetes_pod_container_name: container,
        __meta_kubernetes_pod_container_port_name: port,
        ...extra,
      },
    });
    // An InnoDB Cluster server (mysql.mode=operator): the operator's labels, the chart's scrape
    // label from spec.podLabels, the operator's exporter container "metrics".
    const server = {
      __meta_kubernetes_pod_labelpresent_mysql_oracle_com_cluster: 'true',
      __meta_kubernetes_pod_labelpresent_cloudedu_io_scrape: 'true',
    };
    // Another InnoDB Cluster in the namespace, not this release's.
    const foreign = { __meta_kubernetes_pod_labelpresent_mysql_oracle_com_cluster: 'true' };
    writeFileSync(
      path.join(dir, 'pods.json'),
      JSON.stringify([
        pod(
          'cloudedu-taskmanager-7c9f-abcde',
          'cloudedu-taskmanager',
          'app',
          'app',
          'metrics',
          '127.0.0.1:19464',
        ),
        pod(
          'cloudedu-taskmanager-7c9f-abcde',
          'cloudedu-taskmanager',
          'app',
          'app',
          'http',
          '127.0.0.1:18080',
        ),
        pod(
          'cloudedu-taskmanager-mysql-0',
          'cloudedu-taskmanager',
          'mysql',
          'mysqld-exporter',
          'metrics',
          '127.0.0.1:19104',
        ),
        pod(
          'cloudedu-taskmanager-mysql-0',
          'cloudedu-taskmanager',
          'mysql',
          'mysql',
          'mysql',
          '127.0.0.1:13306',
        ),
        pod('billing-5d6-xyz', 'billing', 'app', 'billing', 'metrics', '127.0.0.1:19999'),
        pod(
          'cloudedu-taskmanager-db-0',
          'mysql-innodbcluster-mysql-server',
          'database',
          'metrics',
          'metrics',
          '127.0.0.1:29104',
          server,
        ),
        pod(
          'cloudedu-taskmanager-db-0',
          'mysql-innodbcluster-mysql-server',
          'database',
          'mysql',
          'mysql',
          '127.0.0.1:23306',
          server,
        ),
        pod(
          'other-db-0',
          'mysql-innodbcluster-mysql-server',
          'database',
          'metrics',
          'metrics',
          '127.0.0.1:29105',
          foreign,
        ),
      ]),
    );
    const scrapeConfigs = jobs.map(({ kubernetes_sd_configs: _, ...job }) => ({
      ...job,
      file_sd_configs: [{ files: [path.join(dir, 'pods.json')] }],
    }));
    prometheus = await startPrometheus(prometheusTool.path!, {
      dir,
      targets: [],
      scrapeConfigs,
      ruleFiles: [rulesFile],
    });
    const targets = await eventually(async () => {
      const answer = (await (await fetch(`${prometheus!.url}/api/v1/targets`)).json()) as {
        data: { activeTargets: { labels: Record<string, string> }[]; droppedTargets: unknown[] };
      };
      if (answer.data.activeTargets.length + answer.data.droppedTargets.length < 16)
        throw new Error('not loaded');
      return answer.data;
    });
    const active = targets.activeTargets
      .map((t) => t.labels)
      .sort((a, b) => `${a.job} ${a.instance}`.localeCompare(`${b.job} ${b.instance}`));
    expect(active).toEqual([
      {
        job: 'cloudedu-taskmanager',
        instance: '127.0.0.1:19464',
        namespace: 'cloudedu',
        pod: 'cloudedu-taskmanager-7c9f-abcde',
        container: 'app',
      },
      {
        job: 'cloudedu-taskmanager-mysql',
        instance: '127.0.0.1:19104',
        namespace: 'cloudedu',
        pod: 'cloudedu-taskmanager-mysql-0',
        container: 'mysqld-exporter',
      },
      {
        job: 'cloudedu-taskmanager-mysql',
        instance: '127.0.0.1:29104',
        namespace: 'cloudedu',
        pod: 'cloudedu-taskmanager-db-0',
        container: 'metrics',
      },
    ]);
  });
});

describe.skipIf(helm.skipReason)('the app chart with the observability overlay', () => {
  const render = (env: string, overlay = true) => {
    const result = run(helm.path!, [
      'template',
      'cloudedu-taskmanager',
      chartDir,
      '--namespace',
      'cloudedu',
      '--kube-version',
      '1.30.0',
      '-f',
      path.join(chartDir, `values-${env}.yaml`),
      ...(overlay ? ['-f', path.join(observability, 'taskmanager-values.yaml')] : []),
    ]);
    expect(result.status, result.stderr).toBe(0);
    return parseAllDocuments(result.stdout)
      .map((d) => d.toJS() as Tree)
      .filter(Boolean);
  };

  it.each(['dev', 'staging', 'prod'])(
    '%s: ships the rules, dashboards, ServiceMonitors and flows',
    (env) => {
      const objects = render(env);
      const of = (kind: string) => objects.filter((o) => o.kind === kind);

      const rule = of('PrometheusRule');
      expect(rule).toHaveLength(1);
      expect(rule[0]!.spec.groups).toEqual(loadRules());

      const dashboards = of('ConfigMap').filter(
        (c) => c.metadata.labels?.grafana_dashboard === '1',
      );
      const shipped = dashboards.flatMap((c) =>
        Object.values(c.data as Record<string, string>).map((json) => JSON.parse(json) as Tree),
      );
      expect(shipped.map((d) => d.uid).sort()).toEqual(
        dashboardFiles()
          .map((f) => (JSON.parse(readFileSync(f, 'utf8')) as Tree).uid)
          .sort(),
      );

      const monitors = of('ServiceMonitor');
      const jobs = monitors
        .flatMap((m) =>
          (m.spec.endpoints as Tree[]).flatMap((e) => (e.relabelings as Tree[] | undefined) ?? []),
        )
        .filter((r) => r.targetLabel === 'job')
        .map((r) => r.replacement as string);
      // Both jobs in every mode: the standalone sidecar's, or the InnoDB Cluster's exporters.
      expect(jobs.sort()).toEqual(['cloudedu-taskmanager', 'cloudedu-taskmanager-mysql']);
      const cluster = of('InnoDBCluster')[0];
      if (cluster) {
        expect(cluster.spec.metrics).toMatchObject({ enable: true, monitor: false });
        expect(cluster.spec.metrics.options).toContain(
          '--collect.perf_schema.replication_group_member_stats',
        );
      }

      const scrape = of('NetworkPolicy').find((p) =>
        (p.metadata.name as string).endsWith('allow-prometheus-to-metrics'),
      )!;
      expect(scrape.spec.ingress[0].from[0]).toEqual({
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
      });
      expect(scrape.spec.ingress[0].ports.map((p: Tree) => p.port).sort()).toEqual([9104, 9464]);
      const otlp = of('NetworkPolicy').find((p) =>
        (p.metadata.name as string).endsWith('allow-app-to-otlp-collector'),
      )!;
      expect(otlp.spec.egress[0].to[0].podSelector.matchLabels).toEqual({
        'app.kubernetes.io/name': 'opentelemetry-collector',
      });
      expect(otlp.spec.egress[0].ports.map((p: Tree) => p.port)).toEqual(
        expect.arrayContaining([4317, 4318]),
      );

      const env_ = of('ConfigMap')
        .map((c) => c.data as Record<string, string>)
        .find((d) => d?.OTEL_EXPORTER_OTLP_ENDPOINT);
      expect(env_?.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(
        'http://opentelemetry-collector.observability.svc:4318',
      );
      expect(env_?.METRICS_PORT).toBe('9464');
    },
  );

  it.each(['dev', 'staging', 'prod'])(
    '%s without the overlay: the flows already point at this stack',
    (env) => {
      const policies = render(env, false).filter((o) => o.kind === 'NetworkPolicy');
      const byName = (suffix: string) =>
        policies.find((p) => (p.metadata.name as string).endsWith(suffix));
      const observabilityNs = { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } };
      expect(
        byName('allow-prometheus-to-metrics')!.spec.ingress[0].from[0].namespaceSelector,
      ).toEqual(observabilityNs);
      const otlp = byName('allow-app-to-otlp-collector');
      // dev has tracing off: no egress to the collector at all.
      if (env === 'dev') expect(otlp).toBeUndefined();
      else expect(otlp!.spec.egress[0].to[0].namespaceSelector).toEqual(observabilityNs);
    },
  );
});
