// The alert rules with the real promtool: syntax, unit tests (a firing and a quiet case for every
// alert), the annotations every alert must carry, and that the unit tests can fail at all.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requireTool, run } from '../support/tools.js';
import { externalMetrics, metricNames } from './support/promql.js';
import {
  alertRules,
  loadRuleTests,
  recordingRules,
  ruleTestFiles,
  ruleTestsDir,
  rulesFile,
  runbookAnchors,
} from './support/rules.js';

const promtool = requireTool('promtool', 'apt-get install prometheus');
const exporter = requireTool(
  'prometheus-mysqld-exporter',
  'apt-get install prometheus-mysqld-exporter',
);
const RUNBOOK = 'https://github.com/cloudedu/taskmanager/blob/main/docs/runbook.md#';

describe('alert rules file', () => {
  const alerts = alertRules();

  it('has the alerts the service needs', () => {
    const names = alerts.map((a) => a.alert);
    expect(new Set(names).size).toBe(names.length);
    for (const required of [
      'TaskManagerDown',
      'TaskManagerNoReadyPods',
      'TaskManagerPodCrashLooping',
      'TaskManagerPodRestarting',
      'TaskManagerErrorBudgetFastBurn',
      'TaskManagerErrorBudgetSlowBurn',
      'TaskManagerHighLatency',
      'TaskManagerCPUNearLimit',
      'TaskManagerMemoryNearLimit',
      'TaskManagerHPAMaxedOut',
      'TaskManagerMySQLDown',
      'TaskManagerPVCAlmostFull',
      'TaskManagerMySQLReplicationLag',
    ]) {
      expect(names).toContain(required);
    }
  });

  it.each(alertRules().map((a) => [a.alert, a] as const))(
    '%s carries severity, summary, description and a runbook link that resolves',
    (_name, alert) => {
      expect(['critical', 'warning']).toContain(alert.labels?.severity);
      expect(alert.annotations?.summary?.length).toBeGreaterThan(10);
      expect(alert.annotations?.description?.length).toBeGreaterThan(20);
      const url = alert.annotations?.runbook_url ?? '';
      expect(url.startsWith(RUNBOOK)).toBe(true);
      expect(runbookAnchors()).toContain(url.slice(RUNBOOK.length));
      expect(url.slice(RUNBOOK.length)).toBe(alert.alert.toLowerCase());
    },
  );

  it('records what the alerts use, with the naming convention level:metric:operations', () => {
    for (const rule of recordingRules())
      expect(rule.record).toMatch(/^[a-z_]+:[a-z_]+:[a-z0-9_]+$/);
  });
});

describe.skipIf(promtool.skipReason)('promtool', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'promtool-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('accepts the rules file (promtool check rules)', () => {
    const result = run(promtool.path!, ['check', 'rules', rulesFile]);
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('passes every unit test (promtool test rules)', () => {
    const files = ruleTestFiles();
    expect(files.length).toBeGreaterThanOrEqual(3);
    const result = run(promtool.path!, ['test', 'rules', ...files]);
    expect(result.stdout + result.stderr, result.stdout + result.stderr).not.toContain('FAILED');
    expect(result.status).toBe(0);
  }, 180_000); // promtool evaluates every rule test file; 30 s was too short at load 5 on 2 cores

  it('has, for every alert, a unit test where it fires and one where it stays quiet', () => {
    const cases = loadRuleTests().flatMap((f) => f.tests.flatMap((t) => t.alert_rule_test ?? []));
    for (const { alert } of alertRules()) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length > 0),
        `${alert} fires somewhere`,
      ).toBe(true);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length === 0),
        `${alert} stays quiet somewhere`,
      ).toBe(true);
    }
  });

  it('catches a broken rule: the unit tests fail against a mutated copy', () => {
    // Same layout as the repository, so that the test file's relative rule_files path resolves.
    const rulesCopy = path.join(tmp, 'helm', 'cloudedu-taskmanager', 'files', 'alerts.yaml');
    const testCopy = path.join(tmp, 'observability', 'tests', 'app-alerts.test.yaml');
    for (const file of [rulesCopy, testCopy]) mkdirSync(path.dirname(file), { recursive: true });
    copyFileSync(path.join(ruleTestsDir, 'app-alerts.test.yaml'), testCopy);
    const original = readFileSync(rulesFile, 'utf8');
    const mutations: [string, string][] = [
      ['p95_rate5m > 0.5', 'p95_rate5m > 5'],
      ['route!~"/livez|/readyz", status_code=~"5.."', 'status_code=~"5.."'],
      [
        'sum by (namespace) (up{job="cloudedu-taskmanager"}) == 0',
        'min by (namespace) (up{job="cloudedu-taskmanager"}) == 0',
      ],
      [
        'db_pool_requests_waiting{job="cloudedu-taskmanager"}) > 0',
        'db_pool_requests_waiting{job="cloudedu-taskmanager"}) >= 0',
      ],
    ];
    writeFileSync(rulesCopy, original);
    expect(run(promtool.path!, ['test', 'rules', testCopy]).status).toBe(0);
    for (const [from, to] of mutations) {
      expect(original).toContain(from);
      writeFileSync(rulesCopy, original.replaceAll(from, to));
      const result = run(promtool.path!, ['test', 'rules', testCopy]);
      expect(result.status, `mutation "${to}" went unnoticed`).not.toBe(0);
    }
  });
});

// No MySQL with Group Replication runs here (CI has MariaDB, which has none), so the Group
// Replication names are checked against the real exporter itself: the collectors behind the flags
// that the chart gives the InnoDB Cluster's exporter exist, and each series name's part after
// "mysql_perf_schema_" is a literal in the binary (the exporter joins namespace, subsystem and name
// at run time: prometheus.BuildFQName("mysql", "perf_schema", name)).
describe.skipIf(exporter.skipReason)('Group Replication metrics against mysqld-exporter', () => {
  const groupReplication = [...externalMetrics()]
    .filter(([, source]) => source === 'mysqld-exporter/group-replication')
    .map(([name]) => name);
  const binary = exporter.path ? readFileSync(exporter.path).toString('latin1') : '';

  it('has the collectors the chart enables for an InnoDB Cluster', () => {
    const help = run(exporter.path!, ['--help']);
    const text = help.stdout + help.stderr;
    for (const flag of [
      '--collect.perf_schema.replication_group_member_stats',
      '--collect.perf_schema.replication_group_members',
    ])
      expect(text).toContain(flag);
  });

  it('exposes under those collectors every Group Replication name the rules and dashboards read', () => {
    expect(groupReplication.length).toBeGreaterThanOrEqual(3);
    for (const name of groupReplication) {
      expect(name).toMatch(/^mysql_perf_schema_/);
      expect(binary, name).toContain(name.slice('mysql_perf_schema_'.length));
    }
    // Names of exporters before 0.12 (singular, no _total) are gone: the check tells them apart.
    expect(binary).not.toContain('transaction_in_queue');
  });

  it('fires TaskManagerMySQLReplicationLag on the applier queue of the member itself', () => {
    const lag = alertRules().find((a) => a.alert === 'TaskManagerMySQLReplicationLag')!;
    expect([...metricNames(lag.expr)]).toEqual([
      'mysql_perf_schema_transactions_remote_in_applier_queue',
    ]);
    expect(groupReplication).toContain('mysql_perf_schema_transactions_remote_in_applier_queue');
    // The collector reports one series per member (WHERE MEMBER_ID=@@server_uuid, no label), so
    // the alert tells members apart by the target's pod label.
    expect(lag.expr).toMatch(/by \(namespace, pod\)/);
  });
});
