// `taskmanager doctor` against kubectl outputs of each failure it knows, kept as fixtures (how
// they were made: tests/fixtures/README.md) and served by a fake kubectl on PATH: the whole path
// from the command line through kubectl's JSON to the printed diagnosis and the exit code. The
// rules on variations of the fixtures: doctor-rules.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/cli/commands/doctor.js';
import { FIXTURES, captureIo, fakeTools } from './fake-tools.js';
import type { FakeTools } from './fake-tools.js';

interface Expected {
  exit: number;
  ids: string[];
  mentions?: string[];
}

const scenarios = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

let fakes: FakeTools | undefined;
afterEach(() => fakes?.cleanup());

async function doctor(scenario: string, args: string[] = ['--env', 'dev']) {
  fakes = fakeTools(['kubectl'], { FAKE_KUBECTL_FIXTURES: path.join(FIXTURES, scenario) });
  const captured = captureIo(fakes.env);
  const code = await runDoctor(args, captured.io);
  return { code, out: captured.stdout(), err: captured.stderr(), calls: fakes.calls() };
}

const problemIds = (out: string): string[] =>
  [...out.matchAll(/^PROBLEM \[([a-z-]+)\]/gm)].map((m) => m[1] ?? '');

describe('taskmanager doctor on the fixture failures', () => {
  it('has a fixture for every failure the issue lists', () => {
    expect(scenarios).toEqual(
      expect.arrayContaining([
        'healthy',
        'err-image-never-pull',
        'image-pull-backoff',
        'mysql-dirty-volume',
        'waiting-for-database',
        'pvc-pending-no-default-storageclass',
        'pod-security-refused',
        'hpa-no-metrics-server',
        'secret-missing',
        // Recorded on the live cluster (tests/fixtures/README.md).
        'live-healthy',
        'live-err-image-never-pull',
        'live-mysql-password-mismatch',
        'live-pod-security-refused',
        'live-mysql-dirty-volume',
      ]),
    );
  });

  it.each(scenarios)('%s', async (scenario) => {
    const expected = JSON.parse(
      readFileSync(path.join(FIXTURES, scenario, 'expected.json'), 'utf8'),
    ) as Expected;
    const { code, out, err } = await doctor(scenario);
    expect(err).toBe('');
    expect(code).toBe(expected.exit);
    expect(problemIds(out).sort()).toEqual([...expected.ids].sort());
    for (const text of expected.mentions ?? []) expect(out).toContain(text);
    if (expected.exit === 0) expect(out).toMatch(/^no problems found$/m);
    else expect(out).toMatch(/^\d+ problems? found/m);
  });

  it('reads the cluster only through kubectl -o json (and logs of failing containers)', async () => {
    const { calls } = await doctor('mysql-dirty-volume', [
      '--env',
      'dev',
      '--context',
      'kind-cloudedu',
    ]);
    expect(calls.every((c) => c.tool === 'kubectl')).toBe(true);
    const gets = calls.filter((c) => c.args[2] === 'get');
    expect(gets.map((c) => c.args)).toEqual([
      ['--context', 'kind-cloudedu', 'get', 'namespace', 'cloudedu-dev', '-o', 'json'],
      [
        '--context',
        'kind-cloudedu',
        'get',
        'pods,replicasets,statefulsets,deployments,jobs,persistentvolumeclaims,horizontalpodautoscalers,services,ingresses',
        '-n',
        'cloudedu-dev',
        '-o',
        'json',
      ],
      ['--context', 'kind-cloudedu', 'get', 'events', '-n', 'cloudedu-dev', '-o', 'json'],
      ['--context', 'kind-cloudedu', 'get', 'storageclasses', '-o', 'json'],
      ['--context', 'kind-cloudedu', 'get', 'secrets', '-n', 'cloudedu-dev', '-o', 'json'],
    ]);
    expect(calls.filter((c) => c.args[2] === 'logs').map((c) => c.args.slice(2))).toContainEqual([
      'logs',
      'cloudedu-taskmanager-mysql-0',
      '-c',
      'mysql',
      '-n',
      'cloudedu-dev',
      '--tail',
      '40',
      '--previous',
    ]);
  });

  it('names the cause of the MySQL crash and each step of the safe reset in order', async () => {
    const { out } = await doctor('mysql-dirty-volume');
    expect(out).toContain('Invalid MySQL server downgrade');
    expect(out).toContain(
      'persistentvolumeclaim/data-cloudedu-taskmanager-mysql-0 is older than statefulset/cloudedu-taskmanager-mysql',
    );
    const order = [
      'scale statefulset/cloudedu-taskmanager-mysql --replicas=0',
      'get pvc data-cloudedu-taskmanager-mysql-0',
      'delete pvc data-cloudedu-taskmanager-mysql-0',
      'scale statefulset/cloudedu-taskmanager-mysql --replicas=1',
    ].map((step) => out.indexOf(step));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('reads the database mode from the release: MySQL scaled to zero is not an external database', async () => {
    const { out } = await doctor('mysql-scaled-to-zero');
    expect(out).toContain(
      'PROBLEM [mysql-scaled-to-zero] MySQL is scaled to zero: statefulset/cloudedu-taskmanager-mysql has no pod',
    );
    expect(out).toContain('(standalone mode)');
    expect(out).not.toMatch(/external|database-unreachable/);
  });

  it('quotes the error of a crash-looping MySQL, not the URL its log ends with', async () => {
    const { out } = await doctor('mysql-crashloop-mariadb');
    const seen = out.split('\n').find((l) => l.startsWith('  seen: 4 restarts'));
    expect(seen).toContain('[Warning] Failed to normalize the argument for --secure-file-priv.');
    expect(seen).not.toContain('https://');
  });

  it('names the init container a pending pod waits on instead of calling it running', async () => {
    const { out } = await doctor('waiting-in-init-container');
    expect(out).not.toContain('Running, not ready');
    expect(out).toContain(
      'PROBLEM [pod-not-ready] Pod cloudedu-taskmanager-migrate-7xk2p is not ready (waiting for init container db-bootstrap: running)',
    );
    // MySQL running its init container is merely starting: part of the app's finding, not its own.
    expect(problemIds(out).sort()).toEqual(['pod-not-ready', 'waiting-for-database']);
  });

  it('uses the namespace of --namespace over --env', async () => {
    const { calls } = await doctor('healthy', ['--namespace', 'team-a']);
    expect(calls.some((c) => c.args.join(' ') === 'get namespace team-a -o json')).toBe(true);
  });

  it('says in one line what to do when the cluster cannot be read', async () => {
    fakes = fakeTools(['kubectl'], {
      FAKE_KUBECTL_FIXTURES: path.join(FIXTURES, 'does-not-exist'),
    });
    const captured = captureIo(fakes.env);
    const code = await runDoctor([], captured.io);
    expect(code).toBe(1);
    expect(captured.stderr().trim().split('\n')).toHaveLength(1);
    expect(captured.stderr()).toMatch(
      /^taskmanager doctor: kubectl has no current context\. Next: /,
    );
  });

  it('says in one line that kubectl is missing', async () => {
    fakes = fakeTools([]);
    const captured = captureIo(fakes.env);
    expect(await runDoctor([], captured.io)).toBe(1);
    expect(captured.stderr()).toMatch(
      /^taskmanager doctor: kubectl not found on PATH: install kubectl/,
    );
  });
});
