// The one way tests (and bench/web) start the real service as a child process: from source
// through tsx (the default), or the build as `npm start` runs it (`from: 'built'`, serving
// dist/web), optionally with the tracing preload as the image's entry point gives it. Each run
// gets free ports and, unless DATABASE_URL is given, a fresh SQLite file; stdout and stderr are
// captured for assertions and for the message when the service does not come up.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, freePort, repoRoot, status } from './process.js';

export interface ServiceOptions {
  env?: Record<string, string>;
  /** `source` (default): src/main.ts through tsx; `built`: dist/server/main.js. */
  from?: 'source' | 'built';
  /** Start with the tracing preload (`--import …/platform/tracing`), as the image does. */
  tracing?: boolean;
  /** Wait until /readyz answers 200 (default). Off for tests of start-up itself. */
  waitUntilReady?: boolean;
}

export interface Service {
  child: ChildProcess;
  url: string;
  metricsPort: number;
  metricsUrl: string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  stdout(): string;
  stderr(): string;
  /** stdout and stderr interleaved as written. */
  output(): string;
  /** SIGTERM (SIGKILL after 10 s), then removes the SQLite folder it made; the exit code. */
  stop(): Promise<number | string>;
}

export function builtArtifactsMissing(): string | undefined {
  const missing = ['dist/server/main.js', 'dist/web/index.html'].filter(
    (file) => !existsSync(path.join(repoRoot, file)),
  );
  return missing.length > 0
    ? `${missing.join(' and ')} missing: run \`npm run build\` first`
    : undefined;
}

export async function startService(options: ServiceOptions = {}): Promise<Service> {
  const { env = {}, from = 'source', tracing = false, waitUntilReady = true } = options;
  if (from === 'built') {
    const missing = builtArtifactsMissing();
    if (missing) throw new Error(missing);
  }
  const port = env.PORT ?? String(await freePort());
  const metricsPort = env.METRICS_PORT ?? String(await freePort());
  const dataDir = env.DATABASE_URL
    ? undefined
    : mkdtempSync(path.join(os.tmpdir(), 'taskmanager-service-'));
  const args =
    from === 'built'
      ? [
          ...(tracing ? ['--import', './dist/server/platform/tracing.js'] : []),
          'dist/server/main.js',
        ]
      : [
          '--import',
          'tsx',
          ...(tracing ? ['--import', './src/platform/tracing.ts'] : []),
          'src/main.ts',
        ];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      // Suites sign in far more often than a person would.
      LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
      IMPORT_RATE_LIMIT_PER_HOUR: '100000',
      // From source there is no built UI to serve; the build serves dist/web as npm start does.
      ...(from === 'source' ? { WEB_ROOT: '/nonexistent' } : {}),
      ...(dataDir ? { DATABASE_URL: `sqlite:${path.join(dataDir, 'taskmanager.db')}` } : {}),
      ...env,
      PORT: port,
      METRICS_PORT: metricsPort,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    output += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const url = `http://127.0.0.1:${port}`;
  const service: Service = {
    child,
    url,
    metricsPort: Number(metricsPort),
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      return exited;
    },
  };
  if (!waitUntilReady) return service;
  try {
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`service exited ${child.exitCode}:\n${output}`);
      const code = await status(`${url}/readyz`);
      if (code !== 200) throw new Error(`readyz answered ${code}\n${output}`);
    }, 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    await service.stop();
    throw error;
  }
  return service;
}
