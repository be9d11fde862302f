// A real S3-protocol server for the backup suites: gofakes3 (in memory), a stand-in for AWS S3 and
// MinIO, served by scripts/ci/s3-server (built by .ci/run into ~/go/bin as taskmanager-s3-server)
// with AWS Signature V4 checked against one key. Each suite starts its own on a free loopback port.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { S3Config } from '../../src/config.js';
import { repoRoot } from './process.js';
import { inCI, requireTool, run } from './tools.js';
import type { ToolCheck } from './tools.js';

const sources = path.join(repoRoot, 'scripts', 'ci', 's3-server');
const build =
  'built by .ci/run; by hand: cd scripts/ci/s3-server && go build -o ~/go/bin/taskmanager-s3-server .';

/** The version stamp .ci/run builds in: the first 16 hex digits of SHA-256(go.mod go.sum main.go). */
export function s3ServerStamp(): string {
  const hash = createHash('sha256');
  for (const file of ['go.mod', 'go.sum', 'main.go'])
    hash.update(readFileSync(path.join(sources, file)));
  return hash.digest('hex').slice(0, 16);
}

/**
 * The server binary, as `requireTool` finds tools: under CI=true a missing or stale one (built
 * from other sources than the checkout's) fails the suite; elsewhere the suite skips, saying why.
 */
export function requireS3Server(): ToolCheck {
  const tool = requireTool('taskmanager-s3-server', build);
  if (!tool.path) return tool;
  const built = run(tool.path, ['-version']).stdout.trim();
  if (built === s3ServerStamp()) return tool;
  const reason = `${tool.path} was built from other sources (${built}, the checkout's are ${s3ServerStamp()}): rebuild it (${build})`;
  if (inCI) throw new Error(reason);
  console.warn(`${reason}; skipping`);
  return { path: undefined, skipReason: reason };
}

export const ACCESS_KEY_ID = 'AKIATASKMANAGERTEST';
export const SECRET_ACCESS_KEY = 'test-secret-access-key/with+signs';

export class S3Server {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    /** http://127.0.0.1:<port> */
    readonly endpoint: string,
  ) {}

  /** Starts a server holding `buckets` (empty), accepting only ACCESS_KEY_ID/SECRET_ACCESS_KEY. */
  static async start(binary: string, buckets: string[]): Promise<S3Server> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'taskmanager-s3-'));
    writeFileSync(path.join(dir, 'secret'), `${SECRET_ACCESS_KEY}\n`, { mode: 0o600 });
    const child = spawn(
      binary,
      [
        '-addr',
        '127.0.0.1:0',
        '-buckets',
        buckets.join(','),
        '-access-key-id',
        ACCESS_KEY_ID,
        '-secret-access-key-file',
        path.join(dir, 'secret'),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const endpoint = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no address within 10 s: ${output}`)),
        10_000,
      );
      const read = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = /^listening (http:\/\/\S+)$/m.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`taskmanager-s3-server exited (${code}): ${output}`));
      });
    });
    return new S3Server(child, dir, endpoint);
  }

  /** Settings for the store, with the secret in a file as S3_SECRET_ACCESS_KEY_FILE has it. */
  config(overrides: Partial<S3Config> = {}): S3Config {
    return {
      endpoint: this.endpoint,
      region: 'us-east-1',
      accessKeyId: ACCESS_KEY_ID,
      secretAccessKey: SECRET_ACCESS_KEY,
      ...overrides,
    };
  }

  /** The environment of a `taskmanager` process using this server (secret from a file). */
  env(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      S3_ENDPOINT: this.endpoint,
      S3_ACCESS_KEY_ID: ACCESS_KEY_ID,
      S3_SECRET_ACCESS_KEY_FILE: path.join(this.dir, 'secret'),
      ...overrides,
    };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
