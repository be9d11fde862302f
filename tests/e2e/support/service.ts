// Starts the real built service (node dist/server/main.js, serving dist/web) on a free port with
// a fresh SQLite file, as `npm start` does, for the browser tests and the UI benchmark.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually, freePort, repoRoot, status } from '../../support/process.js';

export interface RunningService {
  url: string;
  dataDir: string;
  output(): string;
  stop(): Promise<void>;
}

export function builtArtifactsMissing(): string | undefined {
  const missing = ['dist/server/main.js', 'dist/web/index.html'].filter(
    (file) => !existsSync(path.join(repoRoot, file)),
  );
  return missing.length > 0
    ? `${missing.join(' and ')} missing: run \`npm run build\` first`
    : undefined;
}

export async function startBuiltService(env: Record<string, string> = {}): Promise<RunningService> {
  const missing = builtArtifactsMissing();
  if (missing) throw new Error(missing);
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tm-e2e-'));
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist/server/main.js')], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HOST: '127.0.0.1',
      PORT: String(port),
      METRICS_PORT: '0',
      LOG_LEVEL: 'warn',
      DATABASE_URL: `sqlite:${path.join(dataDir, 'taskmanager.db')}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`service exited early:\n${output}`);
      const code = await status(`${url}/readyz`);
      if (code !== 200) throw new Error(`readyz answered ${code}\n${output}`);
    }, 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    dataDir,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
