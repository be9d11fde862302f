// `doctor`'s diagnosis: each known failure of this app on Kubernetes, recognised from what kubectl
// returns (objects, events, logs), named, and paired with the fix. One rule per file under rules/.
import type { Snapshot } from '../deploy/kube.js';
import type { DiagnoseOptions, Finding } from './finding.js';
import { RULES } from './rules/index.js';

export type { DiagnoseOptions, Finding, Severity } from './finding.js';

/** Every known problem in the snapshot, most fundamental first. */
export function diagnose(snapshot: Snapshot, options: DiagnoseOptions): Finding[] {
  // A pod being deleted (an uninstall, a finished rollout, a scale-down) is not ready on its way
  // out, as asked: the rules judge the pods that stay; terminating.ts only the ones that hang.
  const context = {
    snapshot: { ...snapshot, pods: snapshot.pods.filter((p) => !p.metadata.deletionTimestamp) },
    options,
    findings: [] as Finding[],
    explained: new Set<string>(),
    terminating: snapshot.pods.filter((p) => p.metadata.deletionTimestamp),
    now: options.now ?? new Date(),
  };
  for (const rule of RULES) {
    if (rule.run(context) === false) break;
  }
  return context.findings;
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
