// Runs the real service as a child process (from source through tsx, optionally with the tracing
// preload exactly as the container starts it) and a small HTTP client for it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, freePort } from '../../support/process.js';
import { repoRoot } from './rules.js';

export interface Service {
  child: ChildProcess;
  url: string;
  metricsUrl: string;
  metricsPort: number;
  /** Everything the process wrote to stdout so far. */
  stdout(): string;
  stderr(): string;
  stop(): Promise<number | string>;
}

/**
 * Starts `src/main.ts` on a fresh SQLite database (or `env.DATABASE_URL`) on free ports and waits
 * until /readyz answers 200. With `tracing`, the preload is given as in the image's entry point.
 */
export async function startService(
  options: { env?: Record<string, string>; tracing?: boolean } = {},
): Promise<Service> {
  const port = await freePort();
  const metricsPort = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'taskmanager-obs-'));
  const args = ['--import', 'tsx'];
  if (options.tracing) args.push('--import', './src/platform/tracing.ts');
  args.push('src/main.ts');
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HOST: '127.0.0.1',
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      DATABASE_URL: `sqlite:${path.join(dataDir, 'taskmanager.db')}`,
      LOG_LEVEL: 'info',
      WEB_ROOT: '/nonexistent',
      LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const url = `http://127.0.0.1:${port}`;
  const service: Service = {
    child,
    url,
    metricsPort,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    stdout: () => stdout,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const result = await exited;
      rmSync(dataDir, { recursive: true, force: true });
      return result;
    },
  };
  try {
    await eventually(async () => {
      if (child.exitCode !== null)
        throw new Error(`service exited ${child.exitCode}: ${stderr}${stdout}`);
      const response = await fetch(`${url}/readyz`);
      if (response.status !== 200) throw new Error(`readyz ${response.status}`);
    }, 60_000);
  } catch (error) {
    await service.stop();
    throw error;
  }
  return service;
}

export interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

/** A browser-like API client: keeps the session cookie and sends the CSRF token on writes. */
export class ApiClient {
  cookie: string | undefined;
  csrfToken: string | undefined;

  constructor(private readonly baseUrl: string) {}

  async request(
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const all: Record<string, string> = { ...headers };
    if (body !== undefined) all['content-type'] = 'application/json';
    if (this.cookie) all.cookie = this.cookie;
    if (this.csrfToken && method !== 'GET') all['x-csrf-token'] = this.csrfToken;
    const response = await fetch(`${this.baseUrl}${url}`, {
      method,
      headers: all,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = response.headers.getSetCookie().find((c) => /^(__Host-)?tm_session=/.test(c));
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const text = await response.text();
    const parsed: unknown =
      text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    return { status: response.status, body: parsed, headers: response.headers };
  }

  async register(email: string, password: string, name = 'Observer'): Promise<Reply> {
    const reply = await this.request('POST', '/api/v1/auth/register', { email, name, password });
    if (reply.status !== 201)
      throw new Error(`register: ${reply.status} ${JSON.stringify(reply.body)}`);
    this.csrfToken = reply.body.csrfToken;
    return reply;
  }

  async login(email: string, password: string): Promise<Reply> {
    const reply = await this.request('POST', '/api/v1/auth/login', { email, password });
    if (reply.status === 200) this.csrfToken = reply.body.csrfToken;
    return reply;
  }
}
