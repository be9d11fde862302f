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

export function describeNotReady(pod: Pod): string {
  for (const status of allStatuses(pod)) {
    const w = waiting(status);
    if (w) return w.reason;
    if (!status.ready && status.state?.running) return 'Running, not ready';
  }
  return pod.status.phase ?? 'Unknown';
}
