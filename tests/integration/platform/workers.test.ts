// WEB_CONCURRENCY workers behind one port (src/cluster.ts), on the real process: connections
// spread over the workers, /metrics sums them, concurrent writes from every worker are all kept
// exactly once (SQLite's single writer included), a killed worker is replaced while the port keeps
// answering, and SIGTERM drains every worker with nothing lost. Which worker answered a request
// is read from its log line (pino's `pid`, found by the request id the test sent).
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import SqliteDatabase from 'better-sqlite3';
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../../src/config.js';
import { testDatabases } from '../../support/databases.js';
import type { TestDatabase } from '../../support/databases.js';
import { eventually, freePort } from '../../support/process.js';
import { startService } from '../../support/service.js';
import type { Service } from '../../support/service.js';

const PASSWORD = 'correct horse battery staple';
const WORKERS = 2;
let requestCounter = 0;

interface Answer {
  status: number;
  body: any;
  requestId: string;
  /** The first Set-Cookie's name=value. */
  cookie?: string;
}

/** One request on a connection of its own, so that the primary hands each to a worker in turn. */
function send(
  service: Service,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const requestId = `workers-${process.pid}-${++requestCounter}`;
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${service.url}${path}`,
      {
        method,
        agent: false,
        headers: {
          connection: 'close',
          'x-request-id': requestId,
          ...(payload ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body:
              text && response.headers['content-type']?.includes('json') ? JSON.parse(text) : text,
            requestId,
            cookie: response.headers['set-cookie']?.[0]?.split(';')[0],
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

interface LogLine {
  pid: number;
  msg: string;
  request_id?: string;
}

function logLines(service: Service): LogLine[] {
  return service
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/** The pids of the workers that logged these requests' completion. */
function servedBy(service: Service, answers: Answer[]): Set<number> {
  const ids = new Set(answers.map((a) => a.requestId));
  return new Set(
    logLines(service)
      .filter((l) => l.msg === 'request completed' && ids.has(l.request_id!))
      .map((l) => l.pid),
  );
}

/** The primary's child processes, from the kernel. */
function workerPids(service: Service): number[] {
  const pid = service.child.pid!;
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
}

/** Workers that have logged that they are ready. */
function readyWorkers(service: Service): Set<number> {
  return new Set(
    logLines(service)
      .filter((l) => l.msg.startsWith('CloudEdu TaskManager is ready'))
      .map((l) => l.pid),
  );
}

async function scrape(service: Service): Promise<string> {
  const response = await fetch(service.metricsUrl);
  expect(response.status).toBe(200);
  return response.text();
}

function sample(metrics: string, series: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function startCluster(url: string): Promise<Service> {
  const service = await startService({
    env: { DATABASE_URL: url, MIGRATE_ON_START: 'true', WEB_CONCURRENCY: String(WORKERS) },
  });
  // Ready through the port means one worker is; every one of them must be for these tests.
  await eventually(async () => expect(readyWorkers(service).size).toBe(WORKERS), 90_000, 200);
  return service;
}

describe.each(testDatabases)('WEB_CONCURRENCY=2 on $name', (target: TestDatabase) => {
  let service: Service | undefined;
  let created: Awaited<ReturnType<TestDatabase['create']>> | undefined;
  let bearer: Record<string, string> = {};
  let projectId = '';

  beforeAll(async () => {
    if (target.skipReason) return;
    created = await target.create();
    service = await startCluster(created.url);
    const email = `workers.${Date.now().toString(36)}@example.com`;
    const signUp = await send(service, 'POST', '/api/v1/auth/register', {
      body: { email, name: 'Workers', password: PASSWORD },
    });
    expect(signUp.status).toBe(201);
    const token = await send(service, 'POST', '/api/v1/tokens', {
      body: { name: 'workers', currentPassword: PASSWORD },
      headers: { cookie: signUp.cookie!, 'x-csrf-token': signUp.body.csrfToken as string },
    });
    expect(token.status).toBe(201);
    // A bearer token needs no cookie jar across the many connections below.
    bearer = { authorization: `Bearer ${token.body.token as string}` };
    const project = await send(service, 'POST', '/api/v1/projects', {
      body: { name: 'Workers' },
      headers: bearer,
    });
    expect(project.status).toBe(201);
    projectId = project.body.id;
  }, 180_000);

  afterAll(async () => {
    await service?.stop();
    await created?.drop();
  });

  it.skipIf(target.skipReason)(
    'forks the workers before it migrates, and each is ready only after the migration',
    () => {
      // The database was empty: the primary applied every migration while the workers loaded.
      const lines = logLines(service!);
      const primary = service!.child.pid!;
      const at = (found: (l: LogLine) => boolean) => lines.findIndex(found);
      const forked = at((l) => l.pid === primary && l.msg === 'started the workers');
      const migrated = at((l) => l.pid === primary && l.msg === 'migrations applied');
      expect(forked).toBeGreaterThanOrEqual(0);
      expect(migrated).toBeGreaterThan(forked);
      const ready = lines.flatMap((l, i) =>
        l.msg.startsWith('CloudEdu TaskManager is ready') ? [i] : [],
      );
      expect(ready).toHaveLength(WORKERS);
      for (const index of ready) expect(index).toBeGreaterThan(migrated);
    },
  );

  it.skipIf(target.skipReason)(
    'answers on one port from every worker, and /metrics sums the workers',
    async () => {
      const before = await scrape(service!);
      const series =
        'http_request_duration_seconds_count{method="GET",route="/api/v1/projects",status_code="200"}';
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          send(service!, 'GET', '/api/v1/projects', { headers: bearer }),
        ),
      );
      expect(answers.every((a) => a.status === 200)).toBe(true);
      const pids = workerPids(service!);
      expect(pids).toHaveLength(WORKERS);
      await eventually(async () => expect(servedBy(service!, answers)).toEqual(new Set(pids)));

      const after = await scrape(service!);
      expect((sample(after, series) ?? 0) - (sample(before, series) ?? 0)).toBe(20);
      expect(sample(after, 'taskmanager_workers')).toBe(WORKERS);
      // Shared facts are reported once, not once per worker.
      expect(after).toMatch(/^taskmanager_build_info\{[^}]*\} 1$/m);
      expect(sample(after, 'db_migrations_pending')).toBe(0);
    },
  );

  it.skipIf(target.skipReason)(
    'keeps every one of many concurrent creates from all workers exactly once',
    async () => {
      const perWorker = 40;
      const titles = Array.from({ length: WORKERS * perWorker }, (_, i) => `concurrent ${i}`);
      const before = sample(await scrape(service!), 'tasks_created_total') ?? 0;
      const answers = await Promise.all(
        titles.map((title) =>
          send(service!, 'POST', `/api/v1/projects/${projectId}/tasks`, {
            body: { title },
            headers: bearer,
          }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(titles.map(() => 201));
      expect(servedBy(service!, answers).size).toBe(WORKERS);

      const rows = await storedTasks(target, created!.url, projectId);
      const concurrent = rows.filter((r) => r.title.startsWith('concurrent '));
      expect(concurrent).toHaveLength(titles.length);
      expect(new Set(concurrent.map((r) => r.title))).toEqual(new Set(titles));
      expect(new Set(concurrent.map((r) => r.id)).size).toBe(titles.length);
      expect(new Set(answers.map((a) => a.body.id))).toEqual(new Set(concurrent.map((r) => r.id)));
      const after = sample(await scrape(service!), 'tasks_created_total') ?? 0;
      expect(after - before).toBe(titles.length);
    },
  );

  it.skipIf(target.skipReason)(
    'replaces a killed worker while the port keeps answering',
    async () => {
      const [victim, survivor] = workerPids(service!);
      process.kill(victim!, 'SIGKILL');
      await eventually(async () =>
        expect(service!.stdout()).toContain('worker exited; starting a replacement'),
      );
      // The survivor serves every connection meanwhile.
      const meanwhile = await Promise.all(
        Array.from({ length: 6 }, () =>
          send(service!, 'GET', '/api/v1/projects', { headers: bearer }),
        ),
      );
      expect(meanwhile.map((a) => a.status)).toEqual(meanwhile.map(() => 200));

      await eventually(
        async () => {
          const pids = workerPids(service!);
          expect(pids).toHaveLength(WORKERS);
          expect(pids).not.toContain(victim);
          expect(readyWorkers(service!)).toContain(pids.find((p) => p !== survivor));
        },
        90_000,
        200,
      );
      const replacement = workerPids(service!).find((p) => p !== survivor)!;
      await eventually(async () => {
        const answers = await Promise.all(
          Array.from({ length: 4 }, () =>
            send(service!, 'GET', '/api/v1/projects', { headers: bearer }),
          ),
        );
        expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
        expect(servedBy(service!, answers)).toContain(replacement);
      });
      expect(sample(await scrape(service!), 'taskmanager_worker_restarts_total')).toBe(1);
    },
    120_000,
  );

  it.skipIf(target.skipReason)(
    'drains every worker on SIGTERM: in-flight writes finish, none is lost, exit 0',
    async () => {
      const pids = workerPids(service!);
      // Eight writers send back to back until refused, so that writes are in flight in every
      // worker when SIGTERM comes (after the first ten were stored).
      const results: Answer[] = [];
      let signalled: () => void;
      const tenStored = new Promise<void>((resolve) => (signalled = resolve));
      const writer = async (w: number) => {
        for (let i = 0; ; i++) {
          const answer = await send(service!, 'POST', `/api/v1/projects/${projectId}/tasks`, {
            body: { title: `draining ${w}.${i}` },
            headers: bearer,
          }).catch(() => ({ status: 0, body: undefined, requestId: '' }));
          results.push(answer);
          if (results.filter((r) => r.status === 201).length >= 10) signalled();
          if (answer.status !== 201) return;
        }
      };
      const writers = Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
      await tenStored;
      service!.child.kill('SIGTERM');
      await writers;
      expect(await service!.exited).toBe(0);

      // Each write either completed or was refused before it was accepted; never a 5xx mid-write.
      expect(results.every((r) => [201, 503, 0].includes(r.status))).toBe(true);
      const accepted = results.filter((r) => r.status === 201);
      expect(accepted.length).toBeGreaterThan(0);
      const stored = new Set((await storedTasks(target, created!.url, projectId)).map((r) => r.id));
      for (const write of accepted) expect(stored.has(write.body.id as string)).toBe(true);
      // Every worker drained and stopped on its own, then the primary.
      const stopped = new Set(
        logLines(service!)
          .filter((l) => l.msg === 'stopped')
          .map((l) => l.pid),
      );
      expect(stopped).toEqual(new Set([...pids, service!.child.pid!]));
    },
    60_000,
  );
});

describe('WEB_CONCURRENCY=2 without a database', () => {
  it('gives up when the primary cannot migrate: exits 1 and leaves no worker behind', async () => {
    // Nothing listens on a port just freed: the primary's wait for the database runs out.
    const url = `mysql://taskmanager:unused@127.0.0.1:${await freePort()}/none`;
    const service = await startService({
      env: {
        DATABASE_URL: url,
        MIGRATE_ON_START: 'true',
        WEB_CONCURRENCY: String(WORKERS),
        DB_CONNECT_TIMEOUT_SECONDS: '2',
      },
      waitUntilReady: false,
    });
    // The workers were forked before the migration began.
    await eventually(async () => expect(workerPids(service)).toHaveLength(WORKERS), 30_000, 50);
    const workers = workerPids(service);
    expect(await service.exited).toBe(1);
    expect(service.stdout()).toContain('giving up on the database');
    for (const pid of workers) expect(existsSync(`/proc/${pid}`)).toBe(false);
  }, 60_000);
});

async function storedTasks(target: TestDatabase, url: string, projectId: string) {
  if (target.name === 'sqlite') {
    const db = new SqliteDatabase(parseDatabaseUrl('X', url, undefined, '/').file, {
      readonly: true,
    });
    try {
      return db.prepare('select id, title from tasks where project_id = ?').all(projectId) as {
        id: string;
        title: string;
      }[];
    } finally {
      db.close();
    }
  }
  const config = parseDatabaseUrl('X', url, undefined, '/');
  const conn = await createConnection({ ...config, password: config.password });
  try {
    const [rows] = await conn.query('select id, title from tasks where project_id = ?', [
      projectId,
    ]);
    return rows as { id: string; title: string }[];
  } finally {
    await conn.end();
  }
}
