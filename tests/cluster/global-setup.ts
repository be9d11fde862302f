// Global setup of the cluster suite: one single-node cluster for all of tests/cluster/, built from
// packages by scripts/cluster/ (docs/testing.md), always torn down afterwards, even when a test or
// this setup fails. Outside CI a machine that cannot build it skips the suite with one line; under
// CI=true a missing tool fails the run.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { findTool, inCI } from '../support/tools.js';
import type { ClusterContext } from './support.js';

const root = path.resolve(import.meta.dirname, '../..');
const scripts = path.join(root, 'scripts/cluster');

function sh(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 60 * 60_000,
) {
  return new Promise<{ status: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    // The build steps' progress and timings go straight to the log.
    child.stderr.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-20_000);
      process.stderr.write(c);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, stdout, stderr });
    });
  });
}

async function timed<T>(
  timings: Record<string, number>,
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  const started = Date.now();
  try {
    return await work();
  } finally {
    timings[name] = Math.round((Date.now() - started) / 1000);
    console.log(`cluster suite: ${name} ${timings[name]} s`);
  }
}

/** KEY=VALUE lines of a script's stdout. */
function keyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_][\w-]*)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

function missing(): string | undefined {
  if (process.getuid?.() !== 0) return 'the cluster needs root (containerd, kubelet, iptables)';
  for (const script of ['up.sh', 'down.sh', 'load-image.sh']) {
    if (!existsSync(path.join(scripts, script))) return `scripts/cluster/${script} is missing`;
  }
  for (const tool of ['go', 'podman', 'runc', 'debootstrap', 'helm', 'iptables']) {
    if (!findTool(tool)) return `${tool} not found (.ci/run installs it)`;
  }
  return undefined;
}

export default async function setup(project: TestProject) {
  const reason = missing();
  if (reason) {
    if (inCI) throw new Error(`cluster suite: ${reason}`);
    console.warn(`cluster suite skipped: ${reason}`);
    project.provide('cluster', {
      skipReason: `cluster suite skipped: ${reason}`,
    } as ClusterContext);
    return;
  }
  const timings: Record<string, number> = {};
  const goBin = path.join(process.env.HOME ?? '/root', 'go', 'bin');
  const env = { ...process.env, PATH: `${goBin}:${process.env.PATH}` };

  const images = await timed(timings, 'images', async () => {
    const r = await sh('bash', [path.join(scripts, 'images/build-all.sh')], env);
    if (r.status !== 0)
      throw new Error(`scripts/cluster/images/build-all.sh failed:\n${r.stderr.slice(-4000)}`);
    return keyValues(r.stdout);
  });
  await timed(timings, 'build:server', async () => {
    const r = await sh('npm', ['run', 'build:server'], env);
    if (r.status !== 0) throw new Error(`npm run build:server failed:\n${r.stderr}`);
  });

  let up: Record<string, string> = {};
  const down = async () => {
    await timed(timings, 'down', async () => {
      const r = await sh('bash', [path.join(scripts, 'down.sh')], env, 10 * 60_000);
      if (r.status !== 0) console.error(`scripts/cluster/down.sh failed (${r.status})`);
    });
  };
  try {
    up = await timed(timings, 'up', async () => {
      const r = await sh('bash', [path.join(scripts, 'up.sh')], env);
      if (r.status !== 0)
        throw new Error(`scripts/cluster/up.sh failed:\n${r.stderr.slice(-4000)}`);
      return keyValues(r.stdout);
    });
    if (!up.KUBECONFIG) throw new Error('scripts/cluster/up.sh printed no KUBECONFIG=');
    // kubectl is the cluster's own (up.sh prints where); helm comes from `go install` (.ci/run).
    const toolPath = `${path.dirname(up.KUBECTL ?? '/usr/bin/kubectl')}:${goBin}`;
    const kubeEnv = { ...env, KUBECONFIG: up.KUBECONFIG, PATH: `${toolPath}:${env.PATH}` };

    // The MySQL stand-in also under the official image's name, inside this throw-away cluster only:
    // `taskmanager deploy --env dev` (the README path) passes no chart values, so the dev values'
    // docker.io/library/mysql reference must resolve to something on the node.
    const official = 'docker.io/library/mysql:8.4.6';
    await timed(timings, 'load-images', async () => {
      const tag = await sh('podman', ['tag', images.mariadb!, official], env);
      if (tag.status !== 0) throw new Error(`podman tag: ${tag.stderr}`);
      try {
        const list = [
          images.app!,
          images['app-next']!,
          images.mariadb!,
          images.exporter!,
          official,
        ];
        const r = await sh('bash', [path.join(scripts, 'load-image.sh'), ...list], kubeEnv);
        if (r.status !== 0)
          throw new Error(`scripts/cluster/load-image.sh failed:\n${r.stderr.slice(-4000)}`);
      } finally {
        await sh('podman', ['untag', images.mariadb!, official], env);
      }
    });

    const nodes = await sh('kubectl', ['get', 'nodes', '-o', 'json'], kubeEnv);
    if (nodes.status !== 0) throw new Error(`kubectl get nodes: ${nodes.stderr}`);
    const node = (
      JSON.parse(nodes.stdout) as {
        items: {
          spec: { podCIDR?: string; podCIDRs?: string[] };
          status: { addresses: { type: string; address: string }[] };
        }[];
      }
    ).items[0]!;
    const context: ClusterContext = {
      kubeconfig: up.KUBECONFIG,
      path: toolPath,
      nodeIP: node.status.addresses.find((a) => a.type === 'InternalIP')!.address,
      podCIDRs: node.spec.podCIDRs ?? (node.spec.podCIDR ? [node.spec.podCIDR] : []),
      images: {
        app: images.app!,
        appNext: images['app-next']!,
        mariadb: images.mariadb!,
        exporter: images.exporter!,
      },
      timings,
    };
    project.provide('cluster', context);
  } catch (error) {
    await down();
    throw error;
  }
  return async () => {
    await down();
    console.log(`cluster suite timings (s): ${JSON.stringify(timings)}`);
  };
}
