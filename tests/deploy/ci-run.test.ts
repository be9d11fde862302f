// .ci/run, the script CI runs: shellcheck clean, and its exit trap keeps the run's own status.
// The trap once ended green runs with 1 (under `set -e` a failing `kill` of the background build
// that had already finished became the exit status): here the script's own cleanup function and
// trap run in bash after such a build, with the cluster teardown replaced by `true`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requireTool, run } from '../support/tools.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const script = readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
const shellcheck = requireTool('shellcheck', 'apt-get install shellcheck');

/** The cleanup function and its trap, as .ci/run defines them, without the teardown itself. */
function cleanupSection(): string {
  const start = script.indexOf('cleanup() {');
  const end = script.indexOf('trap cleanup EXIT');
  expect(start, 'cleanup() in .ci/run').toBeGreaterThan(-1);
  expect(end, 'trap cleanup EXIT in .ci/run').toBeGreaterThan(start);
  return script
    .slice(start, end + 'trap cleanup EXIT'.length)
    .replace('bash scripts/cluster/down.sh', 'true');
}

describe('.ci/run', () => {
  it.skipIf(shellcheck.skipReason)('passes shellcheck', () => {
    const r = run(shellcheck.path!, [path.join(ROOT, '.ci', 'run')]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it.each([0, 1, 3])('exits %i when the run does, after the background build finished', (code) => {
    const harness = [
      'set -euo pipefail',
      'sleep 0 & cluster_build=$!',
      'wait "$cluster_build"',
      cleanupSection(),
      `exit ${code}`,
    ].join('\n');
    const r = run('bash', ['-c', harness]);
    expect(r.status, r.stderr).toBe(code);
  });
});
