// A database of its own for one benchmark run: a temporary SQLite file, or a fresh MariaDB
// database next to the test one (BENCH_MYSQL_URL, else TEST_MYSQL_URL), dropped afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';

export async function scratchDatabase(
  kind: string,
  suffix: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), `bench-${suffix}-`));
    return {
      url: `sqlite:${path.join(dir, 'bench.db')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const base =
    process.env.BENCH_MYSQL_URL ??
    process.env.TEST_MYSQL_URL ??
    'mysql://taskmanager:taskmanager-test@127.0.0.1:3306/taskmanager_test';
  const url = new URL(base);
  const name = `${url.pathname.slice(1)}_${suffix}`;
  const admin = await createConnection({ uri: base });
  await admin.query(`drop database if exists \`${name}\``);
  await admin.query(`create database \`${name}\` character set utf8mb4 collate utf8mb4_unicode_ci`);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`drop database \`${name}\``);
      await admin.end();
    },
  };
}
