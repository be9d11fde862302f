// ErrImageNeverPull / ImagePullBackOff: a local image the cluster cannot see (with the load command
// of the cluster kind), or a registry image it cannot pull.
import type { ClusterInfo } from '../../deploy/cluster.js';
import type { Rule, RuleContext } from '../finding.js';
import { cmd } from '../finding.js';
import { allStatuses, eventsFor, waiting } from '../pods.js';

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

function run({ snapshot: s, options: o, findings: out, explained }: RuleContext): void {
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

export const imagePullRule: Rule = {
  name: 'image-pull',
  ids: ['image-not-in-cluster', 'image-pull-failed'],
  run,
};
