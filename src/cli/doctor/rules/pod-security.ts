// Pods refused by Pod Security admission: the workload's conditions and FailedCreate events.
import type { Workload } from '../../deploy/kube.js';
import type { Rule, RuleContext } from '../finding.js';

function run({ snapshot: s, options: o, findings: out }: RuleContext): void {
  const refused = new Map<string, string>();
  const note = (subject: string, message: string | undefined): void => {
    if (message && /violates PodSecurity/.test(message) && !refused.has(subject))
      refused.set(subject, message);
  };
  const workloads: [string, Workload[]][] = [
    ['replicaset', s.replicaSets],
    ['statefulset', s.statefulSets],
    ['job', s.jobs],
  ];
  for (const [kind, list] of workloads) {
    for (const w of list) {
      if (kind === 'replicaset' && (w.spec?.replicas ?? 1) === 0) continue; // an old ReplicaSet
      for (const c of w.status?.conditions ?? []) {
        if (c.status === 'True') note(`${kind}/${w.metadata.name}`, c.message);
      }
    }
  }
  for (const e of s.events) {
    if (e.reason !== 'FailedCreate' || !e.involvedObject.kind || !e.involvedObject.name) continue;
    const kind = e.involvedObject.kind.toLowerCase();
    const list = workloads.find(([k]) => k === kind)?.[1] ?? [];
    const workload = list.find((w) => w.metadata.name === e.involvedObject.name);
    // Events live for an hour: one about a workload that has all its pods since is history.
    if (workload && (workload.status?.readyReplicas ?? 0) >= (workload.spec?.replicas ?? 1))
      continue;
    note(`${kind}/${e.involvedObject.name}`, e.message);
  }
  for (const [subject, message] of refused) {
    const level = /violates PodSecurity "([^"]+)"/.exec(message)?.[1] ?? 'restricted';
    const violations = message.slice(message.indexOf('":') + 2).trim();
    out.push({
      id: 'pod-security-refused',
      severity: 'problem',
      title: `Pod Security admission refuses the pods of ${subject} (level ${level})`,
      subject,
      evidence: violations,
      fix: [
        'Fix the pod template, not the namespace level: set what the message asks for in its securityContext (runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities.drop [ALL], seccompProfile RuntimeDefault).',
        "The chart's own templates pass `restricted`; a refusal means values override securityContext, or the workload does not come from this chart.",
        `After fixing the values, redeploy (the controller retries by itself): taskmanager deploy --env ${o.env}`,
      ],
    });
  }
}

export const podSecurityRule: Rule = {
  name: 'pod-security',
  ids: ['pod-security-refused'],
  run,
};
