// Reads from a real MariaDB replica (DATABASE_READ_URL, db/read-routing.ts) on two service
// processes: A reads from the replica directly, B through a link the test can cut. Which server
// answered is read from the replica's own per-table counters, never from the service.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LAG_MS } from '../../../src/db/read-routing.js';
import { ApiClient } from '../../support/http.js';
import { eventually, freePort } from '../../support/process.js';
import { createReplicatedDatabase, replicationSkipReason } from '../../support/replication.js';
import type { ReplicatedDatabase } from '../../support/replication.js';
import { startService } from '../../support/service.js';
import type { Service } from '../../support/service.js';
import { TcpProxy } from '../../support/tcp-proxy.js';

const API = '/api/v1';
const PASSWORD = 'correct horse battery staple';
let counter = 0;

describe.skipIf(replicationSkipReason)('reads from a MariaDB replica', () => {
  let pair: ReplicatedDatabase;
  let a: Service;
  let b: Service;
  let link: TcpProxy;

  beforeAll(async () => {
    pair = await createReplicatedDatabase();
    const replica = new URL(pair.replicaUrl);
    link = new TcpProxy(await freePort(), { host: replica.hostname, port: Number(replica.port) });
    await link.start();
    const throughLink = new URL(pair.replicaUrl);
    throughLink.port = String(link.port);
    const env = { DATABASE_URL: pair.primaryUrl, MIGRATE_ON_START: 'true', LOG_LEVEL: 'warn' };
    // One migrates first: the other would wait for its lock anyway.
    a = await startService({ env: { ...env, DATABASE_READ_URL: pair.replicaUrl } });
    b = await startService({ env: { ...env, DATABASE_READ_URL: throughLink.toString() } });
  }, 180_000);

  afterEach(async () => {
    await pair.startReplicaSql();
    await link.start().catch(() => undefined);
  });

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await link?.stop();
    await pair?.drop();
  });

  /** An owner with a project and a viewer of it, signed in on `service`. */
  async function project(service: Service) {
    const owner = new ApiClient(service.url);
    await owner.register(`replica${++counter}.${Date.now().toString(36)}@example.com`, PASSWORD);
    const viewerEmail = `viewer${++counter}.${Date.now().toString(36)}@example.com`;
    const viewer = new ApiClient(service.url);
    await viewer.register(viewerEmail, PASSWORD);
    const created = await owner.ok('POST', `${API}/projects`, { name: 'Replicated' });
    const id = created.body.id as string;
    await owner.ok('POST', `${API}/projects/${id}/members`, { email: viewerEmail, role: 'viewer' });
    await owner.ok('POST', `${API}/projects/${id}/tasks`, { title: 'first' });
    return { owner, viewer, id };
  }

  const titles = async (client: ApiClient, projectId: string) => {
    const page = await client.ok('GET', `${API}/projects/${projectId}/tasks`);
    return (page.body.items as { title: string }[]).map((t) => t.title);
  };

  /** Waits until a list by `client` is read from the replica (its counters move). */
  async function readsFromReplica(client: ApiClient, projectId: string) {
    await eventually(async () => {
      const before = await pair.rowsReadOnReplica('tasks');
      await titles(client, projectId);
      expect(await pair.rowsReadOnReplica('tasks')).toBeGreaterThan(before);
    }, 20_000);
  }

  it('reads from the replica once it holds the caller’s writes', async () => {
    const { owner, viewer, id } = await project(a);
    await readsFromReplica(viewer, id);
    await readsFromReplica(owner, id);
    expect(await titles(owner, id)).toEqual(['first']);
  });

  it('shows the writer its write at once and after the lag bound with the replica stopped; others get answers', async () => {
    const { owner, viewer, id } = await project(a);
    await readsFromReplica(viewer, id);
    await pair.stopReplicaSql();

    const written = await owner.ok('POST', `${API}/projects/${id}/tasks`, {
      title: 'while stopped',
    });
    expect(await titles(owner, id)).toContain('while stopped');
    expect((await owner.ok('GET', `${API}/tasks/${written.body.id as string}`)).body.title).toBe(
      'while stopped',
    );
    // Another caller gets an answer, stale or not, and no error.
    expect((await viewer.request('GET', `${API}/projects/${id}/tasks`)).status).toBe(200);

    // Past the lag bound the replica is read by no one: the writer still sees its write.
    await sleep(MAX_LAG_MS + 500);
    expect(await titles(owner, id)).toContain('while stopped');
    expect(await titles(viewer, id)).toContain('while stopped');

    await pair.startReplicaSql();
    await readsFromReplica(owner, id);
    expect(await titles(owner, id)).toContain('while stopped');
  });

  it('keeps the writer off a stale replica when its next read lands on another process', async () => {
    const { owner, id } = await project(a);
    const onB = new ApiClient(b.url);
    onB.cookie = owner.cookie;
    await readsFromReplica(onB, id);
    await pair.stopReplicaSql();

    const written = await owner.request('POST', `${API}/projects/${id}/tasks`, {
      title: 'written on A',
    });
    expect(written.status).toBe(201);
    const mark = written.headers.getSetCookie().find((c) => c.startsWith('tm_last_write='));
    expect(mark).toBeDefined();
    // The browser sends the cookie back with its next request, wherever it lands.
    onB.cookie = `${owner.cookie!}; ${mark!.split(';')[0]!}`;
    expect(await titles(onB, id)).toContain('written on A');
  });

  it('answers every read from the primary while the replica is unreachable, then returns to it', async () => {
    const { owner, viewer, id } = await project(b);
    await readsFromReplica(viewer, id);
    await link.stop();
    for (let i = 0; i < 5; i++) {
      expect(await titles(viewer, id)).toEqual(['first']);
      expect(await titles(owner, id)).toEqual(['first']);
    }
    await link.start();
    await readsFromReplica(viewer, id);
  });

  it('answers from the primary what the replica fails (a table it lacks), and counts it', async () => {
    const { viewer, id } = await project(a);
    await readsFromReplica(viewer, id);
    const fallbacks = async () =>
      Number(
        /^db_replica_fallbacks_total (\d+)/m.exec(await (await fetch(a.metricsUrl)).text())?.[1],
      );
    const before = await fallbacks();
    // As if a migration had not reached the replica yet; kept out of its binary log.
    await pair.admin.query('SET SESSION sql_log_bin = 0');
    await pair.admin.query(
      `RENAME TABLE \`${pair.database}\`.tasks TO \`${pair.database}\`.tasks_away`,
    );
    try {
      await eventually(async () => {
        expect(await titles(viewer, id)).toEqual(['first']);
        expect(await fallbacks()).toBeGreaterThan(before);
      });
    } finally {
      await pair.admin.query(
        `RENAME TABLE \`${pair.database}\`.tasks_away TO \`${pair.database}\`.tasks`,
      );
    }
    await readsFromReplica(viewer, id);
  });
});
