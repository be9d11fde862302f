// The alert rules file and its promtool unit tests, read as data.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');
export const chartDir = path.join(repoRoot, 'deploy', 'helm', 'cloudedu-taskmanager');
export const rulesFile = path.join(chartDir, 'files', 'alerts.yaml');
export const ruleTestsDir = path.join(repoRoot, 'deploy', 'observability', 'tests');
export const dashboardsDir = path.join(chartDir, 'files', 'dashboards');
export const runbookFile = path.join(repoRoot, 'docs', 'runbook.md');

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: Rule[];
}

export function loadRules(file = rulesFile): RuleGroup[] {
  return (parse(readFileSync(file, 'utf8')) as { groups: RuleGroup[] }).groups;
}

export const alertRules = (groups = loadRules()) =>
  groups.flatMap((g) => g.rules).filter((r): r is Rule & { alert: string } => Boolean(r.alert));

export const recordingRules = (groups = loadRules()) =>
  groups.flatMap((g) => g.rules).filter((r): r is Rule & { record: string } => Boolean(r.record));

export interface AlertRuleTest {
  eval_time: string;
  alertname: string;
  exp_alerts?: unknown[];
}

export interface RuleTestFile {
  file: string;
  rule_files: string[];
  tests: { name: string; alert_rule_test?: AlertRuleTest[] }[];
}

export function ruleTestFiles(): string[] {
  return readdirSync(ruleTestsDir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => path.join(ruleTestsDir, f))
    .sort();
}

export function loadRuleTests(): RuleTestFile[] {
  return ruleTestFiles().map((file) => ({
    file,
    ...(parse(readFileSync(file, 'utf8')) as Omit<RuleTestFile, 'file'>),
  }));
}

/** GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces to dashes. */
export function githubAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

export function runbookAnchors(): Set<string> {
  const headings = readFileSync(runbookFile, 'utf8')
    .split('\n')
    .filter((line) => /^#{1,6}\s/.test(line))
    .map((line) => line.replace(/^#+\s*/, '').replace(/`/g, ''));
  return new Set(headings.map(githubAnchor));
}
