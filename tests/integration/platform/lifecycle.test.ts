// The behaviour a platform relies on, tested on the real process: readiness, graceful shutdown
// with requests in flight, start-up before the database exists, configuration errors.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../../src/config.js';
import { testDatabases } from '../../support/databases.js';
import { eventually, freePort, status } from '../../support/process.js';
import { startService } from '../../support/service.js';
import type { Service } from '../../support/service.js';
import { TcpProxy } from '../../support/tcp-proxy.js';

const PASSWORD = 'correct horse battery staple';
// How long a fresh process may take to turn ready: seconds when idle, far more on a loaded CI
// machine (a cold start compiles the whole service). A wait, not a speed check (bench/ has those).
const READY_WITHIN_MS = 60_000;
let running: Service | undefined;
let proxy: TcpProxy | undefined;

afterEach(async () => {
  if (running && running.child.exitCode === null) {
    running.child.kill('SIGKILL');
    await running.exited;
  }
  running = undefined;
  await proxy?.stop();
  proxy = undefined;
});

const sqliteUrl = () =>
  `sqlite:${path.join(mkdtempSync(path.join(os.tmpdir(), 'tm-life-')), 'app.db')}`;

async function signUp(url: string) {
  const response = await fetch(`${url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `life${Date.now()}@example.com`,
      name: 'Life',
      password: PASSWORD,
    }),
  });
  expect(response.status).toBe(201);
  const body = (await response.json()) as { csrfToken: string };
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  return {
    headers: { cookie, 'x-csrf-token': body.csrfToken, 'content-type': 'application/json' },
  };
}

describe('service process', { timeout: 120_000 }, () => {
  it('starts on SQLite, migrates, prints its URL and answers livez and readyz', async () => {
    running = await startService({ env: { DATABASE_URL: sqliteUrl() }, waitUntilReady: false });
    await eventually(
      async () => expect(await status(`${running!.url}/readyz`)).toBe(200),
      READY_WITHIN_MS,
    );
    expect(await status(`${running.url}/livez`)).toBe(200);
    expect(running.output()).toContain(`listening on ${running.url}`);
  });

  it('finishes in-flight writes on SIGTERM, loses none, and exits 0', async () => {
    const url = sqliteUrl();
    running = await startService({
      env: { DATABASE_URL: url, SHUTDOWN_GRACE_SECONDS: '10' },
      waitUntilReady: false,
    });
    await eventually(
      async () => expect(await status(`${running!.url}/readyz`)).toBe(200),
      READY_WITHIN_MS,
    );
    const session = await signUp(running.url);
    const project = (await (
      await fetch(`${running.url}/api/v1/projects`, {
        method: 'POST',
        ...session,
        body: JSON.stringify({ name: 'P' }),
      })
    ).json()) as { id: string };

    const writes = Array.from({ length: 40 }, (_, i) =>
      fetch(`${running!.url}/api/v1/projects/${project.id}/tasks`, {
        method: 'POST',
        ...session,
        body: JSON.stringify({ title: `task ${i}` }),
      }).then(
        async (r) => ({
          status: r.status,
          id: r.status === 201 ? ((await r.json()) as { id: string }).id : undefined,
        }),
        () => ({ status: 0, id: undefined }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    running.child.kill('SIGTERM');
    const results = await Promise.all(writes);
    expect(await running.exited).toBe(0);

    const accepted = results.filter((r) => r.status === 201);
    // Every request either completed or was refused before it was accepted; never a 5xx mid-write.
    expect(results.every((r) => [201, 503, 0].includes(r.status))).toBe(true);
    expect(accepted.length).toBeGreaterThan(0);
    const db = new SqliteDatabase(parseDatabaseUrl('X', url, undefined, '/').file, {
      readonly: true,
    });
    const stored = new Set(
      (
        db.prepare('select id from tasks where project_id = ?').all(project.id) as { id: string }[]
      ).map((r) => r.id),
    );
    db.close();
    for (const write of accepted) expect(stored.has(write.id!)).toBe(true);
    expect(running.output()).toContain('shutting down');
  });

  it('stops with exit code 2 and one line naming the variable on a bad setting', async () => {
    running = await startService({
      env: { DATABASE_URL: sqliteUrl(), REGISTRATION: 'sometimes' },
      waitUntilReady: false,
    });
    expect(await running.exited).toBe(2);
    const lines = running.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/REGISTRATION: expected one of open, closed/);
  });
});

const mysql = testDatabases.find((d) => d.name === 'mysql')!;

describe.skipIf(mysql.skipReason)('service process on MariaDB through a cuttable link', () => {
  it('waits for a database that is not there yet, then becomes ready without a restart', async () => {
    const created = await mysql.create();
    try {
      const port = await freePort();
      proxy = new TcpProxy(port, { host: created.config.host!, port: created.config.port! });
      const url = new URL(created.url);
      url.host = `127.0.0.1:${port}`;
      running = await startService({
        env: { DATABASE_URL: url.toString(), MIGRATE_ON_START: 'true' },
        waitUntilReady: false,
      });
      await eventually(async () => expect(await status(`${running!.url}/livez`)).toBe(200));
      expect(await status(`${running.url}/readyz`)).toBe(503);
      await eventually(async () =>
        expect(running!.output()).toContain('database not reachable yet, retrying'),
      );

      await proxy.start();
      await eventually(
        async () => expect(await status(`${running!.url}/readyz`)).toBe(200),
        30_000,
      );

      // The database goes away: readiness and requests say 503, the process stays up.
      await proxy.stop();
      await eventually(async () => expect(await status(`${running!.url}/readyz`)).toBe(503));
      const refused = await fetch(`${running.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'nobody@example.com', password: PASSWORD }),
      });
      expect(refused.status).toBe(503);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
        'SERVICE_UNAVAILABLE',
      );

      // … and comes back.
      await proxy.start();
      await eventually(
        async () => expect(await status(`${running!.url}/readyz`)).toBe(200),
        30_000,
      );
      const session = await signUp(running.url);
      expect(session.headers.cookie).toMatch(/^tm_session=/);
      expect(running.child.exitCode).toBeNull();
    } finally {
      if (running && running.child.exitCode === null) {
        running.child.kill('SIGTERM');
        expect(await running.exited).toBe(0);
      }
      await created.drop();
    }
  });
});
