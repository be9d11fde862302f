// The Ansible layer checked with the real tools: ansible-lint (production profile, offline, with
// the kubernetes.core collection installed), --syntax-check of every playbook against every
// inventory, and ansible-inventory parsing each inventory. No cluster runs here, so the play
// itself is not executed (see docs/deploy.md).
import { readFileSync, readdirSync } from 'node:fs';
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
