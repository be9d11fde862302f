// The Helm chart's app objects on what the real `helm` renders: the app in each environment,
// tracing, and the differences between environments.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../support/tools.js';
import {
  at,
  envs,
  mustRender,
  named,
  ofKind,
  release,
  renderedEnvs,
  root,
  type Container,
  type Env,
  type K8sObject,
} from './chart-helpers.js';

const helm = requireTool('helm', 'go install helm.sh/helm/v3/cmd/helm');
const full = release; // the release name already holds the chart name

describe.skipIf(helm.skipReason)('Helm chart', () => {
  const rendered = renderedEnvs(helm.path!);

  describe.each(envs)('the app (%s)', (env) => {
    const objects = () => rendered[env].objects;
    const deployment = () => named(objects(), 'Deployment', full);
    const app = () =>
      (at(deployment(), 'spec.template.spec.containers') as Container[]).find((c) => c.name === 'app')!;
    const configData = () => named(objects(), 'ConfigMap', full).data as Record<string, string>;

    it('probes /livez (startup, liveness) and /readyz (readiness) on the HTTP port', () => {
      expect(at(app().startupProbe, 'httpGet.path')).toBe('/livez');
      expect(at(app().livenessProbe, 'httpGet.path')).toBe('/livez');
      expect(at(app().readinessProbe, 'httpGet.path')).toBe('/readyz');
      expect(at(app().readinessProbe, 'httpGet.port')).toBe('http');
      // The start-up probe outlasts the app's own database retry at start-up.
      const startup = app().startupProbe as { periodSeconds: number; failureThreshold: number };
      expect(startup.periodSeconds * startup.failureThreshold).toBeGreaterThanOrEqual(
        Number(configData().DB_CONNECT_TIMEOUT_SECONDS),
      );
    });

    it('rolls without losing capacity and drains before it stops', () => {
      expect(at(deployment(), 'spec.strategy.type')).toBe('RollingUpdate');
      expect(at(deployment(), 'spec.strategy.rollingUpdate.maxUnavailable')).toBe(0);
      const preStop = app().lifecycle?.preStop?.sleep?.seconds;
      expect(preStop).toBeGreaterThan(0);
      const grace = Number(configData().SHUTDOWN_GRACE_SECONDS);
      const podGrace = at(deployment(), 'spec.template.spec.terminationGracePeriodSeconds') as number;
      // Kubernetes' grace covers the preStop sleep and the app's drain after SIGTERM.
      expect(podGrace).toBeGreaterThan(preStop! + grace);
      expect(podGrace).toBeLessThanOrEqual(preStop! + grace + 10);
    });

    it('spreads pods and has a PodDisruptionBudget selecting them', () => {
      const spread = at(deployment(), 'spec.template.spec.topologySpreadConstraints') as {
        topologyKey: string;
      }[];
      expect(spread.map((s) => s.topologyKey)).toEqual(
        expect.arrayContaining(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']),
      );
      const pdb = named(objects(), 'PodDisruptionBudget', full);
      expect(at(pdb, 'spec.selector.matchLabels')).toEqual(at(deployment(), 'spec.selector.matchLabels'));
    });

    it('rolls the pods when the configuration changes (checksum annotations)', () => {
      const annotations = at(deployment(), 'spec.template.metadata.annotations') as Record<string, string>;
      expect(annotations['checksum/config']).toMatch(/^[a-f0-9]{64}$/);
      const changed = mustRender(helm.path!, env, ['--set', 'config.logLevel=warn']);
      const after = at(named(changed.objects, 'Deployment', full), 'spec.template.metadata.annotations') as Record<
        string,
        string
      >;
      expect(after['checksum/config']).not.toBe(annotations['checksum/config']);
    });

    it('keeps non-secret settings in the ConfigMap and never migrates on start', () => {
      expect(app().envFrom).toEqual([{ configMapRef: { name: full } }]);
      expect(configData().MIGRATE_ON_START).toBe('false');
      expect(configData().HOST).toBe('0.0.0.0');
      expect(configData().METRICS_PORT).toBe('9464');
    });

    it('runs one worker per pod unless told otherwise: replicas are what scales', () => {
      expect(configData().WEB_CONCURRENCY).toBe('1');
      const two = mustRender(helm.path!, env, ['--set', 'config.webConcurrency=2']);
      expect((named(two.objects, 'ConfigMap', full).data as Record<string, string>).WEB_CONCURRENCY).toBe('2');
    });

    it('names the database without a password and mounts the password as a file', () => {
      const url = configData().DATABASE_URL!;
      expect(url).toMatch(/^mysql:\/\/[^:@/]+@[^/]+:\d+\/\w+$/);
      const file = configData().DATABASE_PASSWORD_FILE!;
      const mount = app().volumeMounts!.find((m) => file.startsWith(`${m.mountPath}/`));
      expect(mount?.readOnly).toBe(true);
      const volume = (at(deployment(), 'spec.template.spec.volumes') as { name: string; secret?: unknown }[]).find(
        (v) => v.name === mount?.name,
      );
      expect(volume?.secret).toBeDefined();
    });

    it('exposes metrics on port 9464 named metrics, with scrape annotations', () => {
      expect(app().ports).toEqual(
        expect.arrayContaining([{ name: 'metrics', containerPort: 9464, protocol: 'TCP' }]),
      );
      const annotations = at(deployment(), 'spec.template.metadata.annotations') as Record<string, string>;
      expect(annotations['prometheus.io/scrape']).toBe('true');
      expect(annotations['prometheus.io/port']).toBe('9464');
      expect(annotations['prometheus.io/path']).toBe('/metrics');
      const metricsService = named(objects(), 'Service', `${full}-metrics`);
      expect(at(metricsService, 'spec.ports')).toEqual([
        { name: 'metrics', port: 9464, targetPort: 'metrics', protocol: 'TCP' },
      ]);
    });

    it('runs migrations in a hook Job with a deadline and clean-up', () => {
      const job = named(objects(), 'Job', `${full}-migrate`);
      const annotations = job.metadata.annotations as Record<string, string>;
      // The release creates the database in standalone and operator modes: it cannot be
      // migrated before install, so the first run is post-install and every later one pre-upgrade.
      expect(annotations['helm.sh/hook']).toBe('post-install,pre-upgrade');
      expect(annotations['helm.sh/hook-delete-policy']).toContain('before-hook-creation');
      expect(annotations['helm.sh/hook-delete-policy']).toContain('hook-succeeded');
      expect(at(job, 'spec.activeDeadlineSeconds')).toBeGreaterThan(0);
      const migrate = (at(job, 'spec.template.spec.containers') as Container[])[0]!;
      expect(migrate.command).toEqual(['node', 'dist/server/cli/index.js', 'migrate']);
      const env = Object.fromEntries((migrate.env ?? []).map((e) => [e.name, e.value]));
      expect(env.DATABASE_URL).toBe(configData().DATABASE_URL);
      expect(env.MIGRATE_ON_START).toBe('false');
    });

    it('gives the helm test pod the Service URL and checks /readyz and the API', () => {
      const pod = named(objects(), 'Pod', `${full}-test`);
      expect((pod.metadata.annotations as Record<string, string>)['helm.sh/hook']).toBe('test');
      const container = (at(pod, 'spec.containers') as Container[])[0]!;
      const script = container.command!.join(' ');
      expect(script).toContain('/readyz');
      expect(script).toContain('/api/v1/');
      expect(container.env).toEqual([{ name: 'BASE_URL', value: `http://${full}.cloudedu.svc:80` }]);
    });

    it("keeps the image's entry point, which preloads tracing, and the migration command", () => {
      // No command or args: the ENTRYPOINT runs, and its --import preload must come before main.js.
      expect(app().command).toBeUndefined();
      expect(app().args).toBeUndefined();
      const entrypoint = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(readFileSync(path.join(root, 'Dockerfile'), 'utf8'))?.[1];
      expect(JSON.parse(entrypoint ?? 'null')).toEqual([
        'node',
        '--import',
        './dist/server/platform/tracing.js',
        'dist/server/main.js',
      ]);
      const job = named(objects(), 'Job', `${full}-migrate`);
      expect((at(job, 'spec.template.spec.containers.0.command') as string[]).join(' ')).toBe(
        'node dist/server/cli/index.js migrate',
      );
    });
  });

  describe('tracing', () => {
    const otel = (objects: K8sObject[]) => {
      const data = named(objects, 'ConfigMap', full).data as Record<string, string>;
      const job = named(objects, 'Job', `${full}-migrate`);
      const jobEnv = (at(job, 'spec.template.spec.containers.0.env') as { name: string }[]).map((e) => e.name);
      return {
        config: Object.fromEntries(Object.entries(data).filter(([k]) => k.startsWith('OTEL_'))),
        job: jobEnv.filter((n) => n.startsWith('OTEL_')),
      };
    };

    it('sets no OTEL_* variable at all when disabled', () => {
      expect(otel(rendered.dev.objects)).toEqual({ config: {}, job: [] });
      const off = mustRender(helm.path!, 'prod', ['--set', 'tracing.enabled=false']);
      expect(otel(off.objects)).toEqual({ config: {}, job: [] });
      expect(ofKind(off.objects, 'NetworkPolicy').map((p) => p.metadata.name)).not.toContain(
        `${full}-allow-app-to-otlp-collector`,
      );
    });

    it('sets the endpoint, the service name, the sampler and the resource attributes when enabled', () => {
      const on = mustRender(helm.path!, 'dev', ['--set', 'tracing.enabled=true']);
      const { config } = otel(on.objects);
      expect(config).toEqual({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://opentelemetry-collector.observability.svc:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_SERVICE_NAME: 'cloudedu-taskmanager',
        OTEL_RESOURCE_ATTRIBUTES: 'service.version=0.1.0,deployment.environment=dev,k8s.namespace.name=cloudedu',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '1.0',
      });
      expect(otel(rendered.prod.objects).config.OTEL_TRACES_SAMPLER_ARG).toBe('0.2');
      expect(otel(rendered.staging.objects).config.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(config.OTEL_EXPORTER_OTLP_ENDPOINT);
    });
  });

  describe('differences between environments', () => {
    const replicas = (env: Env) => at(named(rendered[env].objects, 'Deployment', full), 'spec.replicas');
    const appService = (env: Env) => named(rendered[env].objects, 'Service', full);

    it('runs 1 replica in dev, 2 in staging, and leaves prod to the HPA', () => {
      expect(replicas('dev')).toBe(1);
      expect(replicas('staging')).toBe(2);
      expect(replicas('prod')).toBeUndefined();
    });

    it('has NodePort 30080 in dev only', () => {
      expect(at(appService('dev'), 'spec.type')).toBe('NodePort');
      expect(at(appService('dev'), 'spec.ports')).toEqual([
        expect.objectContaining({ name: 'http', nodePort: 30080 }),
      ]);
      for (const env of ['staging', 'prod'] as const) {
        for (const service of ofKind(rendered[env].objects, 'Service')) {
          expect(at(service, 'spec.type'), service.metadata.name).not.toBe('NodePort');
          expect(JSON.stringify(service.spec)).not.toContain('nodePort');
        }
      }
      // Only the app's HTTP port is on the node port.
      const nodePorts = ofKind(rendered.dev.objects, 'Service').filter(
        (s) => at(s, 'spec.type') === 'NodePort',
      );
      expect(nodePorts.map((s) => s.metadata.name)).toEqual([full]);
    });

    it('has an Ingress with class and TLS in staging and prod, none in dev', () => {
      expect(ofKind(rendered.dev.objects, 'Ingress')).toEqual([]);
      for (const env of ['staging', 'prod'] as const) {
        const ingress = named(rendered[env].objects, 'Ingress', full);
        expect(at(ingress, 'spec.ingressClassName')).toBe('nginx');
        const tls = at(ingress, 'spec.tls') as { hosts: string[]; secretName: string }[];
        expect(tls[0]?.secretName).toBeTruthy();
        expect(tls[0]?.hosts).toEqual([at(ingress, 'spec.rules.0.host')]);
      }
    });

    it('trusts one proxy hop (the ingress controller) behind the Ingress, none on the NodePort, never all', () => {
      const trustProxy = (objects: K8sObject[]) =>
        (named(objects, 'ConfigMap', full).data as Record<string, string>).TRUST_PROXY;
      expect(trustProxy(rendered.dev.objects)).toBe('false');
      expect(trustProxy(rendered.staging.objects)).toBe('1');
      expect(trustProxy(rendered.prod.objects)).toBe('1');
      // The hop count leans on the policy that admits only the controller to the app's port.
      for (const env of ['staging', 'prod'] as const) {
        const policy = named(rendered[env].objects, 'NetworkPolicy', `${full}-allow-ingress-controller-to-app`);
        expect((at(policy, 'spec.ingress') as unknown[]).length).toBe(1);
      }
      // Named proxies replace the derived hop count; the migration Job gets the same value.
      const listed = mustRender(helm.path!, 'prod', ['--set-string', 'config.trustProxy=10.42.0.0/16\\,fd00::/8']);
      expect(trustProxy(listed.objects)).toBe('10.42.0.0/16,fd00::/8');
      const job = named(listed.objects, 'Job', `${full}-migrate`);
      const jobEnv = at(job, 'spec.template.spec.containers.0.env') as { name: string; value?: string }[];
      expect(jobEnv.find((e) => e.name === 'TRUST_PROXY')?.value).toBe('10.42.0.0/16,fd00::/8');
      for (const env of envs) expect(trustProxy(rendered[env].objects)).not.toBe('true');
    });

    it('has an HPA only in prod: CPU 70 %, 2 to 10 replicas, slow scale-down', () => {
      expect(ofKind(rendered.dev.objects, 'HorizontalPodAutoscaler')).toEqual([]);
      expect(ofKind(rendered.staging.objects, 'HorizontalPodAutoscaler')).toEqual([]);
      const hpa = named(rendered.prod.objects, 'HorizontalPodAutoscaler', full);
      expect(at(hpa, 'spec.minReplicas')).toBe(2);
      expect(at(hpa, 'spec.maxReplicas')).toBe(10);
      expect(at(hpa, 'spec.metrics.0.resource')).toEqual({
        name: 'cpu',
        target: { type: 'Utilization', averageUtilization: 70 },
      });
      expect(at(hpa, 'spec.scaleTargetRef.name')).toBe(full);
      expect(at(hpa, 'spec.behavior.scaleDown.stabilizationWindowSeconds')).toBeGreaterThanOrEqual(300);
    });

    it('logs debug in dev and info elsewhere; stricter resources in prod', () => {
      const level = (env: Env) =>
        (named(rendered[env].objects, 'ConfigMap', full).data as Record<string, string>).LOG_LEVEL;
      expect(level('dev')).toBe('debug');
      expect(level('staging')).toBe('info');
      expect(level('prod')).toBe('info');
      const resources = (env: Env) =>
        (at(named(rendered[env].objects, 'Deployment', full), 'spec.template.spec.containers.0.resources') as {
          requests: Record<string, string>;
          limits: Record<string, string>;
        });
      // Prod: memory request equals the limit (no overcommit of the app's memory).
      expect(resources('prod').requests.memory).toBe(resources('prod').limits.memory);
      expect(at(named(rendered.prod.objects, 'Deployment', full), 'spec.template.spec.topologySpreadConstraints.1.whenUnsatisfiable')).toBe(
        'DoNotSchedule',
      );
    });

    it('uses a standalone MySQL in dev and staging and an InnoDB Cluster in prod', () => {
      expect(ofKind(rendered.dev.objects, 'StatefulSet')).toHaveLength(1);
      expect(ofKind(rendered.staging.objects, 'StatefulSet')).toHaveLength(1);
      expect(ofKind(rendered.prod.objects, 'StatefulSet')).toEqual([]);
      expect(ofKind(rendered.prod.objects, 'InnoDBCluster')).toHaveLength(1);
    });
  });
});
