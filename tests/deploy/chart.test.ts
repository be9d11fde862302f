// The Helm chart through the real `helm`: lint, render every environment, validate every object
// offline against the Kubernetes 1.30 OpenAPI schemas and the CRDs, and assert the properties
// that issue 7 asks for on what helm actually renders.
import { existsSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { inCI, requireTool, run } from '../support/tools.js';
import {
  addCrdSchemas,
  allContainers,
  at,
  chartCopy,
  chartDir,
  envs,
  findKubernetesValidate,
  helmTemplate,
  kubeVersion,
  mustRender,
  named,
  ofKind,
  podOwners,
  prepareKubernetesSchemas,
  release,
  root,
  schemaLocation,
  secretValues,
  type Container,
  type Env,
  type K8sObject,
  type Rendered,
} from './chart-helpers.js';

const helm = requireTool('helm', 'go install helm.sh/helm/v3/cmd/helm');
const kubeconform = requireTool('kubeconform', 'go install github.com/yannh/kubeconform/cmd/kubeconform');
const python = requireTool('python3', 'install Python 3');
const exporterTool = requireTool('prometheus-mysqld-exporter', 'apt-get install prometheus-mysqld-exporter');

const full = release; // the release name already holds the chart name
const sharedCrds = path.resolve(root, '../shared/schemas/mysql-operator-9.1.0-crds.yaml');
const promOperatorCrds = path.join(root, 'deploy/helm/schemas/prometheus-operator-crds.yaml');

const rendered = {} as Record<Env, Rendered>;

describe.skipIf(helm.skipReason)('Helm chart', () => {
  beforeAll(() => {
    for (const env of envs) rendered[env] = mustRender(helm.path!, env);
  });

  describe('chart files', () => {
    it('has appVersion equal to package.json version', () => {
      const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
        version: string;
      };
      const chart = readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8');
      const appVersion = /^appVersion:\s*['"]?([^'"\s]+)['"]?\s*$/m.exec(chart)?.[1];
      expect(appVersion).toBe(pkg.version);
    });

    it('has a one-line comment on every key of values.yaml and of each environment file', () => {
      for (const file of ['values.yaml', ...envs.map((e) => `values-${e}.yaml`)]) {
        const lines = readFileSync(path.join(chartDir, file), 'utf8').split('\n');
        const uncommented: string[] = [];
        let blockIndent = -1; // inside a `key: |` block scalar deeper than this indentation
        lines.forEach((line, i) => {
          const indent = line.length - line.trimStart().length;
          if (blockIndent >= 0) {
            if (line.trim() === '' || indent > blockIndent) return;
            blockIndent = -1;
          }
          const key = /^(\s*)([A-Za-z0-9_./-]+|'[^']*'|"[^"]*"):(\s|$)/.exec(line);
          if (!key) return;
          if (/:\s*[|>][-+]?\s*$/.test(line)) blockIndent = indent;
          const previous = lines
            .slice(0, i)
            .reverse()
            .find((l) => l.trim() !== '');
          const commented = previous?.trim().startsWith('#') === true || line.includes(' # ');
          if (!commented) uncommented.push(`${file}:${i + 1}: ${line.trim()}`);
        });
        expect(uncommented, `keys without a comment in ${file}`).toEqual([]);
      }
    });

    it('documents every value of values.yaml in the README table, with its default and comment', () => {
      const readme = readFileSync(path.join(chartDir, 'README.md'), 'utf8');
      const rows = new Map<string, { def: string; desc: string }>();
      for (const line of readme.split('\n')) {
        const row = /^\| `([^`]+)` \| `(.*)` \| (.*) \|$/.exec(line);
        if (row) rows.set(row[1]!, { def: row[2]!, desc: row[3]! });
      }
      const text = readFileSync(path.join(chartDir, 'values.yaml'), 'utf8');
      const values = parseYaml(text) as Record<string, unknown>;
      // "# -- comment" before each key, by dotted path (the keys are unique per indentation path).
      const comments = new Map<string, string>();
      const stack: { indent: number; key: string }[] = [];
      let comment = '';
      for (const line of text.split('\n')) {
        const c = /^\s*# -- (.*)$/.exec(line);
        if (c) {
          comment = c[1]!;
          continue;
        }
        const k = /^(\s*)([A-Za-z0-9_./-]+):/.exec(line);
        if (!k) continue;
        const indent = k[1]!.length;
        while (stack.length > 0 && stack[stack.length - 1]!.indent >= indent) stack.pop();
        stack.push({ indent, key: k[2]! });
        comments.set(stack.map((e) => e.key).join('.'), comment);
        comment = '';
      }
      const problems: string[] = [];
      const walk = (node: unknown, prefix: string) => {
        for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
          const dotted = prefix ? `${prefix}.${key}` : key;
          const row = rows.get(dotted);
          if (!row) {
            if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0)
              walk(value, dotted);
            else problems.push(`${dotted}: no row`);
            continue;
          }
          rows.delete(dotted);
          if (row.desc !== comments.get(dotted)) problems.push(`${dotted}: "${row.desc}" is not the comment`);
          // Summaries (resources, my.cnf lines) are not JSON; every other default must be the value.
          let documented: unknown;
          try {
            documented = JSON.parse(row.def);
          } catch {
            if (typeof value !== 'object' && typeof value !== 'string') problems.push(`${dotted}: default ${row.def}`);
            continue;
          }
          if (JSON.stringify(documented) !== JSON.stringify(value)) problems.push(`${dotted}: default ${row.def}`);
        }
      };
      walk(values, '');
      expect(problems).toEqual([]);
      expect([...rows.keys()], 'rows for keys that values.yaml does not have').toEqual([]);
    });

    it('has the files a chart user needs', () => {
      for (const file of [
        'Chart.yaml',
        'values.yaml',
        'values.schema.json',
        'values-dev.yaml',
        'values-staging.yaml',
        'values-prod.yaml',
        'README.md',
        'templates/_helpers.tpl',
        'templates/NOTES.txt',
        'templates/tests/test-connection.yaml',
      ]) {
        expect(existsSync(path.join(chartDir, file)), file).toBe(true);
      }
    });
  });

  describe('helm lint --strict', () => {
    it.each<string>(['default', ...envs])('passes for %s values', (env) => {
      const args = ['lint', '--strict', chartDir, '--kube-version', kubeVersion];
      if (env !== 'default') args.push('-f', path.join(chartDir, `values-${env}.yaml`));
      const result = run(helm.path!, args);
      expect(result.status, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toContain('0 chart(s) failed');
    });
  });

  describe.skipIf(kubeconform.skipReason ?? python.skipReason)('kubeconform, offline schemas', () => {
    let schemaReady: string | undefined;
    let crdFiles: string[] = [];
    const schemaSkip = (() => {
      if (!python.path) return 'python3 not found';
      const found = findKubernetesValidate(python.path);
      if (found.reason && inCI) throw new Error(found.reason);
      if (found.dir) {
        schemaReady = prepareKubernetesSchemas(found.dir);
        crdFiles = addCrdSchemas(promOperatorCrds, schemaReady);
        if (existsSync(sharedCrds)) crdFiles.push(...addCrdSchemas(sharedCrds, schemaReady));
      }
      return found.reason;
    })();

    function kubeconformCheck(manifests: string) {
      const file = path.join(schemaReady!, '..', `input-${process.pid}.yaml`);
      writeFileSync(file, manifests);
      const result = run(kubeconform.path!, [
        '-strict',
        '-summary',
        '-output',
        'json',
        '-kubernetes-version',
        kubeVersion,
        '-schema-location',
        schemaLocation,
        file,
      ]);
      return { ...result, report: JSON.parse(result.stdout) as KubeconformReport };
    }

    it.skipIf(schemaSkip)('has the CRD schemas of the kinds the chart renders', () => {
      expect(crdFiles).toContain('servicemonitor-monitoring-v1.json');
      expect(crdFiles).toContain('prometheusrule-monitoring-v1.json');
      if (existsSync(sharedCrds)) expect(crdFiles).toContain('innodbcluster-mysql-v2.json');
    });

    it.skipIf(schemaSkip).each(envs)('validates every object rendered for %s', (env) => {
      let manifests = rendered[env].stdout;
      const kinds = rendered[env].objects.map((o) => o.kind);
      if (!existsSync(sharedCrds)) {
        // Outside CI without ../shared the operator's CRD is not at hand.
        console.warn(`../shared/schemas absent: InnoDBCluster of ${env} not validated`);
        manifests = manifestsWithout(manifests, 'InnoDBCluster');
      }
      const { status, report, stderr } = kubeconformCheck(manifests);
      const problems = report.resources.filter((r) => r.status !== 'statusValid');
      expect(problems, stderr).toEqual([]);
      expect(status).toBe(0);
      const expected = existsSync(sharedCrds)
        ? kinds.length
        : kinds.filter((k) => k !== 'InnoDBCluster').length;
      expect(report.summary.valid).toBe(expected);
      expect(report.summary.skipped).toBe(0);
    });

    it.skipIf(schemaSkip)('rejects a broken object (the schemas are really applied)', () => {
      const deployment = rendered.dev.stdout
        .split(/^---$/m)
        .find((d) => /^kind: Deployment$/m.test(d))!;
      const broken = deployment
        .replace('maxUnavailable: 0', 'maxUnavailable: 0\n      maxUnavialable: 1')
        .replace(/replicas: 1$/m, 'replicas: "one"');
      const { status, report } = kubeconformCheck(broken);
      expect(status).not.toBe(0);
      const messages = report.resources.map((r) => r.msg).join('\n');
      expect(messages).toMatch(/maxUnavialable/);
      expect(messages).toMatch(/replicas/);
    });

    it.skipIf(schemaSkip || !existsSync(sharedCrds))(
      'rejects an InnoDBCluster the operator would refuse',
      () => {
        const cluster = rendered.prod.stdout
          .split(/^---$/m)
          .find((d) => /^kind: InnoDBCluster$/m.test(d))!;
        const { status, report } = kubeconformCheck(cluster.replace(/instances: 3$/m, 'instances: 12'));
        expect(status).not.toBe(0);
        expect(report.resources[0]?.msg).toMatch(/instances/);
      },
    );
  });

  describe.each(envs)('security of every pod (%s)', (env) => {
    const pods = () => podOwners(rendered[env].objects);

    it('renders the app, migration Job and helm test pods', () => {
      const names = pods().map((p) => `${p.owner.kind}/${p.owner.metadata.name}`);
      expect(names).toEqual(
        expect.arrayContaining([`Deployment/${full}`, `Job/${full}-migrate`, `Pod/${full}-test`]),
      );
      if (env !== 'prod') expect(names).toContain(`StatefulSet/${full}-mysql`);
    });

    it('meets Pod Security Standards "restricted" on every pod and container', () => {
      for (const { owner, spec } of pods()) {
        const where = `${owner.kind}/${owner.metadata.name}`;
        const pod = spec.securityContext ?? {};
        expect(pod.runAsNonRoot, where).toBe(true);
        expect(at(pod, 'seccompProfile.type'), where).toBe('RuntimeDefault');
        expect(typeof pod.runAsUser === 'number' && pod.runAsUser > 0, where).toBe(true);
        expect(pod.fsGroup, where).toBeDefined();
        for (const c of allContainers(spec)) {
          const sc = c.securityContext ?? {};
          const label = `${where} container ${c.name}`;
          expect(sc.allowPrivilegeEscalation, label).toBe(false);
          expect(sc.readOnlyRootFilesystem, label).toBe(true);
          expect(sc.runAsNonRoot ?? pod.runAsNonRoot, label).toBe(true);
          expect(sc.privileged ?? false, label).toBe(false);
          expect(sc.capabilities?.drop, label).toContain('ALL');
          expect(sc.capabilities?.add ?? [], label).toEqual([]);
          expect(at(sc, 'seccompProfile.type') ?? at(pod, 'seccompProfile.type'), label).toBe(
            'RuntimeDefault',
          );
          const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
          const tmpVolume = spec.volumes?.find((v) => v.name === tmp?.name);
          expect(tmpVolume?.emptyDir, `${label}: /tmp is an emptyDir`).toBeDefined();
        }
        expect(spec.volumes?.some((v) => 'hostPath' in v) ?? false, where).toBe(false);
      }
    });

    it('runs pods of the app image as UID/GID 10001 and mounts no API token', () => {
      for (const { owner, spec } of pods()) {
        const where = `${owner.kind}/${owner.metadata.name}`;
        expect(spec.automountServiceAccountToken, where).toBe(false);
        if (spec.containers.some((c) => c.image.startsWith('cloudedu-taskmanager'))) {
          expect(spec.securityContext?.runAsUser, where).toBe(10001);
          expect(spec.securityContext?.runAsGroup, where).toBe(10001);
        }
      }
      const sa = named(rendered[env].objects, 'ServiceAccount', full);
      expect(sa.automountServiceAccountToken).toBe(false);
      expect(named(rendered[env].objects, 'Deployment', full)).toSatisfy(
        (d: K8sObject) => at(d, 'spec.template.spec.serviceAccountName') === full,
      );
      // No Role or binding gives the app's ServiceAccount any API right.
      for (const binding of [
        ...ofKind(rendered[env].objects, 'RoleBinding'),
        ...ofKind(rendered[env].objects, 'ClusterRoleBinding'),
      ]) {
        const subjects = (binding.subjects ?? []) as { kind: string }[];
        expect(subjects.every((s) => s.kind === 'Group'), binding.metadata.name).toBe(true);
      }
    });

    it('sets requests and limits for cpu and memory on every container', () => {
      for (const { owner, spec } of pods()) {
        for (const c of allContainers(spec)) {
          const label = `${owner.metadata.name}/${c.name}`;
          for (const kind of ['requests', 'limits'] as const) {
            expect(c.resources?.[kind]?.cpu, `${label} ${kind}.cpu`).toBeDefined();
            expect(c.resources?.[kind]?.memory, `${label} ${kind}.memory`).toBeDefined();
          }
        }
      }
    });

    it('gives every long-running container readiness and liveness probes', () => {
      for (const { owner, spec } of pods()) {
        if (!['Deployment', 'StatefulSet'].includes(owner.kind)) continue;
        for (const c of spec.containers) {
          const label = `${owner.metadata.name}/${c.name}`;
          expect(c.readinessProbe, label).toBeDefined();
          expect(c.livenessProbe, label).toBeDefined();
        }
      }
    });

    it('pins every image (no latest, no missing tag) and pulls IfNotPresent', () => {
      for (const { owner, spec } of pods()) {
        for (const c of allContainers(spec)) {
          const label = `${owner.metadata.name}/${c.name}: ${c.image}`;
          const lastPart = c.image.split('/').pop()!;
          expect(/[:@]/.test(lastPart), label).toBe(true);
          expect(c.image.endsWith(':latest'), label).toBe(false);
          expect(c.imagePullPolicy, label).toBe('IfNotPresent');
        }
      }
    });
  });

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

  describe('secrets', () => {
    it('never puts a Secret value into a ConfigMap, an env value, an annotation or NOTES', () => {
      const copy = chartCopy();
      try {
        // NOTES.txt is not rendered by `helm template`: render it as data in the same run, so that
        // it sees the same generated passwords as the Secret.
        writeFileSync(path.join(copy.dir, 'notes.txt'), readFileSync(path.join(chartDir, 'templates/NOTES.txt')));
        writeFileSync(
          path.join(copy.dir, 'templates/zz-notes.yaml'),
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rendered-notes\ndata:\n  notes: {{ tpl (.Files.Get "notes.txt") . | quote }}\n',
        );
        for (const env of envs) {
          const { objects } = mustRender(helm.path!, env, [], copy.dir);
          const secrets = secretValues(objects).filter((v) => v.length >= 8);
          expect(secrets.length, env).toBeGreaterThan(0);
          const notes = (named(objects, 'ConfigMap', 'rendered-notes').data as Record<string, string>).notes!;
          expect(notes).toContain('helm test');
          const exposed: string[] = [];
          for (const o of objects) {
            if (o.kind === 'Secret') continue;
            const text = JSON.stringify(o);
            for (const s of secrets) {
              // The exporter's option file embeds its password: compare whole values only.
              if (!s.includes('\n') && text.includes(s)) exposed.push(`${o.kind}/${o.metadata.name}`);
            }
          }
          expect(exposed, env).toEqual([]);
          for (const { spec, owner } of podOwners(objects)) {
            for (const c of allContainers(spec)) {
              for (const e of c.env ?? []) {
                const label = `${owner.metadata.name}/${c.name} ${e.name}`;
                expect(/PASSWORD$|SECRET$|TOKEN$/.test(e.name) && e.value !== undefined, label).toBe(false);
                expect(e.valueFrom, `${label}: secrets are files, not env`).toBeUndefined();
              }
            }
          }
        }
      } finally {
        copy.remove();
      }
    });

    it('generates the database Secret once and keeps it (lookup, resource-policy keep)', () => {
      const template = readFileSync(path.join(chartDir, 'templates/secret.yaml'), 'utf8');
      expect(template).toMatch(/lookup "v1" "Secret" \.Release\.Namespace \$name/);
      const secret = named(rendered.dev.objects, 'Secret', `${full}-db`);
      expect((secret.metadata.annotations as Record<string, string>)['helm.sh/resource-policy']).toBe('keep');
      expect(Object.keys(secret.data as object)).toEqual(
        expect.arrayContaining(['mysql-root-password', 'mysql-password', 'exporter-password']),
      );
    });

    it('renders no Secret with mysql.auth.existingSecret and uses that Secret instead', () => {
      const { objects } = mustRender(helm.path!, 'dev', ['--set', 'mysql.auth.existingSecret=sealed-db']);
      expect(ofKind(objects, 'Secret')).toEqual([]);
      const volumes = at(named(objects, 'StatefulSet', `${full}-mysql`), 'spec.template.spec.volumes') as {
        secret?: { secretName: string };
      }[];
      expect(volumes.filter((v) => v.secret).map((v) => v.secret!.secretName)).toEqual(['sealed-db']);
    });
  });

  describe.each(envs)('network policies (%s)', (env) => {
    const policies = () => ofKind(rendered[env].objects, 'NetworkPolicy');
    const policy = (suffix: string) => named(rendered[env].objects, 'NetworkPolicy', `${full}-${suffix}`);

    it('denies all ingress and egress by default', () => {
      const deny = policy('default-deny');
      expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    });

    it('allows each flow by name, and only those', () => {
      const names = policies().map((p) => p.metadata.name.replace(`${full}-`, ''));
      const expected = [
        'default-deny',
        'allow-dns',
        'allow-app-to-mysql',
        'allow-prometheus-to-metrics',
        'allow-test-to-app',
        'allow-test-egress-to-app',
        ...(env === 'dev' ? ['allow-nodeport-to-app', 'allow-mysql-from-app'] : []),
        ...(env === 'staging' ? ['allow-mysql-from-app'] : []),
        ...(env !== 'dev' ? ['allow-ingress-controller-to-app', 'allow-app-to-otlp-collector'] : []),
        ...(env === 'prod' ? ['allow-innodbcluster'] : []),
        ...(env !== 'dev' ? ['allow-backup-egress'] : []),
      ];
      expect(names.sort()).toEqual(expected.sort());
    });

    it('allows DNS on 53 UDP and TCP, metrics 9464 from Prometheus only', () => {
      expect(at(policy('allow-dns'), 'spec.egress.0.ports')).toEqual([
        { port: 53, protocol: 'UDP' },
        { port: 53, protocol: 'TCP' },
      ]);
      const prometheus = policy('allow-prometheus-to-metrics');
      expect(at(prometheus, 'spec.ingress.0.ports.0')).toEqual({ port: 9464, protocol: 'TCP' });
      // The observability stack's namespace (deploy/observability, the Ansible role).
      expect(at(prometheus, 'spec.ingress.0.from.0.namespaceSelector.matchLabels')).toEqual({
        'kubernetes.io/metadata.name': 'observability',
      });
      if (env !== 'dev') {
        const otlp = policy('allow-app-to-otlp-collector');
        expect((at(otlp, 'spec.egress.0.ports') as { port: number }[]).map((p) => p.port)).toEqual([4317, 4318]);
      }
    });

    it('lets Prometheus scrape the app and, where there is one, the MySQL exporter', () => {
      const prometheus = policy('allow-prometheus-to-metrics');
      expect(at(prometheus, 'spec.podSelector')).toEqual({ matchLabels: { 'cloudedu.io/scrape': release } });
      const ports = (at(prometheus, 'spec.ingress.0.ports') as { port: number }[]).map((p) => p.port).sort();
      const exporter = env !== 'dev'; // the staging sidecar, the InnoDB Cluster's in prod
      expect(ports).toEqual(exporter ? [9104, 9464] : [9464]);
      const labelled = podOwners(rendered[env].objects)
        .filter((p) => p.metadata.labels?.['cloudedu.io/scrape'] === release)
        .map((p) => `${p.owner.kind}/${p.owner.metadata.name}`);
      // Never the migration Job or the test pod; the standalone MySQL pod only with its exporter.
      expect(labelled.sort()).toEqual(
        env === 'staging' ? [`Deployment/${full}`, `StatefulSet/${full}-mysql`] : [`Deployment/${full}`],
      );
    });

    it('selects only pods that the chart renders (or the operator creates) with each allow', () => {
      const podLabels = podOwners(rendered[env].objects).map((p) => p.metadata.labels ?? {});
      for (const p of policies()) {
        if (p.metadata.name.endsWith('default-deny') || p.metadata.name.endsWith('allow-innodbcluster')) continue;
        const selector = at(p, 'spec.podSelector') as {
          matchLabels?: Record<string, string>;
          matchExpressions?: { key: string; operator: string; values: string[] }[];
        };
        const matches = podLabels.filter(
          (labels) =>
            Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
            (selector.matchExpressions ?? []).every((e) => e.values.includes(labels[e.key] ?? '')),
        );
        expect(matches.length, p.metadata.name).toBeGreaterThan(0);
      }
    });
  });

  describe('RBAC for people', () => {
    type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };
    const rules = (name: string) => named(rendered.staging.objects, 'ClusterRole', name).rules as Rule[];

    it('uses no wildcard anywhere', () => {
      for (const env of envs) {
        for (const role of [...ofKind(rendered[env].objects, 'ClusterRole'), ...ofKind(rendered[env].objects, 'Role')]) {
          for (const rule of role.rules as Rule[]) {
            for (const field of [rule.apiGroups, rule.resources, rule.verbs]) {
              expect(field.some((v) => v.includes('*')), `${role.metadata.name} ${JSON.stringify(rule)}`).toBe(false);
            }
          }
        }
      }
    });

    it('keeps cloudedu-developer read-only, away from Secrets, exec, attach and port-forward', () => {
      for (const rule of rules('cloudedu-developer')) {
        expect(rule.verbs.every((v) => ['get', 'list', 'watch'].includes(v)), JSON.stringify(rule)).toBe(true);
        for (const forbidden of ['secrets', 'pods/exec', 'pods/attach', 'pods/portforward', 'pods/proxy', 'services/proxy']) {
          expect(rule.resources, JSON.stringify(rule)).not.toContain(forbidden);
        }
      }
    });

    it('gives cloudedu-admin the namespace but no way to grant itself more', () => {
      const admin = rules('cloudedu-admin');
      expect(admin.some((r) => r.resources.includes('deployments') && r.verbs.includes('update'))).toBe(true);
      for (const rule of admin) {
        for (const verb of ['bind', 'escalate', 'impersonate']) expect(rule.verbs).not.toContain(verb);
        if (rule.apiGroups.includes('rbac.authorization.k8s.io')) {
          expect(rule.verbs.every((v) => ['get', 'list', 'watch'].includes(v))).toBe(true);
        }
      }
    });

    it('binds the roles to the groups from values, in the release namespace only', () => {
      const bindings = ofKind(rendered.staging.objects, 'RoleBinding');
      expect(bindings.map((b) => [at(b, 'roleRef.name'), at(b, 'subjects.0.name')]).sort()).toEqual([
        ['cloudedu-admin', 'cloudedu-platform'],
        ['cloudedu-developer', 'cloudedu-developers'],
      ]);
      expect(bindings.every((b) => b.metadata.namespace === 'cloudedu')).toBe(true);
      expect(ofKind(rendered.dev.objects, 'RoleBinding')).toEqual([]);
      expect(ofKind(rendered.dev.objects, 'ClusterRoleBinding')).toEqual([]);
    });
  });

  describe('optional objects', () => {
    it('renders a Namespace labelled for Pod Security restricted on request', () => {
      const { objects } = mustRender(helm.path!, 'dev', ['--set', 'namespace.create=true']);
      const ns = named(objects, 'Namespace', 'cloudedu');
      expect(ns.metadata.labels).toEqual(
        expect.objectContaining({
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        }),
      );
      expect(ofKind(rendered.dev.objects, 'Namespace')).toEqual([]);
    });

    it('refuses the latest tag and renders a digest when one is given', () => {
      const latest = helmTemplate(helm.path!, 'dev', ['--set', 'image.tag=latest']);
      expect(latest.status).not.toBe(0);
      const digest = `sha256:${'a'.repeat(64)}`;
      const { objects } = mustRender(helm.path!, 'dev', ['--set', `image.digest=${digest}`]);
      expect(at(named(objects, 'Deployment', full), 'spec.template.spec.containers.0.image')).toBe(
        `cloudedu-taskmanager@${digest}`,
      );
    });

    it('adds imagePullSecrets to every pod when given', () => {
      const { objects } = mustRender(helm.path!, 'dev', ['--set', 'imagePullSecrets={registry-cred}']);
      for (const { owner, spec } of podOwners(objects)) {
        expect(spec.imagePullSecrets, owner.metadata.name).toEqual([{ name: 'registry-cred' }]);
      }
    });

    it('embeds files/alerts.yaml as a PrometheusRule and each dashboard as a labelled ConfigMap', () => {
      const copy = chartCopy();
      try {
        const alerts = {
          groups: [
            {
              name: 'fixture',
              rules: [
                {
                  alert: 'FixtureDown',
                  expr: 'up{job="x"} == 0',
                  for: '5m',
                  labels: { severity: 'critical' },
                  annotations: { summary: 'down {{ $labels.instance }}' },
                },
              ],
            },
          ],
        };
        // Only the fixtures: the copy's shipped dashboards would be embedded too.
        rmSync(path.join(copy.dir, 'files/dashboards'), { recursive: true, force: true });
        mkdirSync(path.join(copy.dir, 'files/dashboards'), { recursive: true });
        writeFileSync(path.join(copy.dir, 'files/alerts.yaml'), JSON.stringify(alerts));
        writeFileSync(path.join(copy.dir, 'files/dashboards/fixture_one.json'), '{"title":"One","panels":[]}');
        writeFileSync(path.join(copy.dir, 'files/dashboards/two.json'), '{"title":"Two","panels":[]}');
        const { objects } = mustRender(helm.path!, 'staging', [], copy.dir);
        const rule = named(objects, 'PrometheusRule', full);
        expect(rule.spec).toEqual(alerts);
        expect(rule.metadata.labels?.release).toBe('kube-prometheus-stack');
        const dashboards = ofKind(objects, 'ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard === '1');
        expect(dashboards.map((d) => Object.keys(d.data as object)[0]).sort()).toEqual(['fixture_one.json', 'two.json']);
        expect(dashboards.map((d) => d.metadata.name).sort()).toEqual([
          `${full}-dashboard-fixture-one`,
          `${full}-dashboard-two`,
        ]);
        const monitor = named(objects, 'ServiceMonitor', full);
        expect(at(monitor, 'spec.endpoints.0.port')).toBe('metrics');
        // files/alerts.yaml selects job="cloudedu-taskmanager", whatever the release is called.
        expect(at(monitor, 'spec.endpoints.0.relabelings')).toEqual([
          { action: 'replace', targetLabel: 'job', replacement: 'cloudedu-taskmanager' },
        ]);
        // Each is optional.
        const off = mustRender(helm.path!, 'staging', [
          '--set',
          'metrics.prometheusRule.enabled=false',
          '--set',
          'metrics.dashboards.enabled=false',
          '--set',
          'metrics.serviceMonitor.enabled=false',
        ], copy.dir);
        expect(ofKind(off.objects, 'PrometheusRule')).toEqual([]);
        expect(ofKind(off.objects, 'ServiceMonitor').map((m) => m.metadata.name)).toEqual([`${full}-mysql`]);
        expect(ofKind(off.objects, 'ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard)).toEqual([]);
        // A rules file without groups is refused with a message, not rendered half-way.
        writeFileSync(path.join(copy.dir, 'files/alerts.yaml'), 'rules: []\n');
        const bad = helmTemplate(helm.path!, 'staging', [], copy.dir);
        expect(bad.status).not.toBe(0);
        expect(bad.stderr).toContain('groups');
      } finally {
        copy.remove();
      }
    });

    it('embeds the shipped alerts and dashboards when the chart has them', () => {
      const alertsFile = path.join(chartDir, 'files/alerts.yaml');
      const rules = ofKind(rendered.prod.objects, 'PrometheusRule');
      if (!existsSync(alertsFile)) {
        expect(rules).toEqual([]);
        return;
      }
      const shipped = readFileSync(alertsFile, 'utf8');
      expect(rules).toHaveLength(1);
      const groups = at(rules[0], 'spec.groups') as { name: string }[];
      for (const group of groups) expect(shipped).toContain(group.name);
    });
  });
});

interface KubeconformReport {
  resources: { filename: string; kind: string; name: string; status: string; msg: string }[];
  summary: { valid: number; invalid: number; errors: number; skipped: number };
}

function manifestsWithout(manifests: string, kind: string): string {
  return manifests
    .split(/^---$/m)
    .filter((doc) => !new RegExp(`^kind: ${kind}$`, 'm').test(doc))
    .join('---\n');
}

