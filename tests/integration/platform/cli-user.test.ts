// `taskmanager user create` as an operator runs it (a child process through tsx) against SQLite
// and MariaDB: the first admin of a closed instance, who then signs in and administers; the
// password from standard input or a file, never from argv; refusals change nothing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import type { App } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { openDatabase } from '../../../src/db/database.js';
import type { DatabaseHandle } from '../../../src/db/database.js';
import { migrateToLatest } from '../../../src/db/migrate.js';
import { Client, PASSWORD } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { repoRoot } from '../../support/process.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'taskmanager-cli-user-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function taskmanager(args: string[], databaseUrl: string, stdin = '') {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join('src', 'cli', 'index.ts'), ...args],
    {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl },
      input: stdin,
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe.each(testDatabases)('taskmanager user create on $name', { timeout: 180_000 }, (target) => {
  const it_ = it.skipIf(target.skipReason);
  let url = '';
  let database: DatabaseHandle | undefined;
  let app: App | undefined;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    if (target.skipReason) return;
    const created = await target.create();
    url = created.url;
    drop = created.drop;
    const config = loadConfig({
      DATABASE_URL: url,
      REGISTRATION: 'closed',
      LOG_LEVEL: 'silent',
      WEB_ROOT: '/nonexistent',
    });
    database = openDatabase(config.database);
    app = await buildApp({ config, database });
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
    await drop?.();
  });

  const users = async () =>
    (
      await database!.db.selectFrom('users').select(['email', 'role']).orderBy('email').execute()
    ).map((u) => `${u.email} ${u.role}`);

  it_('refuses a database that is not migrated', () => {
    const unmigrated = taskmanager(
      ['user', 'create', '--admin', '--email', 'first@example.com', '--name', 'First'],
      url,
      `${PASSWORD}\n`,
    );
    expect(unmigrated.code).toBe(1);
    expect(unmigrated.err).toContain('run `taskmanager migrate`');
  });

  it_('creates the first admin of a closed instance, who signs in and administers', async () => {
    await migrateToLatest(database!.db);
    const created = taskmanager(
      ['user', 'create', '--admin', '--email', ' Admin@Example.com', '--name', 'First Admin'],
      url,
      `${PASSWORD}\nignored second line\n`,
    );
    expect(created.err).toBe('');
    expect(created.out).toBe('created admin account admin@example.com\n');
    expect(created.code).toBe(0);
    expect(created.out + created.err).not.toContain(PASSWORD);

    const admin = new Client(app!);
    const login = await admin.request('POST', '/api/v1/auth/login', {
      email: 'admin@example.com',
      password: PASSWORD,
    });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ name: 'First Admin', role: 'admin' });
    admin.csrfToken = login.body.csrfToken;
    expect((await admin.request('GET', '/api/v1/admin/users')).status).toBe(200);
    const invite = await admin.request('POST', '/api/v1/admin/invites', {});
    expect(invite.status).toBe(201);
    // The instance stays closed to sign-ups.
    const signUp = await new Client(app!).request('POST', '/api/v1/auth/register', {
      email: 'someone@example.com',
      name: 'Someone',
      password: PASSWORD,
    });
    expect(signUp.status).toBe(403);

    // From a file (a mounted Secret); without --admin an ordinary account.
    const file = path.join(tmp, `password-${target.name}.txt`);
    writeFileSync(file, 'another horse battery staple\n', { mode: 0o600 });
    const fromFile = taskmanager(
      [
        'user',
        'create',
        '--email',
        'second@example.com',
        '--name',
        'Second',
        '--password-file',
        file,
      ],
      url,
    );
    expect(fromFile.code).toBe(0);
    const second = await new Client(app!).request('POST', '/api/v1/auth/login', {
      email: 'second@example.com',
      password: 'another horse battery staple',
    });
    expect(second.body.user.role).toBe('user');
    expect(await users()).toEqual(['admin@example.com admin', 'second@example.com user']);
  });

  it_('refuses an email that is taken (in any spelling), and writes nothing', async () => {
    const before = await users();
    const taken = taskmanager(
      ['user', 'create', '--email', 'ADMIN@example.com', '--name', 'Again'],
      url,
      `${PASSWORD}\n`,
    );
    expect(taken.code).toBe(1);
    expect(taken.err).toBe(
      'taskmanager user: nothing was created: An account with this email already exists: email is already registered\n',
    );
    expect(await users()).toEqual(before);
  });
});

// What does not depend on the kind of database, once.
describe('taskmanager user', { timeout: 180_000 }, () => {
  const url = `sqlite:${path.join(tmp, 'refusals.db')}`;
  beforeAll(async () => {
    const handle = openDatabase({ dialect: 'sqlite', file: path.join(tmp, 'refusals.db') });
    await migrateToLatest(handle.db);
    await handle.close();
  });

  it('never takes the password from argv, and needs an email', () => {
    const inArgv = taskmanager(
      ['user', 'create', '--email', 'a@example.com', '--name', 'A', '--password', PASSWORD],
      url,
    );
    expect(inArgv.code).toBe(2);
    expect(inArgv.err).toContain("Unknown option '--password'");
    const noEmail = taskmanager(['user', 'create', '--name', 'A'], url, `${PASSWORD}\n`);
    expect(noEmail.code).toBe(2);
    expect(noEmail.err).toBe('taskmanager user: --email is required\n');
  });

  it('refuses what sign-up refuses, in one line', () => {
    const cases: [string[], string, RegExp][] = [
      [['--email', 'weak@example.com', '--name', 'Weak'], 'password1234\n', /easily guessed/],
      [
        ['--email', 'short@example.com', '--name', 'Short'],
        'short\n',
        /password must not have fewer than 12/,
      ],
      [['--email', 'not an email', '--name', 'Bad'], '', /email must match format.*; password/],
      [
        ['--email', 'f@example.com', '--name', 'F', '--password-file', path.join(tmp, 'none')],
        '',
        /cannot read the password file/,
      ],
    ];
    for (const [args, stdin, message] of cases) {
      const result = taskmanager(['user', 'create', '--admin', ...args], url, stdin);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.err).toMatch(message);
      expect(result.err.split('\n').filter(Boolean)).toHaveLength(1);
    }
  });

  it('documents the sub-command, its options and where the password comes from', () => {
    const { code, out } = taskmanager(['user', 'create', '--help'], 'sqlite::memory:');
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: taskmanager user create/);
    for (const option of [
      '--email',
      '--name',
      '--admin',
      '--password-file',
      'standard input',
      'kubectl',
    ])
      expect(out).toContain(option);
    const overview = taskmanager(['--help'], 'sqlite::memory:');
    expect(overview.out).toMatch(/^ {2}user +\S/m);
  });
});
