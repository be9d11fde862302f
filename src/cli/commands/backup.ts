// `taskmanager backup`: a consistent archive of the database named by DATABASE_URL.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BackupError, verifyArchive } from '../../backup/archive.js';
import { writeBackup } from '../../backup/backup.js';
import { archiveName, prune } from '../../backup/retention.js';
import { loadConfig } from '../../config.js';
import { openDatabase, waitForDatabase } from '../../db/database.js';
import type { DatabaseHandle } from '../../db/database.js';
import type { Command } from '../command.js';
import { CliError, UsageError, reportingFailures } from '../command.js';

const help = `Usage: taskmanager backup (--out FILE | --dir DIR) [options]

Writes every table of the database named by DATABASE_URL, read in one consistent snapshot while
the service keeps running, to a gzip'd archive with row counts and a SHA-256 checksum (also in
FILE.sha256). The file appears only once complete; it is then read back and verified. Restore it with \`taskmanager restore FILE\`.

Options:
  --out FILE          the archive to write (replaced if it exists)
  --dir DIR           write taskmanager-<UTC time>.ndjson.gz into DIR instead (scheduled backups)
  --keep-daily N      with --dir: keep the newest archive of each of the last N days (default 7)
  --keep-weekly M     with --dir: and of each of the last M weeks (default 4)
  --include-sessions  also archive sign-in sessions (left out by default: restored users sign in again)
  -h, --help          this help`;

const whole = (name: string, raw: string | undefined, fallback: number) => {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} expects a whole number, got "${raw}"`);
  return Number(raw);
};

/** Progress on stderr: one updating line on a terminal, a line per finished table otherwise. */
export function progressReporter(verb: string, out: NodeJS.WriteStream = process.stderr) {
  let lastDraw = 0;
  let open = false;
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
    finish() {
      if (open) out.write('\n');
      open = false;
    },
  };
}

type Progress = ReturnType<typeof progressReporter>;

/**
 * The frame of `backup` and `restore`: the database of DATABASE_URL (waited for), a progress
 * reporter, and a BackupError turned into the command's one line of failure.
 */
export async function onDatabase(
  verb: string,
  body: (database: DatabaseHandle, progress: Progress) => Promise<void>,
): Promise<number> {
  const config = loadConfig();
  const database = openDatabase(config.database, { poolSize: 1 });
  const progress = progressReporter(verb);
  try {
    await waitForDatabase(database.db, { timeoutSeconds: config.dbConnectTimeoutSeconds });
    await body(database, progress);
    return 0;
  } catch (error) {
    if (error instanceof BackupError) throw new CliError(error.message);
    throw error;
  } finally {
    progress.finish();
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
      const file = values.out ?? path.join(values.dir!, archiveName(new Date()));
      return onDatabase('backing up', async (database, progress) => {
        const started = Date.now();
        const summary = await writeBackup(database, file, {
          includeSessions: values['include-sessions'] === true,
          onProgress: (p) => progress.update(p),
        });
        progress.finish();
        const seconds = (Date.now() - started) / 1000;
        // Read back what the disk holds: a backup counts only once it is known to restore.
        await verifyArchive(file);
        const tasks = summary.rows.tasks ?? 0;
        console.log(
          `wrote ${file} (${(summary.bytes / 1e6).toFixed(1)} MB, schema ${summary.header.schemaVersion}) ` +
            `in ${seconds.toFixed(1)} s: ${describeRows(summary.rows)}; read back and verified; ` +
            `sha256 ${summary.sha256}` +
            (tasks > 0 && seconds > 0 ? ` (${Math.round(tasks / seconds)} tasks/s)` : ''),
        );
        if (values.dir) {
          const removed = await prune(values.dir, keep);
          if (removed.length > 0) console.log(`removed ${removed.length} expired archive(s)`);
        }
      });
    }),
};
