// `taskmanager backup`: a consistent archive of the database named by DATABASE_URL, into a file,
// a directory, or an S3-compatible bucket.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BackupError, verifyArchive } from '../../backup/archive.js';
import { writeBackup } from '../../backup/backup.js';
import { archiveName, prune } from '../../backup/retention.js';
import { pruneS3, writeBackupToS3 } from '../../backup/s3-archives.js';
import { ConfigError, loadConfig } from '../../config.js';
import type { Config } from '../../config.js';
import { openDatabase, waitForDatabase } from '../../db/database.js';
import type { DatabaseHandle } from '../../db/database.js';
import { ObjectStore, ObjectStoreError, parseS3Url } from '../../platform/s3.js';
import type { ObjectLocation } from '../../platform/s3.js';
import type { Command } from '../command.js';
import { CliError, UsageError, reportingFailures } from '../command.js';

const help = `Usage: taskmanager backup (--out FILE | --dir DIR) [options]

Writes every table of the database named by DATABASE_URL, read in one consistent snapshot while
the service keeps running, to a gzip'd archive with row counts and a SHA-256 checksum (also in
FILE.sha256). The file appears only once complete; it is then read back and verified. Restore it with \`taskmanager restore FILE\`.

FILE may be s3://BUCKET/KEY and DIR s3://BUCKET/PREFIX/ (an S3-compatible bucket: S3_ENDPOINT,
S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY_FILE; docs/backup.md). The archive is streamed
into a multipart upload, which becomes an object only once complete and is aborted on failure.

Options:
  --out FILE          the archive to write (replaced if it exists); --out s3://BUCKET/PREFIX/
                      (ending in /) is --dir s3://BUCKET/PREFIX/
  --dir DIR           write taskmanager-<UTC time>.ndjson.gz into DIR instead (scheduled backups)
  --keep-daily N      with --dir: keep the newest archive of each of the last N days (default 7)
  --keep-weekly M     with --dir: and of each of the last M weeks (default 4)
  --include-sessions  also archive sign-in sessions (left out by default: restored users sign in again)
  -h, --help          this help

Exit codes: 0 written and verified; 1 failed (one line says why; no archive was left); 2 usage or
configuration error.`;

const whole = (name: string, raw: string | undefined, fallback: number) => {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} expects a whole number, got "${raw}"`);
  return Number(raw);
};

/** Progress on stderr: one updating line on a terminal, a line per finished table otherwise. */
export function progressReporter(verb: string, out: NodeJS.WriteStream = process.stderr) {
  let lastDraw = 0;
  let open = false;
  const finish = () => {
    if (open) out.write('\n');
    open = false;
  };
  return {
    update({ table, done, total }: { table: string; done: number; total: number }) {
      if (out.isTTY) {
        const now = Date.now();
        if (now - lastDraw < 100 && done < total) return;
        lastDraw = now;
        out.write(`\r\x1b[K${verb} ${table}: ${done}/${total} rows`);
        open = true;
      } else if (done === total) {
        out.write(`${verb} ${table}: ${done} rows\n`);
      }
    },
    finish,
    /** A line of its own, after the counts drawn so far. */
    step(message: string) {
      finish();
      out.write(`${message}\n`);
    },
  };
}

type Progress = ReturnType<typeof progressReporter>;

/** An s3:// argument as a location; undefined for a path. A malformed URL is a usage error. */
export function s3Location(argument: string): ObjectLocation | undefined {
  try {
    return parseS3Url(argument);
  } catch (error) {
    if (error instanceof ObjectStoreError) throw new UsageError(error.message);
    throw error;
  }
}

/** The store of S3_* (configuration error, exit 2, when S3_ENDPOINT is not set). */
function objectStore(config: Readonly<Config>): ObjectStore {
  if (!config.s3)
    throw new ConfigError(
      'S3_ENDPOINT is not set: s3:// archives need S3_ENDPOINT, S3_ACCESS_KEY_ID and ' +
        'S3_SECRET_ACCESS_KEY_FILE (docs/backup.md)',
    );
  return new ObjectStore(config.s3);
}

/**
 * The frame of `backup` and `restore`: the database of DATABASE_URL (waited for), a progress
 * reporter, the S3 store when `s3` asks for it, and a BackupError turned into the command's one
 * line of failure.
 */
export async function onDatabase(
  verb: string,
  body: (
    database: DatabaseHandle,
    progress: Progress,
    store: ObjectStore | undefined,
  ) => Promise<void>,
  options: { s3?: boolean } = {},
): Promise<number> {
  const config = loadConfig();
  const store = options.s3 ? objectStore(config) : undefined;
  const database = openDatabase(config.database, { poolSize: 1 });
  const progress = progressReporter(verb);
  try {
    await waitForDatabase(database.db, { timeoutSeconds: config.dbConnectTimeoutSeconds });
    await body(database, progress, store);
    return 0;
  } catch (error) {
    if (error instanceof BackupError) throw new CliError(error.message);
    throw error;
  } finally {
    progress.finish();
    store?.close();
    await database.close();
  }
}

/** "12 users, 3 projects, …" */
export const describeRows = (rows: Record<string, number>): string =>
  Object.entries(rows)
    .map(([table, n]) => `${n} ${table}`)
    .join(', ');

export const backupCommand: Command = {
  name: 'backup',
  summary: 'Write a consistent, checksummed archive of the whole database',
  help,
  run: (argv) =>
    reportingFailures('backup', process.stderr, async () => {
      const { values } = parseArgs({
        args: argv,
        strict: true,
        options: {
          out: { type: 'string' },
          dir: { type: 'string' },
          'keep-daily': { type: 'string' },
          'keep-weekly': { type: 'string' },
          'include-sessions': { type: 'boolean' },
        },
      });
      if (!values.out === !values.dir) throw new UsageError('give either --out FILE or --dir DIR');
      const keep = {
        daily: whole('keep-daily', values['keep-daily'], 7),
        weekly: whole('keep-weekly', values['keep-weekly'], 4),
      };
      const s3 = s3Location(values.out ?? values.dir!);
      // A prefix (s3://bucket/, s3://bucket/backups/, --dir s3://bucket/backups) is a directory.
      const s3Dir = s3 && (values.dir !== undefined || s3.key === '' || s3.key.endsWith('/'));
      if (s3Dir && s3.key !== '' && !s3.key.endsWith('/')) s3.key += '/';
      const dir = s3 ? undefined : values.dir;
      const options = (progress: Progress) => ({
        includeSessions: values['include-sessions'] === true,
        onProgress: (p: { table: string; done: number; total: number }) => progress.update(p),
      });
      return onDatabase(
        'backing up',
        async (database, progress, store) => {
          const started = Date.now();
          let summary;
          let seconds;
          if (s3 && store) {
            const at = s3Dir ? { bucket: s3.bucket, key: s3.key + archiveName(new Date()) } : s3;
            // Uploaded, then read back and verified from the bucket.
            summary = await writeBackupToS3(database, store, at, options(progress));
            progress.finish();
            seconds = (Date.now() - started) / 1000;
          } else {
            const file = values.out ?? path.join(dir!, archiveName(new Date()));
            summary = await writeBackup(database, file, options(progress));
            progress.finish();
            seconds = (Date.now() - started) / 1000;
            // Read back what the disk holds: a backup counts only once it is known to restore.
            await verifyArchive(file);
          }
          const tasks = summary.rows.tasks ?? 0;
          console.log(
            `wrote ${summary.file} (${(summary.bytes / 1e6).toFixed(1)} MB, schema ${summary.header.schemaVersion}) ` +
              `in ${seconds.toFixed(1)} s: ${describeRows(summary.rows)}; read back and verified; ` +
              `sha256 ${summary.sha256}` +
              (tasks > 0 && seconds > 0 ? ` (${Math.round(tasks / seconds)} tasks/s)` : ''),
          );
          const removed =
            s3Dir && store ? await pruneS3(store, s3, keep) : dir ? await prune(dir, keep) : [];
          if (removed.length > 0) console.log(`removed ${removed.length} expired archive(s)`);
        },
        { s3: s3 !== undefined },
      );
    }),
};
