// The Helm chart's security properties on what the real `helm` renders: every pod's security
// context, secrets, network policies and RBAC for people.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../support/tools.js';
import {
  allContainers,
  at,
  chartCopy,
  chartDir,
  envs,
  mustRender,
  named,
  ofKind,
  podOwners,
  release,
  renderedEnvs,
  secretValues,
  type K8sObject,
} from './chart-helpers.js';

const helm = requireTool('helm', 'go install helm.sh/helm/v3/cmd/helm');
const full = release; // the release name already holds the chart name

describe.skipIf(helm.skipReason)('Helm chart', () => {
  const rendered = renderedEnvs(helm.path!);

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

    it('lets a second release in the cluster bind the roles the first one owns', () => {
      // Helm refuses an object another release owns ("invalid ownership metadata"): found when the
      // cluster suite installed a second release beside the first.
      const { objects } = mustRender(helm.path!, 'staging', ['--set', 'rbac.createClusterRoles=false']);
      expect(ofKind(objects, 'ClusterRole')).toEqual([]);
      expect(ofKind(objects, 'RoleBinding').map((b) => at(b, 'roleRef.name')).sort()).toEqual([
        'cloudedu-admin',
        'cloudedu-developer',
      ]);
    });
  });
});
