// MySQL crash-looping, on a data directory left by an earlier install or for another reason.
import type { Rule, RuleContext } from '../finding.js';
import { cmd } from '../finding.js';
import { isMysqlContainer, mysqlClaim, podIsMysql, pvcResetSteps } from '../mysql.js';
import { errorLine, ownerOf, waiting } from '../pods.js';

const DIRTY_DATADIR: { pattern: RegExp; meaning: string }[] = [
  {
    pattern: /MY-010457|data directory has files in it/,
    meaning:
      'MySQL tried to initialise a data directory that already holds files (a volume left by an earlier install or a half-finished first start)',
  },
  {
    pattern: /MY-014061|Cannot downgrade|Invalid MySQL server downgrade/i,
    meaning:
      'the data directory was written by a newer MySQL than this image (an earlier install with another version)',
  },
  {
    pattern:
      /(Permission denied|errno 13)[\s\S]*\/var\/lib\/mysql|\/var\/lib\/mysql[\s\S]*(Permission denied|errno 13)/,
    meaning:
      'the data directory belongs to another user (a volume written by an earlier install running as another UID)',
  },
];

function run({ snapshot: s, findings: out, explained }: RuleContext): void {
  for (const pod of s.pods.filter(podIsMysql)) {
    for (const status of pod.status.containerStatuses ?? []) {
      if (!isMysqlContainer(status.name, status.image)) continue;
      const crashLooping = waiting(status)?.reason === 'CrashLoopBackOff';
      const exitCode = status.lastState?.terminated?.exitCode;
      if (!crashLooping && !(status.restartCount > 0 && exitCode !== undefined && exitCode !== 0))
        continue;
      explained.add(pod.metadata.name);
      const logs = s.logs[`${pod.metadata.name}/${status.name}`] ?? '';
      const known = DIRTY_DATADIR.find((d) => d.pattern.test(logs));
      const { claim, olderThanInstall } = mysqlClaim(pod, s);
      const sts = ownerOf(pod, 'StatefulSet');
      const seen = errorLine(logs);
      if (known || olderThanInstall) {
        out.push({
          id: 'mysql-dirty-volume',
          severity: 'problem',
          title: `MySQL crash-loops on a data directory left by an earlier install`,
          subject: `pod/${pod.metadata.name}`,
          evidence: [
            `CrashLoopBackOff, ${status.restartCount} restarts, last exit code ${exitCode ?? '?'}`,
            known ? `${known.meaning}: ${seen}` : undefined,
            olderThanInstall
              ? `persistentvolumeclaim/${claim ?? '?'} is older than statefulset/${sts ?? '?'}`
              : undefined,
          ]
            .filter(Boolean)
            .join('; '),
          fix: pvcResetSteps(s.namespace, sts, claim),
        });
      } else {
        out.push({
          id: 'mysql-crashloop',
          severity: 'problem',
          title: 'MySQL crash-loops',
          subject: `pod/${pod.metadata.name}`,
          evidence: `${status.restartCount} restarts, last exit code ${exitCode ?? '?'}${seen ? `: ${seen}` : ''}`,
          fix: [
            'Read why it exits:',
            cmd(`kubectl -n ${s.namespace} logs ${pod.metadata.name} -c ${status.name} --previous`),
            'If the log blames the data directory, reset the volume:',
            ...pvcResetSteps(s.namespace, sts, claim).slice(1),
          ],
        });
      }
    }
  }
}

export const mysqlCrashRule: Rule = {
  name: 'mysql-crash',
  ids: ['mysql-dirty-volume', 'mysql-crashloop'],
  run,
};
