// An HPA that cannot scale: no metrics server, or a container without a CPU request.
import type { Rule, RuleContext } from '../finding.js';
import { cmd } from '../finding.js';
import { eventsFor } from '../pods.js';

function run({ snapshot: s, options: o, findings: out }: RuleContext): void {
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

export const hpaRule: Rule = {
  name: 'hpa',
  ids: ['hpa-missing-requests', 'hpa-no-metrics-server'],
  run,
};
