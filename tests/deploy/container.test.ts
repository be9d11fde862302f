// The container image, built from the real Dockerfile with Podman and run the way Kubernetes runs
// it: read-only root filesystem, /tmp and /data the only writable paths, all capabilities dropped,
// no privilege escalation. One build per run; the layer cache makes a rebuild after a source edit
// cheap. Without a registry the base image is the local stand-in from
// scripts/container/build-base-image.sh (or NODE_IMAGE, when set, e.g. a pulled official image).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, run } from '../support/tools.js';

const root = path.resolve(import.meta.dirname, '../..');
const podman = requireTool('podman', 'apt-get install podman runc debootstrap');
const runc = requireTool('runc', 'apt-get install runc');
const skipReason = podman.skipReason ?? runc.skipReason;

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  version: string;
};
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean }>;
};

const baseImage = process.env.NODE_IMAGE ?? 'localhost/node-base:24';
const image = 'localhost/cloudedu-taskmanager:test';
const suffix = `${process.pid}`;
const container = `taskmanager-test-${suffix}`;
const dataVolume = `taskmanager-test-data-${suffix}`;
const caBundle = '/etc/ssl/certs/ca-certificates.crt';
const graceSeconds = 10;
// Podman's default ulimits are refused on this machine; these are explicit and modest.
const limits = ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=4096:4096'];
// The app's own layers (node_modules, dist, user, labels) on top of the base image.
const maxAppLayersBytes = 200 * 1024 * 1024;

function pm(args: string[], timeoutMs = 60_000) {
  return run(podman.path!, ['--runtime', runc.path!, ...args], { timeoutMs });
}

/** Like run(), but without blocking the worker: builds take minutes. Output goes to the log. */
function runAsync(
  cmd: string,
  args: string[],
  timeoutMs: number,
): Promise<{ status: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const append = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-200_000);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, output });
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: await response.text() };
}

function logsOf(name: string): string {
  const logs = pm(['logs', '--tail', '50', name]);
  return `${logs.stdout}${logs.stderr}`;
}

interface ImageConfig {
  Size: number;
  // Podman reports the (docker-format) HEALTHCHECK next to Config, not in it.
  Healthcheck?: { Test?: string[] };
  Config: {
    User?: string;
    Env?: string[];
    Entrypoint?: string[];
    Cmd?: string[] | null;
    ExposedPorts?: Record<string, unknown>;
    StopSignal?: string;
    Labels?: Record<string, string>;
    WorkingDir?: string;
  };
}

function inspectImage(name: string): ImageConfig {
  const result = pm(['image', 'inspect', name]);
  expect(result.status, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as ImageConfig[])[0]!;
}

describe.skipIf(skipReason)('container image', () => {
  let appPort = 0;
  let metricsPort = 0;
  let mountPoint = '';

  beforeAll(async () => {
    if (!process.env.NODE_IMAGE) {
      const base = await runAsync(
        path.join(root, 'scripts/container/build-base-image.sh'),
        [],
        600_000,
      );
      expect(base.status, base.output).toBe(0);
    }

    const started = Date.now();
    const build = await runAsync(
      podman.path!,
      [
        '--runtime',
        runc.path!,
        'build',
        // The docker format keeps HEALTHCHECK (the OCI image format has no field for it).
        '--format=docker',
        '--pull=never',
        ...limits,
        '--build-arg',
        `NODE_IMAGE=${baseImage}`,
        '--build-arg',
        `VERSION=${pkg.version}`,
        '--build-arg',
        'REVISION=test',
        ...(existsSync(caBundle) ? ['--secret', `id=npm-ca,src=${caBundle}`] : []),
        '--tag',
        image,
        '.',
      ],
      30 * 60_000,
    );
    console.log(`container build: ${((Date.now() - started) / 1000).toFixed(0)} s`);
    expect(build.status, build.output.slice(-8_000)).toBe(0);

    [appPort, metricsPort] = [await freePort(), await freePort()];
    const started2 = pm([
      'run',
      '--detach',
      '--name',
      container,
      ...limits,
      '--read-only',
      // Only the mounts below are writable; no implicit tmpfs on /run or /var/tmp.
      '--read-only-tmpfs=false',
      '--tmpfs',
      '/tmp:rw,nosuid,nodev,noexec,size=64m',
      '--volume',
      `${dataVolume}:/data`,
      '--cap-drop=ALL',
      '--security-opt=no-new-privileges',
      // The HEALTHCHECK is run by hand below; no systemd timer for it.
      '--health-interval=disable',
      '--env',
      `SHUTDOWN_GRACE_SECONDS=${graceSeconds}`,
      '--publish',
      `127.0.0.1:${appPort}:8080`,
      '--publish',
      `127.0.0.1:${metricsPort}:9464`,
      image,
    ]);
    expect(started2.status, started2.stderr).toBe(0);

    const deadline = Date.now() + 60_000;
    let ready = false;
    let last = 'no answer';
    while (!ready && Date.now() < deadline) {
      const state = pm(['inspect', '--format', '{{.State.Running}}', container]).stdout.trim();
      if (state !== 'true')
        throw new Error(`container exited during start-up:\n${logsOf(container)}`);
      try {
        const answer = await get(`http://127.0.0.1:${appPort}/readyz`);
        ready = answer.status === 200;
        last = `readyz ${answer.status}: ${answer.body}`;
      } catch (error) {
        last = String(error);
      }
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    if (!ready) throw new Error(`not ready within 60 s (${last}):\n${logsOf(container)}`);

    const mounted = pm(['image', 'mount', image]);
    expect(mounted.status, mounted.stderr).toBe(0);
    mountPoint = mounted.stdout.trim();
  }, 40 * 60_000);

  afterAll(() => {
    if (!podman.path || !runc.path) return;
    pm(['rm', '--force', '--time', '0', container]);
    pm(['volume', 'rm', '--force', dataVolume]);
    if (mountPoint) pm(['image', 'unmount', image]);
  });

  it('declares user, ports, signal, health check, entry point, environment and labels', () => {
    const { Config: config, Healthcheck: healthcheck } = inspectImage(image);
    expect(config.User).toBe('10001:10001');
    expect(config.WorkingDir).toBe('/app');
    expect(Object.keys(config.ExposedPorts ?? {}).sort()).toEqual(['8080/tcp', '9464/tcp']);
    expect(config.StopSignal).toBe('SIGTERM');
    expect(config.Entrypoint).toEqual([
      'node',
      '--import',
      './dist/server/platform/tracing.js',
      'dist/server/main.js',
    ]);
    expect(config.Cmd ?? []).toEqual([]);
    expect(healthcheck?.Test?.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    expect(healthcheck?.Test?.join(' ')).toContain('/livez');
    expect(config.Env).toEqual(
      expect.arrayContaining([
        'NODE_ENV=production',
        'NODE_OPTIONS=--max-semi-space-size=4',
        'HOST=0.0.0.0',
        'DATABASE_URL=sqlite:/data/taskmanager.db',
      ]),
    );
    // The build's CA file was a secret: neither it nor a pointer to it is in the image.
    expect((config.Env ?? []).join('\n')).not.toMatch(/CAFILE|EXTRA_CA|npm-ca/i);
    expect(config.Labels).toMatchObject({
      'org.opencontainers.image.licenses': 'Apache-2.0',
      'org.opencontainers.image.version': pkg.version,
      'org.opencontainers.image.title': 'CloudEdu TaskManager',
    });
    expect(config.Labels?.['org.opencontainers.image.source']).toMatch(/^https:\/\//);
    expect(config.Labels?.['org.opencontainers.image.description']).toBeTruthy();
  });

  it('has a sane size', () => {
    const size = inspectImage(image).Size;
    const baseSize = inspectImage(baseImage).Size;
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
    console.log(`image ${mb(size)} (base ${mb(baseSize)}, app layers ${mb(size - baseSize)})`);
    expect(size - baseSize).toBeLessThan(maxAppLayersBytes);
  });

  it('holds the built app and production dependencies, no sources, tests, dev tools or secrets', () => {
    const app = path.join(mountPoint, 'app');
    expect(readdirSync(app).sort()).toEqual(['dist', 'node_modules', 'package.json']);
    expect(readdirSync(path.join(app, 'dist')).sort()).toEqual(['server', 'web']);
    expect(existsSync(path.join(app, 'dist/server/main.js'))).toBe(true);
    expect(existsSync(path.join(app, 'dist/web/index.html'))).toBe(true);
    expect(existsSync(path.join(app, 'node_modules/fastify/package.json'))).toBe(true);

    // Every package the lockfile marks dev-only must be absent.
    const devOnly = Object.entries(lock.packages)
      .filter(([key, entry]) => key.startsWith('node_modules/') && entry.dev === true)
      .map(([key]) => key);
    expect(devOnly.length).toBeGreaterThan(0);
    expect(devOnly.filter((key) => existsSync(path.join(app, key)))).toEqual([]);
    for (const tool of ['typescript', 'vitest', 'vite', 'eslint', 'tsx', 'playwright-core']) {
      expect(existsSync(path.join(app, 'node_modules', tool)), tool).toBe(false);
    }

    // No TypeScript sources, no repository, no secrets or keys; no npm or compiler at run time.
    const found: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        const rel = full.slice(mountPoint.length);
        if (entry.isDirectory()) {
          if (entry.name === '.git') found.push(rel);
          walk(full);
        } else if (
          /^(\.env(\..*)?|\.npmrc|id_(rsa|ecdsa|ed25519)(\.pub)?)$|\.(key|p12|pfx)$/.test(
            entry.name,
          )
        ) {
          found.push(rel);
        } else if (entry.name.endsWith('.pem') && !rel.startsWith('/etc/ssl/certs/')) {
          found.push(rel);
        } else if (rel.startsWith('/app/dist/') && /\.(ts|tsx)$/.test(entry.name)) {
          found.push(rel);
        }
      }
    };
    for (const dir of ['app', 'root', 'home', 'data', 'tmp', 'run', 'etc', 'usr/local']) {
      if (existsSync(path.join(mountPoint, dir))) walk(path.join(mountPoint, dir));
    }
    expect(found).toEqual([]);
    expect(existsSync(path.join(mountPoint, 'run/secrets/npm-ca'))).toBe(false);
    for (const tool of ['usr/local/bin/npm', 'usr/local/bin/npx', 'usr/bin/g++', 'usr/bin/make']) {
      expect(existsSync(path.join(mountPoint, tool)), tool).toBe(false);
    }

    // The code belongs to root: the app user cannot change it even on a writable filesystem.
    expect(statSync(path.join(app, 'dist/server/main.js')).uid).toBe(0);
    expect(statSync(path.join(mountPoint, 'data')).uid).toBe(10001);
  });

  it('runs node as PID 1 with UID/GID 10001 and no capabilities', () => {
    expect(pm(['exec', container, 'id', '-u']).stdout.trim()).toBe('10001');
    expect(pm(['exec', container, 'id', '-g']).stdout.trim()).toBe('10001');
    // huser/hgroup: the IDs on the host, i.e. no user namespace maps root in.
    const top = pm(['top', container, 'pid', 'huser', 'hgroup', 'capeff', 'args']);
    expect(top.status, top.stderr).toBe(0);
    expect(top.stdout).toMatch(
      /^1\s+10001\s+10001\s+none\s+node --import \.\/dist\/server\/platform\/tracing\.js dist\/server\/main\.js\s*$/m,
    );
  });

  it('writes only to /tmp and /data', () => {
    expect(pm(['exec', container, 'touch', '/app/probe']).status).not.toBe(0);
    expect(pm(['exec', container, 'touch', '/probe']).status).not.toBe(0);
    expect(pm(['exec', container, 'touch', '/tmp/probe']).status).toBe(0);
    expect(pm(['exec', container, 'test', '-s', '/data/taskmanager.db']).status).toBe(0);
  });

  it('serves /livez, /readyz, the web UI and metrics', async () => {
    expect((await get(`http://127.0.0.1:${appPort}/livez`)).status).toBe(200);
    expect((await get(`http://127.0.0.1:${appPort}/readyz`)).status).toBe(200);
    const ui = await get(`http://127.0.0.1:${appPort}/`);
    expect(ui.status).toBe(200);
    expect(ui.body).toMatch(/<html/i);
    const metrics = await get(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/^# (HELP|TYPE) /m);
  });

  it('keeps serving while its native SQLite module is exercised', async () => {
    // Each /readyz runs a query; the statements are then garbage-collected. A native addon built
    // against the wrong Node headers aborts the process right here (see the Dockerfile).
    for (let batch = 0; batch < 20; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => get(`http://127.0.0.1:${appPort}/readyz`)),
      );
      expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    }
    const state = pm(['inspect', '--format', '{{.State.Running}}', container]).stdout.trim();
    expect(state, logsOf(container)).toBe('true');
  });

  it('passes its HEALTHCHECK', () => {
    const check = pm(['healthcheck', 'run', container]);
    expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
  });

  it('exits 0 within the grace period on SIGTERM', () => {
    // podman stop sends the image's STOPSIGNAL, waits the given seconds, then SIGKILLs (exit 137).
    const stop = pm(['stop', '--time', `${graceSeconds}`, container], (graceSeconds + 30) * 1000);
    expect(stop.status, stop.stderr).toBe(0);
    const code = pm(['inspect', '--format', '{{.State.ExitCode}}', container]).stdout.trim();
    expect(code, logsOf(container)).toBe('0');
  }, 60_000);
});
