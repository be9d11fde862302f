// The archive format: gzip'd NDJSON, one JSON value per line, so that it is written and read as
// a stream and stays greppable after `gunzip`:
//
//   {"format":"taskmanager-backup","formatVersion":1,...header}
//   {"table":"users","columns":["id","email",...]}      one section per table, parents first
//   ["0193…","ada@example.com",...]                        one line per row, values in column order
//   {"end":"users","rows":2}
//   ...
//   {"trailer":{"rows":{"users":2,...},"sha256":"…"}}      SHA-256 of every byte above this line
//
// The trailer comes last so that a truncated archive is detected: no trailer, no restore.
// Bytes (attachments' files) are a value `{"$bytes":"<base64>"}` (encodeRow, decodeRow).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { DatabaseDialect } from '../config.js';

export const FORMAT = 'taskmanager-backup';
export const FORMAT_VERSION = 1;

export interface ArchiveHeader {
  format: typeof FORMAT;
  formatVersion: number;
  createdAt: string;
  appVersion: string;
  sourceDialect: DatabaseDialect;
  /** The last migration applied at the source: the schema the rows fit. */
  schemaVersion: string;
  /** Every migration applied at the source, in order. */
  migrations: string[];
  /** The tables that follow, in order. */
  tables: string[];
}

export interface ArchiveTrailer {
  rows: Record<string, number>;
  sha256: string;
}

/** A backup or restore that cannot go on; the message is the whole story for the user. */
export class BackupError extends Error {
  override name = 'BackupError';
}

export type ArchiveEvent =
  | { kind: 'table'; table: string; columns: string[] }
  | { kind: 'rows'; table: string; rows: unknown[][]; bytes: number }
  | { kind: 'end'; table: string; rows: number };

/**
 * Where an archive is read from: a file path, or anything that opens a stream (an object in a
 * bucket: src/backup/s3-archives.ts). `open` may be called more than once (restore reads twice);
 * its failures, and its stream's, should be BackupErrors.
 */
export type ArchiveSource = string | { name: string; open(): Promise<Readable> };

export const sourceName = (source: ArchiveSource): string =>
  typeof source === 'string' ? source : source.name;

/** Rows handed out per 'rows' event: large enough to batch inserts, small enough to stay flat. */
const ROWS_PER_EVENT = 500;
/** ...or fewer when rows are long (MySQL's max_allowed_packet is 16 MiB by default). */
const BYTES_PER_EVENT = 2 * 1024 * 1024;

/**
 * Reads an archive as a stream: the header first (`onHeader`, which may refuse it before any row
 * is read), then table sections. Every structural fault, a checksum or count mismatch and a
 * truncated or non-gzip file become one BackupError; the trailer is returned at the end.
 */
export async function readArchive(
  from: ArchiveSource,
  onHeader: (header: ArchiveHeader) => void | Promise<void>,
  onEvent: (event: ArchiveEvent) => void | Promise<void>,
): Promise<{ header: ArchiveHeader; trailer: ArchiveTrailer }> {
  const file = sourceName(from);
  const hash = createHash('sha256');
  const source = typeof from === 'string' ? createReadStream(from) : await from.open();
  const gunzip = createGunzip();
  source.on('error', (error: Error) => gunzip.destroy(error));
  source.pipe(gunzip);
  gunzip.setEncoding('utf8');

  let header: ArchiveHeader | undefined;
  let trailer: ArchiveTrailer | undefined;
  let section: { table: string; columns: number; rows: number } | undefined;
  let pending: unknown[][] = [];
  let pendingBytes = 0;
  const counts: Record<string, number> = {};
  let lineNo = 0;

  const flush = async () => {
    if (!section || pending.length === 0) return;
    const rows = pending;
    pending = [];
    const bytes = pendingBytes;
    pendingBytes = 0;
    await onEvent({ kind: 'rows', table: section.table, rows, bytes });
  };

  const corrupt = (why: string) =>
    new BackupError(`${file} is corrupt at line ${lineNo}: ${why}; nothing was restored`);

  const line = async (text: string) => {
    lineNo++;
    if (trailer) throw corrupt('data after the trailer');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw corrupt('not a JSON line');
    }
    if (!header) {
      const h = value as Partial<ArchiveHeader> | null;
      if (h?.format !== FORMAT) throw new BackupError(`${file} is not a taskmanager backup`);
      if (typeof h.formatVersion !== 'number' || h.formatVersion > FORMAT_VERSION) {
        throw new BackupError(
          `${file} was written in archive format ${String(h.formatVersion)}, newer than this ` +
            `taskmanager reads (${FORMAT_VERSION}); restore it with a newer taskmanager`,
        );
      }
      header = h as ArchiveHeader;
      hash.update(text + '\n');
      await onHeader(header);
      return;
    }
    if (Array.isArray(value)) {
      if (!section) throw corrupt('a row outside a table section');
      if (value.length !== section.columns)
        throw corrupt(`a row of ${section.table} misses fields`);
      hash.update(text + '\n');
      section.rows++;
      pending.push(value);
      pendingBytes += text.length;
      if (pending.length >= ROWS_PER_EVENT || pendingBytes >= BYTES_PER_EVENT) await flush();
      return;
    }
    const record = value as Record<string, unknown>;
    if (typeof record.table === 'string' && Array.isArray(record.columns)) {
      if (section) throw corrupt(`section ${section.table} has no end`);
      if (!header.tables.includes(record.table) || record.table in counts)
        throw corrupt(`unexpected table ${record.table}`);
      hash.update(text + '\n');
      section = { table: record.table, columns: record.columns.length, rows: 0 };
      await onEvent({ kind: 'table', table: record.table, columns: record.columns as string[] });
      return;
    }
    if (typeof record.end === 'string') {
      if (record.end !== section?.table) throw corrupt(`end of a section not open`);
      if (record.rows !== section.rows)
        throw corrupt(
          `${section.table} holds ${section.rows} rows, its end says ${String(record.rows)}`,
        );
      hash.update(text + '\n');
      await flush();
      counts[section.table] = section.rows;
      await onEvent({ kind: 'end', table: section.table, rows: section.rows });
      section = undefined;
      return;
    }
    if (record.trailer && typeof record.trailer === 'object') {
      if (section) throw corrupt(`section ${section.table} has no end`);
      trailer = record.trailer as ArchiveTrailer;
      const digest = hash.digest('hex');
      if (trailer.sha256 !== digest)
        throw new BackupError(
          `${file} is corrupt: its checksum does not match its content; nothing was restored`,
        );
      for (const table of header.tables) {
        if (counts[table] !== trailer.rows?.[table])
          throw corrupt(`row count of ${table} differs from the trailer`);
      }
      return;
    }
    throw corrupt('an unknown record');
  };

  let rest = '';
  try {
    for await (const chunk of gunzip as AsyncIterable<string>) {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      for (const text of lines) await line(text);
    }
  } catch (error) {
    source.destroy();
    if (error instanceof BackupError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BackupError(`${file} does not exist`);
    if (code === 'EACCES') throw new BackupError(`${file} is not readable (permission denied)`);
    if (code?.startsWith('Z_'))
      throw new BackupError(
        header
          ? `${file} is corrupt (${(error as Error).message}); nothing was restored`
          : `${file} is not a taskmanager backup (not a gzip file)`,
      );
    throw error;
  }
  if (rest !== '') await line(rest);
  if (!header) throw new BackupError(`${file} is empty: not a taskmanager backup`);
  if (!trailer)
    throw new BackupError(`${file} is truncated (it has no trailer); nothing was restored`);
  return { header, trailer };
}

/** Reads a whole archive and checks its structure, counts and checksum, changing nothing. */
export async function verifyArchive(
  file: ArchiveSource,
  onHeader: (header: ArchiveHeader) => void | Promise<void> = () => {},
): Promise<{ header: ArchiveHeader; trailer: ArchiveTrailer }> {
  return readArchive(file, onHeader, () => {});
}

/** A row's values as an archive line holds them: bytes (a BLOB) as `{"$bytes": base64}`. */
export const encodeRow = (row: unknown[]): unknown[] =>
  row.some((value) => Buffer.isBuffer(value))
    ? row.map((value) => (Buffer.isBuffer(value) ? { $bytes: value.toString('base64') } : value))
    : row;

/** The values of an archive line as the database takes them (`{"$bytes"}` back to a Buffer). */
export const decodeRow = (row: unknown[]): unknown[] =>
  row.map((value) =>
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { $bytes?: unknown }).$bytes === 'string'
      ? Buffer.from((value as { $bytes: string }).$bytes, 'base64')
      : value,
  );
