// A Secret the pods mount or read that does not exist, with the keys they expect from it.
import type { Rule, RuleContext } from '../finding.js';
import { cmd } from '../finding.js';
import { allStatuses, eventsFor, isReady, waiting } from '../pods.js';

interface SecretNeed {
  pods: Set<string>;
  keys: Set<string>;
  evidence: string;
}

function run({ snapshot: s, options: o, findings: out, explained }: RuleContext): void {
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

export const missingSecretRule: Rule = {
  name: 'missing-secret',
  ids: ['secret-missing'],
  run,
};
