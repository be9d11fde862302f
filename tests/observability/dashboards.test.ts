// The Grafana dashboards as Grafana reads them: JSON with the fields it needs, unique panel ids, a
// grid without overlaps, data sources that exist (template variables or the provisioned uids),
// and variables that are defined before they are used.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { allPanels, dashboardFiles, loadDashboard } from './support/promql.js';
import type { Dashboard, Panel } from './support/promql.js';
import { repoRoot } from './support/rules.js';

const PANEL_TYPES = new Set([
  'row',
  'timeseries',
  'stat',
  'table',
  'heatmap',
  'logs',
  'gauge',
  'bargauge',
  'text',
]);
const BUILTIN_VARIABLES = /^\$\{?__/;

/** Data source uids Grafana gets from deploy/observability (kube-prometheus-stack values). */
function provisionedDatasources(): Map<string, string> {
  const values = parse(
    readFileSync(
      path.join(repoRoot, 'deploy', 'observability', 'values', 'kube-prometheus-stack.yaml'),
      'utf8',
    ),
  ) as { grafana: { additionalDataSources: { uid: string; type: string }[] } };
  // kube-prometheus-stack provisions its own Prometheus data source with uid "prometheus".
  const map = new Map<string, string>([['prometheus', 'prometheus']]);
  for (const ds of values.grafana.additionalDataSources) map.set(ds.uid, ds.type);
  return map;
}

describe('dashboard files', () => {
  const files = dashboardFiles();

  it('ship an overview, a MySQL and a logs dashboard with unique uids and titles', () => {
    expect(files.map((f) => path.basename(f))).toEqual(
      expect.arrayContaining([
        'taskmanager-overview.json',
        'taskmanager-mysql.json',
        'taskmanager-logs.json',
      ]),
    );
    const dashboards = files.map(loadDashboard);
    expect(new Set(dashboards.map((d) => d.uid)).size).toBe(dashboards.length);
    expect(new Set(dashboards.map((d) => d.title)).size).toBe(dashboards.length);
  });

  describe.each(files.map((f) => [path.basename(f), f] as const))('%s', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const dashboard: Dashboard = JSON.parse(text) as Dashboard;
    const panels = allPanels(dashboard);
    const variables = new Map(dashboard.templating.list.map((v) => [v.name, v]));

    it('has the fields Grafana requires', () => {
      expect(dashboard.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
      expect(dashboard.title.length).toBeGreaterThan(3);
      expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
      expect(Array.isArray(dashboard.panels) && dashboard.panels.length > 0).toBe(true);
      expect(dashboard).toHaveProperty('time.from');
      expect(dashboard.tags).toContain('cloudedu-taskmanager');
      // The chart ships it as is: no exported-dashboard placeholders left in.
      expect(text).not.toMatch(/\$\{DS_[A-Z_]+\}|__inputs/);
    });

    it('has unique panel ids and a grid without overlaps', () => {
      const ids = panels.map((p) => p.id);
      expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      const taken = new Set<string>();
      for (const panel of panels) {
        const { x, y, w, h } = panel.gridPos;
        expect(PANEL_TYPES.has(panel.type), `${panel.title}: type ${panel.type}`).toBe(true);
        expect(w >= 1 && x >= 0 && x + w <= 24 && h >= 1 && y >= 0, `${panel.title}: gridPos`).toBe(
          true,
        );
        for (let i = x; i < x + w; i++) {
          for (let j = y; j < y + h; j++) {
            const cell = `${i},${j}`;
            expect(taken.has(cell), `${panel.title} overlaps at ${cell}`).toBe(false);
            taken.add(cell);
          }
        }
      }
    });

    it('gives every panel a title, a description and queries with unique refIds', () => {
      for (const panel of panels.filter((p) => p.type !== 'row')) {
        expect(panel.title.length).toBeGreaterThan(2);
        const description = typeof panel.description === 'string' ? panel.description : '';
        expect(description.length, `${panel.title} has no description`).toBeGreaterThan(10);
        const refIds = (panel.targets ?? []).map((t) => t.refId);
        expect(refIds.length, `${panel.title} has no query`).toBeGreaterThan(0);
        expect(new Set(refIds).size).toBe(refIds.length);
      }
    });

    it('uses data sources that exist: a datasource variable of the same type, or a provisioned uid', () => {
      const provisioned = provisionedDatasources();
      const check = (where: string, ds: { type: string; uid: string } | undefined) => {
        expect(ds, `${where}: no datasource`).toBeDefined();
        const variable = /^\$\{(\w+)\}$/.exec(ds!.uid)?.[1];
        if (variable) {
          const v = variables.get(variable);
          expect(v?.type, `${where}: variable ${variable}`).toBe('datasource');
          expect(v?.query, `${where}: ${variable} is not a ${ds!.type} variable`).toBe(ds!.type);
        } else {
          expect(provisioned.get(ds!.uid), `${where}: uid ${ds!.uid} is not provisioned`).toBe(
            ds!.type,
          );
        }
      };
      for (const panel of panels.filter((p: Panel) => p.type !== 'row')) {
        check(`panel ${panel.title}`, panel.datasource);
        for (const target of panel.targets ?? []) {
          check(`panel ${panel.title} ${target.refId}`, target.datasource ?? panel.datasource);
          expect(target.datasource?.uid ?? panel.datasource?.uid).toBe(panel.datasource?.uid);
        }
      }
      for (const variable of variables.values()) {
        if (variable.datasource) check(`variable ${variable.name}`, variable.datasource);
      }
      // Links to traces go to the provisioned Jaeger data source.
      for (const match of text.matchAll(/%22datasource%22%3A%22(\w+)%22|"datasource":"(\w+)"/g)) {
        expect(provisioned.has(match[1] ?? match[2]!)).toBe(true);
      }
    });

    it('defines every variable its queries use, before using it', () => {
      const names = [...variables.keys()];
      for (const panel of panels) {
        for (const target of panel.targets ?? []) {
          for (const use of (target.expr ?? '').matchAll(/\$\{?(\w+)\}?/g)) {
            if (BUILTIN_VARIABLES.test(use[0])) continue;
            expect(variables.has(use[1]!), `${panel.title}: $${use[1]} is not defined`).toBe(true);
          }
        }
      }
      dashboard.templating.list.forEach((variable, index) => {
        const query = JSON.stringify(variable.query ?? '');
        for (const use of query.matchAll(/\$\{?(\w+)\}?/g)) {
          if (BUILTIN_VARIABLES.test(use[0])) continue;
          expect(names.indexOf(use[1]!), `variable ${variable.name} uses $${use[1]}`).toBeLessThan(
            index,
          );
        }
      });
    });

    it('queries Loki with a stream selector on the app', () => {
      for (const panel of panels) {
        for (const target of panel.targets ?? []) {
          if ((target.datasource ?? panel.datasource)?.type !== 'loki') continue;
          expect(target.expr).toMatch(
            /\{namespace="\$namespace", app="cloudedu-taskmanager", container="app"\}/,
          );
        }
      }
    });
  });
});
