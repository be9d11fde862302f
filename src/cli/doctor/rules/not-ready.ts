// Last: any pod still not ready that no rule explained, with its reason and where to look.
import type { Rule, RuleContext } from '../finding.js';
import { cmd } from '../finding.js';
import {
  allStatuses,
  describeNotReady,
  eventsFor,
  isReady,
  lastLines,
  pendingInit,
  waiting,
} from '../pods.js';

function run({ snapshot: s, findings: out, explained }: RuleContext): void {
  for (const pod of s.pods) {
    if (explained.has(pod.metadata.name) || pod.status.phase === 'Succeeded' || isReady(pod))
      continue;
    if (
      pod.metadata.ownerReferences?.some((r) => r.kind === 'Job') &&
      pod.status.phase === 'Running'
    )
      continue;
    const scheduling = eventsFor(s, 'Pod', pod.metadata.name)
      .filter((e) => e.reason === 'FailedScheduling')
      .pop();
    const status = allStatuses(pod).find((c) => !c.ready);
    const init = pendingInit(pod);
    const w = status ? waiting(status) : undefined;
    const terminated = status?.lastState?.terminated;
    const logs = status ? s.logs[`${pod.metadata.name}/${status.name}`] : undefined;
    const evidence = [
      scheduling?.message ??
        (w
          ? `${w.reason}${w.message ? `: ${w.message}` : ''}`
          : `phase ${pod.status.phase ?? 'Unknown'}${init ? `, ${describeNotReady(pod)}` : ''}`),
      terminated ? `last exit code ${terminated.exitCode ?? '?'}` : undefined,
      logs ? `log: ${lastLines(logs, 2)}` : undefined,
    ]
      .filter(Boolean)
      .join('; ');
    out.push({
      id: 'pod-not-ready',
      severity: 'problem',
      title: `Pod ${pod.metadata.name} is not ready (${scheduling ? 'cannot be scheduled' : describeNotReady(pod)}), for a reason doctor does not know`,
      subject: `pod/${pod.metadata.name}`,
      evidence,
      fix: [
        'Look at its events and its log:',
        cmd(`kubectl -n ${s.namespace} describe pod ${pod.metadata.name}`),
        cmd(
          `kubectl -n ${s.namespace} logs ${pod.metadata.name} --all-containers${terminated ? ' --previous' : ''}`,
        ),
      ],
    });
  }
}

export const notReadyRule: Rule = {
  name: 'not-ready',
  ids: ['pod-not-ready'],
  run,
};
