// A pod that was deleted but does not go away: past its grace period by more than a minute, held
// by a finalizer or by a node that no longer answers. Pods still inside that time are left alone.
import type { Rule, RuleContext } from '../finding.js';
import { cmd } from '../finding.js';

/** Slack after the deletion time (which already includes the grace period) before it is a hang. */
export const STUCK_AFTER_MS = 60_000;

function run({ snapshot: s, terminating, now, findings: out }: RuleContext): void {
  for (const pod of terminating) {
    const deadline = Date.parse(pod.metadata.deletionTimestamp ?? '');
    if (!Number.isFinite(deadline) || now.getTime() - deadline <= STUCK_AFTER_MS) continue;
    const minutes = Math.floor((now.getTime() - deadline) / 60_000);
    const finalizers = pod.metadata.finalizers ?? [];
    out.push({
      id: 'pod-stuck-terminating',
      severity: 'warning',
      title: `Pod ${pod.metadata.name} was deleted but is still there ${minutes} min after its grace period`,
      subject: `pod/${pod.metadata.name}`,
      evidence: [
        `deletionTimestamp ${pod.metadata.deletionTimestamp}`,
        finalizers.length ? `finalizers: ${finalizers.join(', ')}` : undefined,
        pod.spec.nodeName ? `node ${pod.spec.nodeName}` : undefined,
      ]
        .filter(Boolean)
        .join('; '),
      fix: [
        'A finalizer or an unreachable node holds it. Check the node, then the pod:',
        cmd(`kubectl get node ${pod.spec.nodeName ?? '<node>'}`),
        cmd(`kubectl -n ${s.namespace} describe pod ${pod.metadata.name}`),
        'When the node is gone for good, removing the pod object is safe:',
        cmd(`kubectl -n ${s.namespace} delete pod ${pod.metadata.name} --grace-period=0 --force`),
      ],
    });
  }
}

export const terminatingRule: Rule = {
  name: 'terminating',
  ids: ['pod-stuck-terminating'],
  run,
};
