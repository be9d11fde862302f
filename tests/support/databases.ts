// The databases an integration suite runs against: an embedded SQLite file always, and a real
// MariaDB/MySQL when TEST_MYSQL_URL names one (.ci/run starts MariaDB and sets it). Each suite
// gets a fresh database of its own, dropped afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { parseDatabaseUrl } from '../../src/config.js';
import type { DatabaseConfig } from '../../src/config.js';
import { inCI } from './tools.js';

export interface TestDatabase {
  name: 'sqlite' | 'mysql';
  /** Why this database is skipped here (outside CI only). */
  skipReason: string | undefined;
  /**
   * Creates a fresh, empty database. MySQL: with the server's default character set and
   * collation, as `CREATE DATABASE` by an operator or the chart's bootstrap makes it, unless
   * `charset` (e.g. `latin1`) asks for another.
   */
  create(options?: {
    charset?: string;
  }): Promise<{ url: string; config: DatabaseConfig; drop(): Promise<void> }>;
}

const sqlite: TestDatabase = {
  name: 'sqlite',
  skipReason: undefined,
  async create() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'taskmanager-test-'));
    const url = `sqlite:${path.join(dir, 'test.db')}`;
    return {
      url,
      config: parseDatabaseUrl('TEST', url, undefined, dir),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

const mysqlUrl = process.env.TEST_MYSQL_URL;
if (inCI && !mysqlUrl) {
  throw new Error('TEST_MYSQL_URL is required under CI=true (.ci/run starts MariaDB and sets it)');
}

const mysql: TestDatabase = {
  name: 'mysql',
  skipReason: mysqlUrl
    ? undefined
    : 'TEST_MYSQL_URL not set (run scripts/ci/start-mariadb.sh); skipping MySQL',
  async create(options = {}) {
    const base = parseDatabaseUrl('TEST_MYSQL_URL', mysqlUrl!, undefined, process.cwd());
    const database = `${base.database}_${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
    const admin = await createConnection({
      host: base.host,
      port: base.port,
      user: base.user,
      password: base.password,
    });
    // Not utf8mb4_unicode_ci on purpose: the migrations must bring any database to their own
    // declared character sets (a unicode_ci test database once hid a migration failing on every
    // server default).
    const charset = options.charset ? ` CHARACTER SET ${options.charset}` : '';
    await admin.query(`CREATE DATABASE \`${database}\`${charset}`);
    await admin.end();
    const url = new URL(mysqlUrl!);
    url.pathname = `/${database}`;
    return {
      url: url.toString(),
      config: { ...base, database },
      drop: async () => {
        const conn = await createConnection({
          host: base.host,
          port: base.port,
          user: base.user,
          password: base.password,
        });
        await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
        await conn.end();
      },
    };
  },
};

export const testDatabases: TestDatabase[] = [sqlite, mysql];
