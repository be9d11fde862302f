// The chart's MySQL as doctor sees it: which pods and containers are MySQL, its claim, and the
// safe reset of its volume that several rules print.
import type { Pod, Snapshot, Workload } from '../deploy/kube.js';
import { cmd } from './finding.js';
import { ownerOf } from './pods.js';

export const isMysqlContainer = (name: string, image: string): boolean =>
  !/exporter/i.test(name + image) && (name === 'mysql' || /(^|\/)mysql(-server)?[:@]/i.test(image));

export function podIsMysql(pod: Pod): boolean {
  return pod.spec.containers.some((c) => isMysqlContainer(c.name, c.image ?? ''));
}

export function pvcResetSteps(
  namespace: string,
  statefulSet: string | undefined,
  pvc: string | undefined,
): string[] {
  const sts = statefulSet ?? '<mysql statefulset>';
  const claim = pvc ?? '<mysql pvc>';
  return [
    'Safe reset of the MySQL volume (it deletes the old data: back it up first if it matters):',
    '1. stop MySQL so nothing uses the volume:',
    cmd(`kubectl -n ${namespace} scale statefulset/${sts} --replicas=0`),
    '2. look at the claim (its age tells it predates this install) and copy its data out if you need it:',
    cmd(`kubectl -n ${namespace} get pvc ${claim} -o wide`),
    '3. delete the claim (with the usual reclaimPolicy Delete, its volume goes with it):',
    cmd(`kubectl -n ${namespace} delete pvc ${claim}`),
    '4. start MySQL again: the StatefulSet creates a fresh volume and initialises it with the current Secret:',
    cmd(`kubectl -n ${namespace} scale statefulset/${sts} --replicas=1`),
    'To keep the old data instead, restore the database Secret of the earlier install (its passwords match the volume).',
  ];
}

export function mysqlClaim(pod: Pod, s: Snapshot): { claim?: string; olderThanInstall: boolean } {
  const claim = pod.spec.volumes?.find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim
    ?.claimName;
  const pvc = s.pvcs.find((p) => p.metadata.name === claim);
  const stsName = ownerOf(pod, 'StatefulSet');
  const sts = s.statefulSets.find((w) => w.metadata.name === stsName);
  const pvcTime = Date.parse(pvc?.metadata.creationTimestamp ?? '');
  const stsTime = Date.parse(sts?.metadata.creationTimestamp ?? '');
  // A StatefulSet's claims are created after it; a claim older than it outlived an earlier install.
  return { claim, olderThanInstall: pvcTime + 60_000 < stsTime };
}

export type DatabaseMode = 'standalone' | 'operator' | 'external';

/**
 * The release's database mode (values `mysql.mode`), read from what it created: the chart's MySQL
 * StatefulSet (component label `mysql`, managed by Helm) in standalone mode, the MySQL Operator's
 * StatefulSet (label `mysql.oracle.com/cluster`) in operator mode, neither with an external database.
 * A StatefulSet scaled to zero is still there, so "no MySQL pod" alone never means external.
 */
export function databaseMode(s: Snapshot): { mode: DatabaseMode; statefulSet?: Workload } {
  const labels = (w: Workload): Record<string, string> => w.metadata.labels ?? {};
  const standalone = s.statefulSets.find(
    (w) =>
      labels(w)['app.kubernetes.io/component'] === 'mysql' &&
      labels(w)['app.kubernetes.io/managed-by'] !== 'mysql-operator',
  );
  if (standalone) return { mode: 'standalone', statefulSet: standalone };
  const operator = s.statefulSets.find((w) => labels(w)['mysql.oracle.com/cluster'] !== undefined);
  if (operator) return { mode: 'operator', statefulSet: operator };
  return { mode: 'external' };
}
