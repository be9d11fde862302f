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
import { eventually } from './support/service.js';
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
    const overlay = load(path.join(observability, 'taskmanager-values.yaml'));
    expect(overlay.tracing.endpoint).toBe('http://opentelemetry-collector.observability.svc:4318');
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
    ) => ({
      targets: [ip],
      labels: {
        __meta_kubernetes_namespace: 'cloudedu',
        __meta_kubernetes_pod_name: name,
        __meta_kubernetes_pod_label_app_kubernetes_io_name: app,
        __meta_kubernetes_pod_label_app_kubernetes_io_component: component,
        __meta_kubernetes_pod_container_name: container,
        __meta_kubernetes_pod_container_port_name: port,
      },
    });
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
      if (answer.data.activeTargets.length + answer.data.droppedTargets.length < 10)
        throw new Error('not loaded');
      return answer.data;
    });
    const active = targets.activeTargets
      .map((t) => t.labels)
      .sort((a, b) => a.job!.localeCompare(b.job!));
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
    ]);
  });
});

describe.skipIf(helm.skipReason)('the app chart with the observability overlay', () => {
  const render = (env: string) => {
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
      '-f',
      path.join(observability, 'taskmanager-values.yaml'),
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
      expect(jobs).toContain('cloudedu-taskmanager');
      const standalone = objects.some(
        (o) => o.kind === 'StatefulSet' && /mysql/.test(o.metadata.name as string),
      );
      if (standalone) expect(jobs).toContain('cloudedu-taskmanager-mysql');

      const scrape = of('NetworkPolicy').find((p) =>
        (p.metadata.name as string).endsWith('allow-prometheus-to-metrics'),
      )!;
      expect(scrape.spec.ingress[0].from[0]).toEqual({
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
      });
      expect(scrape.spec.ingress[0].ports.map((p: Tree) => p.port)).toContain(9464);
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
});
