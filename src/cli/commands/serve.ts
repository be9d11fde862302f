import { loadConfig } from '../../config.js';
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
    // The tracing preload first, then the server: the same order as `node --import` gives the
    // image and `npm start`, so that the instrumentations hook Fastify, node:http and mysql2
    // before they load. No CLI module loads them statically (migrate and seed import the
    // database lazily for this reason).
    await import('../../platform/tracing.js');
    const { runService } = await import('../../cluster.js');
    return runService(config);
  },
};
