// The metrics module on its own: a bare Fastify instance, a real SQLite database through Kysely,
// a real mysql2 pool object, and the metrics listener over real HTTP.
import SqliteDatabase from 'better-sqlite3';
import Fastify from 'fastify';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { createPool } from 'mysql2';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { businessMetrics } from '../../src/platform/metrics/business.js';
import {
  createQueryObserver,
  recordMigrations,
  registerPoolMetrics,
} from '../../src/platform/metrics/database.js';
import type { MysqlPoolLike } from '../../src/platform/metrics/database.js';
import { UNMATCHED_ROUTE, registerMetrics } from '../../src/platform/metrics/http.js';
import {
  registry as processRegistry,
  startMetricsServer,
} from '../../src/platform/metrics/registry.js';
import { parseExposition, sampleValue } from './support/exposition.js';

async function scrape(registry: Registry) {
  return parseExposition(await registry.metrics());
}

describe('HTTP metrics', () => {
  const registry = new Registry();
  const app = Fastify();
  registerMetrics(app, { registry });
  app.get('/api/v1/tasks/:taskId', async (request) => ({
    id: (request.params as { taskId: string }).taskId,
  }));
  app.post('/api/v1/projects/:projectId/tasks', async (_request, reply) =>
    reply.code(201).send({}),
  );
  app.get('/boom', async () => {
    throw new Error('boom');
  });
  afterAll(() => app.close());

  it('labels requests with the route template, never the URL or an id', async () => {
    const ids = ['0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', '12345', 'abc'];
    for (const id of ids)
      expect((await app.inject(`/api/v1/tasks/${id}?q=secret`)).statusCode).toBe(200);
    await app.inject({ method: 'POST', url: '/api/v1/projects/p-987/tasks', payload: {} });
    await app.inject('/no/such/path/42');
    await app.inject('/boom');

    const samples = await scrape(registry);
    const count = (labels: Record<string, string>) =>
      sampleValue(samples, 'http_request_duration_seconds_count', labels);
    expect(count({ method: 'GET', route: '/api/v1/tasks/:taskId', status_code: '200' })).toBe(3);
    expect(
      count({ method: 'POST', route: '/api/v1/projects/:projectId/tasks', status_code: '201' }),
    ).toBe(1);
    expect(count({ method: 'GET', route: UNMATCHED_ROUTE, status_code: '404' })).toBe(1);
    expect(count({ method: 'GET', route: '/boom', status_code: '500' })).toBe(1);
    // Every bucket of the histogram is there, cumulative, ending at +Inf = count.
    const buckets = samples.filter(
      (s) =>
        s.name === 'http_request_duration_seconds_bucket' &&
        s.labels.route === '/api/v1/tasks/:taskId',
    );
    expect(buckets.map((b) => b.labels.le)).toEqual([
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
    expect(buckets.at(-1)?.value).toBe(3);

    const labelValues = samples.flatMap((s) => Object.values(s.labels));
    for (const raw of [...ids, 'p-987', 'secret', '/no/such/path/42']) {
      expect(labelValues.some((v) => v.includes(raw))).toBe(false);
    }
  });

  it('counts in-flight requests and returns to zero, also for aborted requests', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = Fastify({ forceCloseConnections: true });
    registerMetrics(slow, { registry });
    slow.get('/slow', async () => {
      await gate;
      return 'ok';
    });
    await slow.listen({ port: 0, host: '127.0.0.1' });
    const { port } = slow.server.address() as { port: number };
    const aborted = new AbortController();
    const first = fetch(`http://127.0.0.1:${port}/slow`).then((r) => r.text());
    const second = fetch(`http://127.0.0.1:${port}/slow`, { signal: aborted.signal }).catch(
      () => 'aborted',
    );
    await expect
      .poll(async () => sampleValue(await scrape(registry), 'http_requests_in_flight', {}))
      .toBe(2);
    aborted.abort();
    expect(await second).toBe('aborted');
    await expect
      .poll(async () => sampleValue(await scrape(registry), 'http_requests_in_flight', {}))
      .toBe(1);
    release();
    expect(await first).toBe('ok');
    await expect
      .poll(async () => sampleValue(await scrape(registry), 'http_requests_in_flight', {}))
      .toBe(0);
    await slow.close();
  });
});

describe('database metrics', () => {
  it('records query durations by operation from Kysely, on a real SQLite database', async () => {
    const registry = new Registry();
    const db = new Kysely<{ t: { id: number; name: string } }>({
      dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }),
      log: createQueryObserver({ dialect: 'sqlite', registry }),
    });
    await db.schema
      .createTable('t')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text')
      .execute();
    await db.insertInto('t').values({ id: 1, name: 'a' }).execute();
    await db.insertInto('t').values({ id: 2, name: 'b' }).execute();
    await db.selectFrom('t').selectAll().execute();
    await db.updateTable('t').set({ name: 'c' }).where('id', '=', 1).execute();
    await db.deleteFrom('t').where('id', '=', 2).execute();
    await sql`select count(*) from t`.execute(db);
    await expect(db.insertInto('t').values({ id: 1, name: 'dup' }).execute()).rejects.toThrow();
    await db.destroy();

    const samples = await scrape(registry);
    const count = (operation: string) =>
      sampleValue(samples, 'db_query_duration_seconds_count', { pool: 'primary', operation });
    expect(count('insert')).toBe(3);
    expect(count('select')).toBe(2); // the builder's select and the raw `select count(*)`
    expect(count('update')).toBe(1);
    expect(count('delete')).toBe(1);
    expect(count('other')).toBe(1); // create table
    expect(
      sampleValue(samples, 'db_query_errors_total', { pool: 'primary', operation: 'insert' }),
    ).toBe(1);
    expect(
      sampleValue(samples, 'db_query_errors_total', { pool: 'primary', operation: 'select' }),
    ).toBe(0);
  });

  it('reports pool gauges for a mysql2 pool and a constant one for SQLite', async () => {
    const registry = new Registry();
    // A real mysql2 pool; nothing is connected yet, which is what the gauges must say.
    const pool = createPool({ host: '127.0.0.1', port: 1, user: 'nobody', connectionLimit: 7 });
    registerPoolMetrics({ kind: 'mysql', pool: pool as unknown as MysqlPoolLike }, { registry });
    registerPoolMetrics({ kind: 'sqlite' }, { registry, pool: 'replica' });
    const samples = await scrape(registry);
    expect(sampleValue(samples, 'db_pool_connections_max', { pool: 'primary' })).toBe(7);
    expect(sampleValue(samples, 'db_pool_connections_in_use', { pool: 'primary' })).toBe(0);
    expect(sampleValue(samples, 'db_pool_requests_waiting', { pool: 'primary' })).toBe(0);
    expect(sampleValue(samples, 'db_pool_connections_idle', { pool: 'replica' })).toBe(1);
    expect(sampleValue(samples, 'db_pool_connections_max', { pool: 'replica' })).toBe(1);
    await new Promise<void>((resolve) => pool.end(() => resolve()));
  });

  it('records migration state', async () => {
    const registry = new Registry();
    recordMigrations({ applied: 3, pending: 1 }, { registry });
    const samples = await scrape(registry);
    expect(sampleValue(samples, 'db_migrations_applied', {})).toBe(3);
    expect(sampleValue(samples, 'db_migrations_pending', {})).toBe(1);
  });
});

describe('business metrics and build info', () => {
  it('counts logins by result and created tasks in the process registry', async () => {
    const before = await scrape(processRegistry);
    const failures = sampleValue(before, 'logins_total', { result: 'failure' }) ?? 0;
    const tasks = sampleValue(before, 'tasks_created_total', {}) ?? 0;
    businessMetrics.loginAttempt('failure');
    businessMetrics.loginAttempt('failure');
    businessMetrics.taskCreated();
    const after = await scrape(processRegistry);
    expect(sampleValue(after, 'logins_total', { result: 'failure' })).toBe(failures + 2);
    expect(sampleValue(after, 'logins_total', { result: 'success' })).toBeGreaterThanOrEqual(0);
    expect(sampleValue(after, 'tasks_created_total', {})).toBe(tasks + 1);
    const build = after.find((s) => s.name === 'taskmanager_build_info');
    expect(build?.value).toBe(1);
    expect(build?.labels.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(build?.labels.commit).toBeTruthy();
    // The default process metrics are there too.
    for (const name of [
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(after.some((s) => s.name === name)).toBe(true);
    }
  });
});

describe('metrics listener', () => {
  it('serves /metrics in the Prometheus text format on its own port and nothing else', async () => {
    const registry = new Registry();
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0 }, registry);
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const response = await fetch(`${base}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
      const body = await response.text();
      expect(body).toContain('# TYPE http_request_duration_seconds histogram');
      expect(body).toContain('# TYPE process_cpu_seconds_total counter');
      expect((await fetch(`${base}/`)).status).toBe(404);
      expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
