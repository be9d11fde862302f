// Live updates (issue 13) measured: the resident memory 1,000 open event streams cost one
// replica over idle, and how long a write through replica A takes to reach a stream of replica
// B (p50/p95), two built service processes on one database. Budgets: ≤ 50 MB and p95 ≤ 1 s.
//   node --import tsx bench/live.ts [--streams 1000] [--writes 200]
// On SQLite by default; on MariaDB with BENCH_MYSQL_URL (a database it may create and drop).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { ApiClient } from '../tests/support/http.js';
import { builtArtifactsMissing, startService } from '../tests/support/service.js';
import { openStream } from '../tests/support/sse.js';
import type { SseStream } from '../tests/support/sse.js';

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '1000' },
    writes: { type: 'string', default: '200' },
  },
});
const STREAMS = Number(values.streams);
const WRITES = Number(values.writes);
const API = '/api/v1';

const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

const messages = (stream: SseStream) => stream.events.filter((e) => e.event === 'message').length;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function database(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.BENCH_MYSQL_URL;
  if (!base) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-live-'));
    return {
      url: `sqlite:${path.join(dir, 'bench.db')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const url = new URL(base);
  const name = `taskmanager_bench_live_${Date.now().toString(36)}`;
  const admin = await createConnection({ uri: base });
  await admin.query(`create database ${name}`);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`drop database ${name}`);
      await admin.end();
    },
  };
}

async function main() {
  const missing = builtArtifactsMissing();
  if (missing) throw new Error(missing);
  const db = await database();
  const env = {
    DATABASE_URL: db.url,
    MIGRATE_ON_START: 'true',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  const a = await startService({ from: 'built', env });
  const b = await startService({ from: 'built', env });
  const streams: SseStream[] = [];
  try {
    const owner = new ApiClient(a.url);
    await owner.register(
      `bench.${Date.now().toString(36)}@example.com`,
      'correct horse battery staple',
    );
    const project = await owner.ok<{ id: string }>('POST', `${API}/projects`, {
      name: 'Live bench',
    });
    const projectId = project.body.id;
    const task = await owner.ok<{ id: string }>('POST', `${API}/projects/${projectId}/tasks`, {
      title: 'x',
    });
    const taskId = task.body.id;
    const url = `${b.url}${API}/projects/${projectId}/events`;
    const headers = { cookie: owner.cookie! };

    // Warm B (code paths, pools) with one stream, then idle memory.
    const warm = await openStream(url, headers);
    await warm.waitFor((e) => e.event === 'ready');
    warm.close();
    await sleep(2_000);
    const idle = rssMb(b.child.pid!);
    for (let i = 0; i < STREAMS; i++) {
      const stream = await openStream(url, headers);
      if (stream.status !== 200) throw new Error(`stream ${i}: ${stream.status}`);
      streams.push(stream);
    }
    await Promise.all(streams.map((s) => s.waitFor((e) => e.event === 'ready', 60_000)));
    await sleep(2_000);
    const open = rssMb(b.child.pid!);

    // Delivery: a write through A, until the first of B's streams has its event.
    const probe = streams[0]!;
    const latencies: number[] = [];
    for (let i = 0; i < WRITES; i++) {
      const before = messages(probe);
      const started = performance.now();
      await owner.ok('PATCH', `${API}/tasks/${taskId}`, { title: `x${i}` });
      await probe.waitFor(() => messages(probe) > before, 10_000);
      latencies.push(performance.now() - started);
    }
    latencies.sort((x, y) => x - y);
    await sleep(2_000);
    const everyoneGotAll = streams.every((s) => messages(s) === WRITES);
    console.log(
      JSON.stringify(
        {
          database: db.url.startsWith('sqlite') ? 'sqlite' : 'mariadb',
          streams: STREAMS,
          rssIdleMb: Math.round(idle),
          rssOpenMb: Math.round(open),
          rssPerThousandStreamsMb: Math.round(((open - idle) * 1000) / STREAMS),
          writes: WRITES,
          deliveryP50Ms: Math.round(percentile(latencies, 50)),
          deliveryP95Ms: Math.round(percentile(latencies, 95)),
          everyStreamGotEveryEvent: everyoneGotAll,
        },
        null,
        2,
      ),
    );
  } finally {
    for (const s of streams) s.close();
    await a.stop();
    await b.stop();
    await db.drop();
  }
}

await main();
