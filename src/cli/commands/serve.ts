import { loadConfig } from '../../config.js';
import { runUntilSignal } from '../../server.js';
import type { Command } from '../command.js';
import { UsageError } from '../command.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the service (settings from the environment: PORT, DATABASE_URL, …)',
  help: [
    'Usage: taskmanager serve',
    '',
    'Runs the HTTP service until SIGTERM or Ctrl-C. Every setting comes from the environment',
    '(see docs/configuration.md): PORT, HOST, DATABASE_URL, DATABASE_PASSWORD_FILE, LOG_LEVEL, …',
  ].join('\n'),
  async run(argv) {
    if (argv.length > 0) throw new UsageError(`unexpected argument "${argv[0]}"`);
    const config = loadConfig();
    return runUntilSignal(config);
  },
};
