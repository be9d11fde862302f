// What the due-reminder scheduler costs each process at scale (issue 12): a pass's wall time and
// the longest it holds the event loop, on the run's data sets (bench/lib/data.ts).
// - full pass: what a process does at start and once an hour (every task due in the last week or
//   within the lead read, page by page, to find the unclaimed ones);
// - minute's pass: the passes in between (the clock a minute on, nothing written): the tasks the
//   clock brought into a window and the tasks the change feed named.
// The scheduler runs in this process on the data set's file or database, as in the service. The
// event-loop block is the maximum of perf_hooks' event-loop delay (1 ms resolution) during the
// pass: on SQLite, whose driver answers synchronously, what a request waits behind the pass.
// Not a test: nothing fails. Results: bench/results/reminders-<date>.json and a table.
//
//   node --import tsx bench/reminders.ts [--sizes 1000,100000,1000000] [--db sqlite,mysql]
//                                        [--passes 5] [--reuse-data]
// Needs the built CLI to seed a data set (npm run build:server). MySQL: BENCH_MYSQL_URL as the
// main run.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { parseDatabaseUrl } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { DueReminders } from '../src/features/notifications/due-reminders.js';
import { prepareDataSet } from './lib/data.js';
import { benchMysqlUrl } from './lib/options.js';
import type { DbKind } from './lib/options.js';
import { median } from './lib/report.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,100000,1000000' },
    db: { type: 'string', default: 'sqlite,mysql' },
    passes: { type: 'string', default: '5' },
    'reuse-data': { type: 'boolean', default: false },
  },
});
const PASSES = Number(values.passes);
const root = path.resolve(import.meta.dirname, '..');
const mysqlUrl = benchMysqlUrl();
const config = { leadMs: 24 * 3_600_000, pollIntervalMs: 60_000 };
const log = (line: string) => console.log(`[reminders] ${line}`);

interface Pass {
  ms: number;
  blockMs: number;
  sent: number;
}

const round = (n: number) => Math.round(n * 10) / 10;

async function timed(pass: () => Promise<number>): Promise<Pass> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  // Its timer samples from its first firing: a block before that would go unseen.
  await sleep(5);
  const started = performance.now();
  const sent = await pass();
  const ms = performance.now() - started;
  // One more turn, so that a block at the very end is sampled.
  await sleep(2);
  delay.disable();
  return { ms, blockMs: delay.max / 1e6, sent };
}

async function measure(db: DbKind, size: number) {
  const set = await prepareDataSet(db, size, {
    cli: path.join(root, 'dist/server/cli/index.js'),
    mysqlUrl,
    reuse: values['reuse-data'] ?? false,
    log,
  });
  const handle = openDatabase(parseDatabaseUrl('DATABASE_URL', set.databaseUrl, undefined, root));
  try {
    const full: Pass[] = [];
    const minute: Pass[] = [];
    for (let i = 0; i < PASSES; i++) {
      // A new scheduler's first pass is a full one.
      full.push(await timed(() => new DueReminders(handle.db, config).runOnce()));
    }
    const start = Date.now();
    let clock = start;
    const scheduler = new DueReminders(handle.db, config, { now: () => clock });
    await scheduler.runOnce();
    for (let i = 1; i <= PASSES; i++) {
      clock = start + i * 60_000;
      minute.push(await timed(() => scheduler.runOnce()));
    }
    const due = await handle.db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('due_at', '>', start - 7 * 86_400_000)
      .where('due_at', '<=', start + config.leadMs)
      .executeTakeFirstOrThrow();
    const summary = (passes: Pass[]) => ({
      msMedian: round(median(passes.map((p) => p.ms))),
      msMax: round(Math.max(...passes.map((p) => p.ms))),
      blockMsMax: round(Math.max(...passes.map((p) => p.blockMs))),
      sent: passes.map((p) => p.sent),
    });
    return {
      db,
      size,
      tasksInWindows: Number(due.n),
      full: summary(full),
      minute: summary(minute),
    };
  } finally {
    await handle.close();
  }
}

const results = [];
for (const size of values.sizes.split(',').map(Number))
  for (const db of values.db.split(',') as DbKind[]) {
    const result = await measure(db, size);
    log(JSON.stringify(result));
    results.push(result);
  }

console.log(
  '\n| db | tasks | in windows | full pass ms (max) | block ms | minute pass ms (max) | block ms |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of results)
  console.log(
    `| ${r.db} | ${r.size} | ${r.tasksInWindows} | ${r.full.msMedian} (${r.full.msMax}) | ${r.full.blockMsMax} | ${r.minute.msMedian} (${r.minute.msMax}) | ${r.minute.blockMsMax} |`,
  );
const dir = path.join(root, 'bench/results');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `reminders-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ passes: PASSES, results }, null, 2) + '\n');
log(`results: ${path.relative(root, file)}`);
