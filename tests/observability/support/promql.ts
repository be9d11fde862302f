// PromQL as text: which metric names an expression reads, and the expressions of the rules and
// dashboards with Grafana's variables filled in, so that a real Prometheus can parse them.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { alertRules, dashboardsDir, loadRules, recordingRules, repoRoot } from './rules.js';

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'inf',
  'nan',
  'atan2',
]);

/** Metric names read by one PromQL expression (a tokenizer, not a parser; enough for our rules). */
export function metricNames(expr: string): Set<string> {
  let text = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""') // string literals
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // range and subquery selectors
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // label lists
    .replace(/\boffset\s+-?\d+[smhdwy]/g, ' ');
  text = text.replace(/\b\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi, ' '); // numbers
  const names = new Set<string>();
  for (const match of text.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = match[0];
    const after = text.slice(match.index + word.length).trimStart();
    if (after.startsWith('(')) continue; // a function or aggregation
    if (KEYWORDS.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return names;
}

/** Grafana variables replaced by values Prometheus accepts where they appear. */
export function substituteGrafanaVariables(expr: string, namespace: string): string {
  return expr
    .replace(/\$__rate_interval|\$__interval|\$__range|\$\{__rate_interval\}|\$__auto/g, '1m')
    .replace(/\$\{?namespace\}?/g, namespace)
    .replace(/\$\{?route\}?/g, '.*');
}

export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Variable[] };
  [key: string]: unknown;
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type: string; uid: string };
  targets?: { refId: string; expr?: string; datasource?: { type: string; uid: string } }[];
  panels?: Panel[];
  [key: string]: unknown;
}

export interface Variable {
  name: string;
  type: string;
  query?: unknown;
  datasource?: { type: string; uid: string };
  [key: string]: unknown;
}

export function dashboardFiles(): string[] {
  return readdirSync(dashboardsDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => path.join(dashboardsDir, f))
    .sort();
}

export function loadDashboard(file: string): Dashboard {
  return JSON.parse(readFileSync(file, 'utf8')) as Dashboard;
}

/** Every panel, rows' children included. */
export function allPanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Data source type of a panel target: its own, else its panel's. */
function datasourceType(
  panel: Panel,
  target: { datasource?: { type: string } },
): string | undefined {
  return target.datasource?.type ?? panel.datasource?.type;
}

export interface Expression {
  where: string;
  expr: string;
}

/** The PromQL expressions of all dashboards (targets and Prometheus query variables). */
export function dashboardExpressions(): Expression[] {
  const found: Expression[] = [];
  for (const file of dashboardFiles()) {
    const dashboard = loadDashboard(file);
    for (const panel of allPanels(dashboard)) {
      for (const target of panel.targets ?? []) {
        if (target.expr && datasourceType(panel, target) === 'prometheus') {
          found.push({
            where: `${path.basename(file)} panel "${panel.title}" ${target.refId}`,
            expr: target.expr,
          });
        }
      }
    }
    for (const variable of dashboard.templating.list) {
      const query = (variable.query as { query?: string } | undefined)?.query;
      if (variable.type === 'query' && variable.datasource?.type === 'prometheus' && query) {
        const inner = /^label_values\((.*),\s*\w+\)$/.exec(query)?.[1] ?? query;
        found.push({ where: `${path.basename(file)} variable ${variable.name}`, expr: inner });
      }
    }
  }
  return found;
}

export function ruleExpressions(): Expression[] {
  return loadRules().flatMap((group) =>
    group.rules.map((rule) => ({ where: `rule ${rule.alert ?? rule.record}`, expr: rule.expr })),
  );
}

export const definedByRules = () => new Set(recordingRules().map((r) => r.record));
export const alertNames = () => new Set(alertRules().map((r) => r.alert));

/** deploy/observability/external-metrics.txt: name -> source, for metrics not served by the app. */
export function externalMetrics(): Map<string, string> {
  const file = path.join(repoRoot, 'deploy', 'observability', 'external-metrics.txt');
  const map = new Map<string, string>();
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [name, source] = line.split(/\s+/);
    if (name && source) map.set(name, source);
  }
  return map;
}

/** Family name of a sample name: histogram and summary series fold into their family. */
export function familyOf(name: string, families: Set<string>): string | undefined {
  if (families.has(name)) return name;
  const base = name.replace(/_(bucket|count|sum)$/, '');
  return families.has(base) ? base : undefined;
}
