import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.js';
import { seed } from './seed-data.js';
import type { Command } from '../command.js';
import { UsageError } from '../command.js';

const count = (name: string, raw: string | undefined, fallback: number) => {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} expects a whole number, got "${raw}"`);
  return Number(raw);
};

export const seedCommand: Command = {
  name: 'seed',
  summary: 'Fill the database with realistic demo or benchmark data',
  help: [
    'Usage: taskmanager seed [--users N] [--projects N] [--tasks N] [--password P] [--token-file F] [--json]',
    '',
    'Creates users, projects (with members and labels) and tasks in batches, after migrating the',
    'database named by DATABASE_URL. Every seeded user signs in with the same password.',
    '',
    'Options:',
    '  --users N       users to create (default 10)',
    '  --projects N    projects to create (default 5)',
    '  --tasks N       tasks to spread over the projects (default 200)',
    '  --password P    password of every seeded user (default "taskmanager-demo-password")',
    '  --token-file F  write an API token of the first user to file F',
    '  --json          print the result as JSON (users, project ids, token)',
  ].join('\n'),
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        users: { type: 'string' },
        projects: { type: 'string' },
        tasks: { type: 'string' },
        password: { type: 'string' },
        'token-file': { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    const options = {
      users: count('users', values.users, 10),
      projects: count('projects', values.projects, 5),
      tasks: count('tasks', values.tasks, 200),
      password: values.password ?? 'taskmanager-demo-password',
    };
    const config = loadConfig();
    // Imported here, not at the top: `taskmanager serve` must load mysql2 after tracing starts.
    const { openDatabase, waitForDatabase } = await import('../../db/database.js');
    const { migrateToLatest } = await import('../../db/migrate.js');
    const database = openDatabase(config.database);
    try {
      await waitForDatabase(database.db, { timeoutSeconds: config.dbConnectTimeoutSeconds });
      await migrateToLatest(database.db);
      const started = Date.now();
      const result = await seed(database.db, {
        ...options,
        onProgress: values.json
          ? undefined
          : (done, total) => process.stderr.write(`\rseeding tasks: ${done}/${total}`),
      });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (values['token-file'])
        writeFileSync(values['token-file'], `${result.apiToken}\n`, { mode: 0o600 });
      if (values.json) {
        console.log(JSON.stringify({ ...result, seconds: Number(seconds) }));
      } else {
        process.stderr.write('\n');
        console.log(
          `seeded ${result.users.length} users, ${result.projectIds.length} projects and ${result.tasks} tasks in ${seconds} s`,
        );
        console.log(`sign in as ${result.users[0]?.email} with password "${options.password}"`);
      }
      return 0;
    } finally {
      await database.close();
    }
  },
};
