// The `taskmanager` entry point itself (src/cli/index.ts, run through tsx so the test does not
// depend on a fresh build): the three commands are listed, `--help` works on each, errors are one
// line with exit code 2 for usage and 1 for problems.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, REPO_ROOT, fakeTools } from './fake-tools.js';
import type { FakeTools } from './fake-tools.js';

let fakes: FakeTools | undefined;
afterEach(() => fakes?.cleanup());

function taskmanager(args: string[], scenario = 'healthy') {
  fakes = fakeTools(['kubectl', 'helm', 'kind', 'docker'], {
    FAKE_KUBECTL_FIXTURES: path.join(FIXTURES, scenario),
  });
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join('src', 'cli', 'index.ts'), ...args],
    {
      cwd: REPO_ROOT,
      env: fakes.env,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return { code: result.status, out: result.stdout, err: result.stderr, calls: fakes.calls() };
}

describe('taskmanager entry point', { timeout: 90_000 }, () => {
  it('lists deploy, status and doctor', () => {
    const { code, out } = taskmanager(['--help']);
    expect(code).toBe(0);
    for (const name of ['deploy', 'status', 'doctor'])
      expect(out).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
  });

  it.each([
    [
      'deploy',
      [
        '--env',
        '--context',
        '--namespace',
        '--tag',
        '--image',
        '--engine',
        '--no-build',
        '--cluster',
        '--timeout',
        '--dry-run',
      ],
    ],
    ['status', ['--env', '--namespace', '--context', '--cluster', '--events']],
    ['doctor', ['--env', '--namespace', '--context', '--cluster']],
  ])('%s --help documents every option', (name, options) => {
    const { code, out, calls } = taskmanager([name, '--help']);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^Usage: taskmanager ${name}`));
    for (const option of options) expect(out).toContain(option);
    expect(calls).toEqual([]);
  });

  it('exits 2 with one line on a usage error', () => {
    const { code, err } = taskmanager(['deploy', '--env', 'qa']);
    expect(code).toBe(2);
    expect(err).toBe('taskmanager deploy: --env must be dev, staging or prod, not "qa"\n');
  });

  it('deploy --dry-run runs nothing', () => {
    const { code, out, calls } = taskmanager([
      'deploy',
      '--env',
      'dev',
      '--context',
      'kind-cloudedu',
      '--dry-run',
    ]);
    expect(code).toBe(0);
    expect(out).toContain('Nothing was run.');
    expect(calls).toEqual([]);
  });

  it('doctor exits 0 on a healthy install and 1 on a broken one', () => {
    expect(taskmanager(['doctor']).code).toBe(0);
    const broken = taskmanager(['doctor'], 'secret-missing');
    expect(broken.code).toBe(1);
    expect(broken.out).toContain('PROBLEM [secret-missing]');
  });
});
