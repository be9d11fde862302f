// The Ansible layer checked with the real tools: ansible-lint (production profile, offline, with
// the kubernetes.core collection installed), --syntax-check of every playbook against every
// inventory, and ansible-inventory parsing each inventory. The play itself runs on a live
// cluster in tests/cluster/ansible.test.ts.
import { copyFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { requireTool, run } from '../support/tools.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ANSIBLE = path.join(ROOT, 'deploy', 'ansible');
const CHART = path.join(ROOT, 'deploy', 'helm', 'cloudedu-taskmanager');
const ENVS = ['dev', 'staging', 'prod'];
const hint = 'pip install -r scripts/ci/requirements.txt';

const lint = requireTool('ansible-lint', hint);
const playbook = requireTool('ansible-playbook', hint);
const inventory = requireTool('ansible-inventory', hint);
const galaxy = requireTool('ansible-galaxy', hint);

const playbooks = readdirSync(ANSIBLE).filter((f) => /\.ya?ml$/.test(f) && f !== 'requirements.yml');
// ansible.cfg in deploy/ansible is read from the working directory.
const env = { ...process.env, ANSIBLE_NOCOLOR: '1', NO_COLOR: '1', PY_COLORS: '0' };

describe.skipIf(lint.skipReason)('ansible-lint', () => {
  it('passes the production profile with no warning', { timeout: 180_000 }, () => {
    const result = run(lint.path ?? '', ['--nocolor'], { cwd: ANSIBLE, env, timeoutMs: 170_000 });
    const output = `${result.stdout}\n${result.stderr}`;
    expect(output, output).toContain("Profile 'production' was required, and it passed");
    expect(result.status, output).toBe(0);
  });
});

describe.skipIf(playbook.skipReason)('ansible-playbook --syntax-check', () => {
  it('finds the playbooks', () => {
    expect(playbooks).toContain('site.yml');
  });

  for (const book of playbooks) {
    it.each(ENVS)(`${book} with the %s inventory`, { timeout: 60_000 }, (name) => {
      const result = run(playbook.path ?? '', ['--syntax-check', '-i', path.join('inventories', name), book], { cwd: ANSIBLE, env });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toContain(`playbook: ${book}`);
    });
  }
});

describe.skipIf(inventory.skipReason)('ansible-inventory --list', () => {
  it.each(ENVS)('parses the %s inventory into one local host with its environment', { timeout: 60_000 }, (name) => {
    const result = run(inventory.path ?? '', ['-i', path.join('inventories', name), '--list'], { cwd: ANSIBLE, env });
    expect(result.status, result.stderr).toBe(0);
    const parsed = JSON.parse(result.stdout) as {
      cloudedu: { hosts: string[] };
      _meta: { hostvars: Record<string, Record<string, string>> };
    };
    expect(parsed.cloudedu.hosts).toEqual(['localhost']);
    const vars = parsed._meta.hostvars.localhost ?? {};
    expect(vars.ansible_connection).toBe('local');
    expect(vars.cloudedu_env).toBe(name);
    expect(vars.cloudedu_namespace).toBe(`cloudedu-${name}`);
    // The values file each inventory names is one the chart has.
    const valuesFile = (vars.cloudedu_values_file ?? '').replace('{{ cloudedu_chart_path }}', CHART);
    expect(path.basename(valuesFile)).toBe(`values-${name}.yaml`);
    expect(() => readFileSync(valuesFile)).not.toThrow();
  });
});

describe.skipIf(galaxy.skipReason)('requirements.yml', () => {
  it('pins the kubernetes.core version that is installed for the linters', { timeout: 60_000 }, () => {
    const pinned = parse(readFileSync(path.join(ANSIBLE, 'requirements.yml'), 'utf8')) as {
      collections: { name: string; version: string }[];
    };
    const core = pinned.collections.find((c) => c.name === 'kubernetes.core');
    expect(core?.version).toMatch(/^\d+\.\d+\.\d+$/);
    const result = run(galaxy.path ?? '', ['collection', 'list', 'kubernetes.core', '--format', 'json'], { cwd: ANSIBLE, env });
    expect(result.status, result.stderr).toBe(0);
    const installed = Object.values(JSON.parse(result.stdout) as Record<string, Record<string, { version: string }>>)
      .flatMap((byName) => Object.values(byName))
      .map((c) => c.version);
    expect(installed).toContain(core?.version);
  });
});

describe('secrets role', () => {
  type Task = Record<string, unknown> & { name: string; no_log?: boolean };
  const tasks = parse(readFileSync(path.join(ANSIBLE, 'roles', 'secrets', 'tasks', 'main.yml'), 'utf8')) as Task[];

  it('keeps every task that reads, generates or writes a Secret out of the log', () => {
    const touching = tasks.filter((t) => /Secret|password/i.test(JSON.stringify(t)) && !('ansible.builtin.assert' in t));
    expect(touching.length).toBeGreaterThanOrEqual(3);
    for (const task of touching) expect(task.no_log, task.name).toBe(true);
  });

  it('creates the Secret only when none exists (a second run changes nothing)', () => {
    const create = tasks.find((t) => 'kubernetes.core.k8s' in t);
    expect(create?.when).toBe('secrets_db.resources | length == 0');
  });
});

// The play run for real up to where a cluster is needed: fake kubectl and helm on PATH, no
// cluster. It must stop at the first missing prerequisite with the message that says what to do.
const python = requireTool('python3', hint);
const CLUSTER_TOOLS = new Set(['kubectl', 'helm', 'kind', 'minikube', 'docker', 'podman', 'nerdctl']);
describe.skipIf(playbook.skipReason ?? python.skipReason)('the prerequisites role, run', () => {
  const interpreter = run(python.path ?? '', ['-c', 'import sys; print(sys.executable)']).stdout.trim();
  const hasClient = run(interpreter, ['-c', 'import kubernetes']).status === 0;

  function play(inventoryName: string, tools: string[]): { status: number; output: string } {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ansible-prereq-'));
    try {
      for (const tool of tools) {
        copyFileSync(path.join(ROOT, 'tests', 'fixtures', 'fake-tools', 'fake-tool.mjs'), path.join(dir, tool));
        chmodSync(path.join(dir, tool), 0o755);
      }
      symlinkSync(process.execPath, path.join(dir, 'node'));
      // The system's commands (ansible's local connection needs sh, mkdir, rm …) without any real
      // kubectl, helm or engine that may live there: each is linked in one by one.
      const system = path.join(dir, 'system');
      mkdirSync(system);
      for (const name of readdirSync('/usr/bin')) {
        if (!CLUSTER_TOOLS.has(name)) symlinkSync(path.join('/usr/bin', name), path.join(system, name));
      }
      const result = run(interpreter, ['-m', 'ansible', 'playbook', '-i', path.join('inventories', inventoryName), 'site.yml'], {
        cwd: ANSIBLE,
        timeoutMs: 110_000,
        env: {
          PATH: [dir, system].join(path.delimiter),
          HOME: dir,
          ANSIBLE_NOCOLOR: '1',
          ANSIBLE_LOCAL_TEMP: path.join(dir, 'tmp'),
          FAKE_KUBECTL_FIXTURES: path.join(ROOT, 'tests', 'fixtures', 'doctor', 'healthy'),
        },
      });
      return { status: result.status, output: `${result.stdout}${result.stderr}` };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('stops at once when kubectl is missing', { timeout: 120_000 }, () => {
    const { status, output } = play('dev', ['helm']);
    expect(status).not.toBe(0);
    expect(output).toContain('kubectl not found: install it');
    expect(output).toMatch(/ok=1 +changed=0 +unreachable=0 +failed=1/);
  });

  it('gets past kubectl and helm, then names the next missing piece', { timeout: 120_000 }, () => {
    // The fake kubeconfig has only kind-cloudedu; staging expects cloudedu-staging.
    const { status, output } = play('staging', ['kubectl', 'helm']);
    expect(status).not.toBe(0);
    expect(output).not.toContain('kubectl not found');
    expect(output).not.toContain('Helm 3 not found');
    if (hasClient) {
      expect(output).toContain("Context 'cloudedu-staging' (environment staging) is not in your kubeconfig (found: kind-cloudedu)");
    } else {
      expect(output).toContain("Python package 'kubernetes' missing");
    }
    expect(output).toMatch(/changed=0/);
  });
});

describe('observability role', () => {
  const defaults = parse(readFileSync(path.join(ANSIBLE, 'roles', 'observability', 'defaults', 'main.yml'), 'utf8')) as {
    observability_namespace: string;
    observability_charts: { name: string; chart: string; repo: string; version: string }[];
  };
  const readme = readFileSync(path.join(ROOT, 'deploy', 'observability', 'README.md'), 'utf8');

  it('ships logs with Grafana Alloy (chart grafana/alloy 1.1.2), not the retired Promtail', () => {
    expect(defaults.observability_charts.find((c) => c.name === 'alloy')).toEqual({
      name: 'alloy',
      chart: 'alloy',
      repo: 'https://grafana.github.io/helm-charts',
      version: '1.1.2',
    });
    const role = ['defaults', 'tasks', 'meta']
      .map((dir) => readFileSync(path.join(ANSIBLE, 'roles', 'observability', dir, 'main.yml'), 'utf8'))
      .join('\n');
    expect(role.toLowerCase()).not.toContain('promtail');
    const alloy = parse(readFileSync(path.join(ROOT, 'deploy', 'observability', 'values', 'alloy.yaml'), 'utf8')) as {
      controller: { type: string };
      alloy: { configMap: { content: string } };
    };
    expect(alloy.controller.type).toBe('daemonset');
    expect(alloy.alloy.configMap.content).toContain('loki.write');
  });

  it("installs into the namespace the app chart's NetworkPolicies and tracing endpoint expect", () => {
    const namespace = defaults.observability_namespace;
    const values = parse(readFileSync(path.join(CHART, 'values.yaml'), 'utf8')) as {
      tracing: { endpoint: string };
      networkPolicy: Record<string, { namespaceSelector: Record<string, string> }>;
    };
    for (const flow of ['prometheus', 'otlpCollector']) {
      expect(values.networkPolicy[flow]?.namespaceSelector, flow).toEqual({ 'kubernetes.io/metadata.name': namespace });
    }
    expect(new URL(values.tracing.endpoint).hostname).toBe(`opentelemetry-collector.${namespace}.svc`);
  });

  it.each(defaults.observability_charts.map((c) => [c.name, c]))('installs %s at the documented version with its values file', (_name, chart) => {
    expect(() => readFileSync(path.join(ROOT, 'deploy', 'observability', 'values', `${chart.name}.yaml`))).not.toThrow();
    const line = readme.split('\n').findIndex((l) => l.includes(`helm upgrade --install ${chart.name} `));
    expect(line, `${chart.name} in deploy/observability/README.md`).toBeGreaterThanOrEqual(0);
    const command = readme.split('\n').slice(line, line + 2).join(' ');
    expect(command).toContain(`--version ${chart.version}`);
  });
});
