// The MariaDB primary and replica for the tests of reads from a replica (DATABASE_READ_URL):
// two servers with GTID replication that scripts/ci/start-mariadb-replica.sh starts (.ci/run
// runs it and sets the URLs). Each suite gets a database of its own, created on the primary and
// replicated, dropped afterwards; an admin connection to the replica stops and starts its
// replication and reads its per-table counters.
import { createConnection } from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';
import { parseDatabaseUrl } from '../../src/config.js';
import { eventually } from './process.js';
import { inCI } from './tools.js';

const primaryUrl = process.env.TEST_MYSQL_PRIMARY_URL;
const replicaUrl = process.env.TEST_MYSQL_REPLICA_URL;
const adminUrl = process.env.TEST_MYSQL_REPLICA_ADMIN_URL;
if (inCI && !(primaryUrl && replicaUrl && adminUrl)) {
  throw new Error(
    'TEST_MYSQL_PRIMARY_URL, TEST_MYSQL_REPLICA_URL and TEST_MYSQL_REPLICA_ADMIN_URL are required under CI=true (.ci/run starts the pair and sets them)',
  );
}

export const replicationSkipReason =
  primaryUrl && replicaUrl && adminUrl
    ? undefined
    : 'TEST_MYSQL_PRIMARY_URL/REPLICA_URL not set (run scripts/ci/start-mariadb-replica.sh); skipping';

const connect = (url: string, database?: string) => {
  const config = parseDatabaseUrl('TEST', url, undefined, process.cwd());
  return createConnection({
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database,
  });
};

const withDatabase = (url: string, database: string) => {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
};

export interface ReplicatedDatabase {
  database: string;
  primaryUrl: string;
  replicaUrl: string;
  /** Root-like connection to the replica (never the application's). */
  admin: Connection;
  /** Rows the replica's clients read from a table of this database (userstat). */
  rowsReadOnReplica(table: string): Promise<number>;
  stopReplicaSql(): Promise<void>;
  startReplicaSql(): Promise<void>;
  drop(): Promise<void>;
}

export async function createReplicatedDatabase(): Promise<ReplicatedDatabase> {
  const database = `taskmanager_test_${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const primary = await connect(primaryUrl!);
  // The server's default character set, as tests/support/databases.ts and real operators do.
  await primary.query(`CREATE DATABASE \`${database}\``);
  await primary.end();
  const admin = await connect(adminUrl!);
  await eventually(async () => {
    const [rows] = await admin.query('SHOW DATABASES LIKE ?', [database]);
    if ((rows as unknown[]).length !== 1) throw new Error(`${database} not replicated yet`);
  });
  return {
    database,
    primaryUrl: withDatabase(primaryUrl!, database),
    replicaUrl: withDatabase(replicaUrl!, database),
    admin,
    async rowsReadOnReplica(table) {
      const [rows] = await admin.query(
        'SELECT rows_read AS n FROM information_schema.table_statistics WHERE table_schema = ? AND table_name = ?',
        [database, table],
      );
      return Number((rows as { n: number }[])[0]?.n ?? 0);
    },
    async stopReplicaSql() {
      await admin.query('STOP SLAVE SQL_THREAD');
    },
    async startReplicaSql() {
      await admin.query('START SLAVE SQL_THREAD');
    },
    async drop() {
      await admin.query('START SLAVE SQL_THREAD');
      await admin.end();
      const conn = await connect(primaryUrl!);
      await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await conn.end();
    },
  };
}
