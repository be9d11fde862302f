// The Helm chart's optional objects on what the real `helm` renders.
import { existsSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../support/tools.js';
import {
  at,
  chartCopy,
  chartDir,
  helmTemplate,
  mustRender,
  named,
  ofKind,
  podOwners,
  release,
  renderedEnvs,
} from './chart-helpers.js';

const helm = requireTool('helm', 'go install helm.sh/helm/v3/cmd/helm');
const full = release; // the release name already holds the chart name

describe.skipIf(helm.skipReason)('Helm chart', () => {
  const rendered = renderedEnvs(helm.path!);

  describe('optional objects', () => {
    it('wires single sign-on: settings in the ConfigMap, the client secret as a mounted file, egress to the provider', () => {
      const off = named(rendered.dev.objects, 'ConfigMap', full).data as Record<string, string>;
      expect(Object.keys(off).filter((k) => k.startsWith('OIDC_'))).toEqual([]);
      expect(off.AUTH_MODE).toBe('password');
      expect(
        ofKind(rendered.dev.objects, 'NetworkPolicy').map((p) => p.metadata.name),
      ).not.toContain(`${full}-allow-app-to-oidc-provider`);

      const { objects } = mustRender(helm.path!, 'dev', [
        ...['--set', 'config.authMode=oidc', '--set', 'ingress.host=tasks.example.com'],
        ...['--set', 'config.oidc.issuer=https://sso.example.com/realms/staff'],
        ...['--set', 'config.oidc.clientId=taskmanager', '--set', 'config.oidc.existingSecret=tm-oidc'],
        ...['--set', 'config.oidc.adminGroup=tm-admins'],
      ]);
      const data = named(objects, 'ConfigMap', full).data as Record<string, string>;
      expect(Object.fromEntries(Object.entries(data).filter(([k]) => /^(OIDC_|AUTH_MODE)/.test(k)))).toEqual({
        AUTH_MODE: 'oidc',
        OIDC_ISSUER: 'https://sso.example.com/realms/staff',
        OIDC_CLIENT_ID: 'taskmanager',
        OIDC_SCOPES: 'openid email profile',
        OIDC_REDIRECT_URL: 'https://tasks.example.com/api/v1/auth/oidc/callback',
        OIDC_CLIENT_SECRET_FILE: '/var/run/secrets/cloudedu-oidc/client-secret',
        OIDC_ADMIN_GROUP: 'tm-admins',
      });
      // The app and the migration Job both load the config, so both mount the file.
      for (const name of [full, `${full}-migrate`]) {
        const owner = podOwners(objects).find((o) => o.owner.metadata.name === name)!;
        expect(owner, name).toBeDefined();
        expect(owner.spec.volumes).toContainEqual(
          expect.objectContaining({ name: 'oidc-client-secret', secret: expect.objectContaining({ secretName: 'tm-oidc' }) }),
        );
        expect(owner.spec.containers[0]!.volumeMounts).toContainEqual(
          expect.objectContaining({ name: 'oidc-client-secret', mountPath: '/var/run/secrets/cloudedu-oidc' }),
        );
      }
      const egress = named(objects, 'NetworkPolicy', `${full}-allow-app-to-oidc-provider`);
      expect(at(egress, 'spec.egress')).toEqual([
        { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }] },
      ]);
    });

    it('wires notification emails: the SMTP URL as a mounted file, From and PUBLIC_URL, egress to the server', () => {
      const off = named(rendered.dev.objects, 'ConfigMap', full).data as Record<string, string>;
      expect(Object.keys(off).filter((k) => k.startsWith('SMTP_'))).toEqual([]);
      expect(off).toMatchObject({ REMINDER_LEAD_HOURS: '24', REMINDER_POLL_MS: '60000' });
      expect(
        ofKind(rendered.dev.objects, 'NetworkPolicy').map((p) => p.metadata.name),
      ).not.toContain(`${full}-allow-app-to-smtp`);
      // Without the From address or a public URL the chart refuses, naming what is missing.
      const noFrom = helmTemplate(helm.path!, 'dev', ['--set', 'config.smtp.existingSecret=tm-smtp']);
      expect(noFrom.status).not.toBe(0);
      expect(noFrom.stderr).toContain('config.smtp.from is required');
      const noUrl = helmTemplate(helm.path!, 'dev', [
        ...['--set', 'config.smtp.existingSecret=tm-smtp', '--set', 'config.smtp.from=tasks@example.com'],
      ]);
      expect(noUrl.stderr).toContain('config.publicUrl');

      const { objects } = mustRender(helm.path!, 'dev', [
        ...['--set', 'config.smtp.existingSecret=tm-smtp', '--set', 'config.smtp.from=tasks@example.com'],
        ...['--set', 'config.publicUrl=https://tasks.example.com'],
        ...['--set', 'config.reminders.leadHours=48'],
      ]);
      const data = named(objects, 'ConfigMap', full).data as Record<string, string>;
      expect(
        Object.fromEntries(Object.entries(data).filter(([k]) => /^(SMTP_|PUBLIC_URL|REMINDER_)/.test(k))),
      ).toEqual({
        PUBLIC_URL: 'https://tasks.example.com',
        SMTP_URL_FILE: '/var/run/secrets/cloudedu-smtp/smtp-url',
        SMTP_FROM: 'tasks@example.com',
        REMINDER_LEAD_HOURS: '48',
        REMINDER_POLL_MS: '60000',
      });
      // The app and the migration Job both load the config, so both mount the file.
      for (const name of [full, `${full}-migrate`]) {
        const owner = podOwners(objects).find((o) => o.owner.metadata.name === name)!;
        expect(owner.spec.volumes).toContainEqual(
          expect.objectContaining({ name: 'smtp-url', secret: expect.objectContaining({ secretName: 'tm-smtp' }) }),
        );
        expect(owner.spec.containers[0]!.volumeMounts).toContainEqual(
          expect.objectContaining({ name: 'smtp-url', mountPath: '/var/run/secrets/cloudedu-smtp' }),
        );
      }
      // Behind the ingress (staging), the public URL defaults to the ingress's host.
      const staging = named(rendered.staging.objects, 'ConfigMap', full).data as Record<string, string>;
      expect(staging.PUBLIC_URL).toMatch(/^https:\/\/[^/]+$/);
      const egress = named(objects, 'NetworkPolicy', `${full}-allow-app-to-smtp`);
      expect(at(egress, 'spec.egress')).toEqual([
        {
          to: [{ ipBlock: { cidr: '0.0.0.0/0' } }],
          ports: [
            { port: 587, protocol: 'TCP' },
            { port: 465, protocol: 'TCP' },
          ],
        },
      ]);
    });

    it('keeps attachments in a bucket on request: settings and key files for the app alone, egress to the store', () => {
      const app = (objects: typeof rendered.dev.objects) =>
        podOwners(objects).find((o) => o.owner.metadata.name === full)!.spec;
      expect(app(rendered.dev.objects).containers[0]!.env).toBeUndefined();
      expect(
        ofKind(rendered.dev.objects, 'NetworkPolicy').map((p) => p.metadata.name),
      ).not.toContain(`${full}-allow-app-to-object-store`);
      const noSecret = helmTemplate(helm.path!, 'dev', [
        ...['--set', 'attachments.s3.enabled=true', '--set', 'attachments.s3.endpoint=https://s3.example.com'],
        ...['--set', 'attachments.s3.bucket=team-files'],
      ]);
      expect(noSecret.status).not.toBe(0);
      expect(noSecret.stderr).toContain('attachments.s3.existingSecret is required');

      const { objects } = mustRender(helm.path!, 'prod', [
        ...['--set', 'attachments.s3.enabled=true', '--set', 'attachments.s3.endpoint=https://s3.example.com'],
        ...['--set', 'attachments.s3.region=eu-west-1', '--set', 'attachments.s3.bucket=team-files'],
        ...['--set', 'attachments.s3.prefix=tasks/prod/', '--set', 'attachments.s3.existingSecret=tm-files'],
      ]);
      const spec = app(objects);
      expect(spec.containers[0]!.env).toEqual([
        { name: 'ATTACHMENTS_STORAGE', value: 's3://team-files/tasks/prod/' },
        { name: 'S3_ENDPOINT', value: 'https://s3.example.com' },
        { name: 'S3_REGION', value: 'eu-west-1' },
        { name: 'S3_ACCESS_KEY_ID_FILE', value: '/var/run/secrets/cloudedu-attachments-s3/access-key-id' },
        { name: 'S3_SECRET_ACCESS_KEY_FILE', value: '/var/run/secrets/cloudedu-attachments-s3/secret-access-key' },
      ]);
      expect(spec.volumes).toContainEqual(
        expect.objectContaining({ name: 'attachments-s3-credentials', secret: expect.objectContaining({ secretName: 'tm-files' }) }),
      );
      expect(spec.containers[0]!.volumeMounts).toContainEqual(
        expect.objectContaining({ name: 'attachments-s3-credentials', readOnly: true }),
      );
      // Not in the ConfigMap: the migration and backup pods load it and have no store of theirs.
      const data = named(objects, 'ConfigMap', full).data as Record<string, string>;
      expect(Object.keys(data).filter((k) => /^(S3_|ATTACHMENTS_)/.test(k))).toEqual([]);
      const migrate = podOwners(objects).find((o) => o.owner.metadata.name === `${full}-migrate`)!;
      expect(JSON.stringify(migrate.spec)).not.toContain('attachments-s3');
      const egress = named(objects, 'NetworkPolicy', `${full}-allow-app-to-object-store`);
      expect(at(egress, 'spec.egress')).toEqual([
        { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }] },
      ]);
    });

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
