// Issue 16, proof 4: the policies are real on a cluster that enforces them (kube-router). The
// NetworkPolicies keep pods of another namespace away from MySQL, the app's port and its metrics
// port (also through the NodePort), while the app reaches MySQL and the cluster DNS; the app's
// ServiceAccount has no API rights and no token; the people's ClusterRoles grant what they say;
// the generated database Secret survives `helm upgrade`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Cluster,
  NAMESPACE,
  NODE_PORT,
  RELEASE,
  clusterContext,
  readyRelease,
  waitFor,
} from './support.js';

const ctx = clusterContext();
const PROBE_NS = 'cloudedu-probe';
const mysqlService = `${RELEASE}-mysql.${NAMESPACE}.svc.cluster.local`;
const appService = `${RELEASE}.${NAMESPACE}.svc.cluster.local`;

/** One pod, many targets: {target: "connected" | "timeout" | "error <code>"}. */
function reachScript(targets: [string, string, number][]): string {
  return `import net from 'node:net';
const targets = ${JSON.stringify(targets)};
const probe = ([, host, port]) => new Promise((resolve) => {
  const s = net.connect({ host, port, timeout: 3000 });
  s.on('connect', () => { s.destroy(); resolve('connected'); });
  s.on('timeout', () => { s.destroy(); resolve('timeout'); });
  s.on('error', (e) => resolve('error ' + e.code));
});
const out = {};
for (const t of targets) out[t[0]] = await probe(t);
console.log(JSON.stringify(out));`;
}

describe.skipIf(ctx.skipReason)('policies on a real cluster', () => {
  const cluster = new Cluster(ctx);
  let appPodIP = '';
  let mysqlPodIP = '';
  let appPod = '';

  beforeAll(async () => {
    await readyRelease(cluster);
    const [app] = await cluster.pods('app');
    const [mysql] = await cluster.pods('mysql');
    appPod = app!.metadata.name;
    appPodIP = app!.status.podIP!;
    mysqlPodIP = mysql!.status.podIP!;
    await cluster
      .must(['create', 'namespace', PROBE_NS, '--dry-run=client', '-o', 'json'])
      .then((ns) => cluster.must(['apply', '-f', '-'], { input: ns }));
  }, 20 * 60_000);

  afterAll(async () => {
    if (!ctx.skipReason) await cluster.kubectl(['delete', 'namespace', PROBE_NS, '--wait=false']);
  });

  it('keeps a pod of another namespace away from MySQL, the app port and the metrics port', async () => {
    const targets: [string, string, number][] = [
      ['mysql service', mysqlService, 3306],
      ['mysql pod', mysqlPodIP, 3306],
      ['app service', appService, 80],
      ['app pod http', appPodIP, 8080],
      ['app pod metrics', appPodIP, 9464],
      ['node port', ctx.nodeIP, NODE_PORT],
      // Positive control: the probe pod's own network works (the API server answers it).
      ['kubernetes api', 'kubernetes.default.svc.cluster.local', 443],
    ];
    const result = await cluster.nodePod(PROBE_NS, 'reach', reachScript(targets));
    expect(result.status, result.stderr + result.stdout).toBe(0);
    const reached = JSON.parse(result.stdout.trim().split('\n').pop()!) as Record<string, string>;
    console.log(`from namespace ${PROBE_NS}: ${JSON.stringify(reached)}`);
    expect(reached['kubernetes api']).toBe('connected');
    for (const [name] of targets.slice(0, -1)) expect(reached[name], name).not.toBe('connected');
  });

  it('keeps a pod of the same namespace without the release labels away from MySQL', async () => {
    const result = await cluster.nodePod(
      NAMESPACE,
      'reach-same-namespace',
      reachScript([['mysql', mysqlPodIP, 3306]]),
    );
    const reached = JSON.parse(result.stdout.trim().split('\n').pop()!) as Record<string, string>;
    expect(reached.mysql).not.toBe('connected');
  });

  it('lets the app reach MySQL by its DNS name, and nothing else (no API server)', async () => {
    const script = `import dns from 'node:dns/promises';
${reachScript([
  ['mysql', mysqlService, 3306],
  ['kubernetes api', 'kubernetes.default.svc.cluster.local', 443],
]).replace(
  'console.log(JSON.stringify(out));',
  'out.dns = (await dns.lookup(' +
    JSON.stringify(mysqlService) +
    ')).address; console.log(JSON.stringify(out));',
)}`;
    const r = await cluster.execNode(NAMESPACE, appPod, script);
    expect(r.status, r.stderr).toBe(0);
    const reached = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, string>;
    console.log(`from the app pod: ${JSON.stringify(reached)}`);
    expect(reached.dns).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(reached.mysql).toBe('connected');
    expect(reached['kubernetes api']).not.toBe('connected');
  });

  it('gives the app ServiceAccount no API rights and mounts no token', async () => {
    const sa = `system:serviceaccount:${NAMESPACE}:${RELEASE}`;
    for (const [verb, resource] of [
      ['get', 'pods'],
      ['list', 'secrets'],
      ['get', 'configmaps'],
      ['create', 'deployments.apps'],
      ['list', 'namespaces'],
      ['create', 'pods/exec'],
    ]) {
      const r = await cluster.kubectl([
        'auth',
        'can-i',
        verb!,
        resource!,
        '-n',
        NAMESPACE,
        '--as',
        sa,
      ]);
      expect(r.stdout.trim(), `${verb} ${resource}`).toBe('no');
    }
    const token = await cluster.execNode(
      NAMESPACE,
      appPod,
      "import fs from 'node:fs'; console.log(fs.existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token'));",
    );
    expect(token.stdout.trim()).toBe('false');
  });

  it('grants the admin and developer ClusterRoles what they say, and keeps the Secret across upgrades', async () => {
    const secretBefore = await cluster.json<{ data: Record<string, string> }>([
      'get',
      'secret',
      `${RELEASE}-db`,
      '-n',
      NAMESPACE,
    ]);
    const upgrade = await cluster.upgrade([
      '--set',
      'rbac.adminGroups={cloudedu-platform}',
      '--set',
      'rbac.developerGroups={cloudedu-developers}',
    ]);
    expect(upgrade.status, upgrade.stderr).toBe(0);
    const secretAfter = await cluster.json<{ data: Record<string, string> }>([
      'get',
      'secret',
      `${RELEASE}-db`,
      '-n',
      NAMESPACE,
    ]);
    expect(secretAfter.data).toEqual(secretBefore.data);

    const can = async (group: string, verb: string, resource: string, namespace = NAMESPACE) =>
      (
        await cluster.kubectl([
          'auth',
          'can-i',
          verb,
          resource,
          '-n',
          namespace,
          '--as',
          'someone',
          '--as-group',
          group,
        ])
      ).stdout.trim();
    const matrix: [string, string, string, string, string?][] = [
      // group, verb, resource, expected, namespace
      ['cloudedu-developers', 'get', 'pods', 'yes'],
      ['cloudedu-developers', 'get', 'pods/log', 'yes'],
      ['cloudedu-developers', 'list', 'deployments.apps', 'yes'],
      ['cloudedu-developers', 'get', 'secrets', 'no'],
      ['cloudedu-developers', 'create', 'pods/exec', 'no'],
      ['cloudedu-developers', 'create', 'pods/portforward', 'no'],
      ['cloudedu-developers', 'delete', 'pods', 'no'],
      ['cloudedu-developers', 'get', 'pods', 'no', 'default'],
      ['cloudedu-platform', 'get', 'secrets', 'yes'],
      ['cloudedu-platform', 'patch', 'deployments.apps', 'yes'],
      ['cloudedu-platform', 'create', 'pods/exec', 'yes'],
      ['cloudedu-platform', 'create', 'rolebindings.rbac.authorization.k8s.io', 'no'],
      ['cloudedu-platform', 'update', 'roles.rbac.authorization.k8s.io', 'no'],
      ['cloudedu-platform', 'get', 'secrets', 'no', 'default'],
    ];
    const seen = [];
    for (const [group, verb, resource, expected, namespace] of matrix) {
      const answer = await can(group, verb, resource, namespace);
      seen.push(`${group} ${verb} ${resource} ${namespace ?? NAMESPACE}: ${answer}`);
      expect(answer, `${group} ${verb} ${resource} in ${namespace ?? NAMESPACE}`).toBe(expected);
    }
    console.log(seen.join('\n'));
    // The app still logs in with the kept password.
    await waitFor('readyz 200', async () =>
      (await fetch(`http://${ctx.nodeIP}:${NODE_PORT}/readyz`)).status === 200 ? true : undefined,
    );
  });
});
