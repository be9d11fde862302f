// Reading pods and events the way every doctor rule needs: statuses, readiness, owners, the
// events about one object, and the line of a log worth quoting.
import type { ContainerStatus, KubeEvent, Pod, Snapshot } from '../deploy/kube.js';

export function allStatuses(pod: Pod): ContainerStatus[] {
  return [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])];
}

export function isReady(pod: Pod): boolean {
  return pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function eventsFor(snapshot: Snapshot, kind: string, name: string): KubeEvent[] {
  return snapshot.events.filter(
    (e) => e.involvedObject.kind === kind && e.involvedObject.name === name,
  );
}

export function ownerOf(pod: Pod, kind: string): string | undefined {
  return pod.metadata.ownerReferences?.find((o) => o.kind === kind)?.name;
}

export function waiting(status: ContainerStatus): { reason: string; message: string } | undefined {
  const w = status.state?.waiting;
  return w?.reason ? { reason: w.reason, message: w.message ?? '' } : undefined;
}

export function lastLines(text: string | undefined, count: number): string {
  if (!text) return '';
  return text.trimEnd().split(/\r?\n/).slice(-count).join(' | ');
}

/**
 * The init container a pod still waits on: the first one not done (a finished one is ready), with
 * its state. Until it is done the pod stays Pending, whatever its other containers say.
 */
export function pendingInit(pod: Pod): { name: string; state: string } | undefined {
  const status = (pod.status.initContainerStatuses ?? []).find((c) => !c.ready);
  if (!status) return undefined;
  const w = waiting(status);
  const code = status.state?.terminated?.exitCode;
  const state = w
    ? w.reason
    : status.state?.running
      ? 'running'
      : code !== undefined
        ? `exit code ${code}`
        : 'not started';
  return { name: status.name, state };
}

export function describeNotReady(pod: Pod): string {
  const init = pendingInit(pod);
  if (init) return `waiting for init container ${init.name}: ${init.state}`;
  for (const status of pod.status.containerStatuses ?? []) {
    const w = waiting(status);
    if (w) return w.reason;
    if (!status.ready && status.state?.running) return 'Running, not ready';
  }
  return pod.status.phase ?? 'Unknown';
}

// Most telling first: mysqld's own error lines (the cause comes before "Aborting"), then InnoDB's,
// then any line naming a failure. Crash reports end in help text and URLs that explain nothing.
const TELLING_LINES: RegExp[] = [
  /\[ERROR\](?!.*\bAborting\b)/,
  /\bInnoDB: .*\b(error|fail(ed|ure|ing)?|assertion|corrupt)/i,
  /\b(error|fail(ed|ure)?|fatal|cannot|can't|denied|refused)\b/i,
  /\[ERROR\]/,
];

/** The log line worth quoting as evidence: the error, not whatever came last. */
export function errorLine(text: string | undefined): string {
  const lines = (text ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !/https?:\/\//.test(l));
  for (const pattern of TELLING_LINES) {
    const hit = lines.find((l) => pattern.test(l));
    if (hit) return hit;
  }
  return lines.at(-1) ?? '';
}
