// MySQL/MariaDB only: secondary indexes set aside while a restore loads many rows, then built once
// over the loaded table. Inserting rows one by one into a dozen live B-trees (and two full-text
// indexes) is what made a MariaDB restore slow, and at a million tasks the trees outgrow the
// buffer pool; a build after the load sorts each index once (bench/README.md, "Backup and restore").
//
// MySQL commits DDL on the spot, so the definitions are written to a journal table before an index
// is dropped: a restore that dies before building them again (a killed process, a lost
// connection) leaves the journal behind, and the next restore or `taskmanager migrate` builds
// what it lists. SQLite needs none of this: its DDL is transactional (backup/restore.ts).
import { MysqlAdapter, sql } from 'kysely';
import type { Db } from './database.js';

/** The journal: bookkeeping, never archived (backup/tables.ts), present only while needed. */
export const DEFERRED_INDEXES_TABLE = 'restore_deferred_indexes';

export interface DeferredIndex {
  table: string;
  name: string;
  /** What follows `alter table … add`: `index \`name\` (\`col\`, …)` or `fulltext index …`. */
  definition: string;
}

interface IndexInfo {
  table: string;
  name: string;
  unique: boolean;
  type: string;
  columns: string[];
  definition: string;
}

const ER_DUP_KEYNAME = 1061;
const isMysql = (db: Db) => db.getExecutor().adapter instanceof MysqlAdapter;
const quote = (name: string) => '`' + name.replaceAll('`', '``') + '`';

/** Every index of the current schema's tables, from information_schema. */
async function indexesOf(db: Db): Promise<IndexInfo[]> {
  const { rows } = await sql<{
    t: string;
    i: string;
    nu: number | string;
    c: string;
    sp: number | string | null;
    co: string | null;
    ty: string;
  }>`select table_name as t, index_name as i, non_unique as nu, column_name as c,
        sub_part as sp, collation as co, index_type as ty
      from information_schema.statistics where table_schema = database()
      order by table_name, index_name, seq_in_index`.execute(db);
  const byKey = new Map<string, IndexInfo & { parts: string[] }>();
  for (const row of rows) {
    const key = `${row.t}\u0000${row.i}`;
    let index = byKey.get(key);
    if (!index) {
      index = {
        table: row.t,
        name: row.i,
        unique: Number(row.nu) === 0,
        type: row.ty,
        columns: [],
        parts: [],
        definition: '',
      };
      byKey.set(key, index);
    }
    index.columns.push(row.c);
    const prefix = row.sp === null ? '' : `(${Number(row.sp)})`;
    index.parts.push(`${quote(row.c)}${prefix}${row.co === 'D' ? ' desc' : ''}`);
  }
  return [...byKey.values()].map(({ parts, ...index }) => ({
    ...index,
    definition: `${index.type === 'FULLTEXT' ? 'fulltext index' : 'index'} ${quote(index.name)} (${parts.join(', ')})`,
  }));
}

/** Columns some foreign key needs an index to lead with, on either side, per table. */
async function foreignKeyNeeds(db: Db): Promise<{ table: string; columns: string[] }[]> {
  const { rows } = await sql<{
    t: string;
    n: string;
    c: string;
    rt: string;
    rc: string;
  }>`select table_name as t, constraint_name as n, column_name as c,
        referenced_table_name as rt, referenced_column_name as rc
      from information_schema.key_column_usage
      where table_schema = database() and referenced_table_name is not null
      order by table_name, constraint_name, ordinal_position`.execute(db);
  const keys = new Map<string, { t: string; rt: string; c: string[]; rc: string[] }>();
  for (const row of rows) {
    const key = `${row.t}\u0000${row.n}`;
    const fk = keys.get(key) ?? { t: row.t, rt: row.rt, c: [], rc: [] };
    fk.c.push(row.c);
    fk.rc.push(row.rc);
    keys.set(key, fk);
  }
  return [...keys.values()].flatMap((fk) => [
    { table: fk.t, columns: fk.c },
    { table: fk.rt, columns: fk.rc },
  ]);
}

const leadsWith = (index: IndexInfo, columns: string[]) =>
  columns.every((column, at) => index.columns[at] === column);

/**
 * The indexes of `tables` that may be dropped during a load: not the primary key, not a unique
 * index (they keep refusing duplicate rows as they arrive), not one a foreign key needs (the
 * narrowest index leading with the key's columns is kept when no kept index already serves it).
 */
async function deferrableIndexes(db: Db, tables: readonly string[]): Promise<IndexInfo[]> {
  const all = await indexesOf(db);
  const kept = new Set(all.filter((i) => i.name === 'PRIMARY' || i.unique));
  const btree = (i: IndexInfo) => i.type === 'BTREE';
  for (const need of await foreignKeyNeeds(db)) {
    const onTable = all.filter((i) => i.table === need.table && btree(i));
    if (onTable.some((i) => kept.has(i) && leadsWith(i, need.columns))) continue;
    const narrowest = onTable
      .filter((i) => leadsWith(i, need.columns))
      .sort((a, b) => a.columns.length - b.columns.length || a.name.localeCompare(b.name))[0];
    if (narrowest) kept.add(narrowest);
  }
  return all.filter(
    (i) => tables.includes(i.table) && !kept.has(i) && (btree(i) || i.type === 'FULLTEXT'),
  );
}

/**
 * Journals, then drops, the deferrable indexes of `tables` (MySQL only; [] elsewhere). The caller
 * builds them again with `buildDeferredIndexes` whether its load succeeded or not.
 */
export async function deferIndexes(db: Db, tables: readonly string[]): Promise<DeferredIndex[]> {
  if (!isMysql(db) || tables.length === 0) return [];
  // A journal left by an interrupted restore is honoured first: its indexes are built, not lost.
  await buildDeferredIndexes(db);
  const indexes = await deferrableIndexes(db, tables);
  if (indexes.length === 0) return [];
  await sql`create table if not exists ${sql.table(DEFERRED_INDEXES_TABLE)} (
      table_name varchar(64) not null,
      index_name varchar(64) not null,
      definition text not null,
      primary key (table_name, index_name)
    )`.execute(db);
  await sql`insert into ${sql.table(DEFERRED_INDEXES_TABLE)} (table_name, index_name, definition)
      values ${sql.join(indexes.map((i) => sql`(${i.table}, ${i.name}, ${i.definition})`))}`.execute(
    db,
  );
  for (const table of new Set(indexes.map((i) => i.table))) {
    const drops = indexes
      .filter((i) => i.table === table)
      .map((i) => `drop index ${quote(i.name)}`);
    await sql.raw(`alter table ${quote(table)} ${drops.join(', ')}`).execute(db);
  }
  return indexes.map(({ table, name, definition }) => ({ table, name, definition }));
}

/**
 * Builds every index the journal lists that the table lacks, then removes the journal (MySQL only;
 * a no-op when there is none). Ordinary indexes of one table are built in one statement (one pass
 * over the rows); each full-text index in one of its own (InnoDB builds them one at a time).
 * Returns the indexes built.
 */
export async function buildDeferredIndexes(db: Db): Promise<DeferredIndex[]> {
  if (!isMysql(db)) return [];
  const { rows: present } = await sql<{ n: number | string }>`select count(*) as n
      from information_schema.tables
      where table_schema = database() and table_name = ${DEFERRED_INDEXES_TABLE}`.execute(db);
  if (Number(present[0]?.n ?? 0) === 0) return [];
  const { rows: journal } = await sql<{
    table_name: string;
    index_name: string;
    definition: string;
  }>`select table_name, index_name, definition from ${sql.table(DEFERRED_INDEXES_TABLE)}
      order by table_name, index_name`.execute(db);
  const existing = new Set((await indexesOf(db)).map((i) => `${i.table}\u0000${i.name}`));
  const missing = journal.filter((j) => !existing.has(`${j.table_name}\u0000${j.index_name}`));
  for (const table of new Set(missing.map((j) => j.table_name))) {
    const ofTable = missing.filter((j) => j.table_name === table);
    const plain = ofTable.filter((j) => !j.definition.startsWith('fulltext '));
    const statements = [
      ...(plain.length > 0 ? [plain.map((j) => `add ${j.definition}`).join(', ')] : []),
      ...ofTable
        .filter((j) => j.definition.startsWith('fulltext '))
        .map((j) => `add ${j.definition}`),
    ];
    for (const clauses of statements) {
      try {
        await sql.raw(`alter table ${quote(table)} ${clauses}`).execute(db);
      } catch (error) {
        // Another process (a second replica's migration) built the same indexes meanwhile.
        if ((error as { errno?: number }).errno !== ER_DUP_KEYNAME) throw error;
      }
    }
  }
  await sql`drop table if exists ${sql.table(DEFERRED_INDEXES_TABLE)}`.execute(db);
  return missing.map((j) => ({
    table: j.table_name,
    name: j.index_name,
    definition: j.definition,
  }));
}
