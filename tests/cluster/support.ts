// Shared by the cluster suite (tests/cluster/*.test.ts): the cluster that global-setup.ts brought
// up (scripts/cluster/up.sh), the real kubectl and helm against it, and the one release the files
// reuse. Every command is the real tool; nothing here is faked.
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { inCI, run } from '../support/tools.js';

export const root = path.resolve(import.meta.dirname, '../..');
export const NAMESPACE = 'cloudedu-dev';
export const RELEASE = 'cloudedu-taskmanager';
export const CHART = path.join(root, 'deploy/helm/cloudedu-taskmanager');
export const NODE_PORT = 30080;

export interface ClusterContext {
  /** Why the suite skips (outside CI only); the other fields are empty then. */
  skipReason?: string;
  kubeconfig: string;
  /** Directories (a PATH list) holding kubectl and helm as the suite runs them. */
  path: string;
  nodeIP: string;
  podCIDRs: string[];
  images: { app: string; appNext: string; mariadb: string; exporter: string };
  /** Seconds each set-up step took (reported by global-setup.ts). */
  timings: Record<string, number>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    cluster: ClusterContext;
  }
}

/** The cluster of the global setup, or a skip reason when the file runs without it. */
export function clusterContext(): ClusterContext {
  let provided: ClusterContext | undefined;
  try {
    provided = inject('cluster');
  } catch {
    provided = undefined;
  }
  if (provided) return provided;
  const reason =
    'no cluster: run the files of tests/cluster/ through their vitest project (global-setup.ts)';
  if (inCI) throw new Error(reason);
  return { skipReason: reason } as ClusterContext;
}

export function splitImage(image: string): { repository: string; tag: string } {
  const at = image.lastIndexOf(':');
  return { repository: image.slice(0, at), tag: image.slice(at + 1) };
}

export interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

export class Cluster {
  constructor(readonly ctx: ClusterContext) {}

  get env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      KUBECONFIG: this.ctx.kubeconfig,
      PATH: `${this.ctx.path}:${process.env.PATH}`,
    };
  }

  /** Runs a tool against the cluster without blocking the worker (helm --wait takes minutes). */
  exec(
    tool: string,
    args: string[],
    options: { input?: string; timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv } = {},
  ): Promise<Result> {
    return new Promise((resolve, reject) => {
      const child = spawn(tool, args, {
        cwd: options.cwd ?? root,
        env: { ...this.env, ...options.env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ status: code ?? (signal ? 128 : -1), stdout, stderr });
      });
      child.stdin.end(options.input ?? '');
    });
  }

  kubectl(args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<Result> {
    return this.exec('kubectl', args, options);
  }

  helm(args: string[], timeoutMs = 600_000): Promise<Result> {
    return this.exec('helm', args, { timeoutMs });
  }

  /** kubectl that must succeed; returns stdout. */
  async must(
    args: string[],
    options: { input?: string; timeoutMs?: number } = {},
  ): Promise<string> {
    const r = await this.kubectl(args, options);
    if (r.status !== 0)
      throw new Error(`kubectl ${args.join(' ')} failed (${r.status}):\n${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  async json<T = any>(args: string[]): Promise<T> {
    return JSON.parse(await this.must([...args, '-o', 'json'])) as T;
  }

  /** The release's pods of one component (app, mysql, migrate, test). */
  async pods(component: string, namespace = NAMESPACE): Promise<Pod[]> {
    const list = await this.json<{ items: Pod[] }>([
      'get',
      'pods',
      '-n',
      namespace,
      '-l',
      `app.kubernetes.io/instance=${RELEASE},app.kubernetes.io/component=${component}`,
    ]);
    return list.items.filter((p) => !p.metadata.deletionTimestamp);
  }

  /** `helm upgrade` of the suite's release with its values kept, plus these. */
  upgrade(extra: string[], options: { wait?: boolean; hooks?: boolean } = {}): Promise<Result> {
    const { wait = true, hooks = true } = options;
    return this.helm([
      'upgrade',
      RELEASE,
      CHART,
      '-n',
      NAMESPACE,
      '--reuse-values',
      ...(wait ? ['--wait', '--timeout', '8m'] : []),
      ...(hooks ? [] : ['--no-hooks']),
      ...extra,
    ]);
  }

  /** Values that select the stand-in images and never pull (the cluster has no registry). */
  imageValues(app = this.ctx.images.app): string[] {
    const image = (key: string, reference: string) => {
      const { repository, tag } = splitImage(reference);
      return [
        '--set-string',
        `${key}.repository=${repository}`,
        '--set-string',
        `${key}.tag=${tag}`,
        '--set',
        `${key}.pullPolicy=Never`,
      ];
    };
    return [
      ...image('image', app),
      ...image('mysql.standalone.image', this.ctx.images.mariadb),
      ...image('mysql.exporter.image', this.ctx.images.exporter),
      '--set',
      `networkPolicy.podCIDRs={${this.ctx.podCIDRs.join(',')}}`,
    ];
  }

  /**
   * A one-shot pod that meets Pod Security `restricted`, running `node -e script` from the app
   * image; returns its exit code and logs. Used to probe the network from a namespace.
   */
  async nodePod(
    namespace: string,
    name: string,
    script: string,
    options: { uid?: number; pvc?: string } = {},
  ): Promise<Result> {
    const uid = options.uid ?? 10001;
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace, labels: { 'cloudedu.test/probe': 'true' } },
      spec: {
        restartPolicy: 'Never',
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: uid,
          runAsGroup: uid,
          fsGroup: uid,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        // With a PVC: mounted at /volume (a PVC's files belong to the UID of its usual pod).
        volumes: options.pvc
          ? [{ name: 'volume', persistentVolumeClaim: { claimName: options.pvc } }]
          : [],
        containers: [
          {
            name: 'probe',
            image: this.ctx.images.app,
            imagePullPolicy: 'Never',
            command: ['node', '--input-type=module', '-e', script],
            resources: {
              requests: { cpu: '10m', memory: '32Mi' },
              limits: { cpu: '200m', memory: '96Mi' },
            },
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'] },
            },
            volumeMounts: options.pvc ? [{ name: 'volume', mountPath: '/volume' }] : [],
          },
        ],
      },
    };
    await this.kubectl([
      'delete',
      'pod',
      name,
      '-n',
      namespace,
      '--ignore-not-found',
      '--wait=true',
    ]);
    await this.must(['apply', '-f', '-'], { input: JSON.stringify(pod) });
    const done = await this.kubectl(
      [
        'wait',
        '-n',
        namespace,
        `pod/${name}`,
        '--for=jsonpath={.status.phase}=Succeeded',
        '--timeout=90s',
      ],
      { timeoutMs: 100_000 },
    );
    const logs = await this.kubectl(['logs', '-n', namespace, name]);
    const phase = (
      await this.kubectl(['get', 'pod', name, '-n', namespace, '-o', 'jsonpath={.status.phase}'])
    ).stdout;
    await this.kubectl([
      'delete',
      'pod',
      name,
      '-n',
      namespace,
      '--ignore-not-found',
      '--wait=false',
    ]);
    return {
      status: done.status === 0 && phase === 'Succeeded' ? 0 : 1,
      stdout: logs.stdout,
      stderr: `${phase} ${logs.stderr}`,
    };
  }

  /** Runs `node -e` in a running pod of the app image (no shell in it). */
  execNode(namespace: string, pod: string, script: string): Promise<Result> {
    return this.kubectl([
      'exec',
      '-n',
      namespace,
      pod,
      '-c',
      'app',
      '--',
      'node',
      '--input-type=module',
      '-e',
      script,
    ]);
  }
}

export interface Pod {
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    deletionTimestamp?: string;
  };
  spec: { containers: { name: string; image: string }[]; nodeName?: string };
  status: {
    phase: string;
    podIP?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: {
      name: string;
      ready: boolean;
      restartCount: number;
      state: Record<string, { reason?: string }>;
    }[];
  };
}

export const isReady = (p: Pod) =>
  p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** Polls until check() returns a value other than undefined, or throws with the last state. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 120_000,
  everyMs = 1_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(
    `timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
  );
}

/** The suite's release, installed (by whichever file comes first) and on the suite's values. */
export async function readyRelease(cluster: Cluster): Promise<void> {
  const deploy = await ensureRelease(cluster);
  if (deploy.status !== 0)
    throw new Error(`the release is not installed:\n${deploy.stderr}${deploy.stdout}`);
  await useSuiteValues(cluster);
}

/** A user of the app over HTTP: session cookie plus CSRF token, as the web UI does it. */
export class HttpUser {
  cookie = '';
  csrf = '';
  constructor(readonly base: string) {}

  async request<T = any>(
    method: string,
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.base + url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const cookie = res.headers.getSetCookie().find((c) => /^(__Host-)?tm_session=/.test(c));
    if (cookie) this.cookie = cookie.split(';')[0]!;
    const text = await res.text();
    return {
      status: res.status,
      body: (text && res.headers.get('content-type')?.includes('json')
        ? JSON.parse(text)
        : text) as T,
    };
  }

  static readonly PASSWORD = 'correct horse battery staple';
  email = '';

  async register(name: string): Promise<void> {
    this.email = `${name.toLowerCase()}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const r = await this.request('POST', '/api/v1/auth/register', {
      email: this.email,
      name,
      password: HttpUser.PASSWORD,
    });
    if (r.status !== 201) throw new Error(`register: ${r.status} ${JSON.stringify(r.body)}`);
    this.csrf = r.body.csrfToken;
  }

  /** Signs in with an account made elsewhere (e.g. restored from a backup). */
  async login(email: string, password = HttpUser.PASSWORD): Promise<void> {
    const r = await this.request('POST', '/api/v1/auth/login', { email, password });
    if (r.status !== 200) throw new Error(`login: ${r.status} ${JSON.stringify(r.body)}`);
    this.email = email;
    this.csrf = r.body.csrfToken;
  }
}

/** Runs the project's CLI (built into dist/ by the global setup) against the cluster. */
export function taskmanager(
  cluster: Cluster,
  args: string[],
  timeoutMs = 900_000,
  env: NodeJS.ProcessEnv = {},
): Promise<Result> {
  return cluster.exec(process.execPath, [path.join(root, 'dist/server/cli/index.js'), ...args], {
    timeoutMs,
    env,
  });
}

/** Where `doctorRecording` keeps what kubectl answered, one folder per scenario. */
export const DOCTOR_RECORDINGS = path.join(root, 'test-results/doctor-recordings');

/**
 * `taskmanager doctor --env dev` whose kubectl answers are kept under
 * test-results/doctor-recordings/<scenario>/ in the layout of tests/fixtures/doctor/ (secret values
 * redacted by record-kubectl.mjs): the fixtures of the CLI tests are re-recorded from these.
 */
export async function doctorRecording(cluster: Cluster, scenario: string): Promise<Result> {
  const dir = path.join(DOCTOR_RECORDINGS, scenario);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const bin = mkdtempSync(path.join(os.tmpdir(), 'tm-record-kubectl-'));
  try {
    const wrapper = path.join(bin, 'kubectl');
    writeFileSync(
      wrapper,
      `#!/bin/sh\nexec '${process.execPath}' '${path.join(root, 'tests/cluster/record-kubectl.mjs')}' "$@"\n`,
    );
    chmodSync(wrapper, 0o755);
    const r = await taskmanager(cluster, ['doctor', '--env', 'dev'], 120_000, {
      PATH: `${bin}:${cluster.ctx.path}:${process.env.PATH}`,
      REAL_KUBECTL: cluster.ctx.path
        .split(':')
        .map((dir) => path.join(dir, 'kubectl'))
        .find((file) => existsSync(file)),
      RECORD_DIR: dir,
    });
    console.log(r.stdout + r.stderr);
    return r;
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

export { run };

/** What the README-path deploy printed, shared by the files through a file (each file has its own module). */
export interface DeployRecord {
  status: number;
  stdout: string;
  stderr: string;
  seconds: number;
}

function deployRecordFile(ctx: ClusterContext): string {
  return `${ctx.kubeconfig}.deploy.json`;
}

/**
 * The suite's one release: installed once by `taskmanager deploy --env dev` (the README path),
 * whichever file needs it first; later files reuse it. Returns what the deploy printed.
 */
export async function ensureRelease(cluster: Cluster): Promise<DeployRecord> {
  const file = deployRecordFile(cluster.ctx);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DeployRecord;
  const { repository, tag } = splitImage(cluster.ctx.images.app);
  const started = Date.now();
  const r = await taskmanager(cluster, [
    'deploy',
    '--env',
    'dev',
    '--no-build',
    '--image',
    repository,
    '--tag',
    tag,
    '--timeout',
    '10m',
  ]);
  const record = { ...r, seconds: Math.round((Date.now() - started) / 1000) };
  writeFileSync(file, JSON.stringify(record));
  return record;
}

/**
 * After the README-path install, the suite's own values: the stand-ins selected by values,
 * pullPolicy Never (nothing is ever pulled here) and this cluster's pod CIDR. Idempotent.
 */
export async function useSuiteValues(cluster: Cluster): Promise<void> {
  const values = await cluster.helm(['get', 'values', RELEASE, '-n', NAMESPACE, '-o', 'json']);
  const current = JSON.parse(values.stdout || '{}') as {
    mysql?: { standalone?: { image?: { repository?: string } } };
  };
  if (
    current.mysql?.standalone?.image?.repository ===
    splitImage(cluster.ctx.images.mariadb).repository
  )
    return;
  const r = await cluster.upgrade(cluster.imageValues());
  if (r.status !== 0)
    throw new Error(`helm upgrade with the suite's values failed:\n${r.stderr}${r.stdout}`);
}
