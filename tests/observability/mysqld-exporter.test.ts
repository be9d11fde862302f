// The MySQL metric names the rules and dashboards use, checked against a real mysqld-exporter
// (Debian's prometheus-mysqld-exporter) scraping the real MariaDB that the integration tests use.
// Group Replication series need a MySQL cluster and are only documented (external-metrics.txt).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../src/config.js';
import { inCI, requireTool } from '../support/tools.js';
import { familyNames, parseExposition, sampleValue } from './support/exposition.js';
import { externalMetrics } from './support/promql.js';
import { eventually, freePort } from '../support/process.js';

const exporterTool = requireTool(
  'prometheus-mysqld-exporter',
  'apt-get install prometheus-mysqld-exporter',
);
const mysqlUrl = process.env.TEST_MYSQL_URL;
if (inCI && !mysqlUrl)
  throw new Error('TEST_MYSQL_URL is required under CI=true (.ci/run starts MariaDB)');
const skipReason =
  exporterTool.skipReason ?? (mysqlUrl ? undefined : 'TEST_MYSQL_URL not set; skipping');

describe.skipIf(skipReason)('mysqld-exporter against MariaDB', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mysqld-exporter-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  async function startExporter(port: number | undefined): Promise<string> {
    const db = parseDatabaseUrl('TEST_MYSQL_URL', mysqlUrl!, undefined, process.cwd());
    const cnf = path.join(dir, `exporter-${children.length}.cnf`);
    writeFileSync(
      cnf,
      [
        '[client]',
        `user=${db.user}`,
        `password=${db.password ?? ''}`,
        `host=${db.host}`,
        `port=${port ?? db.port}`,
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const listen = await freePort();
    const child = spawn(
      exporterTool.path!,
      [`--config.my-cnf=${cnf}`, `--web.listen-address=127.0.0.1:${listen}`],
      {
        stdio: 'ignore',
      },
    );
    children.push(child);
    const url = `http://127.0.0.1:${listen}/metrics`;
    await eventually(async () => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(String(response.status));
    });
    return url;
  }

  it('exposes every mysqld-exporter metric the rules and dashboards read', async () => {
    const url = await startExporter(undefined);
    const scrape = parseExposition(await (await fetch(url)).text());
    expect(sampleValue(scrape, 'mysql_up', {})).toBe(1);
    const families = familyNames(scrape);
    const expected = [...externalMetrics()]
      .filter(([, source]) => source === 'mysqld-exporter')
      .map(([name]) => name);
    expect(expected.length).toBeGreaterThan(10);
    for (const name of expected) expect(families, `${name} not exposed`).toContain(name);
  });

  it('reports mysql_up 0 when the server refuses, which TaskManagerMySQLDown relies on', async () => {
    const url = await startExporter(1);
    const scrape = parseExposition(await (await fetch(url)).text());
    expect(sampleValue(scrape, 'mysql_up', {})).toBe(0);
  });
});
