// The few fields of Kubernetes objects that `status` and `doctor` read, and how they are fetched:
// always `kubectl … -o json`, so the CLI needs no client library and honours the user's kubeconfig,
// auth plugins and proxies exactly as kubectl does.
import { CliError } from '../command.js';
import type { CommandSpec, ToolRunner } from './exec.js';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  creationTimestamp?: string;
  /** Set when a deletion was asked: the object goes away at this time (plus finalizers). */
  deletionTimestamp?: string;
  finalizers?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { kind: string; name: string; uid?: string }[];
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { reason?: string; message?: string; exitCode?: number; finishedAt?: string };
}

export interface ContainerStatus {
  name: string;
  image: string;
  ready: boolean;
  restartCount: number;
  started?: boolean;
  state?: ContainerState;
  lastState?: ContainerState;
}

export interface SecretKeySelector {
  name?: string;
  key?: string;
  optional?: boolean;
}

export interface ContainerSpec {
  name: string;
  image?: string;
  imagePullPolicy?: string;
  env?: { name: string; valueFrom?: { secretKeyRef?: SecretKeySelector } }[];
  envFrom?: { secretRef?: { name?: string; optional?: boolean } }[];
}

export interface Pod extends KubeObject {
  spec: {
    containers: ContainerSpec[];
    initContainers?: ContainerSpec[];
    volumes?: {
      name: string;
      secret?: { secretName?: string; optional?: boolean; items?: { key: string; path: string }[] };
      persistentVolumeClaim?: { claimName: string };
    }[];
    imagePullSecrets?: { name: string }[];
    nodeName?: string;
  };
  status: {
    phase?: string;
    reason?: string;
    message?: string;
    conditions?: Condition[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
    startTime?: string;
  };
}

export interface KubeEvent extends KubeObject {
  involvedObject: { kind?: string; name?: string; namespace?: string };
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
}

export interface PersistentVolumeClaim extends KubeObject {
  spec: { storageClassName?: string; volumeName?: string };
  status: { phase?: string };
}

export interface StorageClass extends KubeObject {
  provisioner?: string;
}

export interface HorizontalPodAutoscaler extends KubeObject {
  spec: {
    scaleTargetRef?: { kind?: string; name?: string };
    minReplicas?: number;
    maxReplicas?: number;
  };
  status: { conditions?: Condition[]; currentReplicas?: number; desiredReplicas?: number };
}

export interface Workload extends KubeObject {
  spec?: { replicas?: number };
  status?: { conditions?: Condition[]; replicas?: number; readyReplicas?: number };
}

export interface Service extends KubeObject {
  spec: {
    type?: string;
    ports?: { name?: string; port: number; nodePort?: number; targetPort?: number | string }[];
  };
}

export interface Ingress extends KubeObject {
  spec: {
    tls?: { hosts?: string[] }[];
    rules?: { host?: string }[];
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

/** Everything `doctor` and `status` look at in one namespace. */
export interface Snapshot {
  namespace: string;
  /** The Namespace object, or undefined when it does not exist. */
  namespaceObject: KubeObject | undefined;
  pods: Pod[];
  replicaSets: Workload[];
  statefulSets: Workload[];
  jobs: Workload[];
  deployments: Workload[];
  pvcs: PersistentVolumeClaim[];
  hpas: HorizontalPodAutoscaler[];
  services: Service[];
  ingresses: Ingress[];
  events: KubeEvent[];
  /** Undefined when the user may not list them (cluster-scoped: RBAC often says no). */
  storageClasses: StorageClass[] | undefined;
  /** Names only (values are dropped as soon as they are read); undefined when forbidden. */
  secretNames: string[] | undefined;
  /** Output of `kubectl logs --previous` of crashing containers, keyed `pod/container`. */
  logs: Record<string, string>;
}

/** kubectl failed in a way the user must fix first (cluster unreachable, no such context …). */
export class KubectlError extends CliError {
  override name = 'KubectlError';
}

export function kubectl(args: string[], context: string | undefined): CommandSpec {
  return { tool: 'kubectl', args: context ? ['--context', context, ...args] : args };
}

interface KubeList {
  items?: KubeObject[];
}

function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find(Boolean) ?? ''
  );
}

/** The resource types read in one call, in the order their kinds are sorted into the snapshot. */
export const NAMESPACED_TYPES =
  'pods,replicasets,statefulsets,deployments,jobs,persistentvolumeclaims,horizontalpodautoscalers,services,ingresses';

async function getJson(
  runner: ToolRunner,
  args: string[],
  context: string | undefined,
): Promise<{ ok: true; value: unknown } | { ok: false; stderr: string }> {
  const result = await runner.run(kubectl(args, context));
  if (result.code !== 0) return { ok: false, stderr: result.stderr };
  try {
    return { ok: true, value: JSON.parse(result.stdout) as unknown };
  } catch {
    throw new KubectlError(`kubectl ${args.join(' ')} did not print JSON`);
  }
}

function unreachable(stderr: string, context: string | undefined): KubectlError {
  const where = context ? `context "${context}"` : 'the current context';
  return new KubectlError(
    `cannot read the cluster (${where}): ${firstLine(stderr)}. Next: check \`kubectl ${context ? `--context ${context} ` : ''}cluster-info\`.`,
  );
}

const isNotFound = (stderr: string): boolean => /\(NotFound\)/.test(stderr);
const isForbidden = (stderr: string): boolean => /\(Forbidden\)/.test(stderr);

/** Reads one namespace through kubectl. Only cluster access errors throw. */
export async function readSnapshot(
  runner: ToolRunner,
  namespace: string,
  context: string | undefined,
  /** `status` needs less than `doctor`: no storage classes, secrets or logs. */
  depth: 'status' | 'doctor' = 'doctor',
): Promise<Snapshot> {
  const snapshot: Snapshot = {
    namespace,
    namespaceObject: undefined,
    pods: [],
    replicaSets: [],
    statefulSets: [],
    jobs: [],
    deployments: [],
    pvcs: [],
    hpas: [],
    services: [],
    ingresses: [],
    events: [],
    storageClasses: undefined,
    secretNames: undefined,
    logs: {},
  };

  const ns = await getJson(runner, ['get', 'namespace', namespace, '-o', 'json'], context);
  if (!ns.ok) {
    if (isNotFound(ns.stderr)) return snapshot;
    if (!isForbidden(ns.stderr)) throw unreachable(ns.stderr, context);
  } else {
    snapshot.namespaceObject = ns.value as KubeObject;
  }

  const objects = await getJson(
    runner,
    ['get', NAMESPACED_TYPES, '-n', namespace, '-o', 'json'],
    context,
  );
  if (!objects.ok) throw unreachable(objects.stderr, context);
  for (const item of (objects.value as KubeList).items ?? []) {
    switch (item.kind) {
      case 'Pod':
        snapshot.pods.push(item as Pod);
        break;
      case 'ReplicaSet':
        snapshot.replicaSets.push(item);
        break;
      case 'StatefulSet':
        snapshot.statefulSets.push(item);
        break;
      case 'Deployment':
        snapshot.deployments.push(item);
        break;
      case 'Job':
        snapshot.jobs.push(item);
        break;
      case 'PersistentVolumeClaim':
        snapshot.pvcs.push(item as PersistentVolumeClaim);
        break;
      case 'HorizontalPodAutoscaler':
        snapshot.hpas.push(item as HorizontalPodAutoscaler);
        break;
      case 'Service':
        snapshot.services.push(item as Service);
        break;
      case 'Ingress':
        snapshot.ingresses.push(item as Ingress);
        break;
      default:
        break;
    }
  }

  const events = await getJson(runner, ['get', 'events', '-n', namespace, '-o', 'json'], context);
  if (events.ok) snapshot.events = ((events.value as KubeList).items ?? []) as KubeEvent[];

  if (depth === 'status') return snapshot;

  const classes = await getJson(runner, ['get', 'storageclasses', '-o', 'json'], context);
  if (classes.ok) snapshot.storageClasses = (classes.value as KubeList).items ?? [];

  const secrets = await getJson(runner, ['get', 'secrets', '-n', namespace, '-o', 'json'], context);
  // Keep names only: secret values never leave this function.
  if (secrets.ok)
    snapshot.secretNames = ((secrets.value as KubeList).items ?? []).map((s) => s.metadata.name);

  // Logs explain what JSON cannot (why MySQL exits, why readiness fails): the previous run of a
  // restarting container, or the current output of a running container that is not ready (init
  // containers too: a pod waiting in one says why only there).
  for (const pod of snapshot.pods) {
    for (const status of [
      ...(pod.status.initContainerStatuses ?? []),
      ...(pod.status.containerStatuses ?? []),
    ]) {
      if (status.ready) continue;
      const previous = status.restartCount > 0 && status.lastState?.terminated !== undefined;
      if (!previous && !status.state?.running) continue;
      const args = ['logs', pod.metadata.name, '-c', status.name, '-n', namespace, '--tail', '40'];
      if (previous) args.push('--previous');
      const logs = await runner.run(kubectl(args, context));
      if (logs.code === 0) snapshot.logs[`${pod.metadata.name}/${status.name}`] = logs.stdout;
    }
  }
  return snapshot;
}

/** Time of an event, whichever of its timestamps the cluster filled in. */
export function eventTime(event: KubeEvent): string {
  return (
    event.lastTimestamp ??
    event.eventTime ??
    event.firstTimestamp ??
    event.metadata.creationTimestamp ??
    ''
  );
}
