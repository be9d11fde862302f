// The `taskmanager backup` and `restore` commands as a user runs them (child processes through
// tsx): exit codes, one-line errors, and a full disk that leaves no file behind.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupError } from '../../../src/backup/archive.js';
import { writeBackup } from '../../../src/backup/backup.js';
import { openDatabase } from '../../../src/db/database.js';
import type { DatabaseHandle } from '../../../src/db/database.js';
import { migrateToLatest } from '../../../src/db/migrate.js';
import { seed } from '../../../src/cli/commands/seed-data.js';
import { repoRoot } from '../../support/process.js';
import { exportAll } from './support.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'taskmanager-backup-cli-'));
const sourceUrl = `sqlite:${path.join(tmp, 'source.db')}`;
let source: DatabaseHandle;

beforeAll(async () => {
  source = openDatabase({ dialect: 'sqlite', file: path.join(tmp, 'source.db') });
  await migrateToLatest(source.db);
  // Enough rows for an archive of several hundred KB, well past the size limits below.
  await seed(source.db, { users: 5, projects: 3, tasks: 8000, password: 'cli test password' });
});
afterAll(async () => {
  await source?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Runs the CLI, optionally under a file-size limit (`ulimit -f`, in the shell's blocks). */
function taskmanager(args: string[], databaseUrl: string, fileSizeLimit?: number) {
  const command = [
    process.execPath,
    '--import',
    'tsx',
    path.join('src', 'cli', 'index.ts'),
    ...args,
  ]
    .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  const result = spawnSync(
    'sh',
    ['-c', fileSizeLimit ? `ulimit -f ${fileSizeLimit} && exec ${command}` : `exec ${command}`],
    {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl },
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('taskmanager backup / restore commands', { timeout: 180_000 }, () => {
  it('backs up and restores through the CLI, then refuses to overwrite without --force', async () => {
    const file = path.join(tmp, 'cli.ndjson.gz');
    const backup = taskmanager(['backup', '--out', file], sourceUrl);
    expect(backup.err).toContain('backing up tasks: 8000 rows');
    expect(backup.out).toMatch(/^wrote .+cli\.ndjson\.gz .*8000 tasks.*sha256 [0-9a-f]{64}/);
    expect(backup.code).toBe(0);

    const targetUrl = `sqlite:${path.join(tmp, 'target.db')}`;
    const restore = taskmanager(['restore', file], targetUrl);
    expect(restore.out).toMatch(/^restored .+ into sqlite .*counts and checksum verified\n$/);
    expect(restore.code).toBe(0);
    const target = openDatabase({ dialect: 'sqlite', file: path.join(tmp, 'target.db') });
    try {
      expect(await exportAll(target.db)).toEqual(await exportAll(source.db));
    } finally {
      await target.close();
    }

    const again = taskmanager(['restore', file], targetUrl);
    expect(again.code).toBe(1);
    const errors = again.err.trim().split('\n');
    expect(errors.at(-1)).toMatch(
      /^taskmanager restore: the target database is not empty \(users: 5, .*pass --force/,
    );
    expect(taskmanager(['restore', '--force', file], targetUrl).code).toBe(0);
  });

  it('a full disk (file-size limit) gives one clear error and leaves no file', () => {
    const dir = path.join(tmp, 'limited');
    mkdirSync(dir);
    // 256 blocks: 128 KiB (dash) or 256 KiB (bash); the archive is larger, SQLite's files smaller.
    const result = taskmanager(
      ['backup', '--out', path.join(dir, 'full.ndjson.gz')],
      sourceUrl,
      256,
    );
    expect(result.code).toBe(1);
    expect(result.err.trim().split('\n').at(-1)).toMatch(
      /^taskmanager backup: cannot write .+full\.ndjson\.gz: the file grew past the size limit of this process or file system; no backup was written$/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  // A real full file system where the test may mount one (root with CAP_SYS_ADMIN, as in CI).
  const mountPoint = path.join(tmp, 'tmpfs');
  mkdirSync(mountPoint);
  const mounted =
    spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=128k', 'tmpfs', mountPoint]).status === 0;
  afterAll(() => {
    if (mounted) spawnSync('umount', [mountPoint]);
  });
  it.skipIf(!mounted)('a full tmpfs gives one clear error and leaves no file', async () => {
    const error = await writeBackup(source, path.join(mountPoint, 'full.ndjson.gz')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BackupError);
    expect((error as Error).message).toMatch(
      /^cannot write .+full\.ndjson\.gz: the disk is full; no backup was written$/,
    );
    expect(readdirSync(mountPoint)).toEqual([]);
  });
});
