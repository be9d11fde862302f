// `taskmanager backup`: every table in one snapshot, streamed through gzip to FILE.partial, which
// is fsync'd and renamed only once complete, so a crash or a full disk never leaves a file that
// looks like a backup. Memory stays flat: rows are read in keyset pages and written with
// backpressure (pipeline waits for the disk).
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { sql } from 'kysely';
import type { Migration } from 'kysely';
import type { DatabaseHandle, Db } from '../db/database.js';
import { migrations as knownMigrations, recordedMigrations } from '../db/migrate.js';
import { version } from '../version.js';
import type { ArchiveHeader, ArchiveTrailer } from './archive.js';
import { BackupError, encodeRow, FORMAT, FORMAT_VERSION } from './archive.js';
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

/**
 * Where `streamArchive` sends the archive's bytes: a stream to write them to, and the promise of
 * their being safely there (a file: when the stream has finished; an upload: when it completed).
 */
export interface ArchiveSink {
  stream: Writable;
  done: Promise<void>;
}

export interface StreamedArchive {
  header: ArchiveHeader;
  rows: Record<string, number>;
  /** SHA-256 and size of the gzip'd bytes that went to the sink. */
  sha256: string;
  bytes: number;
}

/**
 * Writes the archive of the whole database, read in one snapshot, through gzip into the sink
 * that `open` makes once the snapshot is taken, with backpressure all the way (memory stays flat).
 * When either side fails, the other is stopped and both have settled before this rejects.
 */
export async function streamArchive(
  handle: DatabaseHandle,
  options: BackupOptions,
  open: () => ArchiveSink,
): Promise<StreamedArchive> {
  const pageSize = options.pageSize ?? 5000;
  const applied = await recordedMigrations(handle.db);
  if (applied.length === 0)
    throw new BackupError('the database has no schema yet (run `taskmanager migrate` first)');
  const newer = applied.filter((name) => !(name in (options.migrations ?? knownMigrations)));
  if (newer.length > 0)
    throw new BackupError(
      `the database was migrated by a newer taskmanager (${newer.join(', ')}); back it up with that release`,
    );

  const fileHash = createHash('sha256');
  let bytes = 0;
  const rows: Record<string, number> = {};
  const header = await inSnapshot(handle, async (db) => {
    const tables = await archivedTables(db, options.includeSessions === true);
    const totals = new Map<string, number>();
    for (const { spec } of tables) {
      const { rows: counted } = await sql<{
        n: number | string;
      }>`select count(*) as n from ${sql.table(spec.name)}`.execute(db);
      totals.set(spec.name, Number(counted[0]?.n ?? 0));
    }
    const archiveHeader: ArchiveHeader = {
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
          for (const row of page) chunk += JSON.stringify(encodeRow(row)) + '\n';
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
        bytes += chunk.length;
        callback(null, chunk);
      },
    });
    const sink = open();
    // Level 3: most of level 6's size at a fraction of its CPU (bench/README.md).
    const piping = pipeline(Readable.from(lines()), createGzip({ level: 3 }), hashing, sink.stream);
    try {
      await Promise.all([piping, sink.done]);
    } catch (error) {
      // The sink failed (the pipeline then stops with a premature close), or the rows did (the
      // sink's stream is destroyed with their error): wait for both, e.g. for an upload's abort.
      sink.stream.destroy();
      await Promise.allSettled([piping, sink.done]);
      throw error;
    }
    return archiveHeader;
  });
  return { header, rows, sha256: fileHash.digest('hex'), bytes };
}

export async function writeBackup(
  handle: DatabaseHandle,
  file: string,
  options: BackupOptions = {},
): Promise<BackupSummary> {
  const partial = `${file}.partial`;
  let archive: StreamedArchive;
  try {
    archive = await streamArchive(handle, options, () => ({
      // flush: fsync before close, so the rename below never publishes unwritten data.
      stream: createWriteStream(partial, { mode: 0o600, flush: true }),
      done: Promise.resolve(),
    }));
    await rename(partial, file);
    await syncDirectory(path.dirname(file));
  } catch (error) {
    await rm(partial, { force: true });
    if (error instanceof BackupError) throw error;
    throw fileError(error, file);
  }
  const { sha256, rows, header } = archive;
  const sidecar = `${file}.sha256`;
  try {
    const sums = await open(`${sidecar}.partial`, 'w', 0o600);
    await sums.writeFile(sha256sumLine(sha256, path.basename(file)));
    await sums.sync();
    await sums.close();
    await rename(`${sidecar}.partial`, sidecar);
  } catch (error) {
    await rm(`${sidecar}.partial`, { force: true });
    throw fileError(error, sidecar);
  }
  return { file, bytes: (await stat(file)).size, rows, sha256, header };
}

/** The line of FILE.sha256, as `sha256sum` writes it and `sha256sum -c` reads it. */
export const sha256sumLine = (sha256: string, name: string): string => `${sha256}  ${name}\n`;

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
