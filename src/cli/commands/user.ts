// `taskmanager user create`: an account made straight in the database, for the first admin of an
// instance whose registration is closed (issue 11, finding 5). The password never travels on
// the command line (argv is visible to every process and kept in shell history): it is read
// from a file (a mounted Secret), from standard input, or typed at a prompt.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Value } from 'typebox/value';
import { loadConfig } from '../../config.js';
import { AppError } from '../../platform/errors.js';
import type { Command } from '../command.js';
import { CliError, UsageError, reportingFailures } from '../command.js';

const help = `Usage: taskmanager user create --email EMAIL --name NAME [--admin] [--password-file FILE]

Creates an account in the database named by DATABASE_URL, with the same rules as sign-up (the
email in its normalized form, a password of 12 to 128 characters that is not easily guessed),
whatever REGISTRATION says. With --admin the account administers the instance: it invites
people and manages accounts from the Admin page. The database must be migrated already
(\`taskmanager migrate\`).

The password is read from FILE with --password-file (its first line: a mounted Secret), else
from standard input (its first line), or asked for twice when standard input is a terminal. It
is never taken from the command line.

In Kubernetes (docs/runbook.md, "Accounts", has a Job recipe too):
  kubectl -n NAMESPACE exec -i deploy/RELEASE -c app -- \\
    taskmanager user create --admin --email admin@example.com --name "Admin" < password.txt

Options:
  --email EMAIL         the account's email (how it signs in)
  --name NAME           the name shown to others
  --admin               make the account an administrator
  --password-file FILE  read the password from FILE instead of standard input
  -h, --help            this help`;

const options = {
  email: { type: 'string' },
  name: { type: 'string' },
  admin: { type: 'boolean' },
  'password-file': { type: 'string' },
} as const;

/** The first line of a text, without its line ending. */
const firstLine = (text: string) => text.split(/\r?\n/, 1)[0] ?? '';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a line from the terminal without echoing it. */
async function promptHidden(question: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(question);
  input.setRawMode(true);
  input.resume();
  let line = '';
  try {
    for await (const chunk of input) {
      for (const char of (chunk as Buffer).toString('utf8')) {
        if (char === '\r' || char === '\n') return line;
        if (char === '\u0003') throw new CliError('cancelled');
        if (char === '\u007f' || char === '\b') line = line.slice(0, -1);
        else line += char;
      }
    }
    return line;
  } finally {
    input.setRawMode(false);
    input.pause();
    process.stderr.write('\n');
  }
}

async function readPassword(file: string | undefined): Promise<string> {
  if (file !== undefined) {
    try {
      return firstLine(readFileSync(file, 'utf8'));
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new CliError(`cannot read the password file ${file} (${reason})`);
    }
  }
  if (!process.stdin.isTTY) return firstLine(await readStdin());
  const password = await promptHidden('Password: ');
  if ((await promptHidden('Repeat the password: ')) !== password) {
    throw new CliError('the two passwords differ; nothing was created');
  }
  return password;
}

/** A refusal of the account rules, as one line naming the fields. */
function describeRefusal(error: AppError): string {
  const fields = (error.fields ?? []).map((f) => `${f.field} ${f.message}`);
  return fields.length > 0 ? `${error.message}: ${fields.join('; ')}` : error.message;
}

async function create(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Next: taskmanager user --help`);
  }
  if (!values.email) throw new UsageError('--email is required');
  if (!values.name) throw new UsageError('--name is required');
  const config = loadConfig();
  const password = await readPassword(values['password-file']);
  // Imported here, not at the top: every other command would load the password dictionaries,
  // and `taskmanager serve` must load mysql2 after tracing starts.
  const { RegisterBody } = await import('../../features/auth/auth.schemas.js');
  const { insertAccount, prepareAccount } = await import('../../features/auth/auth.service.js');
  const { openDatabase, waitForDatabase } = await import('../../db/database.js');
  const { appliedMigrations, migrations } = await import('../../db/migrate.js');
  const input = { email: values.email.trim(), name: values.name, password };
  const invalid = [...Value.Errors(RegisterBody, input)].map(
    (e) => `${e.instancePath.replace(/^\//, '') || 'input'} ${e.message}`,
  );
  if (invalid.length > 0) throw new CliError(`nothing was created: ${invalid.join('; ')}`);

  const database = openDatabase(config.database, { poolSize: 1 });
  try {
    await waitForDatabase(database.db, { timeoutSeconds: config.dbConnectTimeoutSeconds });
    const applied = new Set(await appliedMigrations(database.db).catch(() => []));
    if (Object.keys(migrations).some((name) => !applied.has(name))) {
      throw new CliError('the database is not migrated to this release: run `taskmanager migrate`');
    }
    const role = values.admin ? 'admin' : 'user';
    try {
      const user = await prepareAccount(database.db, input, role, Date.now());
      await insertAccount(database.db, user);
      console.log(`created ${role === 'admin' ? 'admin' : 'user'} account ${user.email}`);
    } catch (error) {
      if (error instanceof AppError)
        throw new CliError(`nothing was created: ${describeRefusal(error)}`);
      throw error;
    }
    return 0;
  } finally {
    await database.close();
  }
}

export const userCommand: Command = {
  name: 'user',
  summary: 'Create an account (the first admin of a closed instance): user create --admin',
  help,
  run: (argv) =>
    reportingFailures('user', process.stderr, async () => {
      const [sub, ...rest] = argv;
      if (sub !== 'create') {
        throw new UsageError(
          `${sub ? `unknown sub-command "${sub}"` : 'a sub-command is needed'}: taskmanager user create …`,
        );
      }
      return create(rest);
    }),
};
