// What the change feed adds to a write (issue 13 budget: ≤ 5 % of write latency). Two figures on
// one database, measured in turns (rounds of each, interleaved, so that drift hits both alike):
// - a task's title change through the built service over HTTP (PATCH /tasks/{id}, If-Match,
//   sequential): the latency a user waits for, the feed included;
// - the database transaction such a write makes, with and without the feed's row (update the
//   task, insert its activity, then — or not — append the live event): the difference is what the
//   feed costs the write, as it runs in the same transaction (no commit of its own).
// Not a test: nothing fails on a missed budget. Results: bench/results/feed-cost-*.json.
//   node --import tsx bench/feed-cost.ts [--db sqlite,mysql] [--writes 2000]
// MySQL: BENCH_MYSQL_URL or TEST_MYSQL_URL (a database `<name>_feed` is made and dropped).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { recordLiveEvent } from '../src/activity-log/record.js';
import { parseDatabaseUrl } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { newId } from '../src/platform/ids.js';
import { ApiClient } from '../tests/support/http.js';
import { builtArtifactsMissing, startService } from '../tests/support/service.js';
import { scratchDatabase } from './lib/scratch-db.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite,mysql' },
    writes: { type: 'string', default: '2000' },
  },
});
const WRITES = Number(values.writes);
const ROUNDS = 5;
const root = path.resolve(import.meta.dirname, '..');
const API = '/api/v1';

const median = (list: number[]) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const round = (ms: number) => Math.round(ms * 1000) / 1000;

const database = (kind: string) => scratchDatabase(kind, 'feed');

async function measure(kind: string) {
  const db = await database(kind);
  const service = await startService({
    from: 'built',
    env: {
      DATABASE_URL: db.url,
      MIGRATE_ON_START: 'true',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    },
  });
  const handle = openDatabase(parseDatabaseUrl('URL', db.url, undefined, root), { poolSize: 1 });
  try {
    const client = new ApiClient(service.url);
    await client.register(
      `feed.${Date.now().toString(36)}@example.com`,
      'correct horse battery staple',
    );
    const project = await client.ok<{ id: string }>('POST', `${API}/projects`, {
      name: 'Feed cost',
    });
    const projectId = project.body.id;
    const created = await client.ok<{ id: string; version: number; createdBy: string }>(
      'POST',
      `${API}/projects/${projectId}/tasks`,
      { title: 'x' },
    );
    const taskId = created.body.id;
    const actorId = created.body.createdBy;
    let version = created.body.version;
    // A second task for the direct transactions, so that both measurements touch the same tables.
    const other = await client.ok<{ id: string }>('POST', `${API}/projects/${projectId}/tasks`, {
      title: 'y',
    });
    const otherId = other.body.id;

    const patch: number[] = [];
    const withFeed: number[] = [];
    const withoutFeed: number[] = [];
    const perRound = Math.ceil(WRITES / ROUNDS);
    let n = 0;
    const transaction = async (feed: boolean) => {
      const at = Date.now();
      const started = performance.now();
      await handle.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('tasks')
          .set((eb) => ({ title: `t${++n}`, version: eb('version', '+', 1), updated_at: at }))
          .where('id', '=', otherId)
          .execute();
        await trx
          .insertInto('activity')
          .values({
            id: newId(),
            project_id: projectId,
            task_id: otherId,
            actor_id: actorId,
            action: 'task.updated',
            details: JSON.stringify({ fields: ['title'] }),
            created_at: at,
          })
          .execute();
        if (feed)
          await recordLiveEvent(trx, projectId, at, {
            type: 'task.updated',
            taskId: otherId,
            actorId,
          });
      });
      return performance.now() - started;
    };
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < perRound; i++) {
        const started = performance.now();
        const reply = await client.request<{ version: number }>(
          'PATCH',
          `${API}/tasks/${taskId}`,
          { title: `p${i}` },
          {
            'if-match': `"${version}"`,
          },
        );
        patch.push(performance.now() - started);
        if (reply.status !== 200) throw new Error(`PATCH: ${reply.status}`);
        version = reply.body.version;
      }
      for (let i = 0; i < perRound; i++) {
        withoutFeed.push(await transaction(false));
        withFeed.push(await transaction(true));
      }
    }
    const feedMs = median(withFeed) - median(withoutFeed);
    return {
      database: kind,
      writes: patch.length,
      patchP50Ms: round(median(patch)),
      transactionWithoutFeedP50Ms: round(median(withoutFeed)),
      transactionWithFeedP50Ms: round(median(withFeed)),
      feedMs: round(feedMs),
      feedShareOfPatch: Math.round((feedMs / median(patch)) * 1000) / 10,
    };
  } finally {
    await handle.close();
    await service.stop();
    await db.drop();
  }
}

async function main() {
  const missing = builtArtifactsMissing();
  if (missing) throw new Error(missing);
  const results = [];
  for (const kind of values.db.split(',').map((d) => d.trim())) {
    const result = await measure(kind);
    console.log(JSON.stringify(result));
    results.push(result);
  }
  console.log('\ndatabase  PATCH p50 ms  tx without feed  tx with feed  feed ms  feed % of PATCH');
  for (const r of results)
    console.log(
      `${r.database.padEnd(9)} ${String(r.patchP50Ms).padStart(12)} ${String(r.transactionWithoutFeedP50Ms).padStart(16)} ${String(r.transactionWithFeedP50Ms).padStart(13)} ${String(r.feedMs).padStart(8)} ${String(r.feedShareOfPatch).padStart(16)}`,
    );
  const out = path.join(
    root,
    'bench/results',
    `feed-cost-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
  );
  writeFileSync(out, JSON.stringify({ results }, null, 2));
  console.log(`\nresults: ${path.relative(root, out)}`);
}

await main();
