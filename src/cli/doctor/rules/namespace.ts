// The namespace exists and enforces Pod Security `restricted`. Nothing else is checked when it is
// missing.
import type { Rule, RuleContext } from '../finding.js';
import { cmd } from '../finding.js';

const PSS_LABEL = 'pod-security.kubernetes.io/enforce';

function run({ snapshot: s, options: o, findings: out }: RuleContext): boolean {
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

export const namespaceRule: Rule = {
  name: 'namespace',
  ids: ['namespace-missing', 'namespace-not-restricted'],
  run,
};
