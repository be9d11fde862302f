// `taskmanager restore`: an archive written by `taskmanager backup`, into either database kind.
import { parseArgs } from 'node:util';
import { restoreBackup } from '../../backup/restore.js';
import type { Command } from '../command.js';
import { UsageError, reportingFailures } from '../command.js';
import { describeRows, onDatabase } from './backup.js';

const help = `Usage: taskmanager restore FILE [--force]

Loads an archive written by \`taskmanager backup\` (from SQLite or MySQL) into the database named
by DATABASE_URL (SQLite or MySQL). The archive is checked whole (counts, checksum) before anything
is changed; the rows are loaded in one transaction, counted again, and only then committed, so a
failed restore leaves the database as it was. An archive from an older release is migrated
forward; one from a newer release is refused.

Options:
  --force     replace the data of a database that is not empty (in the same transaction)
  -h, --help  this help`;

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
        options: { force: { type: 'boolean' } },
      });
      if (positionals.length !== 1) throw new UsageError('give exactly one archive FILE');
      const file = positionals[0]!;
      return onDatabase('restoring', async (database, progress) => {
        const started = Date.now();
        const summary = await restoreBackup(database, file, {
          force: values.force === true,
          onProgress: (p) => progress.update(p),
        });
        progress.finish();
        const seconds = (Date.now() - started) / 1000;
        const replaced = Object.values(summary.replaced).reduce((a, b) => a + b, 0);
        console.log(
          `restored ${file} (${summary.header.sourceDialect}, schema ${summary.header.schemaVersion}, ` +
            `taken ${summary.header.createdAt}) into ${database.dialect} in ${seconds.toFixed(1)} s: ` +
            describeRows(summary.rows) +
            (replaced > 0 ? `; replaced ${replaced} rows` : '') +
            '; counts and checksum verified',
        );
      });
    }),
};
