// Real tools (helm, promtool, chromium, podman, MariaDB …) are installed by `.ci/run`. A test that
// needs one asks here: under CI a missing tool fails the run; on a developer's machine the test
// skips with a one-line reason instead.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const inCI = process.env.CI === 'true';

/** Absolute path of an executable found on PATH (or given as a path), or undefined. */
export function findTool(name: string): string | undefined {
  if (path.isAbsolute(name)) return existsSync(name) ? name : undefined;
  const extraDirs = [path.join(process.env.HOME ?? '/root', 'go', 'bin'), '/usr/sbin'];
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), ...extraDirs];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

export interface ToolCheck {
  /** Path of the tool, when found. */
  path: string | undefined;
  /** Why the suite skips, when not found outside CI. */
  skipReason: string | undefined;
}

/**
 * Looks a tool up for a test suite. Use as
 * `const helm = requireTool('helm'); describe.skipIf(helm.skipReason)(…)`.
 * Under CI=true a missing tool throws, which fails the suite rather than skipping it.
 */
export function requireTool(name: string, hint = `install ${name}`): ToolCheck {
  const found = findTool(name);
  if (found) return { path: found, skipReason: undefined };
  if (inCI) throw new Error(`${name} is required under CI=true but was not found (${hint})`);
  const reason = `${name} not found (${hint}); skipping`;
  console.warn(reason);
  return { path: undefined, skipReason: reason };
}

/** Runs a command without a shell and returns its exit code and output. */
export function run(
  cmd: string,
  args: string[],
  options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(cmd, args, {
    cwd: options.cwd,
    input: options.input,
    env: options.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: options.timeoutMs ?? 120_000,
  });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
