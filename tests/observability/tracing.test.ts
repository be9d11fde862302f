// Traces from the real service process, started with the tracing preload as the container starts
// it, exported over OTLP/HTTP (protobuf) to a receiver run by the test: an incoming W3C traceparent
// is continued, a task route yields an HTTP server span with a database span below it (SQLite
// always; mysql2's instrumentation on MariaDB when TEST_MYSQL_URL is set), log lines carry the
// trace id, and without an endpoint the SDK is not even loaded.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection } from 'mysql2/promise';
import { parseDatabaseUrl } from '../../src/config.js';
import { inCI } from '../support/tools.js';
import { startOtlpReceiver } from './support/otlp.js';
import type { DecodedSpan, OtlpReceiver } from './support/otlp.js';
import { repoRoot } from './support/rules.js';
import { eventually } from '../support/process.js';
import { ApiClient } from '../support/http.js';
import { startService } from '../support/service.js';
import type { Service } from '../support/service.js';

const SERVER = 2;
const CLIENT = 3;
const mysqlUrl = process.env.TEST_MYSQL_URL;
if (inCI && !mysqlUrl)
  throw new Error('TEST_MYSQL_URL is required under CI=true (.ci/run starts MariaDB)');

/** The spans of one trace, and a way to walk from a span up to the root. */
function traceOf(spans: DecodedSpan[], traceId: string) {
  const mine = spans.filter((s) => s.traceId === traceId);
  const byId = new Map(mine.map((s) => [s.spanId, s]));
  const ancestors = (span: DecodedSpan) => {
    const chain: DecodedSpan[] = [];
    for (let p = byId.get(span.parentSpanId); p; p = byId.get(p.parentSpanId)) chain.push(p);
    return chain;
  };
  return { spans: mine, ancestors };
}

/** Drives one traced task read; returns the trace id the request continued. */
async function tracedTaskRead(service: Service, traceId: string, parentId: string) {
  const api = new ApiClient(service.url);
  await api.register(
    `trace.${Date.now()}.${Math.random().toString(36).slice(2)}@example.com`,
    'a long enough passphrase for tests',
  );
  const project = await api.request('POST', '/api/v1/projects', { name: 'Traced' });
  const task = await api.request('POST', `/api/v1/projects/${project.body.id}/tasks`, {
    title: 'Follow me',
  });
  expect(task.status).toBe(201);
  const read = await api.request('GET', `/api/v1/tasks/${task.body.id}`, undefined, {
    traceparent: `00-${traceId}-${parentId}-01`,
    'x-request-id': `trace-${traceId.slice(0, 8)}`,
  });
  expect(read.status).toBe(200);
}

async function serverAndDbSpans(
  receiver: OtlpReceiver,
  traceId: string,
  parentId: string,
  dbSystem: string,
) {
  return eventually(async () => {
    const trace = traceOf(receiver.spans, traceId);
    const server = trace.spans.find((s) => s.kind === SERVER);
    if (!server) throw new Error(`no server span yet (${trace.spans.length} spans)`);
    const db = trace.spans.find(
      (s) => s.kind === CLIENT && s.attributes['db.system.name'] === dbSystem,
    );
    if (!db)
      throw new Error(`no ${dbSystem} span yet: ${trace.spans.map((s) => s.name).join(', ')}`);
    return { server, db, trace };
  }, 30_000);
}

describe('tracing with an OTLP endpoint (SQLite)', () => {
  let receiver: OtlpReceiver;
  let service: Service;
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const parentId = '00f067aa0ba902b7';

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    service = await startService({
      tracing: true,
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_BSP_SCHEDULE_DELAY: '200',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test',
      },
    });
    await tracedTaskRead(service, traceId, parentId);
  }, 90_000);

  afterAll(async () => {
    await service?.stop();
    await receiver?.close();
  });

  it('continues the incoming traceparent with an HTTP server span named after the route', async () => {
    const { server } = await serverAndDbSpans(receiver, traceId, parentId, 'sqlite');
    expect(server.parentSpanId).toBe(parentId);
    expect(server.name).toBe('GET /api/v1/tasks/:taskId');
    expect(server.attributes['http.response.status_code']).toBe(200);
    expect([...receiver.contentTypes]).toEqual(['application/x-protobuf']);
  });

  it('has a database span below the server span, with Fastify spans in between', async () => {
    const { server, db, trace } = await serverAndDbSpans(receiver, traceId, parentId, 'sqlite');
    const chain = trace.ancestors(db);
    expect(chain.map((s) => s.spanId)).toContain(server.spanId);
    expect(chain.some((s) => s.scope === '@fastify/otel')).toBe(true);
    expect(db.name).toBe('SELECT');
    expect(String(db.attributes['db.query.text'])).toMatch(/^select /i);
    // Parameters are placeholders: no id from the URL in the statement.
    expect(String(db.attributes['db.query.text'])).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  it('names the service and its version as resource attributes', async () => {
    const { server } = await serverAndDbSpans(receiver, traceId, parentId, 'sqlite');
    expect(server.resource['service.name']).toBe('cloudedu-taskmanager');
    expect(server.resource['service.version']).toMatch(/^\d+\.\d+\.\d+/);
    expect(server.resource['deployment.environment']).toBe('test');
  });

  it('does not trace probes and puts the trace id on the request log line', async () => {
    await fetch(`${service.url}/livez`);
    await fetch(`${service.url}/readyz`);
    const line = await eventually(async () => {
      const found = service
        .stdout()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find(
          (l) => l.request_id === `trace-${traceId.slice(0, 8)}` && l.msg === 'request completed',
        );
      if (!found) throw new Error('no line yet');
      return found;
    });
    expect(line.trace_id).toBe(traceId);
    expect(line.span_id).toMatch(/^[0-9a-f]{16}$/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.spans.filter((s) => /livez|readyz/.test(s.name))).toEqual([]);
  });
});

describe.skipIf(mysqlUrl ? undefined : 'TEST_MYSQL_URL not set; skipping MySQL')(
  'tracing on MariaDB',
  () => {
    let receiver: OtlpReceiver;
    let service: Service;
    let database = '';
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const parentId = 'b7ad6b7169203331';
    const admin = () => {
      const base = parseDatabaseUrl('TEST_MYSQL_URL', mysqlUrl!, undefined, process.cwd());
      return createConnection({
        host: base.host,
        port: base.port,
        user: base.user,
        password: base.password,
      });
    };

    beforeAll(async () => {
      const base = parseDatabaseUrl('TEST_MYSQL_URL', mysqlUrl!, undefined, process.cwd());
      database = `${base.database}_trace_${Date.now().toString(36)}`;
      const conn = await admin();
      await conn.query(
        `CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
      );
      await conn.end();
      const url = new URL(mysqlUrl!);
      url.pathname = `/${database}`;
      receiver = await startOtlpReceiver();
      service = await startService({
        tracing: true,
        env: {
          DATABASE_URL: url.toString(),
          MIGRATE_ON_START: 'true',
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
          OTEL_BSP_SCHEDULE_DELAY: '200',
        },
      });
      await tracedTaskRead(service, traceId, parentId);
    }, 120_000);

    afterAll(async () => {
      await service?.stop();
      await receiver?.close();
      if (database) {
        const conn = await admin();
        await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
        await conn.end();
      }
    });

    it('has a mysql2 span below the HTTP server span', async () => {
      const { server, db, trace } = await serverAndDbSpans(receiver, traceId, parentId, 'mysql');
      expect(server.parentSpanId).toBe(parentId);
      expect(db.scope).toBe('@opentelemetry/instrumentation-mysql2');
      expect(trace.ancestors(db).map((s) => s.spanId)).toContain(server.spanId);
      // SQLite's own spans are not added on MySQL: one span per query, from mysql2.
      expect(trace.spans.filter((s) => s.attributes['db.system.name'] === 'sqlite')).toEqual([]);
    });
  },
);

describe('tracing without an endpoint', () => {
  const loaded = (env: Record<string, string>) => {
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        './src/platform/tracing.ts',
        '-e',
        "console.log(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('@opentelemetry/sdk-node') || k.includes('@fastify/otel'))))",
      ],
      {
        cwd: repoRoot,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(result.status, result.stderr).toBe(0);
    return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as string[];
  };

  it('loads no SDK and no instrumentation at all (and does when an endpoint is set)', () => {
    expect(loaded({})).toEqual([]);
    expect(
      loaded({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_SDK_DISABLED: 'true' }),
    ).toEqual([]);
    expect(loaded({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' }).length).toBeGreaterThan(0);
  });
});
