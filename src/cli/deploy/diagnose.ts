// `doctor`'s rules: each known failure of this app on Kubernetes, recognised from what kubectl
// returns (objects, events, logs), named, and paired with the fix. Pure functions of a Snapshot,
// so each rule is tested against recorded kubectl output.
import type { ClusterInfo } from './cluster.js';
import type { ContainerStatus, KubeEvent, Pod, Snapshot, Workload } from './kube.js';

export type Severity = 'problem' | 'warning';

export interface Finding {
  /** Stable id of the rule, e.g. `image-not-in-cluster`. */
  id: string;
  severity: Severity;
  /** One line: what is wrong. */
  title: string;
  /** The object it is about: `pod/x`, `persistentvolumeclaim/y` … */
  subject: string;
  /** What in the cluster shows it. */
  evidence: string;
  /** What to do: explanation lines and commands (commands are prefixed by `$ `). */
  fix: string[];
}

export interface DiagnoseOptions {
  cluster: ClusterInfo;
  /** The `taskmanager deploy --env` value, for the commands suggested. */
  env: string;
}

const PSS_LABEL = 'pod-security.kubernetes.io/enforce';

const isMysqlContainer = (name: string, image: string): boolean =>
  !/exporter/i.test(name + image) && (name === 'mysql' || /(^|\/)mysql(-server)?[:@]/i.test(image));

function podIsMysql(pod: Pod): boolean {
  return pod.spec.containers.some((c) => isMysqlContainer(c.name, c.image ?? ''));
}

function allStatuses(pod: Pod): ContainerStatus[] {
  return [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])];
}

function isReady(pod: Pod): boolean {
  return pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function eventsFor(snapshot: Snapshot, kind: string, name: string): KubeEvent[] {
  return snapshot.events.filter(
    (e) => e.involvedObject.kind === kind && e.involvedObject.name === name,
  );
}

function ownerOf(pod: Pod, kind: string): string | undefined {
  return pod.metadata.ownerReferences?.find((o) => o.kind === kind)?.name;
}

const cmd = (line: string): string => `$ ${line}`;

/** Image names a local build produces (not pullable from any registry). */
function isLocalImage(image: string): boolean {
  return (
    image.startsWith('localhost/') ||
    (/(^|\/)cloudedu-taskmanager[:@]/.test(image) && !/^[^/]+\.[^/]+\//.test(image))
  );
}

function loadCommands(image: string, cluster: ClusterInfo): string[] {
  switch (cluster.kind) {
    case 'kind':
      return [
        `The kind cluster "${cluster.name}" has its own image store: load the image into it.`,
        cmd(`kind load docker-image ${image} --name ${cluster.name}`),
        `(with Podman or nerdctl: save it first, then \`kind load image-archive image.tar --name ${cluster.name}\`)`,
      ];
    case 'minikube':
      return [
        `The minikube profile "${cluster.name}" has its own image store: load the image into it.`,
        cmd(`minikube image load ${image} -p ${cluster.name}`),
      ];
    case 'docker-desktop':
      return [
        "Docker Desktop's Kubernetes sees the images of Docker Desktop's own engine: build it there.",
        cmd(`docker build -t ${image} .`),
      ];
    default:
      return [
        'This cluster cannot see images built on this machine: push the image to a registry it can pull from, then deploy that image.',
        cmd(`docker push <registry>/${image.replace(/^localhost\//, '')}`),
      ];
  }
}

function waiting(status: ContainerStatus): { reason: string; message: string } | undefined {
  const w = status.state?.waiting;
  return w?.reason ? { reason: w.reason, message: w.message ?? '' } : undefined;
}

function lastLines(text: string | undefined, count: number): string {
  if (!text) return '';
  return text.trimEnd().split(/\r?\n/).slice(-count).join(' | ');
}

function ruleNamespace(s: Snapshot, o: DiagnoseOptions, out: Finding[]): boolean {
  if (!s.namespaceObject && s.pods.length === 0) {
    out.push({
      id: 'namespace-missing',
      severity: 'problem',
      title: `Namespace ${s.namespace} does not exist: nothing is deployed there`,
      subject: `namespace/${s.namespace}`,
      evidence: `kubectl get namespace ${s.namespace}: NotFound`,
      fix: [
        'Deploy the app (or pass the namespace it was deployed to with --namespace).',
        cmd(`taskmanager deploy --env ${o.env}`),
      ],
    });
    return false;
  }
  const labels = s.namespaceObject?.metadata.labels ?? {};
  if (s.namespaceObject && labels[PSS_LABEL] !== 'restricted') {
    out.push({
      id: 'namespace-not-restricted',
      severity: 'warning',
      title: `Namespace ${s.namespace} does not enforce Pod Security "restricted"`,
      subject: `namespace/${s.namespace}`,
      evidence: `label ${PSS_LABEL}=${labels[PSS_LABEL] ?? '(unset)'}`,
      fix: [
        'Check first which running pods would be refused (the server prints a warning per pod):',
        cmd(
          `kubectl label --dry-run=server --overwrite namespace ${s.namespace} ${PSS_LABEL}=restricted`,
        ),
        'then enforce it:',
        cmd(
          `kubectl label --overwrite namespace ${s.namespace} ${PSS_LABEL}=restricted ${PSS_LABEL}-version=latest`,
        ),
      ],
    });
  }
  return true;
}

function ruleImagePull(
  s: Snapshot,
  o: DiagnoseOptions,
  out: Finding[],
  explained: Set<string>,
): void {
  const byImage = new Map<string, { pods: string[]; reason: string; message: string }>();
  for (const pod of s.pods) {
    for (const status of allStatuses(pod)) {
      const w = waiting(status);
      if (!w || !['ErrImageNeverPull', 'ImagePullBackOff', 'ErrImagePull'].includes(w.reason))
        continue;
      const spec = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find(
        (c) => c.name === status.name,
      );
      const image = spec?.image ?? status.image;
      const entry = byImage.get(image) ?? { pods: [], reason: w.reason, message: w.message };
      if (!entry.pods.includes(pod.metadata.name)) entry.pods.push(pod.metadata.name);
      // The pull error itself is in the pod's events; the status only says "Back-off".
      const podEvents = eventsFor(s, 'Pod', pod.metadata.name);
      const failed =
        podEvents.find((e) => /^Failed to pull image/.test(e.message ?? '')) ??
        podEvents.find((e) => e.reason === 'ErrImageNeverPull');
      if (failed?.message) entry.message = failed.message;
      byImage.set(image, entry);
      explained.add(pod.metadata.name);
    }
  }
  for (const [image, { pods, reason, message }] of byImage) {
    const local = isLocalImage(image) || reason === 'ErrImageNeverPull';
    const fix = local
      ? [
          ...loadCommands(image, o.cluster),
          `Or let the CLI build and load it: \`taskmanager deploy --env ${o.env}\`. The pods retry by themselves; to retry now:`,
          cmd(`kubectl -n ${s.namespace} delete pod ${pods.join(' ')}`),
        ]
      : [
          'The registry refused or could not serve the image: check that the tag exists, that the cluster can reach the registry, and for a private registry that `imagePullSecrets` names a Secret holding its credentials.',
          cmd(`kubectl -n ${s.namespace} describe pod ${pods[0] ?? ''}`),
        ];
    out.push({
      id: local ? 'image-not-in-cluster' : 'image-pull-failed',
      severity: 'problem',
      title: local
        ? `${reason}: image ${image} is not in the cluster's container runtime`
        : `${reason}: the cluster cannot pull image ${image}`,
      subject: pods.map((p) => `pod/${p}`).join(', '),
      evidence: message || reason,
      fix,
    });
  }
}

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

function pvcResetSteps(
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

function mysqlClaim(pod: Pod, s: Snapshot): { claim?: string; olderThanInstall: boolean } {
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

function ruleMysqlCrash(
  s: Snapshot,
  _o: DiagnoseOptions,
  out: Finding[],
  explained: Set<string>,
): void {
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
      const errorLine = logs.split(/\r?\n/).find((l) => /\[ERROR\]/.test(l)) ?? lastLines(logs, 1);
      if (known || olderThanInstall) {
        out.push({
          id: 'mysql-dirty-volume',
          severity: 'problem',
          title: `MySQL crash-loops on a data directory left by an earlier install`,
          subject: `pod/${pod.metadata.name}`,
          evidence: [
            `CrashLoopBackOff, ${status.restartCount} restarts, last exit code ${exitCode ?? '?'}`,
            known ? `${known.meaning}: ${errorLine.trim()}` : undefined,
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
          evidence: `${status.restartCount} restarts, last exit code ${exitCode ?? '?'}${errorLine ? `: ${errorLine.trim()}` : ''}`,
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

function describeNotReady(pod: Pod): string {
  for (const status of allStatuses(pod)) {
    const w = waiting(status);
    if (w) return w.reason;
    if (!status.ready && status.state?.running) return 'Running, not ready';
  }
  return pod.status.phase ?? 'Unknown';
}

function ruleReadiness(
  s: Snapshot,
  o: DiagnoseOptions,
  out: Finding[],
  explained: Set<string>,
): void {
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
    if (!notReady || probeFailures.length === 0) continue;
    const logs = s.logs[`${pod.metadata.name}/${notReady.name}`] ?? '';
    const probe = probeFailures[probeFailures.length - 1]?.message ?? '';
    explained.add(pod.metadata.name);
    if (/Access denied for user|ER_ACCESS_DENIED_ERROR/.test(logs) && mysqlReady) {
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
      // A MySQL pod that is merely starting is part of this finding, not a separate one.
      for (const p of mysqlPods) if (p.status.phase === 'Running') explained.add(p.metadata.name);
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
    out.push({
      id: mysqlPods.length === 0 ? 'database-unreachable' : 'readiness-failing',
      severity: 'problem',
      title:
        mysqlPods.length === 0
          ? 'The app is not ready: it cannot reach its (external) database'
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

function rulePvcPending(
  s: Snapshot,
  o: DiagnoseOptions,
  out: Finding[],
  explained: Set<string>,
): void {
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

function rulePodSecurity(s: Snapshot, o: DiagnoseOptions, out: Finding[]): void {
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
    if (workload && (workload.status?.readyReplicas ?? 0) >= (workload.spec?.replicas ?? 1)) continue;
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

function ruleHpa(s: Snapshot, o: DiagnoseOptions, out: Finding[]): void {
  for (const hpa of s.hpas) {
    const scalingActive = hpa.status.conditions?.find((c) => c.type === 'ScalingActive');
    // The condition is the current state; events (which outlive a fix) only when it is absent.
    const event = scalingActive
      ? undefined
      : eventsFor(s, 'HorizontalPodAutoscaler', hpa.metadata.name).find((e) =>
          /FailedGetResourceMetric|FailedComputeMetricsReplicas/.test(e.reason ?? ''),
        );
    const message = scalingActive?.status === 'False' ? scalingActive.message : event?.message;
    if (!message) continue;
    if (/missing request for/.test(message)) {
      out.push({
        id: 'hpa-missing-requests',
        severity: 'problem',
        title: `HPA ${hpa.metadata.name} cannot scale: a container has no CPU request`,
        subject: `horizontalpodautoscaler/${hpa.metadata.name}`,
        evidence: message,
        fix: [
          'Set resources.requests.cpu on every container of the target (the chart does by default; check overriding values).',
        ],
      });
      continue;
    }
    if (!/metrics\.k8s\.io|metrics API|no metrics returned/.test(message)) continue;
    const install =
      o.cluster.kind === 'minikube'
        ? [cmd(`minikube addons enable metrics-server -p ${o.cluster.name}`)]
        : [
            cmd(
              'kubectl apply -f https://github.com/kubernetes-sigs/metrics-server/releases/latest/download/components.yaml',
            ),
            ...(o.cluster.kind === 'kind' || o.cluster.kind === 'docker-desktop'
              ? [
                  'On kind and Docker Desktop the kubelet certificates are self-signed, so also:',
                  cmd(
                    `kubectl -n kube-system patch deployment metrics-server --type=json -p '[{"op":"add","path":"/spec/template/spec/containers/0/args/-","value":"--kubelet-insecure-tls"}]'`,
                  ),
                ]
              : []),
          ];
    out.push({
      id: 'hpa-no-metrics-server',
      severity: 'problem',
      title: `HPA ${hpa.metadata.name} has no metrics: the cluster has no metrics server`,
      subject: `horizontalpodautoscaler/${hpa.metadata.name}`,
      evidence: message,
      fix: [
        'Install metrics-server (the HPA reads CPU from the metrics.k8s.io API it serves):',
        ...install,
        cmd('kubectl top pods -A'),
      ],
    });
  }
}

interface SecretNeed {
  pods: Set<string>;
  keys: Set<string>;
  evidence: string;
}

function ruleMissingSecret(
  s: Snapshot,
  o: DiagnoseOptions,
  out: Finding[],
  explained: Set<string>,
): void {
  const missing = new Map<string, SecretNeed>();
  const need = (secret: string, pod: string, evidence: string): SecretNeed => {
    const entry = missing.get(secret) ?? {
      pods: new Set<string>(),
      keys: new Set<string>(),
      evidence,
    };
    entry.pods.add(pod);
    missing.set(secret, entry);
    return entry;
  };
  for (const pod of s.pods) {
    const name = pod.metadata.name;
    for (const status of allStatuses(pod)) {
      const w = waiting(status);
      const match = w && /secret "([^"]+)" not found/.exec(w.message);
      if (match?.[1]) need(match[1], name, `${w?.reason ?? ''}: ${w?.message ?? ''}`);
    }
    for (const e of isReady(pod) ? [] : eventsFor(s, 'Pod', name)) {
      const match = /secret "([^"]+)" not found/.exec(e.message ?? '');
      if (match?.[1]) need(match[1], name, `${e.reason ?? ''}: ${e.message ?? ''}`);
    }
    if (s.secretNames) {
      const known = new Set(s.secretNames);
      for (const v of pod.spec.volumes ?? []) {
        const ref = v.secret;
        if (ref?.secretName && !ref.optional && !known.has(ref.secretName)) {
          need(
            ref.secretName,
            name,
            `volume "${v.name}" mounts secret "${ref.secretName}", which does not exist`,
          );
        }
      }
    }
  }
  if (missing.size === 0) return;
  // Which keys the pods expect, so the fix can create the Secret with the right shape.
  for (const pod of s.pods) {
    for (const v of pod.spec.volumes ?? []) {
      const entry = v.secret?.secretName ? missing.get(v.secret.secretName) : undefined;
      for (const item of v.secret?.items ?? []) entry?.keys.add(item.key);
    }
    for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref?.name && ref.key) missing.get(ref.name)?.keys.add(ref.key);
      }
    }
  }
  for (const [secret, { pods, keys, evidence }] of missing) {
    for (const p of pods) explained.add(p);
    const fromFiles = [...keys].map((k) => `--from-file=${k}=./${k}.txt`).join(' ');
    out.push({
      id: 'secret-missing',
      severity: 'problem',
      title: `Secret ${secret} is missing`,
      subject: [...pods].map((p) => `pod/${p}`).join(', '),
      evidence,
      fix: [
        `If the values name it as an existing Secret, create it (one file per key keeps values out of shell history)${keys.size ? `; the pods read the keys ${[...keys].join(', ')}` : ''}:`,
        cmd(
          `kubectl -n ${s.namespace} create secret generic ${secret} ${fromFiles || '--from-file=<key>=<file>'}`,
        ),
        `If the chart generates it, redeploy and it is created again: taskmanager deploy --env ${o.env}`,
      ],
    });
  }
}

function ruleNotReady(
  s: Snapshot,
  _o: DiagnoseOptions,
  out: Finding[],
  explained: Set<string>,
): void {
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
    const w = status ? waiting(status) : undefined;
    const terminated = status?.lastState?.terminated;
    const logs = status ? s.logs[`${pod.metadata.name}/${status.name}`] : undefined;
    const evidence = [
      scheduling?.message ??
        (w
          ? `${w.reason}${w.message ? `: ${w.message}` : ''}`
          : `phase ${pod.status.phase ?? 'Unknown'}`),
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

/** Every known problem in the snapshot, most fundamental first. */
export function diagnose(snapshot: Snapshot, options: DiagnoseOptions): Finding[] {
  const findings: Finding[] = [];
  if (!ruleNamespace(snapshot, options, findings)) return findings;
  const explained = new Set<string>();
  rulePvcPending(snapshot, options, findings, explained);
  rulePodSecurity(snapshot, options, findings);
  ruleMissingSecret(snapshot, options, findings, explained);
  ruleImagePull(snapshot, options, findings, explained);
  ruleMysqlCrash(snapshot, options, findings, explained);
  ruleReadiness(snapshot, options, findings, explained);
  ruleHpa(snapshot, options, findings);
  ruleNotReady(snapshot, options, findings, explained);
  return findings;
}

/** The report `doctor` prints. */
export function formatFindings(findings: Finding[]): string {
  const problems = findings.filter((f) => f.severity === 'problem').length;
  const warnings = findings.length - problems;
  if (problems === 0) {
    const lines = [
      `no problems found${warnings ? ` (${warnings} warning${warnings > 1 ? 's' : ''})` : ''}`,
    ];
    for (const f of findings) lines.push('', ...formatOne(f));
    return lines.join('\n');
  }
  const lines: string[] = [];
  for (const f of findings) lines.push(...formatOne(f), '');
  lines.push(
    `${problems} problem${problems > 1 ? 's' : ''} found${warnings ? `, ${warnings} warning${warnings > 1 ? 's' : ''}` : ''}`,
  );
  return lines.join('\n');
}

function formatOne(f: Finding): string[] {
  return [
    `${f.severity === 'problem' ? 'PROBLEM' : 'WARNING'} [${f.id}] ${f.title}`,
    `  on:   ${f.subject}`,
    `  seen: ${f.evidence}`,
    '  fix:',
    ...f.fix.map((line) => `    ${line}`),
  ];
}
