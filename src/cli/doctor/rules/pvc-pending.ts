// A PVC stuck Pending: no default StorageClass, an unknown class, or a failing provisioner.
import type { Rule, RuleContext } from '../finding.js';
import { cmd } from '../finding.js';
import { eventsFor } from '../pods.js';

function run({ snapshot: s, options: o, findings: out, explained }: RuleContext): void {
  const defaults = s.storageClasses?.filter(
    (c) =>
      c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true' ||
      c.metadata.annotations?.['storageclass.beta.kubernetes.io/is-default-class'] === 'true',
  );
  for (const pvc of s.pvcs) {
    if (pvc.status.phase !== 'Pending') continue;
    const events = eventsFor(s, 'PersistentVolumeClaim', pvc.metadata.name);
    if (
      events.some((e) => e.reason === 'WaitForFirstConsumer') &&
      !events.some((e) => e.reason === 'ProvisioningFailed')
    ) {
      continue; // normal: binds when its pod is scheduled
    }
    const users = s.pods.filter((p) =>
      p.spec.volumes?.some((v) => v.persistentVolumeClaim?.claimName === pvc.metadata.name),
    );
    for (const p of users) explained.add(p.metadata.name);
    const className = pvc.spec.storageClassName;
    const noClassEvent = events.find((e) => /no storage class is set/.test(e.message ?? ''));
    if (!className && (noClassEvent || (defaults !== undefined && defaults.length === 0))) {
      const existing = s.storageClasses ?? [];
      const fix =
        existing.length > 0
          ? [
              `Storage classes exist (${existing.map((c) => c.metadata.name).join(', ')}) but none is the default. Mark one as default:`,
              cmd(
                `kubectl patch storageclass ${existing[0]?.metadata.name ?? '<name>'} -p '{"metadata":{"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}}}'`,
              ),
            ]
          : o.cluster.kind === 'minikube'
            ? [
                "Enable minikube's provisioner and default class:",
                cmd(`minikube addons enable storage-provisioner -p ${o.cluster.name}`),
                cmd(`minikube addons enable default-storageclass -p ${o.cluster.name}`),
              ]
            : [
                'The cluster has no storage class at all: install a provisioner (a CSI driver of your platform, or Rancher local-path-provisioner on a lab cluster) and mark its class as default.',
              ];
      out.push({
        id: 'pvc-no-default-storageclass',
        severity: 'problem',
        title: `PVC ${pvc.metadata.name} is Pending: it names no storage class and the cluster has no default one`,
        subject: `persistentvolumeclaim/${pvc.metadata.name}`,
        evidence:
          noClassEvent?.message ??
          `no StorageClass annotated storageclass.kubernetes.io/is-default-class=true`,
        fix: [
          ...fix,
          'Or name a class in the values (mysql persistence storage class). Since Kubernetes 1.28 a Pending claim picks up a new default class by itself.',
        ],
      });
      continue;
    }
    const classKnown = className && s.storageClasses?.some((c) => c.metadata.name === className);
    const failure = events.filter((e) => e.type === 'Warning').pop();
    out.push({
      id: 'pvc-pending',
      severity: 'problem',
      title: `PVC ${pvc.metadata.name} is Pending${className && s.storageClasses && !classKnown ? `: storage class "${className}" does not exist` : ''}`,
      subject: `persistentvolumeclaim/${pvc.metadata.name}`,
      evidence: failure?.message ?? `phase Pending, storageClassName ${className ?? '(none)'}`,
      fix: [
        'Use a storage class the cluster has (kubectl get storageclass) in the values, or fix its provisioner:',
        cmd(`kubectl -n ${s.namespace} describe pvc ${pvc.metadata.name}`),
      ],
    });
  }
}

export const pvcPendingRule: Rule = {
  name: 'pvc-pending',
  ids: ['pvc-no-default-storageclass', 'pvc-pending'],
  run,
};
