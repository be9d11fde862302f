// Flags shared by deploy, status and doctor, and what they need from the process (kept
// injectable so tests run the commands with fake tools, a captured output and a fixed clock).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import type { Writable } from 'node:stream';
import { CliError, UsageError } from '../command.js';
import type { ClusterInfo, ClusterKind } from './cluster.js';
import { detectCluster } from './cluster.js';
import type { ToolRunner } from './exec.js';
import { kubectl } from './kube.js';
import type { Environment } from './plan.js';
import { ENVIRONMENTS, defaultNamespace } from './plan.js';

export interface Io {
  out: Writable & { isTTY?: boolean };
  err: Writable;
  env: NodeJS.ProcessEnv;
  /** Project root: where Dockerfile and deploy/helm live. */
  root: string;
  now: () => Date;
  /** Force the spinner on or off (defaults to out.isTTY). */
  interactive?: boolean;
}

/** Walks up from this module to the folder whose package.json is this project's. */
export function findProjectRoot(start = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
        if (name === 'cloudedu-taskmanager') return dir;
      } catch {
        // not ours; keep walking
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export function defaultIo(): Io {
  return {
    out: process.stdout,
    err: process.stderr,
    env: process.env,
    root: findProjectRoot(),
    now: () => new Date(),
  };
}

export const CLUSTER_KINDS: ClusterKind[] = ['kind', 'minikube', 'docker-desktop', 'other'];

export const commonOptions = {
  env: { type: 'string', short: 'e' },
  namespace: { type: 'string', short: 'n' },
  context: { type: 'string' },
  cluster: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The help lines of the shared flags, worded once for the three commands. */
export const COMMON_HELP = {
  env: '  -e, --env NAME        dev, staging or prod: picks the namespace cloudedu-<env> (default: dev)',
  context: '      --context NAME    kubectl context (default: the current one)',
  cluster:
    '      --cluster KIND    kind, minikube, docker-desktop or other, when the context name does not tell',
  help: '  -h, --help            this help',
} as const;

type OwnOptions = NonNullable<ParseArgsConfig['options']>;
type ClusterArgsConfig<O extends OwnOptions> = {
  args: string[];
  options: typeof commonOptions & O;
  strict: true;
  allowPositionals: false;
};

/** The shared flags, checked; plus the command's own flags as parseArgs returns them. */
export interface ClusterArgs<O extends OwnOptions> {
  env: Environment;
  namespace: string;
  /** --context as given (undefined: kubectl's current context). */
  context: string | undefined;
  clusterKind: ClusterKind | undefined;
  values: ReturnType<typeof parseArgs<ClusterArgsConfig<O>>>['values'];
}

/**
 * The argument preamble of deploy, status and doctor: their own flags next to the shared ones,
 * `--help` printed (then undefined is returned: exit 0), and the shared values checked.
 */
export function parseClusterArgs<O extends OwnOptions>(
  command: { name: string; help: string },
  argv: string[],
  io: Pick<Io, 'out'>,
  own: { options: O; envRequired?: boolean },
): ClusterArgs<O> | undefined {
  let values;
  try {
    ({ values } = parseArgs<ClusterArgsConfig<O>>({
      args: argv,
      options: { ...commonOptions, ...own.options },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Next: taskmanager ${command.name} --help`);
  }
  // TypeScript cannot see the shared keys through the generic result type; they are there.
  const shared = values as { [K in keyof typeof commonOptions]?: K extends 'help' ? boolean : string };
  if (shared.help) {
    io.out.write(`${command.help}\n`);
    return undefined;
  }
  const env = parseEnvironment(shared.env, own.envRequired === true);
  return {
    env,
    namespace: resolveNamespace(env, shared.namespace),
    context: shared.context,
    clusterKind: parseClusterKind(shared.cluster),
    values,
  };
}

export function parseEnvironment(value: string | undefined, required: boolean): Environment {
  if (value === undefined) {
    if (required)
      throw new UsageError('--env is required (dev, staging or prod). Next: add --env dev');
    return 'dev';
  }
  if (!(ENVIRONMENTS as readonly string[]).includes(value)) {
    throw new UsageError(`--env must be dev, staging or prod, not "${value}"`);
  }
  return value as Environment;
}

export function parseClusterKind(value: string | undefined): ClusterKind | undefined {
  if (value === undefined) return undefined;
  if (!(CLUSTER_KINDS as string[]).includes(value)) {
    throw new UsageError(`--cluster must be one of ${CLUSTER_KINDS.join(', ')}, not "${value}"`);
  }
  return value as ClusterKind;
}

export function resolveNamespace(env: Environment, namespace: string | undefined): string {
  if (namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
    throw new UsageError(`--namespace "${namespace}" is not a valid Kubernetes namespace name`);
  }
  return namespace ?? defaultNamespace(env);
}

/** The context kubectl will use, asking kubectl itself (handles merged KUBECONFIG files). */
export async function currentCluster(
  runner: ToolRunner,
  context: string | undefined,
  override: ClusterKind | undefined,
): Promise<ClusterInfo> {
  if (context) return detectCluster(context, override);
  const result = await runner.run(kubectl(['config', 'current-context'], undefined));
  const name = result.stdout.trim();
  if (result.code !== 0 || !name) {
    throw new CliError(
      'kubectl has no current context. Next: create a cluster (e.g. `kind create cluster`) or pass --context NAME',
    );
  }
  return detectCluster(name, override);
}

export { CliError } from '../command.js';
