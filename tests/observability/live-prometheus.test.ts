// A real Prometheus scrapes the real service (a process on a temporary SQLite database) while the
// test drives traffic through the API; then PromQL answers must match what was sent. The same
// Prometheus loads the alert rules file and checks that every expression of the rules and the
// dashboards parses and reads only metrics that exist.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../support/tools.js';
import { familyNames, parseExposition } from './support/exposition.js';
import type { Exposition } from './support/exposition.js';
import {
  dashboardExpressions,
  definedByRules,
  externalMetrics,
  familyOf,
  metricNames,
  ruleExpressions,
  substituteGrafanaVariables,
} from './support/promql.js';
import type { Prometheus } from './support/prometheus.js';
import { startPrometheus } from './support/prometheus.js';
import { rulesFile } from './support/rules.js';
import { eventually } from '../support/process.js';
import { ApiClient } from '../support/http.js';
import { startService } from '../support/service.js';
import type { Service } from '../support/service.js';

const prometheusTool = requireTool('prometheus', 'apt-get install prometheus');
const NAMESPACE = 'observability-test';
const TASK_ROUTE = '/api/v1/tasks/:taskId';
const TASKS = 4;
const MISSING = 3;

describe.skipIf(prometheusTool.skipReason)('a real Prometheus scraping the running service', () => {
  let service: Service;
  let prometheus: Prometheus;
  let scrape: Exposition;
  const ids: string[] = [];

  beforeAll(async () => {
    service = await startService();
    prometheus = await startPrometheus(prometheusTool.path!, {
      targets: [
        {
          job: 'cloudedu-taskmanager',
          target: `127.0.0.1:${service.metricsPort}`,
          labels: { namespace: NAMESPACE, pod: 'cloudedu-taskmanager-test-0' },
        },
      ],
      ruleFiles: [rulesFile],
    });

    const api = new ApiClient(service.url);
    const email = `observer.${Date.now()}@example.com`;
    const password = 'a long enough passphrase for tests';
    const registered = await api.register(email, password);
    ids.push(registered.body.user.id as string);
    expect((await api.login(email, password)).status).toBe(200);
    expect((await new ApiClient(service.url).login(email, 'not the right password')).status).toBe(
      401,
    );
    const project = await api.request('POST', '/api/v1/projects', { name: 'Observability' });
    expect(project.status).toBe(201);
    ids.push(project.body.id as string);
    for (let i = 0; i < TASKS; i++) {
      const task = await api.request('POST', `/api/v1/projects/${project.body.id}/tasks`, {
        title: `Task ${i}`,
      });
      expect(task.status).toBe(201);
      ids.push(task.body.id as string);
    }
    // Two rounds with a scrape between them, so that rate() has an increase to work on.
    for (const round of [1, 2]) {
      for (const id of ids.slice(2, 2 + TASKS)) {
        expect((await api.request('GET', `/api/v1/tasks/${id}`)).status).toBe(200);
      }
      if (round === 1) await prometheus.nextScrape();
    }
    for (let i = 0; i < MISSING; i++) {
      const id = randomUUID();
      ids.push(id);
      expect((await api.request('GET', `/api/v1/tasks/${id}`)).status).toBe(404);
    }
    expect((await api.request('GET', '/no/such/page/8675309')).status).toBe(404);

    await prometheus.nextScrape();
    scrape = parseExposition(await (await fetch(service.metricsUrl)).text());
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await service?.stop();
  });

  it('counts the requests of a route under its template, by status code', async () => {
    const result = await prometheus.query(
      `sum by (status_code) (http_request_duration_seconds_count{job="cloudedu-taskmanager", route="${TASK_ROUTE}", method="GET"})`,
    );
    const byStatus = Object.fromEntries(
      result.map((s) => [s.metric.status_code, Number(s.value[1])]),
    );
    expect(byStatus).toEqual({ '200': 2 * TASKS, '404': MISSING });
    const created = await prometheus.query(
      `http_request_duration_seconds_count{job="cloudedu-taskmanager", route="/api/v1/projects/:projectId/tasks", method="POST", status_code="201"}`,
    );
    expect(created.map((s) => Number(s.value[1]))).toEqual([TASKS]);
    const unmatched = await prometheus.query(
      `http_request_duration_seconds_count{job="cloudedu-taskmanager", route="unmatched", status_code="404"}`,
    );
    expect(unmatched.map((s) => Number(s.value[1]))).toEqual([1]);
  });

  it('has the histogram buckets of the route, cumulative up to +Inf', async () => {
    const buckets = await prometheus.query(
      `http_request_duration_seconds_bucket{job="cloudedu-taskmanager", route="${TASK_ROUTE}", method="GET", status_code="200"}`,
    );
    const le = (bound: string) => (bound === '+Inf' ? Infinity : Number(bound));
    const byLe = new Map(buckets.map((s) => [s.metric.le!, Number(s.value[1])]));
    expect([...byLe.keys()].sort((a, b) => le(a) - le(b))).toEqual([
      '0.005',
      '0.01',
      '0.025',
      '0.05',
      '0.1',
      '0.25',
      '0.5',
      '1',
      '2.5',
      '5',
      '10',
      '+Inf',
    ]);
    expect(byLe.get('+Inf')).toBe(2 * TASKS);
    const ordered = [...byLe.entries()].sort(([a], [b]) => le(a) - le(b)).map(([, v]) => v);
    for (let i = 1; i < ordered.length; i++)
      expect(ordered[i]).toBeGreaterThanOrEqual(ordered[i - 1]!);
    const p95 = await prometheus.query(
      `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="cloudedu-taskmanager", route="${TASK_ROUTE}"}[1m])))`,
    );
    expect(Number(p95[0]?.value[1])).toBeGreaterThan(0);
  });

  it('never puts a raw id, URL or request id in a label value', async () => {
    const series = await prometheus.series('{job="cloudedu-taskmanager"}');
    expect(series.length).toBeGreaterThan(50);
    const values = new Set(series.flatMap((labels) => Object.values(labels)));
    for (const id of ids) {
      for (const value of values)
        expect(value.includes(id), `label value "${value}" holds id ${id}`).toBe(false);
    }
    for (const value of values) {
      expect(value).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
      expect(value).not.toContain('8675309');
    }
    const routes = new Set(series.map((s) => s.route).filter(Boolean));
    for (const route of routes) expect(route === 'unmatched' || route!.startsWith('/')).toBe(true);
  });

  it('reports the business counters, the pool, migrations and the build', async () => {
    const value = async (expr: string) => Number((await prometheus.query(expr))[0]?.value[1]);
    expect(await value('tasks_created_total{job="cloudedu-taskmanager"}')).toBe(TASKS);
    expect(await value('logins_total{job="cloudedu-taskmanager", result="success"}')).toBe(1);
    expect(await value('logins_total{job="cloudedu-taskmanager", result="failure"}')).toBe(1);
    expect(await value('db_pool_connections_max{job="cloudedu-taskmanager", pool="primary"}')).toBe(
      1,
    );
    expect(await value('db_migrations_applied{job="cloudedu-taskmanager"}')).toBeGreaterThanOrEqual(
      1,
    );
    expect(await value('db_migrations_pending{job="cloudedu-taskmanager"}')).toBe(0);
    expect(
      await value(
        'sum(db_query_duration_seconds_count{job="cloudedu-taskmanager", operation="insert"})',
      ),
    ).toBeGreaterThanOrEqual(TASKS);
    const build = await prometheus.query('taskmanager_build_info{job="cloudedu-taskmanager"}');
    expect(build[0]?.metric.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('evaluates the recording rules of the rules file on the live series', async () => {
    const p95 = await eventually(async () => {
      const found = await prometheus.query(
        `taskmanager:http_request_duration_seconds:p95_rate5m{namespace="${NAMESPACE}"}`,
      );
      if (found.length !== 1 || Number.isNaN(Number(found[0]!.value[1])))
        throw new Error('not yet');
      return found;
    });
    expect(Number(p95[0]!.value[1])).toBeGreaterThan(0);
    const rules = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as {
      data: { groups: { rules: { health: string; name: string; lastError?: string }[] }[] };
    };
    for (const rule of rules.data.groups.flatMap((g) => g.rules)) {
      expect(rule.health, `${rule.name}: ${rule.lastError}`).not.toBe('err');
    }
  });

  it('parses every expression of the rules and dashboards in Prometheus', async () => {
    for (const { where, expr } of [...ruleExpressions(), ...dashboardExpressions()]) {
      const answer = await prometheus.queryRaw(substituteGrafanaVariables(expr, NAMESPACE));
      expect(answer.status, `${where}: ${answer.error}`).toBe('success');
    }
  });

  it('reads only metrics the app serves, the rules record, or the documented external list', () => {
    const families = familyNames(scrape);
    const recorded = definedByRules();
    const external = externalMetrics();
    const used = new Set<string>();
    for (const { where, expr } of [...ruleExpressions(), ...dashboardExpressions()]) {
      for (const name of metricNames(substituteGrafanaVariables(expr, NAMESPACE))) {
        used.add(name);
        const known =
          familyOf(name, families) ?? (recorded.has(name) || external.has(name) ? name : undefined);
        expect(known, `${where} reads ${name}, which nothing exposes`).toBeDefined();
      }
    }
    // The documented list holds no stale entry.
    for (const name of external.keys())
      expect(used, `${name} is listed but unused`).toContain(name);
    // And the app's own names in the list would be a lie: they must come from the live scrape.
    for (const name of external.keys()) expect(familyOf(name, families)).toBeUndefined();
  });
});
