#!/usr/bin/env node
// `taskmanager`: one binary for the service and its operations, on every OS Node runs on.
import type { Command } from './command.js';
import { UsageError } from './command.js';
import { ConfigError } from '../config.js';
import { serveCommand } from './commands/serve.js';
import { migrateCommand } from './commands/migrate.js';
import { seedCommand } from './commands/seed.js';
import { deployCommand } from './commands/deploy.js';
import { statusCommand } from './commands/status.js';
import { doctorCommand } from './commands/doctor.js';
import { backupCommand } from './commands/backup.js';
import { restoreCommand } from './commands/restore.js';
import { userCommand } from './commands/user.js';

const commands: Command[] = [
  serveCommand,
  migrateCommand,
  seedCommand,
  deployCommand,
  statusCommand,
  doctorCommand,
  backupCommand,
  restoreCommand,
  userCommand,
];

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: taskmanager <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `taskmanager <command> --help` for the options of one command.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(overview());
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(
      `taskmanager: unknown command "${name}". Run \`taskmanager --help\` for the list.`,
    );
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`taskmanager ${command.name}: ${error.message}`);
      return 2;
    }
    if (error instanceof ConfigError) {
      console.error(`taskmanager ${command.name}: configuration error: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
