// Data sets: seeded with the service's own `taskmanager seed`, one per database and size, and the
// fixtures the scenarios need (a project, task ids with versions, deep-page cursors), read
// straight from the database. Also EXPLAIN of the list queries on each data set.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { createConnection } from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';
import type { TaskFilter } from '../../src/features/tasks/tasks.repository.js';
import type { DbKind } from './options.js';
import { runCommand } from './processes.js';
import { listQuery } from './sql.js';

export const SEARCH_TERM = 'billing';
const PAGE = 50;

export interface DataSet {
  db: DbKind;
  size: number;
  databaseUrl: string;
  users: number;
  projects: number;
  seedSeconds: number | null;
  reused: boolean;
  token: string;
  projectId: string;
  projectTasks: number;
}

/** Tasks spread over many projects and users: 5,000 tasks a project at the larger sizes. */
export const shapeOf = (size: number) => {
  const projects = Math.max(5, Math.round(size / 5000));
  return { projects, users: Math.max(10, projects * 5) };
};

const root = path.resolve(import.meta.dirname, '..');
// Under bench/results/tmp/: ignored by git, ESLint and Prettier.
const dataDir = path.join(root, 'results/tmp/data');

function schemaHash(): string {
  const hash = createHash('sha256');
  for (const file of [
    'src/db/migrations/20261125T1200_initial_schema.ts',
    'src/cli/commands/seed-data.ts',
  ])
    hash.update(readFileSync(path.join(root, '..', file)));
  return hash.digest('hex').slice(0, 16);
}

type Row = Record<string, unknown>;

/** A connection of the bench itself, for fixtures and EXPLAIN. */
export interface Direct {
  all(sql: string, params: readonly unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

export async function openDirect(db: DbKind, databaseUrl: string): Promise<Direct> {
  if (db === 'sqlite') {
    const sqlite = new Sqlite(databaseUrl.slice('sqlite:'.length), { readonly: true });
    return {
      all: (sql, params) => Promise.resolve(sqlite.prepare(sql).all(...params) as Row[]),
      close: () => Promise.resolve(void sqlite.close()),
    };
  }
  const connection: Connection = await createConnection({ uri: databaseUrl });
  return {
    all: async (sql, params) => (await connection.query(sql, [...params] as never[]))[0] as Row[],
    close: () => connection.end(),
  };
}

async function mysqlAdmin(url: string, statements: string[]): Promise<void> {
  const parsed = new URL(url);
  parsed.pathname = '/';
  const connection = await createConnection({ uri: parsed.toString() });
  try {
    for (const statement of statements) await connection.query(statement);
  } finally {
    await connection.end();
  }
}

/** Whether the database holds at least `size` tasks, some of them in `projectId`. */
async function seededAsRecorded(
  db: DbKind,
  databaseUrl: string,
  size: number,
  projectId: string,
): Promise<boolean> {
  try {
    const direct = await openDirect(db, databaseUrl);
    try {
      const [all] = await direct.all('select count(*) as n from tasks', []);
      const [first] = await direct.all('select count(*) as n from tasks where project_id = ?', [
        projectId,
      ]);
      return Number(all?.n ?? 0) >= size && Number(first?.n ?? 0) > 0;
    } finally {
      await direct.close();
    }
  } catch {
    return false;
  }
}

export interface SeedContext {
  cli: string;
  mysqlUrl: string;
  reuse: boolean;
  log: (line: string) => void;
}

export async function prepareDataSet(
  db: DbKind,
  size: number,
  context: SeedContext,
): Promise<DataSet> {
  mkdirSync(dataDir, { recursive: true });
  const shape = shapeOf(size);
  let databaseUrl: string;
  let database = '';
  if (db === 'sqlite') {
    databaseUrl = `sqlite:${path.join(dataDir, `sqlite-${size}.db`)}`;
  } else {
    const url = new URL(context.mysqlUrl);
    database = `${url.pathname.slice(1)}_${size}`;
    url.pathname = `/${database}`;
    databaseUrl = url.toString();
  }
  const metaFile = path.join(dataDir, `${db}-${size}.json`);
  const hash = schemaHash();
  type Meta = { hash: string; token: string; projectIds: string[]; seconds: number };
  let meta: Meta | undefined;
  if (context.reuse && existsSync(metaFile)) {
    const cached = JSON.parse(readFileSync(metaFile, 'utf8')) as Meta;
    if (cached.hash === hash) meta = cached;
  }
  // The data may be gone although its record is not: a test suite dropped the database, or a run
  // in another checkout seeded the same MariaDB database anew. Runs only add tasks (the create
  // scenario), so the set is intact while it has its size and its first project has tasks.
  if (meta && !(await seededAsRecorded(db, databaseUrl, size, meta.projectIds[0]!))) {
    context.log(`${db} ${size}: the data set to reuse is incomplete; seeding it again`);
    meta = undefined;
  }
  const reused = meta !== undefined;
  if (!meta) {
    rmSync(metaFile, { force: true });
    if (db === 'sqlite') {
      const file = databaseUrl.slice('sqlite:'.length);
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    } else {
      await mysqlAdmin(context.mysqlUrl, [
        `drop database if exists \`${database}\``,
        `create database \`${database}\` character set utf8mb4 collate utf8mb4_unicode_ci`,
      ]);
    }
    context.log(
      `seeding ${db} with ${size} tasks (${shape.projects} projects, ${shape.users} users)`,
    );
    const stdout = await runCommand(
      process.execPath,
      [
        context.cli,
        'seed',
        '--users',
        String(shape.users),
        '--projects',
        String(shape.projects),
        '--tasks',
        String(size),
        '--json',
      ],
      { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
      3 * 60 * 60 * 1000,
    );
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as {
      apiToken: string;
      projectIds: string[];
      seconds: number;
    };
    meta = { hash, token: result.apiToken, projectIds: result.projectIds, seconds: result.seconds };
    writeFileSync(metaFile, JSON.stringify(meta));
  }
  const projectId = meta.projectIds[0]!;
  const direct = await openDirect(db, databaseUrl);
  try {
    const [count] = await direct.all('select count(*) as n from tasks where project_id = ?', [
      projectId,
    ]);
    return {
      db,
      size,
      databaseUrl,
      ...shape,
      seedSeconds: reused ? null : meta.seconds,
      reused,
      token: meta.token,
      projectId,
      projectTasks: Number(count?.n ?? 0),
    };
  } finally {
    await direct.close();
  }
}

export interface Fixtures {
  /** Tasks of the project (id, version, status) for the get and update scenarios. */
  tasks: { id: string; version: number; status: string }[];
  /** Cursors of pages between 50 % and 90 % deep into the project's default order. */
  deepCursors: string[];
  /** How many rows precede the middle deep cursor. */
  deepOffset: number;
}

const cursorOf = (row: Row) =>
  Buffer.from(JSON.stringify({ k: Number(row.position), id: row.id })).toString('base64url');

export async function loadFixtures(set: DataSet): Promise<Fixtures> {
  const direct = await openDirect(set.db, set.databaseUrl);
  try {
    const tasks = (
      await direct.all(
        'select id, version, status from tasks where project_id = ? order by id limit 1000',
        [set.projectId],
      )
    ).map((r) => ({ id: String(r.id), version: Number(r.version), status: String(r.status) }));
    // Every deep cursor leaves at least a full page after it.
    const last = Math.max(0, set.projectTasks - PAGE - 1);
    const offsets = Array.from({ length: 10 }, (_, i) =>
      Math.min(last, Math.floor(set.projectTasks * (0.5 + (0.4 * i) / 9))),
    );
    const deepCursors: string[] = [];
    for (const offset of offsets) {
      const [row] = await direct.all(
        'select position, id from tasks where project_id = ? order by position, id limit 1 offset ?',
        [set.projectId, offset],
      );
      if (row) deepCursors.push(cursorOf(row));
    }
    return { tasks, deepCursors, deepOffset: offsets[5] ?? 0 };
  } finally {
    await direct.close();
  }
}

export interface Explained {
  query: string;
  sql: string;
  plan: Row[];
}

/** EXPLAIN (MySQL) or EXPLAIN QUERY PLAN (SQLite) of the list queries, with real parameters. */
export async function explainListQueries(set: DataSet, fixtures: Fixtures): Promise<Explained[]> {
  const direct = await openDirect(set.db, set.databaseUrl);
  try {
    // The list query checks the caller's membership: EXPLAIN it as the project's owner.
    const [owner] = await direct.all(
      "select user_id from project_members where project_id = ? and role = 'owner'",
      [set.projectId],
    );
    const base: TaskFilter = {
      projectId: set.projectId,
      memberId: String(owner?.user_id),
      sort: 'position',
      archived: false,
      limit: PAGE,
    };
    const middle = fixtures.deepCursors[Math.floor(fixtures.deepCursors.length / 2)];
    const after = middle
      ? (JSON.parse(Buffer.from(middle, 'base64url').toString('utf8')) as TaskFilter['after'])
      : undefined;
    const queries: [string, ReturnType<typeof listQuery>][] = [
      ['list first page', listQuery(set.db, base)],
      ['list filter + search', listQuery(set.db, { ...base, status: 'todo', q: SEARCH_TERM })],
      ['list deep page', listQuery(set.db, { ...base, after })],
    ];
    const out: Explained[] = [];
    for (const [name, pending] of queries) {
      const { sql, parameters } = await pending;
      const prefix = set.db === 'mysql' ? 'explain ' : 'explain query plan ';
      const plan = await direct.all(prefix + sql, parameters);
      out.push({ query: name, sql, plan });
    }
    return out;
  } finally {
    await direct.close();
  }
}
