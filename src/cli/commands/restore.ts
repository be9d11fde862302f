// `taskmanager restore`: an archive written by `taskmanager backup`, into either database kind,
// from a file or an S3-compatible bucket.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BackupError, sourceName } from '../../backup/archive.js';
import type { ArchiveSource } from '../../backup/archive.js';
import { restoreBackup } from '../../backup/restore.js';
import { newest } from '../../backup/retention.js';
import { latestS3, s3Archive } from '../../backup/s3-archives.js';
import { s3Url } from '../../platform/s3.js';
import type { Command } from '../command.js';
import { UsageError, reportingFailures } from '../command.js';
import { describeRows, onDatabase, s3Location } from './backup.js';

const help = `Usage: taskmanager restore FILE [--force]
       taskmanager restore --latest DIR [--force]

Loads an archive written by \`taskmanager backup\` (from SQLite or MySQL) into the database named
by DATABASE_URL (SQLite or MySQL). The archive is checked whole (counts, checksum) before anything
is changed; the rows are loaded in one transaction, counted again, and only then committed, so a
failed restore leaves the database as it was. An archive from an older release is migrated
forward; one from a newer release is refused.

FILE may be s3://BUCKET/KEY and DIR s3://BUCKET/PREFIX/: the archive is streamed from the bucket
(S3_ENDPOINT, S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY_FILE; docs/backup.md).

Options:
  --latest    restore the most recent taskmanager-<UTC time>.ndjson.gz in DIR (or under the prefix)
  --force     replace the data of a database that is not empty (in the same transaction)
  -h, --help  this help

Exit codes: 0 restored; 1 failed (one line says why; the database is as it was); 2 usage or
configuration error.`;

/** The newest archive of a directory. */
async function latestFile(dir: string): Promise<string> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new BackupError(`${dir} is not a directory`);
    throw error;
  }
  const name = newest(names);
  if (name === undefined)
    throw new BackupError(`${dir} holds no archive (taskmanager-<UTC time>.ndjson.gz)`);
  return path.join(dir, name);
}

export const restoreCommand: Command = {
  name: 'restore',
  summary: 'Load a backup archive into an empty database (or replace one with --force)',
  help,
  run: (argv) =>
    reportingFailures('restore', process.stderr, async () => {
      const { values, positionals } = parseArgs({
        args: argv,
        strict: true,
        allowPositionals: true,
        options: { force: { type: 'boolean' }, latest: { type: 'boolean' } },
      });
      if (positionals.length !== 1)
        throw new UsageError(
          values.latest
            ? 'give exactly one DIR (or s3://BUCKET/PREFIX/)'
            : 'give exactly one archive FILE',
        );
      const argument = positionals[0]!;
      const s3 = s3Location(argument);
      if (s3 && values.latest && s3.key !== '' && !s3.key.endsWith('/')) s3.key += '/';
      if (s3 && !values.latest && (s3.key === '' || s3.key.endsWith('/')))
        throw new UsageError(
          `${argument} names a prefix, not an archive: give its key, or --latest for the newest under it`,
        );
      return onDatabase(
        'restoring',
        async (database, progress, store) => {
          let source: ArchiveSource;
          if (s3 && store) {
            const at = values.latest ? await latestS3(store, s3) : s3;
            source = s3Archive(store, at);
            if (values.latest) console.error(`the newest archive under ${argument}: ${s3Url(at)}`);
          } else {
            source = values.latest ? await latestFile(argument) : argument;
            if (values.latest)
              console.error(`the newest archive in ${argument}: ${String(source)}`);
          }
          const name = sourceName(source);
          const started = Date.now();
          const summary = await restoreBackup(database, source, {
            force: values.force === true,
            onProgress: (p) => progress.update(p),
            onStep: (message) => progress.step(message),
          });
          progress.finish();
          const seconds = (Date.now() - started) / 1000;
          const replaced = Object.values(summary.replaced).reduce((a, b) => a + b, 0);
          console.log(
            `restored ${name} (${summary.header.sourceDialect}, schema ${summary.header.schemaVersion}, ` +
              `taken ${summary.header.createdAt}) into ${database.dialect} in ${seconds.toFixed(1)} s: ` +
              describeRows(summary.rows) +
              (replaced > 0 ? `; replaced ${replaced} rows` : '') +
              '; counts and checksum verified',
          );
        },
        { s3: s3 !== undefined },
      );
    }),
};
