// Search across projects (issue 13) measured at scale: GET /search latency (p50/p95/max) through
// the built service, one request at a time, on a data set of --size tasks (default 1,000,000).
// Budget: p50 ≤ 50 ms at 1M tasks. Not a test: nothing fails on a missed budget.
//
//   node --import tsx bench/search.ts [--size 1000000] [--db sqlite,mysql] [--queries 100]
//                                     [--reuse-data]
//
// The text is generated, not the seeder's (its 22 words put "billing" in one task in eight):
// a vocabulary of 20,000 made-up words drawn by a Zipf law (s = 1), as words are in real text;
// titles of 3–6 words, a description on 60 % of tasks (8–40 words), one to three comments on 20 %.
// 200 projects of 5,000 tasks; 1,000 users, each in 5 projects. Two callers: a member of 5
// projects (the usual user) and a member of all 200 (the worst case: every match is theirs).
// Query kinds, each --queries times (see queries()): a common word, a distinctive word, two
// common words, the first four letters of a common word (typing in the palette), and one of the
// 100 most frequent words (the worst case). The rows are loaded into the schema as it
// was before the search, then the search migration builds its indexes (the upgrade path; its
// time is reported).
// MySQL database: BENCH_MYSQL_URL or TEST_MYSQL_URL (a database `<name>_search_<size>` is made).
// Results: bench/results/search-<date>.json and a table on stdout.
import { mkdirSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Sqlite from 'better-sqlite3';
import { createConnection } from 'mysql2/promise';
import { parseDatabaseUrl } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { migrateTo, migrateToLatest } from '../src/db/migrate.js';
import { newId, randomToken, sha256 } from '../src/platform/ids.js';
import { builtArtifactsMissing, startService } from '../tests/support/service.js';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '1000000' },
    db: { type: 'string', default: 'sqlite,mysql' },
    queries: { type: 'string', default: '100' },
    'reuse-data': { type: 'boolean', default: false },
  },
});
const SIZE = Number(values.size);
const QUERIES = Number(values.queries);
const DATABASES = values.db.split(',').map((d) => d.trim()) as ('sqlite' | 'mysql')[];
const root = path.resolve(import.meta.dirname, '..');
const dataDir = path.join(root, 'bench/results/tmp/search');
const VOCABULARY = 20_000;
const PROJECTS = 200;
const USERS = 1_000;
const BATCH = 1_000;
// Bumped whenever the generated data changes, so that --reuse-data seeds again.
const DATA_VERSION = 2;
const BEFORE_SEARCH = '20261202T1410_calendar_feeds';

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = random(7);
const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));

/** Made-up pronounceable words, unique, 4–10 letters. */
const vocabulary: string[] = (() => {
  const onsets = [
    'b',
    'c',
    'd',
    'f',
    'g',
    'l',
    'm',
    'n',
    'p',
    'r',
    's',
    't',
    'v',
    'tr',
    'pl',
    'st',
  ];
  const vowels = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou'];
  const words = new Set<string>();
  const make = random(11);
  while (words.size < VOCABULARY) {
    let word = '';
    const syllables = 2 + Math.floor(make() * 3);
    for (let i = 0; i < syllables; i++)
      word +=
        onsets[Math.floor(make() * onsets.length)]! + vowels[Math.floor(make() * vowels.length)]!;
    if (word.length >= 4 && word.length <= 10) words.add(word);
  }
  return [...words];
})();

/** Zipf (s = 1) over the vocabulary's ranks: the cumulative weights, searched by bisection. */
const cumulative = (() => {
  const weights = vocabulary.map((_, rank) => 1 / (rank + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  let sum = 0;
  return weights.map((w) => (sum += w / total));
})();
function zipfWord(draw = rnd): string {
  const x = draw();
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return vocabulary[lo]!;
}
const sentence = (min: number, max: number) =>
  Array.from({ length: int(min, max) }, () => zipfWord()).join(' ');

interface Prepared {
  url: string;
  tokens: { fiveProjects: string; allProjects: string };
  loadSeconds: number | null;
  indexSeconds: number | null;
  comments: number;
}

async function prepare(db: 'sqlite' | 'mysql'): Promise<Prepared> {
  mkdirSync(dataDir, { recursive: true });
  const metaFile = path.join(dataDir, `${db}-${SIZE}.json`);
  let url: string;
  let database = '';
  if (db === 'sqlite') url = `sqlite:${path.join(dataDir, `search-${SIZE}.db`)}`;
  else {
    const base = new URL(
      process.env.BENCH_MYSQL_URL ??
        process.env.TEST_MYSQL_URL ??
        'mysql://taskmanager:taskmanager-test@127.0.0.1:3306/taskmanager_test',
    );
    database = `${base.pathname.slice(1)}_search_${SIZE}`;
    base.pathname = `/${database}`;
    url = base.toString();
  }
  if (values['reuse-data'] && existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as Prepared & { version: number };
    if (meta.version === DATA_VERSION && meta.url === url)
      return { ...meta, loadSeconds: null, indexSeconds: null };
  }
  rmSync(metaFile, { force: true });
  if (db === 'sqlite') {
    const file = url.slice('sqlite:'.length);
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  } else {
    const admin = new URL(url);
    admin.pathname = '/';
    const connection = await createConnection({ uri: admin.toString() });
    await connection.query(`drop database if exists \`${database}\``);
    await connection.query(
      `create database \`${database}\` character set utf8mb4 collate utf8mb4_unicode_ci`,
    );
    await connection.end();
  }
  // The real schema as it was before the search: the rows are loaded, then the search migration
  // builds its indexes over them, as it does on upgrade (its time is reported).
  const handle = openDatabase(parseDatabaseUrl('URL', url, undefined, root));
  await migrateTo(handle.db, BEFORE_SEARCH);
  await handle.close();

  const now = Date.now();
  const users = Array.from({ length: USERS }, (_, i) => [
    newId(),
    `search${i}@example.com`,
    `User ${i}`,
    'x',
    'user',
    now,
    now,
  ]);
  const projects = Array.from({ length: PROJECTS }, (_, i) => [
    newId(),
    `Project ${i}`,
    null,
    users[i % USERS]![0],
    now,
    now,
  ]);
  // Each user in 5 projects; user 0 (the all-projects caller) in every one.
  const members = new Map<string, string>();
  for (let u = 1; u < USERS; u++)
    for (let k = 0; k < 5; k++) members.set(`${(u * 5 + k) % PROJECTS}:${u}`, 'editor');
  for (let p = 0; p < PROJECTS; p++) members.set(`${p}:0`, 'owner');
  const memberRows = [...members.keys()].map((key) => {
    const [p, u] = key.split(':').map(Number);
    return [projects[p!]![0], users[u!]![0], members.get(key), now];
  });
  const tokenFor = (userIndex: number) => {
    const token = `tm_${randomToken(32)}`;
    return {
      token,
      row: [newId(), users[userIndex]![0], 'bench', sha256(token), token.slice(0, 8), now, null],
    };
  };
  const five = tokenFor(1);
  const all = tokenFor(0);

  const started = performance.now();
  let comments = 0;
  const batches = function* () {
    for (let done = 0; done < SIZE; done += BATCH) {
      const tasks: unknown[][] = [];
      const taskComments: unknown[][] = [];
      for (let i = done; i < Math.min(SIZE, done + BATCH); i++) {
        const id = newId();
        const project = projects[i % PROJECTS]!;
        tasks.push([
          id,
          project[0],
          sentence(3, 6),
          rnd() < 0.6 ? sentence(8, 40) : null,
          'todo',
          1,
          i * 1024,
          null,
          null,
          users[0]![0],
          1,
          now,
          now,
        ]);
        if (rnd() < 0.2)
          for (let c = int(1, 3); c > 0; c--)
            taskComments.push([newId(), id, users[0]![0], sentence(5, 20), now, now]);
      }
      comments += taskComments.length;
      yield { tasks, taskComments };
    }
  };
  const taskCols =
    '(id, project_id, title, description, status, priority, position, due_at, assignee_id, created_by, version, created_at, updated_at)';
  const commentCols = '(id, task_id, author_id, body, created_at, updated_at)';
  if (db === 'sqlite') {
    const sqlite = new Sqlite(url.slice('sqlite:'.length));
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    const insert = (table: string, cols: string, n: number) =>
      sqlite.prepare(`insert into ${table} ${cols} values (${Array(n).fill('?').join(',')})`);
    const ins = {
      user: insert('users', '(id, email, name, password_hash, role, created_at, updated_at)', 7),
      project: insert('projects', '(id, name, description, created_by, created_at, updated_at)', 6),
      member: insert('project_members', '(project_id, user_id, role, created_at)', 4),
      token: insert(
        'api_tokens',
        '(id, user_id, name, token_hash, prefix, created_at, last_used_at)',
        7,
      ),
      task: insert('tasks', taskCols, 13),
      comment: insert('comments', commentCols, 6),
    };
    sqlite.transaction(() => {
      for (const row of users) ins.user.run(...row);
      for (const row of projects) ins.project.run(...row);
      for (const row of memberRows) ins.member.run(...row);
      ins.token.run(...five.row);
      ins.token.run(...all.row);
    })();
    for (const batch of batches()) {
      sqlite.transaction(() => {
        for (const row of batch.tasks) ins.task.run(...row);
        for (const row of batch.taskComments) ins.comment.run(...row);
      })();
    }
    sqlite.pragma('optimize');
    sqlite.close();
  } else {
    const connection = await createConnection({ uri: url });
    const many = async (table: string, cols: string, rows: unknown[][]) => {
      for (let i = 0; i < rows.length; i += BATCH)
        await connection.query(`insert into ${table} ${cols} values ?`, [rows.slice(i, i + BATCH)]);
    };
    await many('users', '(id, email, name, password_hash, role, created_at, updated_at)', users);
    await many('projects', '(id, name, description, created_by, created_at, updated_at)', projects);
    await many('project_members', '(project_id, user_id, role, created_at)', memberRows);
    await many('api_tokens', '(id, user_id, name, token_hash, prefix, created_at, last_used_at)', [
      five.row,
      all.row,
    ]);
    for (const batch of batches()) {
      await many('tasks', taskCols, batch.tasks);
      if (batch.taskComments.length > 0) await many('comments', commentCols, batch.taskComments);
    }
    await connection.query('analyze table tasks, comments, project_members');
    await connection.end();
  }
  const loadSeconds = (performance.now() - started) / 1000;
  const indexing = performance.now();
  const migrated = openDatabase(parseDatabaseUrl('URL', url, undefined, root));
  await migrateToLatest(migrated.db);
  await migrated.close();
  const indexSeconds = (performance.now() - indexing) / 1000;
  const prepared: Prepared = {
    url,
    tokens: { fiveProjects: five.token, allProjects: all.token },
    loadSeconds,
    indexSeconds,
    comments,
  };
  writeFileSync(metaFile, JSON.stringify({ ...prepared, version: DATA_VERSION }));
  return prepared;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

/**
 * The 100 most frequent words of real text are function words ("the", "of", "and"), which nobody
 * searches for (and which MySQL does not even index): "common" words are drawn by frequency from
 * rank 100 on. The top 100 are measured too, apart, as the worst case.
 */
function queries(): Record<string, string[]> {
  const draw = random(23);
  const uniform = () => vocabulary[Math.floor(draw() * vocabulary.length)]!;
  const frequent = () => zipfWord(draw);
  const common = () => {
    for (;;) {
      const word = zipfWord(draw);
      if (vocabulary.indexOf(word) >= 100) return word;
    }
  };
  return {
    'common word': Array.from({ length: QUERIES }, common),
    'distinct word': Array.from({ length: QUERIES }, uniform),
    'two words': Array.from({ length: QUERIES }, () => `${common()} ${common()}`),
    'prefix (4 letters)': Array.from({ length: QUERIES }, () => common().slice(0, 4)),
    // Fewer: on MariaDB one takes seconds.
    'top-100 word': Array.from({ length: Math.min(QUERIES, 10) }, () => {
      for (;;) {
        const word = frequent();
        if (vocabulary.indexOf(word) < 100) return word;
      }
    }),
  };
}

interface Row {
  database: string;
  caller: string;
  kind: string;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  medianHitsOnPage: number;
  /** Searches refused as too broad (MySQL/MariaDB stop them at SEARCH_TIMEOUT_MS). */
  refused: number;
}

async function measure(db: 'sqlite' | 'mysql', prepared: Prepared): Promise<Row[]> {
  const service = await startService({
    from: 'built',
    env: {
      DATABASE_URL: prepared.url,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      MIGRATE_ON_START: 'true',
    },
  });
  const rows: Row[] = [];
  try {
    for (const [caller, token] of Object.entries(prepared.tokens)) {
      const get = async (q: string) => {
        const started = performance.now();
        const reply = await fetch(
          `${service.url}/api/v1/search?q=${encodeURIComponent(q)}&limit=20`,
          {
            headers: { authorization: `Bearer ${token}` },
          },
        );
        const body = (await reply.json()) as {
          items?: unknown[];
          error?: { details?: { message: string }[] };
        };
        const ms = performance.now() - started;
        if (reply.status === 400 && body.error?.details?.[0]?.message === 'matches too many tasks')
          return { ms, hits: 0, refused: true };
        if (reply.status !== 200)
          throw new Error(`search ${q}: ${reply.status} ${JSON.stringify(body)}`);
        return { ms, hits: body.items!.length, refused: false };
      };
      for (let i = 0; i < 10; i++) await get(vocabulary[1000 + i * 997]!); // warm-up
      // Every query of the kinds a user types (all but the top-100 words), for the overall median.
      const typed: number[] = [];
      let typedRefused = 0;
      const summarize = (kind: string, times: number[], hits: number[], refused: number) => {
        times.sort((a, b) => a - b);
        hits.sort((a, b) => a - b);
        rows.push({
          database: db,
          caller,
          kind,
          p50Ms: Math.round(percentile(times, 50) * 10) / 10,
          p95Ms: Math.round(percentile(times, 95) * 10) / 10,
          maxMs: Math.round(times[times.length - 1]! * 10) / 10,
          medianHitsOnPage: hits.length > 0 ? percentile(hits, 50) : 0,
          refused,
        });
        console.log(JSON.stringify(rows[rows.length - 1]));
      };
      for (const [kind, list] of Object.entries(queries())) {
        const times: number[] = [];
        const hits: number[] = [];
        let refused = 0;
        for (const q of list) {
          const r = await get(q);
          times.push(r.ms);
          if (r.refused) refused++;
          else hits.push(r.hits);
        }
        if (kind !== 'top-100 word') {
          typed.push(...times);
          typedRefused += refused;
        }
        summarize(kind, times, hits, refused);
      }
      summarize('all but top-100', typed, [], typedRefused);
    }
  } finally {
    await service.stop();
  }
  return rows;
}

async function main() {
  const missing = builtArtifactsMissing();
  if (missing) throw new Error(missing);
  const results: {
    database: string;
    size: number;
    loadSeconds: number | null;
    indexSeconds: number | null;
    comments: number;
  }[] = [];
  const rows: Row[] = [];
  let bufferPool: string | undefined;
  for (const db of DATABASES) {
    console.log(`${db}: preparing ${SIZE} tasks`);
    const prepared = await prepare(db);
    if (db === 'mysql') {
      // The server's cache decides whether a search reads from memory: 128 MB (the default) holds
      // a tenth of a 1M-task database. Production servers are sized for their data; say which.
      const connection = await createConnection({ uri: prepared.url });
      const [rows] = await connection.query('select @@innodb_buffer_pool_size as size');
      bufferPool = `${Number((rows as { size: number }[])[0]!.size) / 2 ** 20} MB`;
      await connection.end();
    }
    console.log(
      `${db}: data ready${prepared.loadSeconds === null ? ' (reused)' : ` in ${prepared.loadSeconds.toFixed(0)} s`}` +
        (prepared.indexSeconds
          ? `, search migration (index build) ${prepared.indexSeconds.toFixed(0)} s`
          : ''),
    );
    results.push({
      database: db,
      size: SIZE,
      loadSeconds: prepared.loadSeconds,
      indexSeconds: prepared.indexSeconds,
      comments: prepared.comments,
    });
    rows.push(...(await measure(db, prepared)));
  }
  console.log(`\nMySQL innodb_buffer_pool_size: ${bufferPool ?? 'n/a'}`);
  console.log(
    '\ndatabase  caller        kind                 p50 ms   p95 ms   max ms  hits/page  refused',
  );
  for (const r of rows)
    console.log(
      `${r.database.padEnd(9)} ${r.caller.padEnd(13)} ${r.kind.padEnd(19)} ${String(r.p50Ms).padStart(7)} ${String(r.p95Ms).padStart(8)} ${String(r.maxMs).padStart(8)} ${String(r.medianHitsOnPage).padStart(10)} ${String(r.refused).padStart(8)}`,
    );
  const out = path.join(
    root,
    'bench/results',
    `search-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
  );
  writeFileSync(
    out,
    JSON.stringify(
      { size: SIZE, queriesPerKind: QUERIES, mysqlBufferPool: bufferPool, data: results, rows },
      null,
      2,
    ),
  );
  console.log(`\nresults: ${path.relative(root, out)}`);
}

await main();
