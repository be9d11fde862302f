// `taskmanager restore`: an archive into a database of either kind. The archive is read twice:
// first to check it whole (structure, counts, checksum) without touching the target, then to
// load it inside one transaction that also empties the target (--force) and checks the counts
// before committing, so a failure anywhere leaves the target's rows as they were.
//
// Schema changes are DDL, which MySQL commits on the spot; they are therefore done only where no
// row can be lost: the target is first brought to the archive's schema version (forward on any
// target, backward only when it holds no rows), loaded, then migrated to the latest version.
// On MySQL a big table's secondary indexes are dropped for the load and built after it, journaled
// so that not even a killed restore loses one (db/deferred-indexes.ts).
import { CompiledQuery, sql } from 'kysely';
import type { Transaction } from 'kysely';
import type { DatabaseHandle, Db } from '../db/database.js';
import { buildDeferredIndexes, deferIndexes } from '../db/deferred-indexes.js';
import { migrateTo, migrations as knownMigrations, recordedMigrations } from '../db/migrate.js';
import type { Database } from '../db/types.js';
import type { ArchiveHeader, ArchiveSource, ArchiveTrailer } from './archive.js';
import { BackupError, decodeRow, readArchive, sourceName, verifyArchive } from './archive.js';
import { TABLES, isBookkeepingTable } from './tables.js';

type Migrations = typeof knownMigrations;

export interface RestoreOptions {
  /** Replace the rows of a non-empty target. */
  force?: boolean;
  /** The migrations this build knows (tests pass their own to play an older or newer release). */
  migrations?: Migrations;
  onProgress?: (progress: { table: string; done: number; total: number }) => void;
  /** A step that shows no row counts (MySQL: the indexes built after the load). */
  onStep?: (message: string) => void;
  /**
   * MySQL: tables with at least this many rows in the archive load with their secondary indexes
   * set aside and built once afterwards (db/deferred-indexes.ts). Tests lower it to cover the path
   * with a small archive.
   */
  deferIndexesFrom?: number;
}

/** Below this many rows, dropping and building a table's indexes costs more than it saves. */
const DEFER_INDEXES_FROM = 10_000;

export interface RestoreSummary {
  header: ArchiveHeader;
  rows: Record<string, number>;
  /** Rows the target held before (replaced with --force). */
  replaced: Record<string, number>;
}

/** Rows per table of every table the target has, for the emptiness check. */
async function rowCounts(db: Db | Transaction<Database>): Promise<Record<string, number>> {
  const present = new Set((await db.introspection.getTables()).map((t) => t.name));
  const counts: Record<string, number> = {};
  for (const { name } of TABLES) {
    if (!present.has(name)) continue;
    const { rows } = await sql<{
      n: number | string;
    }>`select count(*) as n from ${sql.table(name)}`.execute(db);
    counts[name] = Number(rows[0]?.n ?? 0);
  }
  return counts;
}

const describeCounts = (counts: Record<string, number>) =>
  Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([table, n]) => `${table}: ${n}`)
    .join(', ');

/** Checks that this build can restore the archive's schema; returns the archive's version. */
function checkSchema(header: ArchiveHeader, migrations: Migrations, file: string): void {
  const known = Object.keys(migrations);
  const unknown = header.migrations.filter((name) => !known.includes(name));
  if (unknown.length > 0 || !known.includes(header.schemaVersion)) {
    throw new BackupError(
      `${file} comes from a newer schema (${header.schemaVersion}, written by taskmanager ` +
        `${header.appVersion}) than this taskmanager knows (latest ${known[known.length - 1]}); ` +
        'restore it with that release or a newer one. Nothing was changed',
    );
  }
}

export async function restoreBackup(
  handle: DatabaseHandle,
  file: ArchiveSource,
  options: RestoreOptions = {},
): Promise<RestoreSummary> {
  const migrations = options.migrations ?? knownMigrations;
  const known = Object.keys(migrations);
  // Pass 1: the whole archive is sound before anything is touched.
  const verified = await verifyArchive(file, (header) =>
    checkSchema(header, migrations, sourceName(file)),
  );
  const { header } = verified;

  const db = handle.db;
  const applied = await recordedMigrations(db);
  const ahead = applied.filter((name) => !known.includes(name));
  if (ahead.length > 0) {
    throw new BackupError(
      `the target database was migrated by a newer taskmanager (${ahead.join(', ')}); ` +
        'restore with that release. Nothing was changed',
    );
  }
  const before = await rowCounts(db);
  const holdsRows = Object.values(before).some((n) => n > 0);
  if (holdsRows && !options.force) {
    throw new BackupError(
      `the target database is not empty (${describeCounts(before)}); restore into an empty ` +
        'database, or pass --force to replace its data. Nothing was changed',
    );
  }
  const current = applied[applied.length - 1];
  const archiveIndex = known.indexOf(header.schemaVersion);
  const targetIndex = current === undefined ? -1 : known.indexOf(current);
  if (targetIndex > archiveIndex && holdsRows) {
    throw new BackupError(
      `the target's schema (${current}) is newer than the archive's (${header.schemaVersion}) ` +
        'and it holds data; restore into an empty database (the archive is migrated forward ' +
        'after loading). Nothing was changed',
    );
  }
  // Brings the schema to the archive's version: forward on any target, backward only on an empty
  // one (its down migrations drop nothing but empty tables).
  if (targetIndex !== archiveIndex) await migrateTo(db, header.schemaVersion, migrations);

  let rows: Record<string, number>;
  try {
    rows = await loadDeferringIndexes({
      db,
      dialect: handle.dialect,
      file,
      header,
      verified: verified.trailer,
      before,
      options,
    });
  } catch (error) {
    // The rows are as they were; put back the schema version the target had, when it had one.
    if (current !== undefined && targetIndex !== archiveIndex)
      await migrateTo(db, current, migrations).catch(() => {});
    throw error;
  }
  try {
    await migrateTo(db, undefined, migrations);
  } catch (error) {
    throw new BackupError(
      `the archive was restored, but migrating it to the latest schema failed (${(error as Error).message}); ` +
        'fix the cause and run `taskmanager migrate`',
    );
  }
  return { header, rows, replaced: before };
}

/**
 * SQLite only, where DDL is transactional: drops the secondary indexes inside the restore's
 * transaction and returns the statements that re-create them (a rollback restores them anyway).
 * MySQL commits DDL on the spot: there `loadDeferringIndexes` does it around the transaction.
 */
async function dropSecondaryIndexes(trx: Transaction<Database>): Promise<string[]> {
  const { rows } = await sql<{
    name: string;
    sql: string;
  }>`select name, sql from sqlite_master where type = 'index' and sql is not null`.execute(trx);
  for (const index of rows) await sql`drop index ${sql.id(index.name)}`.execute(trx);
  return rows.map((index) => index.sql);
}

/**
 * MySQL: `load` with the big tables' secondary indexes dropped before and built after (whether the
 * load succeeded or not: a failed restore leaves the target's indexes as they were too).
 */
async function loadDeferringIndexes(input: LoadInput): Promise<Record<string, number>> {
  const { db, dialect, verified, options } = input;
  const loadRows = () => load(input);
  const from = options.deferIndexesFrom ?? DEFER_INDEXES_FROM;
  const bulky = Object.keys(verified.rows).filter((table) => (verified.rows[table] ?? 0) >= from);
  if (dialect !== 'mysql' || bulky.length === 0) return loadRows();
  const putBack = () => buildDeferredIndexes(db).catch(() => []);
  let deferred;
  try {
    deferred = await deferIndexes(db, bulky);
  } catch (error) {
    await putBack();
    throw new BackupError(
      `setting the indexes aside for the load failed (${(error as Error).message}); nothing was restored`,
    );
  }
  if (deferred.length === 0) return loadRows();
  let rows: Record<string, number>;
  try {
    rows = await loadRows();
  } catch (error) {
    await putBack();
    throw error;
  }
  const tables = [...new Set(deferred.map((index) => index.table))].join(', ');
  options.onStep?.(`building the ${deferred.length} indexes of ${tables} set aside for the load`);
  try {
    await buildDeferredIndexes(db);
  } catch (error) {
    throw new BackupError(
      `the archive was restored, but building its indexes failed (${(error as Error).message}); ` +
        'fix the cause and run `taskmanager migrate`, which builds them',
    );
  }
  return rows;
}

/** What the load needs: the target, the archive as verified, and the target's rows before. */
interface LoadInput {
  db: Db;
  dialect: DatabaseHandle['dialect'];
  file: ArchiveSource;
  header: ArchiveHeader;
  verified: ArchiveTrailer;
  before: Record<string, number>;
  options: RestoreOptions;
}

/** Pass 2: one transaction that empties the target, inserts in batches and checks the counts. */
async function load({
  db,
  dialect,
  file,
  header,
  verified,
  before,
  options,
}: LoadInput): Promise<Record<string, number>> {
  const present = new Map(
    (await db.introspection.getTables())
      .filter((t) => !isBookkeepingTable(t.name))
      .map((t) => [t.name, new Set(t.columns.map((c) => c.name))]),
  );
  const sqliteIndexes = dialect === 'sqlite';
  return db.transaction().execute(async (trx) => {
    // Children first, so that no foreign key is ever dangling inside the transaction.
    for (const { name } of [...TABLES].reverse()) {
      if ((before[name] ?? 0) > 0) await trx.deleteFrom(name).execute();
    }
    const indexes = sqliteIndexes ? await dropSecondaryIndexes(trx) : [];
    let columns: string[] = [];
    let insertHead = '';
    let rowPlaceholders = '';
    let done = 0;
    /** The batch the server is inserting: settles to its error, never rejects unattended. */
    let inFlight: Promise<BackupError | undefined> | undefined;
    const landed = async () => {
      const failed = await inFlight;
      inFlight = undefined;
      if (failed) throw failed;
    };
    const { trailer } = await readArchive(
      file,
      () => {},
      async (event) => {
        if (event.kind === 'table') {
          const target = present.get(event.table);
          const missing = event.columns.filter((c) => !target?.has(c));
          if (!target || missing.length > 0)
            throw new BackupError(
              `the target schema lacks ${target ? `columns ${missing.join(', ')} of` : 'table'} ` +
                `${event.table}; nothing was restored`,
            );
          columns = event.columns;
          insertHead = sql`insert into ${sql.table(event.table)} (${sql.join(
            columns.map((c) => sql.ref(c)),
          )})`.compile(trx).sql;
          rowPlaceholders = `(${columns.map(() => '?').join(',')})`;
          done = 0;
        } else if (event.kind === 'rows') {
          // Raw placeholders: building thousands of Kysely fragments per batch cost more than
          // the inserts (bench/README.md); the statement text repeats per batch size.
          const params = event.rows.flatMap(decodeRow);
          const values = Array(event.rows.length).fill(rowPlaceholders).join(',');
          // One statement at a time on the connection, but the next batch is read and decoded
          // while the server inserts this one (MySQL: client and server work at once).
          await landed();
          const table = event.table;
          inFlight = trx
            .executeQuery(CompiledQuery.raw(`${insertHead} values ${values}`, params))
            .then(
              () => undefined,
              // A constraint the rows break (an edited archive, a target schema that differs).
              (error: unknown) =>
                new BackupError(
                  `loading ${table} failed (${(error as Error).message}); nothing was restored`,
                ),
            );
          done += event.rows.length;
          options.onProgress?.({
            table: event.table,
            done,
            total: verified.rows[event.table] ?? 0,
          });
        } else if (event.kind === 'end') {
          await landed();
        }
      },
    );
    await landed();
    // The file may have changed between the passes: the checksum of what was loaded must be the
    // one that was verified.
    if (trailer.sha256 !== verified.sha256)
      throw new BackupError(
        `${sourceName(file)} changed while it was being restored; nothing was restored`,
      );
    // Built once over the loaded rows: several times faster than maintained row by row.
    for (const create of indexes) await sql.raw(create).execute(trx);
    const after = await rowCounts(trx);
    for (const table of header.tables) {
      if (after[table] !== trailer.rows[table])
        throw new BackupError(
          `${table} holds ${after[table]} rows after loading, the archive ${trailer.rows[table]}; nothing was restored`,
        );
    }
    return trailer.rows;
  });
}
