// The app runs but its readiness probe fails: refused by MySQL, waiting for it, or unable to reach
// its database.
import type { Rule, RuleContext } from '../finding.js';
import { cmd } from '../finding.js';
import { databaseMode, mysqlClaim, podIsMysql, pvcResetSteps } from '../mysql.js';
import { describeNotReady, eventsFor, isReady, lastLines, ownerOf, pendingInit } from '../pods.js';

function run({ snapshot: s, options: o, findings: out, explained }: RuleContext): void {
  const mysqlPods = s.pods.filter(podIsMysql);
  const mysqlReady = mysqlPods.some(isReady);
  for (const pod of s.pods) {
    if (
      podIsMysql(pod) ||
      explained.has(pod.metadata.name) ||
      pod.status.phase !== 'Running' ||
      isReady(pod)
    )
      continue;
    const probeFailures = eventsFor(s, 'Pod', pod.metadata.name).filter(
      (e) => e.reason === 'Unhealthy' && /(Readiness|Startup) probe failed/.test(e.message ?? ''),
    );
    const notReady = (pod.status.containerStatuses ?? []).find((c) => !c.ready && c.state?.running);
    if (!notReady) continue;
    const logs = s.logs[`${pod.metadata.name}/${notReady.name}`] ?? '';
    // MySQL's refusal is in the log the moment the app first connects; the probe's Unhealthy
    // event follows a period later (and events reach the API later still), so the log suffices.
    const refused = /Access denied for user|ER_ACCESS_DENIED_ERROR/.test(logs);
    if (probeFailures.length === 0 && !refused) continue;
    const probe =
      probeFailures[probeFailures.length - 1]?.message ??
      `container ${notReady.name} running, not ready`;
    explained.add(pod.metadata.name);
    if (refused && mysqlReady) {
      const mysqlPod = mysqlPods[0];
      const { claim } = mysqlPod ? mysqlClaim(mysqlPod, s) : { claim: undefined };
      out.push({
        id: 'mysql-password-mismatch',
        severity: 'problem',
        title:
          "MySQL refuses the app's password: its volume was initialised by an earlier install with other credentials",
        subject: `pod/${pod.metadata.name}`,
        evidence: `${probe}; app log: ${lastLines(
          logs
            .split(/\r?\n/)
            .filter((l) => /Access denied/.test(l))
            .join('\n'),
          1,
        )}`,
        fix: pvcResetSteps(
          s.namespace,
          mysqlPod ? ownerOf(mysqlPod, 'StatefulSet') : undefined,
          claim,
        ),
      });
      continue;
    }
    if (mysqlPods.length > 0 && !mysqlReady) {
      const db = mysqlPods
        .map((p) => `pod/${p.metadata.name} is ${describeNotReady(p)}`)
        .join(', ');
      const dbHasOwnProblem = mysqlPods.some((p) => explained.has(p.metadata.name));
      // A MySQL pod that is merely starting (its init container or mysqld running) is part of
      // this finding, not a separate one.
      for (const p of mysqlPods) {
        if (p.status.phase === 'Running' || pendingInit(p)?.state === 'running')
          explained.add(p.metadata.name);
      }
      out.push({
        id: 'waiting-for-database',
        severity: 'problem',
        title: 'The app is not ready because its database is not up yet',
        subject: `pod/${pod.metadata.name}`,
        evidence: `${probe}; ${db}`,
        fix: dbHasOwnProblem
          ? [
              'This follows from the database problem reported here: fix that, and the app turns ready by itself (it retries the database for DB_CONNECT_TIMEOUT_SECONDS).',
              cmd(`kubectl -n ${s.namespace} get pods --watch`),
            ]
          : [
              'Usually nothing to change: on a first start MySQL initialises its data directory (about a minute), and the app turns ready by itself as soon as the database answers (it retries for DB_CONNECT_TIMEOUT_SECONDS).',
              cmd(`kubectl -n ${s.namespace} get pods --watch`),
              'If MySQL does not become ready, its own problem is listed here, or:',
              cmd(`kubectl -n ${s.namespace} describe pod ${mysqlPods[0]?.metadata.name ?? ''}`),
            ],
      });
      continue;
    }
    const { mode, statefulSet } = databaseMode(s);
    if (mysqlPods.length === 0 && statefulSet) {
      // Standalone or operator mode: the release's own MySQL has no pod at all.
      const sts = statefulSet.metadata.name;
      const dbHasOwnProblem = out.some((f) => f.subject === `statefulset/${sts}`);
      out.push({
        id: 'waiting-for-database',
        severity: 'problem',
        title: `The app is not ready because its database has no pod (${mode} mode)`,
        subject: `pod/${pod.metadata.name}`,
        evidence: `${probe}; statefulset/${sts} has no MySQL pod (spec.replicas ${statefulSet.spec?.replicas ?? 1})`,
        fix: dbHasOwnProblem
          ? [
              'This follows from the database problem reported here: fix that, and the app turns ready by itself (it retries the database for DB_CONNECT_TIMEOUT_SECONDS).',
              cmd(`kubectl -n ${s.namespace} get pods --watch`),
            ]
          : [
              'Look at why the StatefulSet creates no pod:',
              cmd(`kubectl -n ${s.namespace} describe statefulset ${sts}`),
            ],
      });
      continue;
    }
    out.push({
      id: mysqlPods.length === 0 ? 'database-unreachable' : 'readiness-failing',
      severity: 'problem',
      title:
        mysqlPods.length === 0
          ? 'The app is not ready: it cannot reach its external database (the release runs no MySQL: external mode)'
          : 'The app is not ready although MySQL is',
      subject: `pod/${pod.metadata.name}`,
      evidence: `${probe}${logs ? `; app log: ${lastLines(logs, 2)}` : ''}`,
      fix: [
        'Check the database address and credentials the app uses, and that the NetworkPolicies allow the app to reach it:',
        cmd(`kubectl -n ${s.namespace} logs ${pod.metadata.name} -c ${notReady.name} --tail 50`),
        cmd(`kubectl -n ${s.namespace} get networkpolicies`),
        `Then redeploy: taskmanager deploy --env ${o.env}`,
      ],
    });
  }
}

export const readinessRule: Rule = {
  name: 'readiness',
  ids: [
    'mysql-password-mismatch',
    'waiting-for-database',
    'database-unreachable',
    'readiness-failing',
  ],
  run,
};
