// Runs kubectl, helm, kind, minikube and the container engines without a shell, on every OS.
// Without a shell nobody expands PATHEXT for us, so on Windows `kubectl` must be resolved to
// `kubectl.exe` here; and nothing we pass is ever re-parsed by cmd.exe or bash.
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { CliError } from '../command.js';

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Injected in tests so Windows resolution can be exercised on any OS. */
  isExecutable?: (file: string) => boolean;
}

/** Reads an environment variable the way the platform does (case-insensitive on Windows). */
export function envValue(
  env: NodeJS.ProcessEnv,
  name: string,
  platform: NodeJS.Platform,
): string | undefined {
  if (platform !== 'win32') return env[name];
  const key = Object.keys(env).find((k) => k.toUpperCase() === name.toUpperCase());
  return key === undefined ? undefined : env[key];
}

function defaultIsExecutable(platform: NodeJS.Platform): (file: string) => boolean {
  return (file) => {
    try {
      if (!statSync(file).isFile()) return false;
      if (platform !== 'win32') accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
}

/**
 * Absolute path of `name` found on PATH (trying each PATHEXT extension on Windows), or undefined.
 * A name with a directory part is checked as given.
 */
export function resolveExecutable(name: string, options: ResolveOptions = {}): string | undefined {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const isExecutable = options.isExecutable ?? defaultIsExecutable(platform);
  const p = platform === 'win32' ? path.win32 : path.posix;

  const extensions =
    platform === 'win32'
      ? (envValue(env, 'PATHEXT', platform) ?? '.COM;.EXE;.BAT;.CMD')
          .split(';')
          .filter(Boolean)
          .map((e) => e.toLowerCase())
      : [''];
  const hasKnownExtension = extensions.includes(p.extname(name).toLowerCase());
  const candidatesFor = (base: string): string[] =>
    platform === 'win32'
      ? [...(hasKnownExtension ? [base] : []), ...extensions.map((e) => base + e)]
      : [base];

  if (name.includes('/') || (platform === 'win32' && name.includes('\\'))) {
    return candidatesFor(p.resolve(name)).find(isExecutable);
  }
  const dirs = (envValue(env, 'PATH', platform) ?? '').split(p.delimiter).filter(Boolean);
  for (const dir of dirs) {
    // Windows PATH entries may be quoted.
    const clean = platform === 'win32' ? dir.replace(/^"(.*)"$/, '$1') : dir;
    const found = candidatesFor(p.join(clean, name)).find(isExecutable);
    if (found) return found;
  }
  return undefined;
}

export interface CommandSpec {
  /** Tool name as the user knows it: kubectl, helm, docker … */
  tool: string;
  args: string[];
  /** Written to the child's stdin (e.g. a manifest for `kubectl apply -f -`). */
  input?: string;
  /** Extra environment for this command only. */
  env?: Record<string, string>;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Shows a command the way a user could paste it into their shell: arguments with spaces or
 * shell characters in single quotes, an embedded quote escaped the POSIX way ('\'') or, on
 * Windows, the PowerShell way ('').
 */
export function formatCommand(spec: CommandSpec, platform: NodeJS.Platform = process.platform): string {
  const quote = (arg: string): string => {
    if (arg === '') return "''";
    if (/^[\w@%+=:,./\\-]+$/.test(arg)) return arg;
    return `'${arg.replace(/'/g, platform === 'win32' ? "''" : "'\\''")}'`;
  };
  const envPart = Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${quote(v)} `);
  return envPart.join('') + [spec.tool, ...spec.args].map(quote).join(' ');
}

/** A tool was not found on PATH: the message says what to install. */
export class ToolNotFoundError extends CliError {
  override name = 'ToolNotFoundError';
  constructor(
    readonly tool: string,
    hint: string,
  ) {
    super(`${tool} not found on PATH: ${hint}`);
  }
}

const installHints: Record<string, string> = {
  kubectl: 'install kubectl (https://kubernetes.io/docs/tasks/tools/) and retry',
  helm: 'install Helm 3 (https://helm.sh/docs/intro/install/) and retry',
  kind: 'install kind (https://kind.sigs.k8s.io/docs/user/quick-start/) or pick another context with --context',
  minikube:
    'install minikube (https://minikube.sigs.k8s.io/docs/start/) or pick another context with --context',
  docker: 'install Docker (or Podman / nerdctl) and retry',
  podman: 'install Podman (or Docker / nerdctl) and retry',
  nerdctl: 'install nerdctl (or Docker / Podman) and retry',
};

export interface ToolRunnerOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  cwd?: string;
}

/** Resolves tools once and runs them with `shell: false`, capturing their output. */
export class ToolRunner {
  private readonly env: NodeJS.ProcessEnv;
  private readonly platform: NodeJS.Platform;
  private readonly cwd: string;
  private readonly cache = new Map<string, string | undefined>();

  constructor(options: ToolRunnerOptions = {}) {
    this.env = options.env ?? process.env;
    this.platform = options.platform ?? process.platform;
    this.cwd = options.cwd ?? process.cwd();
  }

  /** Path of the tool, or undefined when it is not installed. */
  find(tool: string): string | undefined {
    if (!this.cache.has(tool)) {
      this.cache.set(tool, resolveExecutable(tool, { env: this.env, platform: this.platform }));
    }
    return this.cache.get(tool);
  }

  has(tool: string): boolean {
    return this.find(tool) !== undefined;
  }

  /** Path of the tool; throws ToolNotFoundError, saying what to install, when it is missing. */
  ensure(tool: string): string {
    const found = this.find(tool);
    if (!found)
      throw new ToolNotFoundError(tool, installHints[tool] ?? `install ${tool} and retry`);
    if (this.platform === 'win32' && /\.(bat|cmd)$/i.test(found)) {
      // Since Node 20.12 batch files cannot be spawned without a shell (CVE-2024-27980), and a
      // shell is exactly what this tool avoids.
      throw new ToolNotFoundError(tool, `${found} is a batch file; install the ${tool}.exe build`);
    }
    return found;
  }

  /** Runs a command to completion and returns its exit code and output. Never throws on exit code. */
  run(spec: CommandSpec): Promise<CommandResult> {
    const file = this.ensure(spec.tool);
    return new Promise((resolve, reject) => {
      const child = spawn(file, spec.args, {
        cwd: this.cwd,
        env: { ...this.env, ...spec.env },
        shell: false,
        windowsHide: true,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      child.on('error', reject);
      child.on('close', (code, signal) => {
        resolve({
          code: code ?? (signal ? 128 : 1),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        });
      });
      child.stdin.on('error', () => undefined); // a child that exits without reading stdin
      child.stdin.end(spec.input ?? '');
    });
  }
}

/** The last lines of a failed command's output, for an error message. */
export function tail(text: string, lines = 15): string {
  return text.trimEnd().split(/\r?\n/).slice(-lines).join('\n');
}
