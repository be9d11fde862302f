// The chart's scheduled backups through the real `helm template`: the CronJob exists exactly where
// the environment values turn it on, runs `taskmanager backup` with the retention, meets Pod
// Security "restricted", writes to a volume that outlives the release, and talks to nothing but
// the database and DNS. The restore Job renders only on demand.
import { describe, expect, it } from 'vitest';
import { requireTool } from '../support/tools.js';
import {
  allContainers,
  at,
  helmTemplate,
  mustRender,
  named,
  ofKind,
  podOwners,
  release,
} from './chart-helpers.js';
import type { K8sObject ,
  envs} from './chart-helpers.js';

const helm = requireTool('helm', 'go install helm.sh/helm/v3/cmd/helm');
const full = release;
const render = (env: (typeof envs)[number], extra: string[] = []) =>
  mustRender(helm.path!, env, extra).objects;

const backupPod = (objects: K8sObject[], kind: 'CronJob' | 'Job', name: string) => {
  const owner = podOwners(objects).find(
    (p) => p.owner.kind === kind && p.owner.metadata.name === name,
  );
  if (!owner) throw new Error(`${kind}/${name} not rendered`);
  return owner;
};

describe.skipIf(helm.skipReason)('chart: scheduled backups', () => {
  it.each([
    ['dev', false],
    ['staging', true],
    ['prod', true],
  ] as const)('%s: backups on = %s', (env, on) => {
    const objects = render(env);
    const cronJobs = ofKind(objects, 'CronJob').map((o) => o.metadata.name);
    const pvcs = ofKind(objects, 'PersistentVolumeClaim').map((o) => o.metadata.name);
    const policies = ofKind(objects, 'NetworkPolicy').map((o) => o.metadata.name);
    if (on) {
      expect(cronJobs).toEqual([`${full}-backup`]);
      expect(pvcs).toContain(`${full}-backups`);
      expect(policies).toContain(`${full}-allow-backup-egress`);
    } else {
      expect(cronJobs).toEqual([]);
      expect(pvcs).not.toContain(`${full}-backups`);
      expect(policies).not.toContain(`${full}-allow-backup-egress`);
    }
    expect(ofKind(objects, 'Job').map((o) => o.metadata.name)).not.toContain(`${full}-restore`);
  });

  it('runs `taskmanager backup --dir` with the retention of the environment, one run at a time', () => {
    const objects = render('prod');
    const cron = named(objects, 'CronJob', `${full}-backup`);
    expect(at(cron, 'spec.concurrencyPolicy')).toBe('Forbid');
    expect(at(cron, 'spec.schedule')).toBe('17 2 * * *');
    const { spec } = backupPod(objects, 'CronJob', `${full}-backup`);
    const [container] = spec.containers;
    expect(container!.command).toEqual(['node', 'dist/server/cli/index.js']);
    expect(container!.args).toEqual([
      'backup',
      '--dir',
      '/backups',
      '--keep-daily',
      '14',
      '--keep-weekly',
      '13',
    ]);
    const staging = backupPod(render('staging', ['--set', 'backup.includeSessions=true']), 'CronJob', `${full}-backup`);
    expect(staging.spec.containers[0]!.args).toEqual([
      'backup',
      '--dir',
      '/backups',
      '--keep-daily',
      '7',
      '--keep-weekly',
      '4',
      '--include-sessions',
    ]);
  });

  it('meets Pod Security "restricted" and mounts no service account token', () => {
    const { spec } = backupPod(render('staging'), 'CronJob', `${full}-backup`);
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.securityContext?.runAsNonRoot).toBe(true);
    expect(at(spec.securityContext, 'seccompProfile.type')).toBe('RuntimeDefault');
    for (const c of allContainers(spec)) {
      expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
      expect(c.securityContext?.readOnlyRootFilesystem).toBe(true);
      expect(at(c.securityContext, 'capabilities.drop')).toEqual(['ALL']);
      expect(c.resources?.limits?.memory).toBe('384Mi');
      // The database password comes from a file, never from an environment value.
      expect((c.env ?? []).map((e) => e.name)).toContain('DATABASE_PASSWORD_FILE');
      // (AUTH_MODE's value "password" is a mode, not a secret: judged by the variable's name.)
      const literalSecrets = (c.env ?? []).filter(
        (e) => /PASSWORD|SECRET/i.test(e.name) && !e.name.endsWith('_FILE') && e.value !== undefined,
      );
      expect(literalSecrets).toEqual([]);
    }
  });

  it('writes to a volume that `helm uninstall` keeps, or to an existing claim', () => {
    const objects = render('prod');
    const pvc = named(objects, 'PersistentVolumeClaim', `${full}-backups`);
    expect(at(pvc, 'metadata.annotations')).toMatchObject({ 'helm.sh/resource-policy': 'keep' });
    expect(at(pvc, 'spec.resources.requests.storage')).toBe('50Gi');
    const volumes = backupPod(objects, 'CronJob', `${full}-backup`).spec.volumes ?? [];
    expect(volumes.find((v) => v.name === 'backups')).toEqual({
      name: 'backups',
      persistentVolumeClaim: { claimName: `${full}-backups` },
    });

    const existing = render('prod', ['--set', 'backup.persistence.existingClaim=nfs-backups']);
    expect(ofKind(existing, 'PersistentVolumeClaim').map((o) => o.metadata.name)).not.toContain(
      `${full}-backups`,
    );
    const claim = (backupPod(existing, 'CronJob', `${full}-backup`).spec.volumes ?? []).find(
      (v) => v.name === 'backups',
    );
    expect(claim).toEqual({ name: 'backups', persistentVolumeClaim: { claimName: 'nfs-backups' } });
  });

  it('binds and checks a created backup volume at once, so `helm --wait` never waits for the schedule', () => {
    // A WaitForFirstConsumer claim stays Pending until a pod uses it (helm/helm#10733).
    const objects = render('prod');
    const check = backupPod(objects, 'Job', `${full}-backup-volume-r1`);
    expect(check.spec.volumes).toContainEqual({
      name: 'backups',
      persistentVolumeClaim: { claimName: `${full}-backups` },
    });
    expect(check.spec.automountServiceAccountToken).toBe(false);
    expect(check.spec.securityContext?.runAsNonRoot).toBe(true);
    for (const c of allContainers(check.spec)) {
      expect(c.securityContext?.readOnlyRootFilesystem).toBe(true);
      expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
      expect(c.env ?? []).toEqual([]);
    }
    // No network: the backup egress policy does not select it (default deny applies).
    expect(check.metadata.labels?.['app.kubernetes.io/component']).toBe('backup-volume');
    // An existing claim is the operator's: nothing to bind or check.
    const existing = render('prod', ['--set', 'backup.persistence.existingClaim=nfs-backups']);
    expect(ofKind(existing, 'Job').map((o) => o.metadata.name)).not.toContain(
      `${full}-backup-volume-r1`,
    );
    expect(ofKind(render('dev'), 'Job').map((o) => o.metadata.name)).not.toContain(
      `${full}-backup-volume-r1`,
    );
  });

  it.each([
    ['staging', [{ port: 3306, protocol: 'TCP' }]],
    [
      'prod',
      [
        { port: 6446, protocol: 'TCP' },
        { port: 6447, protocol: 'TCP' },
      ],
    ],
  ] as const)('%s: its NetworkPolicy allows egress to the database and DNS only, no ingress', (env, dbPorts) => {
    const objects = render(env);
    const policy = named(objects, 'NetworkPolicy', `${full}-allow-backup-egress`);
    expect(at(policy, 'spec.policyTypes')).toEqual(['Ingress', 'Egress']);
    expect(at(policy, 'spec.ingress')).toBeUndefined();
    expect(at(policy, 'spec.podSelector.matchExpressions')).toContainEqual({
      key: 'app.kubernetes.io/component',
      operator: 'In',
      values: ['backup', 'restore'],
    });
    const egress = at(policy, 'spec.egress') as { ports: unknown[] }[];
    expect(egress.map((rule) => rule.ports)).toEqual([
      dbPorts,
      [
        { port: 53, protocol: 'UDP' },
        { port: 53, protocol: 'TCP' },
      ],
    ]);
    // The backup pod's labels are the ones the policy selects.
    const labels = backupPod(objects, 'CronJob', `${full}-backup`).metadata.labels ?? {};
    expect(labels['app.kubernetes.io/component']).toBe('backup');
    if (env === 'staging') {
      // The standalone MySQL admits the backup pods.
      const mysqlIngress = named(objects, 'NetworkPolicy', `${full}-allow-mysql-from-app`);
      expect(JSON.stringify(at(mysqlIngress, 'spec.ingress'))).toContain('"backup"');
    }
  });

  it('carries its own way to the database when the release takes no backups (runbook, --show-only)', () => {
    const objects = render('dev', ['--set', 'backup.restore.file=taskmanager-x.ndjson.gz']);
    const policy = named(objects, 'NetworkPolicy', `${full}-allow-restore-egress`);
    expect(at(policy, 'spec.podSelector.matchLabels')).toMatchObject({
      'app.kubernetes.io/component': 'restore',
    });
    expect((at(policy, 'spec.egress') as { ports: unknown[] }[])[0]!.ports).toEqual([
      { port: 3306, protocol: 'TCP' },
    ]);
    // With backups on, allow-backup-egress already admits restore pods.
    const on = render('staging', ['--set', 'backup.restore.file=taskmanager-x.ndjson.gz']);
    expect(ofKind(on, 'NetworkPolicy').map((p) => p.metadata.name)).not.toContain(
      `${full}-allow-restore-egress`,
    );
  });

  it('renders the restore Job only on demand, with the archive from the backup volume', () => {
    const objects = render('prod', [
      '--set',
      'backup.restore.file=taskmanager-20261201T021700Z.ndjson.gz',
      '--set',
      'backup.restore.force=true',
    ]);
    const job = named(objects, 'Job', `${full}-restore`);
    expect(at(job, 'spec.backoffLimit')).toBe(0);
    const { spec } = backupPod(objects, 'Job', `${full}-restore`);
    expect(spec.containers[0]!.args).toEqual([
      'restore',
      '/backups/taskmanager-20261201T021700Z.ndjson.gz',
      '--force',
    ]);
    expect(spec.automountServiceAccountToken).toBe(false);

    const traversal = helmTemplate(helm.path!, 'prod', ['--set', 'backup.restore.file=../etc/passwd']);
    expect(traversal.status).not.toBe(0);
    expect(traversal.stderr).toMatch(/backup.restore.file.*does not match pattern/);
  });
});

describe.skipIf(helm.skipReason)('chart: backups to an S3-compatible bucket', () => {
  const s3 = [
    ...['--set', 'backup.s3.enabled=true'],
    ...['--set', 'backup.s3.endpoint=https://s3.eu-west-1.amazonaws.com'],
    ...['--set', 'backup.s3.region=eu-west-1'],
    ...['--set', 'backup.s3.bucket=acme-taskmanager-backups'],
    ...['--set', 'backup.s3.prefix=prod/'],
    ...['--set', 'backup.s3.existingSecret=tm-backup-s3'],
  ];

  it('runs `taskmanager backup --dir s3://…` with the retention, and needs no backup volume', () => {
    const objects = render('prod', s3);
    const { spec } = backupPod(objects, 'CronJob', `${full}-backup`);
    expect(spec.containers[0]!.args).toEqual([
      'backup',
      '--dir',
      's3://acme-taskmanager-backups/prod/',
      '--keep-daily',
      '14',
      '--keep-weekly',
      '13',
    ]);
    expect(ofKind(objects, 'PersistentVolumeClaim').map((o) => o.metadata.name)).not.toContain(
      `${full}-backups`,
    );
    expect(ofKind(objects, 'Job').map((o) => o.metadata.name)).not.toContain(`${full}-backup-volume-r1`);
    expect((spec.volumes ?? []).map((v) => v.name)).not.toContain('backups');
    // The bucket's root when no prefix is given.
    const root = backupPod(render('prod', [...s3, '--set', 'backup.s3.prefix=']), 'CronJob', `${full}-backup`);
    expect(root.spec.containers[0]!.args![2]).toBe('s3://acme-taskmanager-backups/');
  });

  it('mounts the access key read-only as files, never env values, and still meets Pod Security "restricted"', () => {
    const { spec } = backupPod(render('prod', s3), 'CronJob', `${full}-backup`);
    expect(spec.volumes).toContainEqual({
      name: 's3-credentials',
      secret: {
        secretName: 'tm-backup-s3',
        defaultMode: expect.any(Number),
        items: [
          { key: 'access-key-id', path: 'access-key-id' },
          { key: 'secret-access-key', path: 'secret-access-key' },
        ],
      },
    });
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.securityContext?.runAsNonRoot).toBe(true);
    expect(at(spec.securityContext, 'seccompProfile.type')).toBe('RuntimeDefault');
    const [container] = spec.containers;
    expect(container!.volumeMounts).toContainEqual({
      name: 's3-credentials',
      mountPath: '/var/run/secrets/cloudedu-s3',
      readOnly: true,
    });
    const env = Object.fromEntries((container!.env ?? []).map((e) => [e.name, e]));
    expect(env.S3_ENDPOINT).toEqual({ name: 'S3_ENDPOINT', value: 'https://s3.eu-west-1.amazonaws.com' });
    expect(env.S3_REGION).toEqual({ name: 'S3_REGION', value: 'eu-west-1' });
    expect(env.S3_ACCESS_KEY_ID_FILE?.value).toBe('/var/run/secrets/cloudedu-s3/access-key-id');
    expect(env.S3_SECRET_ACCESS_KEY_FILE?.value).toBe('/var/run/secrets/cloudedu-s3/secret-access-key');
    expect(env.S3_ACCESS_KEY_ID).toBeUndefined();
    expect(env.S3_SECRET_ACCESS_KEY).toBeUndefined();
    for (const c of allContainers(spec)) {
      expect(c.envFrom).toBeUndefined();
      expect((c.env ?? []).filter((e) => e.valueFrom !== undefined)).toEqual([]);
      expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
      expect(c.securityContext?.readOnlyRootFilesystem).toBe(true);
      expect(c.securityContext?.runAsNonRoot).toBe(true);
      expect(at(c.securityContext, 'capabilities.drop')).toEqual(['ALL']);
      expect(at(c.securityContext, 'seccompProfile.type')).toBe('RuntimeDefault');
    }
  });

  it('lets the backup and restore pods reach the store (networkPolicy.s3Endpoint), nothing more', () => {
    const egressPorts = (objects: K8sObject[], name: string) =>
      (at(named(objects, 'NetworkPolicy', name), 'spec.egress') as { to: unknown[]; ports: unknown[] }[]);
    const staging = egressPorts(render('staging', s3), `${full}-allow-backup-egress`);
    expect(staging).toEqual([
      expect.objectContaining({ ports: [{ port: 3306, protocol: 'TCP' }] }),
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }] },
      expect.objectContaining({
        ports: [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'TCP' },
        ],
      }),
    ]);
    const narrowed = egressPorts(
      render('staging', [
        ...s3,
        ...['--set', 'networkPolicy.s3Endpoint.cidrs={203.0.113.0/24}'],
        ...['--set', 'networkPolicy.s3Endpoint.ports={9000}'],
      ]),
      `${full}-allow-backup-egress`,
    );
    expect(narrowed[1]).toEqual({
      to: [{ ipBlock: { cidr: '203.0.113.0/24' } }],
      ports: [{ port: 9000, protocol: 'TCP' }],
    });
    // The app never gets that egress: only backup and restore pods are selected.
    const app = ofKind(render('staging', s3), 'NetworkPolicy').filter((p) =>
      JSON.stringify(at(p, 'spec.egress') ?? []).includes('"port":443') &&
      JSON.stringify(at(p, 'spec.podSelector')).includes('"app"'),
    );
    expect(app.map((p) => p.metadata.name)).toEqual([]);
    // A release without scheduled backups restores from the bucket through its own policy.
    const restoreOnly = egressPorts(
      render('dev', [...s3, '--set', 'backup.restore.file=taskmanager-20261201T021700Z.ndjson.gz']),
      `${full}-allow-restore-egress`,
    );
    expect(restoreOnly[1]).toEqual({
      to: [{ ipBlock: { cidr: '0.0.0.0/0' } }],
      ports: [{ port: 443, protocol: 'TCP' }],
    });
  });

  it('restores from the bucket: the restore Job reads s3://bucket/prefix/FILE', () => {
    const objects = render('prod', [
      ...s3,
      '--set',
      'backup.restore.file=taskmanager-20261201T021700Z.ndjson.gz',
    ]);
    const { spec } = backupPod(objects, 'Job', `${full}-restore`);
    expect(spec.containers[0]!.args).toEqual([
      'restore',
      's3://acme-taskmanager-backups/prod/taskmanager-20261201T021700Z.ndjson.gz',
    ]);
    expect((spec.volumes ?? []).map((v) => v.name)).toContain('s3-credentials');
    expect((spec.volumes ?? []).map((v) => v.name)).not.toContain('backups');
  });

  it.each([
    ['no endpoint', ['--set', 'backup.s3.endpoint='], 'backup.s3.endpoint is required'],
    ['no bucket', ['--set', 'backup.s3.bucket='], 'backup.s3.bucket is required'],
    ['no Secret', ['--set', 'backup.s3.existingSecret='], 'backup.s3.existingSecret is required'],
    ['a plain http endpoint', ['--set', 'backup.s3.endpoint=http://minio:9000'], '/backup/s3/endpoint'],
    ['a bucket name S3 refuses', ['--set', 'backup.s3.bucket=Acme_Backups'], '/backup/s3/bucket'],
    ['a prefix with a leading slash', ['--set', 'backup.s3.prefix=/prod'], '/backup/s3/prefix'],
  ])('refuses %s', (_what, args, message) => {
    const result = helmTemplate(helm.path!, 'prod', [...s3, ...args]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(message);
  });

  it('mounts the files the configuration names (SMTP URL, OIDC client secret) into backup pods too', () => {
    // The backup command loads the whole configuration: a *_FILE without its file is an error.
    const objects = render('prod', [
      ...['--set', 'config.smtp.existingSecret=tm-smtp', '--set', 'config.smtp.from=tasks@example.com'],
      ...['--set', 'config.oidc.issuer=https://sso.example.com', '--set', 'config.oidc.clientId=tm'],
      ...['--set', 'config.oidc.existingSecret=tm-oidc'],
    ]);
    const { spec } = backupPod(objects, 'CronJob', `${full}-backup`);
    const [container] = spec.containers;
    const env = Object.fromEntries((container!.env ?? []).map((e) => [e.name, e.value]));
    const mounts = container!.volumeMounts ?? [];
    for (const [variable, volume] of [
      ['SMTP_URL_FILE', 'smtp-url'],
      ['OIDC_CLIENT_SECRET_FILE', 'oidc-client-secret'],
    ] as const) {
      const mount = mounts.find((m) => m.name === volume);
      expect(mount?.readOnly).toBe(true);
      expect(env[variable]!.startsWith(`${mount!.mountPath}/`)).toBe(true);
      expect((spec.volumes ?? []).map((v) => v.name)).toContain(volume);
    }
  });
});
