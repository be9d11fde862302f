// The streamed import of a large Trello board (issue 15: a 50,000-card import stays under the
// service's memory budget, the chart's 384 MiB limit of the app container). The built service is
// started on each database; a board shaped as Trello exports it (tests/support/trello-board.ts)
// is posted as a file stream, and the service's resident memory is sampled every 50 ms
// (/proc/<pid>/status) while it reads and saves it.
// Not a test: nothing fails on a missed budget. Results: bench/results/import-*.json.
//   node --import tsx bench/import.ts [--cards 50000] [--db sqlite,mysql]
// MySQL: BENCH_MYSQL_URL or TEST_MYSQL_URL (a database `<name>_import` is made and dropped).
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { ApiClient } from '../tests/support/http.js';
import { builtArtifactsMissing, startService } from '../tests/support/service.js';
import { writeTrelloBoard } from '../tests/support/trello-board.js';
import { scratchDatabase } from './lib/scratch-db.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite,mysql' },
    cards: { type: 'string', default: '50000' },
  },
});
const CARDS = Number(values.cards);
const BUDGET_MB = 384 * 1.048576; // the chart's limit, 384 MiB, in MB
const root = path.resolve(import.meta.dirname, '..');
const mb = (bytes: number) => Math.round((bytes / 1e6) * 10) / 10;

/** VmRSS and VmHWM of a process, in bytes. */
function memoryOf(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
}

const database = (kind: string) => scratchDatabase(kind, 'import');

async function measure(kind: string, file: string, fileBytes: number) {
  const db = await database(kind);
  const service = await startService({
    from: 'built',
    env: {
      DATABASE_URL: db.url,
      MIGRATE_ON_START: 'true',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      IMPORT_RATE_LIMIT_PER_HOUR: '100',
      ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
    },
  });
  const pid = service.child.pid!;
  try {
    const client = new ApiClient(service.url);
    await client.register(
      `import.${Date.now().toString(36)}@example.com`,
      'correct horse battery staple',
    );
    const idle = memoryOf(pid);
    let peak = idle.rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, memoryOf(pid).rss);
    }, 50);
    const started = performance.now();
    const response = await fetch(`${service.url}/api/v1/projects/import/trello`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(fileBytes),
        cookie: client.cookie!,
        'x-csrf-token': client.csrfToken!,
      },
      body: Readable.toWeb(createReadStream(file)) as ReadableStream,
      duplex: 'half',
    });
    const body = (await response.json()) as { imported?: { tasks: number }; error?: unknown };
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const after = memoryOf(pid);
    if (response.status !== 201)
      throw new Error(`import: ${response.status} ${JSON.stringify(body)}`);
    return {
      database: kind,
      cards: CARDS,
      fileMB: mb(fileBytes),
      tasksImported: body.imported!.tasks,
      seconds: Math.round(seconds * 10) / 10,
      cardsPerSecond: Math.round(CARDS / seconds),
      idleRssMB: mb(idle.rss),
      peakRssMB: mb(Math.max(peak, after.hwm)),
      budgetMB: Math.round(BUDGET_MB),
    };
  } finally {
    await service.stop();
    await db.drop();
  }
}

async function main() {
  const missing = builtArtifactsMissing();
  if (missing) throw new Error(missing);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-import-board-'));
  const file = path.join(dir, 'board.json');
  const results = [];
  try {
    const fileBytes = await writeTrelloBoard(file, { cards: CARDS, checklistEvery: 5 });
    console.log(`board: ${CARDS} cards, ${mb(fileBytes)} MB`);
    for (const kind of values.db.split(',').map((d) => d.trim())) {
      const result = await measure(kind, file, fileBytes);
      console.log(JSON.stringify(result));
      results.push(result);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('\ndatabase  cards   file MB  seconds  cards/s  idle RSS MB  peak RSS MB  budget MB');
  for (const r of results)
    console.log(
      `${r.database.padEnd(9)} ${String(r.cards).padStart(6)} ${String(r.fileMB).padStart(8)} ${String(r.seconds).padStart(8)} ${String(r.cardsPerSecond).padStart(8)} ${String(r.idleRssMB).padStart(12)} ${String(r.peakRssMB).padStart(12)} ${String(r.budgetMB).padStart(10)}`,
    );
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root })
    .toString()
    .trim();
  const out = path.join(
    root,
    'bench/results',
    `import-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
  );
  writeFileSync(
    out,
    JSON.stringify(
      {
        benchmark: 'import',
        commit,
        load: os.loadavg(),
        machine: { cpus: os.cpus().length, node: process.version },
        results,
      },
      null,
      2,
    ),
  );
  console.log(`\nresults: ${path.relative(root, out)}`);
}

await main();
