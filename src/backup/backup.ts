// `taskmanager backup`: every table in one snapshot, streamed through gzip to FILE.partial, which
// is fsync'd and renamed only once complete, so a crash or a full disk never leaves a file that
// looks like a backup. Memory stays flat: rows are read in keyset pages and written with
// backpressure (pipeline waits for the disk).
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { sql } from 'kysely';
import type { Migration } from 'kysely';
import type { DatabaseHandle, Db } from '../db/database.js';
import { migrations as knownMigrations, recordedMigrations } from '../db/migrate.js';
import { version } from '../version.js';
import type { ArchiveHeader, ArchiveTrailer } from './archive.js';
import { BackupError, FORMAT, FORMAT_VERSION } from './archive.js';
import { OPTIONAL_TABLES, TABLES, isBookkeepingTable } from './tables.js';
import type { TableSpec } from './tables.js';

export interface BackupProgress {
  table: string;
  /** Rows of this table written so far, and in all. */
  done: number;
  total: number;
}

export interface BackupOptions {
  includeSessions?: boolean;
  /** Rows per keyset page. */
  pageSize?: number;
  onProgress?: (progress: BackupProgress) => void;
  /** Called between pages (tests: to let writes happen while a snapshot is open). */
  onPage?: () => Promise<void>;
  /** The migrations this build knows (tests pass their own to play a newer release). */
  migrations?: Record<string, Migration>;
}

export interface BackupSummary {
  file: string;
  bytes: number;
  rows: Record<string, number>;
  /** SHA-256 of the archive file (also written to FILE.sha256). */
  sha256: string;
  header: ArchiveHeader;
}

/**
 * Runs `read` inside one read snapshot: every table is read as of the same instant while the
 * service keeps writing. InnoDB: a consistent-snapshot transaction on one connection; SQLite (WAL):
 * a transaction whose first read fixes the snapshot.
 */
export async function inSnapshot<T>(
  handle: DatabaseHandle,
  read: (db: Db) => Promise<T>,
): Promise<T> {
  if (handle.dialect === 'sqlite')
    return handle.db.transaction().setAccessMode('read only').execute(read);
  return handle.db.connection().execute(async (db) => {
    await sql`set session transaction isolation level repeatable read`.execute(db);
    await sql`start transaction with consistent snapshot, read only`.execute(db);
    try {
      return await read(db);
    } finally {
      await sql`rollback`.execute(db);
    }
  });
}

async function* tableRows(
  db: Db,
  spec: TableSpec,
  columns: string[],
  pageSize: number,
  onPage: (() => Promise<void>) | undefined,
): AsyncGenerator<unknown[][]> {
  const select = sql.join(columns.map((c) => sql.ref(c)));
  const key = sql.join(spec.key.map((c) => sql.ref(c)));
  let last: unknown[] | undefined;
  for (;;) {
    // Row-value comparison on the primary key: an index range scan on both databases.
    const after = last ? sql`where (${key}) > (${sql.join(last.map((v) => sql`${v}`))})` : sql``;
    const { rows } = await sql<Record<string, unknown>>`select ${select} from ${sql.table(
      spec.name,
    )} ${after} order by ${key} limit ${pageSize}`.execute(db);
    if (rows.length === 0) return;
    yield rows.map((row) => columns.map((c) => row[c]));
    const end = rows[rows.length - 1]!;
    last = spec.key.map((c) => end[c]);
    if (rows.length < pageSize) return;
    await onPage?.();
  }
}

/** The columns of every archived table, read from the database itself, in table order. */
async function archivedTables(
  db: Db,
  includeSessions: boolean,
): Promise<{ spec: TableSpec; columns: string[] }[]> {
  const present = new Map(
    (await db.introspection.getTables()).map((t) => [t.name, t.columns.map((c) => c.name)]),
  );
  const unknown = [...present.keys()].filter(
    (name) => !isBookkeepingTable(name) && !TABLES.some((t) => t.name === name),
  );
  if (unknown.length > 0) {
    // A table this build does not know would be lost on restore: refuse rather than skip it.
    throw new BackupError(
      `the database holds table(s) this taskmanager does not know (${unknown.join(', ')}); ` +
        'back it up with the taskmanager release that created them',
    );
  }
  return TABLES.filter((t) => present.has(t.name))
    .filter((t) => includeSessions || !OPTIONAL_TABLES.includes(t.name))
    .map((spec) => ({ spec, columns: present.get(spec.name)! }));
}

export async function writeBackup(
  handle: DatabaseHandle,
  file: string,
  options: BackupOptions = {},
): Promise<BackupSummary> {
  const pageSize = options.pageSize ?? 5000;
  const partial = `${file}.partial`;
  const applied = await recordedMigrations(handle.db);
  if (applied.length === 0)
    throw new BackupError('the database has no schema yet (run `taskmanager migrate` first)');
  const newer = applied.filter((name) => !(name in (options.migrations ?? knownMigrations)));
  if (newer.length > 0)
    throw new BackupError(
      `the database was migrated by a newer taskmanager (${newer.join(', ')}); back it up with that release`,
    );

  const fileHash = createHash('sha256');
  const rows: Record<string, number> = {};
  let header: ArchiveHeader | undefined;
  try {
    await inSnapshot(handle, async (db) => {
      const tables = await archivedTables(db, options.includeSessions === true);
      const totals = new Map<string, number>();
      for (const { spec } of tables) {
        const { rows: counted } = await sql<{
          n: number | string;
        }>`select count(*) as n from ${sql.table(spec.name)}`.execute(db);
        totals.set(spec.name, Number(counted[0]?.n ?? 0));
      }
      header = {
        format: FORMAT,
        formatVersion: FORMAT_VERSION,
        createdAt: new Date().toISOString(),
        appVersion: version,
        sourceDialect: handle.dialect,
        schemaVersion: applied[applied.length - 1]!,
        migrations: applied,
        tables: tables.map((t) => t.spec.name),
      };
      const contentHash = createHash('sha256');
      const archiveHeader = header;
      async function* lines(): AsyncGenerator<string> {
        const emit = (text: string) => {
          contentHash.update(text);
          return text;
        };
        yield emit(JSON.stringify(archiveHeader) + '\n');
        for (const { spec, columns } of tables) {
          const total = totals.get(spec.name)!;
          let done = 0;
          options.onProgress?.({ table: spec.name, done, total });
          yield emit(JSON.stringify({ table: spec.name, columns }) + '\n');
          for await (const page of tableRows(db, spec, columns, pageSize, options.onPage)) {
            let chunk = '';
            for (const row of page) chunk += JSON.stringify(row) + '\n';
            done += page.length;
            yield emit(chunk);
            options.onProgress?.({ table: spec.name, done, total });
          }
          rows[spec.name] = done;
          yield emit(JSON.stringify({ end: spec.name, rows: done }) + '\n');
        }
        const trailer: ArchiveTrailer = { rows, sha256: contentHash.digest('hex') };
        yield JSON.stringify({ trailer }) + '\n';
      }
      const hashing = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          fileHash.update(chunk);
          callback(null, chunk);
        },
      });
      // Level 3: most of level 6's size at a fraction of its CPU (bench/README.md).
      await pipeline(
        Readable.from(lines()),
        createGzip({ level: 3 }),
        hashing,
        // flush: fsync before close, so the rename below never publishes unwritten data.
        createWriteStream(partial, { mode: 0o600, flush: true }),
      );
    });
    await rename(partial, file);
    await syncDirectory(path.dirname(file));
  } catch (error) {
    await rm(partial, { force: true });
    if (error instanceof BackupError) throw error;
    throw fileError(error, file);
  }
  const sha256 = fileHash.digest('hex');
  const sidecar = `${file}.sha256`;
  try {
    const sums = await open(`${sidecar}.partial`, 'w', 0o600);
    await sums.writeFile(`${sha256}  ${path.basename(file)}\n`);
    await sums.sync();
    await sums.close();
    await rename(`${sidecar}.partial`, sidecar);
  } catch (error) {
    await rm(`${sidecar}.partial`, { force: true });
    throw fileError(error, sidecar);
  }
  return { file, bytes: (await stat(file)).size, rows, sha256, header: header! };
}

/** Makes a rename durable: the directory entry is fsync'd too (no-op where unsupported). */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => {});
  await handle.close();
}

/** File-system failures in the user's words; anything else is a bug and is passed on. */
function fileError(error: unknown, file: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    ENOSPC: 'the disk is full',
    EFBIG: 'the file grew past the size limit of this process or file system',
    EDQUOT: 'the disk quota is exhausted',
    EACCES: 'permission denied',
    EROFS: 'the file system is read-only',
    ENOENT: 'its directory does not exist',
  };
  if (code && why[code])
    return new BackupError(`cannot write ${file}: ${why[code]}; no backup was written`);
  return error;
}
