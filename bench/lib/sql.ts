// The SQL that the service's repository sends for the list scenarios, captured by running the real
// repository functions against Kysely with a driver that only records: EXPLAIN runs on it (index
// use at every data size).
import {
  DummyDriver,
  Kysely,
  MysqlAdapter,
  MysqlIntrospector,
  MysqlQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import type { Dialect } from 'kysely';
import type { Database } from '../../src/db/types.js';
import { listTasks } from '../../src/features/tasks/tasks.repository.js';
import type { TaskFilter } from '../../src/features/tasks/tasks.repository.js';
import type { DbKind } from './options.js';

export interface CapturedQuery {
  sql: string;
  parameters: readonly unknown[];
}

function recordingDialect(kind: DbKind): Dialect {
  return kind === 'mysql'
    ? {
        createAdapter: () => new MysqlAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new MysqlIntrospector(db),
        createQueryCompiler: () => new MysqlQueryCompiler(),
      }
    : {
        createAdapter: () => new SqliteAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new SqliteIntrospector(db),
        createQueryCompiler: () => new SqliteQueryCompiler(),
      };
}

async function capture(
  kind: DbKind,
  run: (db: Kysely<Database>) => Promise<unknown>,
): Promise<CapturedQuery> {
  const queries: CapturedQuery[] = [];
  const db = new Kysely<Database>({
    dialect: recordingDialect(kind),
    log: (event) => {
      queries.push({ sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  await run(db);
  await db.destroy();
  if (queries.length !== 1) throw new Error(`expected one query, captured ${queries.length}`);
  return queries[0]!;
}

/** The list query for a filter, exactly as `listTasks` sends it. */
export const listQuery = (kind: DbKind, filter: TaskFilter) =>
  capture(kind, (db) => listTasks(db, filter));
