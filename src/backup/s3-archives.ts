// Backups in an S3-compatible bucket (docs/backup.md, "To an S3 bucket"). The archive is streamed
// into an upload that becomes an object only once complete (a failed one is aborted: no object,
// no parts), then read back and verified like a file; its SHA-256 goes beside it in KEY.sha256.
// Under a prefix the archives are named and kept by the same rules as in a directory
// (retention.ts). The store itself, its settings and its errors: src/platform/s3.ts.
import { createHash } from 'node:crypto';
import path from 'node:path/posix';
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import type { DatabaseHandle } from '../db/database.js';
import { ObjectStoreError, s3Url } from '../platform/s3.js';
import type { ObjectLocation, ObjectStore } from '../platform/s3.js';
import type { ArchiveSource } from './archive.js';
import { BackupError, verifyArchive } from './archive.js';
import { sha256sumLine, streamArchive } from './backup.js';
import type { BackupOptions, BackupSummary } from './backup.js';
import { expired, newest } from './retention.js';

const ARCHIVE_TYPE = 'application/gzip';

const sidecarOf = (at: ObjectLocation): ObjectLocation => ({ ...at, key: `${at.key}.sha256` });

/** The object's content; failures (also while reading) are BackupErrors. */
async function openObject(store: ObjectStore, at: ObjectLocation): Promise<Readable> {
  let body: Readable;
  try {
    body = await store.get(at);
  } catch (error) {
    throw error instanceof ObjectStoreError ? new BackupError(error.message) : error;
  }
  const out = new PassThrough({ highWaterMark: 64 * 1024 });
  body.on('error', (error) =>
    out.destroy(error instanceof ObjectStoreError ? new BackupError(error.message) : error),
  );
  out.on('close', () => body.destroy());
  body.pipe(out);
  return out;
}

/** An archive in a bucket, for `restoreBackup` and `verifyArchive` (read as a stream). */
export function s3Archive(store: ObjectStore, at: ObjectLocation): ArchiveSource {
  return { name: s3Url(at), open: () => openObject(store, at) };
}

/**
 * `writeBackup` into a bucket: streamed (memory stays flat), read back and verified, with
 * KEY.sha256 beside it. A failure anywhere leaves neither object behind.
 */
export async function writeBackupToS3(
  handle: DatabaseHandle,
  store: ObjectStore,
  at: ObjectLocation,
  options: BackupOptions = {},
): Promise<BackupSummary> {
  const url = s3Url(at);
  const failed = (error: unknown) =>
    error instanceof ObjectStoreError
      ? new BackupError(`cannot write ${url}: ${error.message}; no backup was written`)
      : error;
  let archive;
  try {
    archive = await streamArchive(handle, options, () => {
      const stream = new PassThrough();
      return { stream, done: store.upload(at, stream, ARCHIVE_TYPE) };
    });
  } catch (error) {
    throw failed(error);
  }
  try {
    // Read back what the store holds: every line, the content's checksum, and the bytes' SHA-256.
    const readBack = createHash('sha256');
    await verifyArchive({
      name: url,
      open: async () => {
        const stream = await openObject(store, at);
        stream.on('data', (chunk: Buffer) => readBack.update(chunk));
        return stream;
      },
    });
    if (readBack.digest('hex') !== archive.sha256)
      throw new BackupError(
        `${url} reads back other bytes than were written; no backup was written`,
      );
    await store.put(
      sidecarOf(at),
      sha256sumLine(archive.sha256, path.basename(at.key)),
      'text/plain',
    );
  } catch (error) {
    const removed = await store.delete(at).then(
      () => true,
      () => false,
    );
    await store.delete(sidecarOf(at)).catch(() => {});
    if (!(error instanceof BackupError || error instanceof ObjectStoreError)) throw error;
    throw new BackupError(
      `reading back ${url} failed (${error.message}); ` +
        (removed
          ? 'it was deleted: no backup was written'
          : 'delete it: it is not a verified backup'),
    );
  }
  return {
    file: url,
    bytes: archive.bytes,
    rows: archive.rows,
    sha256: archive.sha256,
    header: archive.header,
  };
}

/** The object names directly under a prefix (archives, their .sha256 and anything else). */
async function namesUnder(store: ObjectStore, prefix: ObjectLocation): Promise<string[]> {
  const objects = await store.list(prefix.bucket, prefix.key);
  return objects.map((o) => o.key.slice(prefix.key.length));
}

/**
 * Retention under a prefix, by the rules of a directory (`expired`): deletes the archives beyond
 * the newest of each of the last `daily` days and `weekly` weeks, with their .sha256 objects.
 */
export async function pruneS3(
  store: ObjectStore,
  prefix: ObjectLocation,
  keep: { daily: number; weekly: number },
): Promise<string[]> {
  let doomed: string[] = [];
  try {
    doomed = expired(await namesUnder(store, prefix), keep);
    for (const name of doomed) {
      const at = { bucket: prefix.bucket, key: prefix.key + name };
      await store.delete(at);
      await store.delete(sidecarOf(at));
    }
  } catch (error) {
    throw error instanceof ObjectStoreError
      ? new BackupError(
          `the backup was written, but removing expired archives failed: ${error.message}`,
        )
      : error;
  }
  return doomed;
}

/** The most recent archive under a prefix (by the time in its name). */
export async function latestS3(
  store: ObjectStore,
  prefix: ObjectLocation,
): Promise<ObjectLocation> {
  let names: string[];
  try {
    names = await namesUnder(store, prefix);
  } catch (error) {
    throw error instanceof ObjectStoreError ? new BackupError(error.message) : error;
  }
  const name = newest(names);
  if (name === undefined)
    throw new BackupError(`${s3Url(prefix)} holds no archive (taskmanager-<UTC time>.ndjson.gz)`);
  return { bucket: prefix.bucket, key: prefix.key + name };
}
