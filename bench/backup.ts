// `node --import tsx bench/backup.ts [--sizes 100000,1000000] [--db sqlite,mysql]`: backup and
// restore throughput (tasks/s) and peak RSS per data set size and database. The first database's
// source is seeded; the next ones' are restored from its archive (the same rows, in a fraction of
// the time). Each measurement runs in a child process of its own, so that its peak RSS (getrusage
// maxrss) is the operation's alone; an idle child (same imports, no work) gives the baseline.
// Results: bench/results/backup-*.json and a table on stdout. Not a test: nothing fails on a
// missed target (50k/s backup, 20k/s restore).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { writeBackup } from '../src/backup/backup.js';
import { restoreBackup } from '../src/backup/restore.js';
import { parseDatabaseUrl } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { seed } from '../src/cli/commands/seed-data.js';

const root = path.resolve(import.meta.dirname, '..');
const work = path.join(root, 'bench/results/tmp/backup');
const mysqlBase =
  process.env.BENCH_MYSQL_URL ??
  process.env.TEST_MYSQL_URL ??
  'mysql://taskmanager:taskmanager-test@127.0.0.1:3306/taskmanager_test';

interface Measured {
  seconds: number;
  /** User + system CPU of the operation: comparable on a machine shared with other work. */
  cpuSeconds?: number;
  maxRssMB: number;
  rows?: Record<string, number>;
}

/** Child mode: one operation, then its duration and peak RSS as JSON on stdout. */
async function child(mode: string, url: string, file: string): Promise<void> {
  const handle = openDatabase(parseDatabaseUrl('URL', url, undefined, root), { poolSize: 1 });
  const started = performance.now();
  const cpu = process.cpuUsage();
  let rows: Record<string, number> | undefined;
  if (mode === 'backup') rows = (await writeBackup(handle, file)).rows;
  else if (mode === 'restore') rows = (await restoreBackup(handle, file)).rows;
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await handle.close();
  const result: Measured = {
    seconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    rows,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

function measure(mode: 'idle' | 'backup' | 'restore', url: string, file: string): Measured {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'bench/backup.ts'), '--child', mode, url, file],
    { cwd: root, encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as Measured;
}

async function mysqlDatabase(name: string): Promise<string> {
  const url = new URL(mysqlBase);
  const database = `${url.pathname.slice(1)}_${name}`;
  const admin = await createConnection({
    uri: `${url.protocol}//${url.username}:${url.password}@${url.host}/`,
  });
  await admin.query(`drop database if exists \`${database}\``);
  await admin.query(
    `create database \`${database}\` character set utf8mb4 collate utf8mb4_unicode_ci`,
  );
  await admin.end();
  url.pathname = `/${database}`;
  return url.toString();
}

async function dropMysql(url: string): Promise<void> {
  const parsed = new URL(url);
  const admin = await createConnection({
    uri: `${parsed.protocol}//${parsed.username}:${parsed.password}@${parsed.host}/`,
  });
  await admin.query(`drop database if exists \`${parsed.pathname.slice(1)}\``);
  await admin.end();
}

async function freshDatabase(db: string, name: string): Promise<string> {
  if (db === 'mysql') return mysqlDatabase(name);
  const file = path.join(work, `${name}.db`);
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  return `sqlite:${file}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { sizes: { type: 'string' }, db: { type: 'string' } },
  });
  const sizes = (values.sizes ?? '100000').split(',').map(Number);
  const dbs = (values.db ?? 'sqlite,mysql').split(',');
  mkdirSync(work, { recursive: true });
  const log = (line: string) => process.stderr.write(`[bench backup] ${line}\n`);
  const results = [];
  /** Per size, the first database's archive: the later databases' sources are restored from it. */
  const archives = new Map<number, string>();
  for (const size of sizes) {
    for (const db of dbs) {
      const sourceUrl = await freshDatabase(db, `backup_src_${size}`);
      const source = openDatabase(parseDatabaseUrl('URL', sourceUrl, undefined, root));
      const seeded = performance.now();
      const earlier = archives.get(size);
      if (earlier) {
        // The same rows as the first database's source, through a restore: seeding a million
        // tasks through MariaDB's live indexes took 16 minutes.
        log(`${db}: seeding ${size} tasks by restoring ${path.basename(earlier)}`);
        await restoreBackup(source, earlier);
      } else {
        log(`${db}: seeding ${size} tasks`);
        await migrateToLatest(source.db);
        await seed(source.db, {
          users: Math.max(10, size / 1000),
          projects: Math.max(5, size / 2000),
          tasks: size,
          password: 'bench password 1',
        });
      }
      log(`${db}: seeded in ${((performance.now() - seeded) / 1000).toFixed(0)} s`);
      await source.close();

      const file = path.join(work, `${db}-${size}.ndjson.gz`);
      const idle = measure('idle', sourceUrl, file);
      const backup = measure('backup', sourceUrl, file);
      log(
        `${db}: backup ${backup.seconds.toFixed(1)} s, peak RSS ${backup.maxRssMB.toFixed(0)} MB`,
      );
      const targetUrl = await freshDatabase(db, `backup_dst_${size}`);
      const restore = measure('restore', targetUrl, file);
      log(
        `${db}: restore ${restore.seconds.toFixed(1)} s, peak RSS ${restore.maxRssMB.toFixed(0)} MB`,
      );
      const tasks = backup.rows?.tasks ?? size;
      results.push({
        db,
        size,
        archiveMB: statSync(file).size / 1e6,
        rows: backup.rows,
        idleRssMB: idle.maxRssMB,
        backup: {
          seconds: backup.seconds,
          cpuSeconds: backup.cpuSeconds,
          tasksPerSecond: tasks / backup.seconds,
          peakRssMB: backup.maxRssMB,
        },
        restore: {
          seconds: restore.seconds,
          cpuSeconds: restore.cpuSeconds,
          tasksPerSecond: tasks / restore.seconds,
          peakRssMB: restore.maxRssMB,
        },
      });
      // Kept as the next database's seed of this size, removed after the last one.
      if (!archives.has(size) && db !== dbs.at(-1)) archives.set(size, file);
      else {
        rmSync(file, { force: true });
        rmSync(`${file}.sha256`, { force: true });
      }
      for (const url of [sourceUrl, targetUrl]) {
        if (db === 'mysql') await dropMysql(url);
        else
          for (const s of ['', '-wal', '-shm'])
            rmSync(url.slice('sqlite:'.length) + s, { force: true });
      }
    }
    const seedArchive = archives.get(size);
    if (seedArchive)
      for (const f of [seedArchive, `${seedArchive}.sha256`]) rmSync(f, { force: true });
  }
  const environment = {
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    loadAverage: os.loadavg(),
    memoryGB: os.totalmem() / 1e9,
  };
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const out = path.join(root, 'bench/results', `backup-${stamp}.json`);
  writeFileSync(out, JSON.stringify({ environment, results }, null, 2) + '\n');
  console.log(
    'db      tasks     archive MB  backup tasks/s  peak RSS MB  restore tasks/s  peak RSS MB  (idle RSS MB)',
  );
  for (const r of results) {
    console.log(
      [
        r.db.padEnd(7),
        String(r.size).padEnd(9),
        r.archiveMB.toFixed(1).padStart(10),
        Math.round(r.backup.tasksPerSecond).toString().padStart(15),
        r.backup.peakRssMB.toFixed(0).padStart(12),
        Math.round(r.restore.tasksPerSecond).toString().padStart(16),
        r.restore.peakRssMB.toFixed(0).padStart(12),
        `  (${r.idleRssMB.toFixed(0)})`,
      ].join(' '),
    );
  }
  console.log(
    `load average during the run: ${environment.loadAverage.map((l) => l.toFixed(1)).join(' ')}; results: ${path.relative(root, out)}`,
  );
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) {
  const [mode, url, file] = process.argv.slice(childAt + 1);
  await child(mode!, url!, file!);
} else {
  await main();
}
