import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.js';
import type { Command } from '../command.js';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply database migrations (safe to run from several replicas at once)',
  help: [
    'Usage: taskmanager migrate [--status]',
    '',
    'Applies every pending migration to the database named by DATABASE_URL, waiting for the',
    'database up to DB_CONNECT_TIMEOUT_SECONDS. In Kubernetes the chart runs it as a Helm hook Job.',
    '',
    'Options:',
    '  --status   list applied and pending migrations, change nothing',
  ].join('\n'),
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { status: { type: 'boolean' } },
      strict: true,
    });
    const config = loadConfig();
    // Imported here, not at the top: `taskmanager serve` must load mysql2 after tracing starts.
    const { openDatabase, waitForDatabase } = await import('../../db/database.js');
    const { appliedMigrations, migrateToLatest, migrations } = await import('../../db/migrate.js');
    const database = openDatabase(config.database);
    try {
      await waitForDatabase(database.db, {
        timeoutSeconds: config.dbConnectTimeoutSeconds,
        onRetry: (attempt, delayMs) =>
          console.error(
            `database not reachable yet (attempt ${attempt}), retrying in ${delayMs} ms`,
          ),
      });
      if (values.status) {
        const applied = new Set(await appliedMigrations(database.db).catch(() => []));
        for (const name of Object.keys(migrations)) {
          console.log(`${applied.has(name) ? 'applied' : 'pending'}  ${name}`);
        }
        return 0;
      }
      const applied = await migrateToLatest(database.db);
      console.log(
        applied.length === 0
          ? 'database is up to date'
          : `applied ${applied.length} migration(s): ${applied.join(', ')}`,
      );
      return 0;
    } finally {
      await database.close();
    }
  },
};
