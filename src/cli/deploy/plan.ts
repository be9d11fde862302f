// The exact commands `taskmanager deploy` runs, as data: computed first, then either printed
// (--dry-run) or executed step by step. Keeping them pure makes every path testable.
import path from 'node:path';
import { CliError } from '../command.js';
import type { ClusterInfo, Engine } from './cluster.js';
import type { CommandSpec } from './exec.js';
import { kubectl } from './kube.js';

export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const RELEASE = 'cloudedu-taskmanager';
/** Relative to the project root, which is the working directory of every command. */
export const CHART_DIR = path.join('deploy', 'helm', 'cloudedu-taskmanager');
/**
 * Fully qualified on purpose: Podman stores an unqualified `name:tag` as `localhost/name:tag`,
 * and a pod asking for `name:tag` would then look for `docker.io/library/name:tag` and fail with
 * ImagePullBackOff. `localhost/…` is the same reference for Docker, Podman, nerdctl, kind,
 * minikube and the kubelet.
 */
export const LOCAL_IMAGE = 'localhost/cloudedu-taskmanager';

export function defaultNamespace(env: Environment): string {
  return `cloudedu-${env}`;
}

/** A tag unique per build, so `IfNotPresent` never reuses a stale image: dev-YYYYMMDDHHMMSS (UTC). */
export function defaultTag(now: Date): string {
  return `dev-${now.toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
}

export interface DeployInput {
  env: Environment;
  namespace: string;
  /** The cluster the kubectl context points at. */
  cluster: ClusterInfo;
  /** Passed on as --context / --kube-context when the user chose one. */
  explicitContext: string | undefined;
  /** Undefined with --no-build. */
  engine: Engine | undefined;
  imageRepository: string;
  tag: string;
  timeout: string;
  /** Where an image archive is written when an engine must hand the image over as a file. */
  archiveDir: string;
}

export interface PlanStep {
  title: string;
  commands: CommandSpec[];
  /** Shown instead of (or before) the commands: why a step does nothing, for instance. */
  note?: string;
}

/** A deploy that cannot work as asked; the message says what to do instead. */
export class PlanError extends CliError {
  override name = 'PlanError';
}

/** The namespace, with the Pod Security labels the chart's pods are written to pass. */
export function namespaceManifest(namespace: string): string {
  const labels = {
    'app.kubernetes.io/part-of': RELEASE,
    'pod-security.kubernetes.io/enforce': 'restricted',
    'pod-security.kubernetes.io/enforce-version': 'latest',
    'pod-security.kubernetes.io/audit': 'restricted',
    'pod-security.kubernetes.io/warn': 'restricted',
  };
  return `${JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels } }, null, 2)}\n`;
}

function buildCommand(engine: Engine, image: string): CommandSpec {
  // Podman writes OCI images by default, which drop HEALTHCHECK; the Docker format keeps it.
  const format = engine === 'podman' ? ['--format', 'docker'] : [];
  return { tool: engine, args: ['build', ...format, '-t', image, '-f', 'Dockerfile', '.'] };
}

function loadStep(input: DeployInput, image: string): PlanStep | undefined {
  const { cluster, engine } = input;
  if (!engine) return undefined;
  const archive = path.join(input.archiveDir, `cloudedu-taskmanager-${input.tag}.tar`);
  const save: CommandSpec = { tool: engine, args: ['save', '-o', archive, image] };
  switch (cluster.kind) {
    case 'kind':
      return {
        title: `Load the image into kind cluster "${cluster.name}"`,
        commands:
          engine === 'docker'
            ? [{ tool: 'kind', args: ['load', 'docker-image', image, '--name', cluster.name] }]
            : [
                save,
                { tool: 'kind', args: ['load', 'image-archive', archive, '--name', cluster.name] },
              ],
      };
    case 'minikube':
      return {
        title: `Load the image into minikube profile "${cluster.name}"`,
        commands:
          engine === 'docker'
            ? [{ tool: 'minikube', args: ['image', 'load', image, '-p', cluster.name] }]
            : [save, { tool: 'minikube', args: ['image', 'load', archive, '-p', cluster.name] }],
      };
    case 'docker-desktop':
      if (engine === 'docker') {
        return {
          title: 'Make the image available to Docker Desktop',
          commands: [],
          note: "nothing to do: Docker Desktop's Kubernetes uses the images of its own engine",
        };
      }
      return {
        title: "Hand the image to Docker Desktop's engine",
        commands: [save, { tool: 'docker', args: ['load', '-i', archive] }],
      };
    default:
      throw new PlanError(
        `context "${cluster.context}" is not a local cluster (kind, minikube, Docker Desktop), so it cannot see an image built here. ` +
          `Next: push the image to a registry the cluster pulls from and run with --no-build --image <registry>/cloudedu-taskmanager --tag <tag> (or --cluster if the context was renamed)`,
      );
  }
}

export function planDeploy(input: DeployInput): PlanStep[] {
  const image = `${input.imageRepository}:${input.tag}`;
  const steps: PlanStep[] = [];
  if (input.engine) {
    steps.push({
      title: `Build image ${image} with ${input.engine}`,
      commands: [buildCommand(input.engine, image)],
    });
    const load = loadStep(input, image);
    if (load) steps.push(load);
  }
  steps.push({
    title: `Create namespace ${input.namespace} with Pod Security "restricted"`,
    commands: [
      {
        ...kubectl(['apply', '-f', '-'], input.explicitContext),
        input: namespaceManifest(input.namespace),
      },
    ],
  });
  const helmArgs = [
    'upgrade',
    '--install',
    RELEASE,
    CHART_DIR,
    '-f',
    path.join(CHART_DIR, `values-${input.env}.yaml`),
    '--namespace',
    input.namespace,
    '--create-namespace',
    '--set-string',
    `image.repository=${input.imageRepository}`,
    '--set-string',
    `image.tag=${input.tag}`,
    '--wait',
    '--timeout',
    input.timeout,
    ...(input.explicitContext ? ['--kube-context', input.explicitContext] : []),
  ];
  steps.push({
    title: `Install or upgrade release ${RELEASE} (${input.env} values, waiting for the rollout)`,
    commands: [{ tool: 'helm', args: helmArgs }],
  });
  return steps;
}

/** The read-only commands run after the install to print the URL. */
export function urlCommands(
  input: Pick<DeployInput, 'namespace' | 'cluster' | 'explicitContext'>,
): CommandSpec[] {
  const commands = [
    kubectl(
      [
        'get',
        'services,ingresses',
        '-n',
        input.namespace,
        '-l',
        `app.kubernetes.io/instance=${RELEASE}`,
        '-o',
        'json',
      ],
      input.explicitContext,
    ),
  ];
  if (input.cluster.kind === 'minikube')
    commands.push({ tool: 'minikube', args: ['ip', '-p', input.cluster.name] });
  return commands;
}
