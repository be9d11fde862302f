// What a doctor rule produces and what it is given. Rules are pure functions of a Snapshot, so
// each one is tested against kubectl output kept under tests/fixtures/doctor/.
import type { ClusterInfo } from '../deploy/cluster.js';
import type { Pod, Snapshot } from '../deploy/kube.js';

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
  /** The time findings are judged at (tests fix it); now by default. */
  now?: Date;
}

export interface RuleContext {
  snapshot: Snapshot;
  options: DiagnoseOptions;
  /** Findings so far, in rule order; a rule appends its own. */
  findings: Finding[];
  /** Pods a finding already accounts for, so later, vaguer rules leave them alone. */
  explained: Set<string>;
  /** Pods being deleted: left out of `snapshot.pods`, which holds the pods that stay. */
  terminating: Pod[];
  now: Date;
}

export interface Rule {
  /** File name of the rule under rules/. */
  name: string;
  /** Finding ids the rule can produce. */
  ids: readonly string[];
  /** Returns false when nothing else can be diagnosed (the namespace does not exist). */
  run(context: RuleContext): boolean | void;
}

export const cmd = (line: string): string => `$ ${line}`;
