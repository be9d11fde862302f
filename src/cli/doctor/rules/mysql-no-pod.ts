// The release's own MySQL (standalone or operator mode) has no pod: its StatefulSet was scaled to
// zero, or its controller creates none. Without this the app's failing probe reads like an
// unreachable external database.
import type { Rule, RuleContext } from '../finding.js';
import { cmd } from '../finding.js';
import { databaseMode, podIsMysql } from '../mysql.js';
import { eventsFor, ownerOf } from '../pods.js';

function run({ snapshot: s, options: o, findings: out }: RuleContext): void {
  const { mode, statefulSet } = databaseMode(s);
  if (!statefulSet) return;
  const sts = statefulSet.metadata.name;
  if (s.pods.some((p) => podIsMysql(p) && ownerOf(p, 'StatefulSet') === sts)) return;
  // Pod Security refusing its pods is reported on the StatefulSet already, with the real fix.
  if (out.some((f) => f.subject === `statefulset/${sts}`)) return;
  const replicas = statefulSet.spec?.replicas ?? 1;
  if (replicas === 0) {
    out.push({
      id: 'mysql-scaled-to-zero',
      severity: 'problem',
      title: `MySQL is scaled to zero: statefulset/${sts} has no pod, so the app has no database`,
      subject: `statefulset/${sts}`,
      evidence: `${mode} mode; spec.replicas 0, no MySQL pod in namespace ${s.namespace}`,
      fix: [
        'Scale it back to one pod (its data is on its PersistentVolumeClaim, which scaling to zero keeps):',
        cmd(`kubectl -n ${s.namespace} scale statefulset/${sts} --replicas=1`),
        cmd(`kubectl -n ${s.namespace} rollout status statefulset/${sts}`),
        `The app turns ready by itself once MySQL answers. \`taskmanager deploy --env ${o.env}\` also restores the chart's replica count.`,
      ],
    });
    return;
  }
  const failure = eventsFor(s, 'StatefulSet', sts)
    .filter((e) => e.type === 'Warning')
    .pop();
  out.push({
    id: 'mysql-no-pod',
    severity: 'problem',
    title: `MySQL has no pod: statefulset/${sts} wants ${replicas} and has none`,
    subject: `statefulset/${sts}`,
    evidence:
      failure?.message ??
      `${mode} mode; spec.replicas ${replicas}, status.replicas ${statefulSet.status?.replicas ?? 0}`,
    fix: [
      'Its events say why the controller creates no pod:',
      cmd(`kubectl -n ${s.namespace} describe statefulset ${sts}`),
    ],
  });
}

export const mysqlNoPodRule: Rule = {
  name: 'mysql-no-pod',
  ids: ['mysql-scaled-to-zero', 'mysql-no-pod'],
  run,
};
