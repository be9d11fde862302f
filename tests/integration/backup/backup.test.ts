// `taskmanager backup` and `restore` against real databases: round trips on each and across them,
// a backup taken while the service writes, and every refusal leaving the target as it was.
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupError, readArchive } from '../../../src/backup/archive.js';
import { writeBackup } from '../../../src/backup/backup.js';
import { restoreBackup } from '../../../src/backup/restore.js';
import { openDatabase } from '../../../src/db/database.js';
import {
  DEFERRED_INDEXES_TABLE,
  buildDeferredIndexes,
  deferIndexes,
} from '../../../src/db/deferred-indexes.js';
import type { DatabaseHandle } from '../../../src/db/database.js';
import { migrateToLatest, migrations, recordedMigrations } from '../../../src/db/migrate.js';
import { Client, createTestApp } from '../../support/app.js';
import type { TestApp } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import type { TestDatabase } from '../../support/databases.js';
import { EVERY_BYTE, exportAll, ok, populate, rewriteArchive, withoutSessions } from './support.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'taskmanager-backup-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let fileNo = 0;
const archivePath = () => path.join(tmp, `archive-${++fileNo}.ndjson.gz`);

/** A fresh empty database of `target`'s kind (no schema), dropped after the file. */
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});
async function emptyDatabase(target: TestDatabase): Promise<DatabaseHandle> {
  const created = await target.create();
  const handle = openDatabase(created.config);
  cleanups.push(async () => {
    await handle.close();
    await created.drop();
  });
  return handle;
}

/** The target's whole state: rows and schema version, for "nothing was changed". */
async function stateOf(handle: DatabaseHandle) {
  return { migrations: await recordedMigrations(handle.db), rows: await exportAll(handle.db) };
}

/** A copy of `from` whose `nth` row of `table` points `column` at a row that does not exist. */
function withDanglingReference(from: string, table: string, column: string, nth: number): string {
  const to = archivePath();
  rewriteArchive(from, to, (lines) => {
    const at = lines.findIndex((l) => l.startsWith(`{"table":"${table}"`));
    const columns = (JSON.parse(lines[at]!) as { columns: string[] }).columns;
    const row = JSON.parse(lines[at + nth]!) as unknown[];
    row[columns.indexOf(column)] = '00000000-0000-7000-8000-000000000000';
    lines[at + nth] = JSON.stringify(row);
    return lines;
  });
  return to;
}

// A release after this one: adds a column with a default, so older rows migrate forward.
const nextRelease: Record<string, Migration> = {
  ...migrations,
  '20991231T0000_test_task_estimate': {
    up: async (db: Kysely<any>) => {
      await db.schema
        .alterTable('tasks')
        .addColumn('estimate_minutes', 'integer', (c) => c.notNull().defaultTo(30))
        .execute();
    },
    down: async (db: Kysely<any>) => {
      await db.schema.alterTable('tasks').dropColumn('estimate_minutes').execute();
    },
  },
};

describe.each(testDatabases)('backup and restore on $name', (target) => {
  let source: TestApp;
  let archive: string;
  /** The source as the archive holds it (later tests write more into the source). */
  let archived: Record<string, unknown[]>;
  beforeAll(async () => {
    if (target.skipReason) return;
    source = await createTestApp(target);
    await populate(source);
    archive = archivePath();
    await writeBackup(source.database, archive);
    archived = withoutSessions(await exportAll(source.database.db));
  });
  afterAll(async () => source?.close());

  it.skipIf(target.skipReason)('round trip: every row and field comes back identical', async () => {
    const into = await emptyDatabase(target);
    const summary = await restoreBackup(into, archive);
    const restored = await exportAll(into.db);
    expect(restored.sessions).toEqual([]);
    expect(withoutSessions(restored)).toEqual(archived);
    expect(summary.rows.tasks).toBe(archived.tasks!.length);
    // Attachments' bytes, every byte value, as they were.
    const files = restored.attachments as { name: string; data: Buffer }[];
    expect(Buffer.from(files.find((f) => f.name === 'bytes ✓.bin')!.data)).toEqual(EVERY_BYTE);
    expect(restored.task_covers).toHaveLength(1);
    expect(await recordedMigrations(into.db)).toEqual(Object.keys(migrations));
  });

  it.skipIf(target.skipReason)('sessions are archived with --include-sessions', async () => {
    const withSessions = archivePath();
    await writeBackup(source.database, withSessions, { includeSessions: true });
    const into = await emptyDatabase(target);
    await restoreBackup(into, withSessions);
    const original = await exportAll(source.database.db);
    expect((original.sessions as unknown[]).length).toBeGreaterThan(0);
    expect(await exportAll(into.db)).toEqual(original);
  });

  it.skipIf(target.skipReason)('writes a sha256sum file and leaves no .partial', async () => {
    const dir = path.dirname(archive);
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
    const sums = readFileSync(`${archive}.sha256`, 'utf8');
    const digest = createHash('sha256').update(readFileSync(archive)).digest('hex');
    expect(sums).toBe(`${digest}  ${path.basename(archive)}\n`);
  });

  it.skipIf(target.skipReason)(
    'a backup taken while the service creates and moves tasks is consistent',
    async () => {
      const writer = await new Client(source.app).register('Writer');
      const project = await ok(writer, 'POST', '/projects', { name: 'Busy' });
      const label = await ok(writer, 'POST', `/projects/${project.id}/labels`, { name: 'hot' });
      let backingUp = false;
      let writesDuringBackup = 0;
      let stop = false;
      const load = (async () => {
        for (let i = 0; i < 400 && !stop; i++) {
          const task = await ok(writer, 'POST', `/projects/${project.id}/tasks`, {
            title: `busy ${i}`,
            labels: [label.id],
          });
          await ok(writer, 'POST', `/tasks/${task.id}/comments`, { body: `note ${i}` });
          await ok(writer, 'POST', `/tasks/${task.id}/move`, { status: 'done' });
          if (backingUp) writesDuringBackup++;
        }
      })();
      const file = archivePath();
      // Small pages and a yield between them: the writes interleave with the reads.
      backingUp = true;
      await writeBackup(source.database, file, {
        pageSize: 7,
        onPage: () => new Promise((resolve) => setTimeout(resolve, 1)),
      });
      backingUp = false;
      stop = true;
      await load;
      expect(writesDuringBackup).toBeGreaterThan(0);

      const ids: Record<string, Set<string>> = {};
      const refs: [string, string, string][] = [];
      let columns: string[] = [];
      await readArchive(
        file,
        () => {},
        (event) => {
          if (event.kind === 'table') {
            columns = event.columns;
            ids[event.table] = new Set();
          } else if (event.kind === 'rows') {
            for (const row of event.rows) {
              const get = (c: string) => row[columns.indexOf(c)] as string;
              if (columns.includes('id')) ids[event.table]!.add(get('id'));
              const check = (c: string, table: string) => {
                if (get(c) !== null) refs.push([`${event.table}.${c}`, get(c), table]);
              };
              if (event.table === 'tasks') check('project_id', 'projects');
              if (event.table === 'task_labels') {
                check('task_id', 'tasks');
                check('label_id', 'labels');
              }
              if (event.table === 'comments') {
                check('task_id', 'tasks');
                check('author_id', 'users');
              }
              if (event.table === 'activity') check('project_id', 'projects');
            }
          }
        },
      );
      const dangling = refs.filter(([, id, table]) => !ids[table]!.has(id));
      expect(dangling).toEqual([]);
      expect(refs.filter(([c]) => c === 'comments.task_id').length).toBeGreaterThan(0);
      // And it restores (foreign keys enforced by the target).
      const into = await emptyDatabase(target);
      await restoreBackup(into, file);
    },
  );

  it.skipIf(target.skipReason)(
    'refuses a non-empty target without --force, replaces it with --force',
    async () => {
      const other = await createTestApp(target);
      cleanups.push(() => other.close());
      await new Client(other.app).register('Already here');
      const before = await stateOf(other.database);
      const error = await restoreBackup(other.database, archive).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackupError);
      expect((error as Error).message).toMatch(
        /target database is not empty \(users: 1, sessions: 1\).*--force.*Nothing was changed/,
      );
      expect(await stateOf(other.database)).toEqual(before);

      await restoreBackup(other.database, archive, { force: true });
      expect(await exportAll(other.database.db)).toEqual({ ...archived, sessions: [] });
    },
  );

  it.skipIf(target.skipReason)(
    'a restore that fails while loading leaves a non-empty target as it was',
    async () => {
      // A task whose project does not exist: sound archive, rows the target refuses.
      const broken = withDanglingReference(archive, 'tasks', 'project_id', 3);
      const other = await createTestApp(target);
      cleanups.push(() => other.close());
      await populate(other, 0);
      const before = await stateOf(other.database);
      const error = await restoreBackup(other.database, broken, { force: true }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(BackupError);
      expect((error as Error).message).toMatch(
        /^loading tasks failed \(.+\); nothing was restored$/,
      );
      expect(await stateOf(other.database)).toEqual(before);
    },
  );

  describe('a damaged archive is refused and nothing is changed', () => {
    const cases: [string, (from: string, to: string) => void, RegExp][] = [
      [
        'truncated',
        (from, to) => {
          writeFileSync(to, readFileSync(from));
          truncateSync(to, Math.floor(statSync(to).size / 2));
        },
        /is corrupt \(unexpected end of file\); nothing was restored$/,
      ],
      [
        'a flipped byte',
        (from, to) => {
          const bytes = readFileSync(from);
          const at = Math.floor(bytes.length / 2);
          bytes[at] = bytes[at]! ^ 0xff;
          writeFileSync(to, bytes);
        },
        /is corrupt.*nothing was restored$/,
      ],
      [
        'an edited row (valid gzip)',
        (from, to) =>
          rewriteArchive(
            from,
            to,
            (lines) => lines.map((l) => l.replace('"Plain"', '"Edited"')),
            true,
          ),
        /is corrupt: its checksum does not match its content; nothing was restored$/,
      ],
      [
        'a missing trailer',
        (from, to) => {
          const text = gunzip(from);
          writeFileSync(to, gzip(text.slice(0, text.lastIndexOf('{"trailer"'))));
        },
        /is truncated \(it has no trailer\); nothing was restored$/,
      ],
      [
        'not an archive',
        (_from, to) => writeFileSync(to, 'id,title\n1,hello\n'),
        /is not a taskmanager backup \(not a gzip file\)$/,
      ],
    ];
    it.skipIf(target.skipReason).each(cases)('%s', async (_name, damage, message) => {
      const damaged = archivePath();
      damage(archive, damaged);
      const into = await emptyDatabase(target);
      const before = await stateOf(into);
      const error = await restoreBackup(into, damaged).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackupError);
      expect((error as Error).message).toMatch(message);
      expect(await stateOf(into)).toEqual(before);
    });
  });

  it.skipIf(target.skipReason)(
    'refuses an archive from a newer schema, changing nothing',
    async () => {
      const newer = await emptyDatabase(target);
      await migrateToLatest(newer.db, nextRelease);
      await restoreBackup(newer, archive, { migrations: nextRelease });
      const file = archivePath();
      await writeBackup(newer, file, { migrations: nextRelease });

      const into = await emptyDatabase(target);
      const before = await stateOf(into);
      const error = await restoreBackup(into, file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackupError);
      const latest = Object.keys(migrations).at(-1)!;
      expect((error as Error).message).toMatch(
        new RegExp(
          `comes from a newer schema \\(20991231T0000_test_task_estimate, written by taskmanager .+\\) than this taskmanager knows \\(latest ${latest}\\); restore it with that release or a newer one\\. Nothing was changed$`,
        ),
      );
      expect(await stateOf(into)).toEqual(before);
    },
  );

  it.skipIf(target.skipReason)(
    'migrates an older archive forward, also into a target already at the newer schema',
    async () => {
      const expected = {
        ...archived,
        tasks: (archived.tasks as object[]).map((t) => ({ ...t, estimate_minutes: 30 })),
      };
      const blank = await emptyDatabase(target);
      await restoreBackup(blank, archive, { migrations: nextRelease });
      expect(withoutSessions(await exportAll(blank.db))).toEqual(expected);
      expect(await recordedMigrations(blank.db)).toEqual(Object.keys(nextRelease));

      const upgraded = await emptyDatabase(target);
      await migrateToLatest(upgraded.db, nextRelease);
      await restoreBackup(upgraded, archive, { migrations: nextRelease });
      expect(withoutSessions(await exportAll(upgraded.db))).toEqual(expected);
      expect(await recordedMigrations(upgraded.db)).toEqual(Object.keys(nextRelease));
    },
  );
});

const gunzip = (file: string) => gunzipSync(readFileSync(file)).toString('utf8');
const gzip = (text: string) => gzipSync(text);

const [sqliteDb, mysqlDb] = testDatabases as [TestDatabase, TestDatabase];
describe.skipIf(mysqlDb.skipReason)('across databases: SQLite → MariaDB → SQLite', () => {
  it('every row and field survives both moves', async () => {
    const laptop = await createTestApp(sqliteDb);
    cleanups.push(() => laptop.close());
    await populate(laptop);
    const first = archivePath();
    await writeBackup(laptop.database, first);

    const cluster = await emptyDatabase(mysqlDb);
    const intoCluster = await restoreBackup(cluster, first);
    expect(intoCluster.header.sourceDialect).toBe('sqlite');
    const second = archivePath();
    const back = await writeBackup(cluster, second);
    expect(back.header.sourceDialect).toBe('mysql');

    const laptopAgain = await emptyDatabase(sqliteDb);
    await restoreBackup(laptopAgain, second);

    const original = withoutSessions(await exportAll(laptop.database.db));
    expect(withoutSessions(await exportAll(cluster.db))).toEqual(original);
    expect(withoutSessions(await exportAll(laptopAgain.db))).toEqual(original);
    // The two archives hold the same rows, line for line.
    const rowsOf = (file: string) =>
      gunzip(file)
        .split('\n')
        .filter((l) => l.startsWith('['));
    expect(rowsOf(second)).toEqual(rowsOf(first));
  });
});

/** Every index of the database's tables (information_schema), for "the schema is as it was". */
async function indexesOf(handle: DatabaseHandle): Promise<string[]> {
  const { rows } = await sql<{
    t: string;
    i: string;
    c: string;
    nu: number;
    ty: string;
  }>`select table_name as t, index_name as i, column_name as c, non_unique as nu, index_type as ty
      from information_schema.statistics where table_schema = database()
      order by table_name, index_name, seq_in_index`.execute(handle.db);
  return rows.map((r) => `${r.t}.${r.i}(${r.c}) ${r.ty}${Number(r.nu) ? '' : ' unique'}`);
}

const journalExists = async (handle: DatabaseHandle) =>
  (await handle.db.introspection.getTables()).some((t) => t.name === DEFERRED_INDEXES_TABLE);

describe.skipIf(mysqlDb.skipReason)('MariaDB: big tables load with their indexes set aside', () => {
  let source: TestApp;
  let archive: string;
  let schemaIndexes: string[];
  beforeAll(async () => {
    if (mysqlDb.skipReason) return;
    source = await createTestApp(mysqlDb);
    await populate(source);
    archive = archivePath();
    await writeBackup(source.database, archive);
    const fresh = await emptyDatabase(mysqlDb);
    await migrateToLatest(fresh.db);
    schemaIndexes = await indexesOf(fresh);
  });
  afterAll(async () => source?.close());

  it('restores every row, then the schema has every index it had and no journal', async () => {
    const into = await emptyDatabase(mysqlDb);
    // Read on another connection while the tasks load: their secondary indexes are not there.
    let during: Promise<string[]> | undefined;
    const steps: string[] = [];
    await restoreBackup(into, archive, {
      deferIndexesFrom: 0,
      onProgress: ({ table }) => {
        if (table === 'tasks') during ??= indexesOf(into);
      },
      onStep: (message) => steps.push(message),
    });
    // The build after the load is told, having no row counts to show.
    expect(steps).toEqual([
      expect.stringMatching(/^building the \d+ indexes of .*tasks.* set aside for the load/),
    ]);
    const whileLoading = await during!;
    expect(whileLoading.filter((i) => i.startsWith('tasks.tasks_text_ft'))).toEqual([]);
    expect(whileLoading.filter((i) => i.startsWith('tasks.PRIMARY'))).toHaveLength(1);
    expect(withoutSessions(await exportAll(into.db))).toEqual(
      withoutSessions(await exportAll(source.database.db)),
    );
    expect(await indexesOf(into)).toEqual(schemaIndexes);
    expect(await journalExists(into)).toBe(false);
  });

  it('sets aside ordinary and full-text indexes, keeps the ones keys need', async () => {
    const into = await emptyDatabase(mysqlDb);
    await migrateToLatest(into.db);
    // The drop itself proves the foreign keys kept an index: MariaDB refuses to drop one a key needs.
    const deferred = await deferIndexes(into.db, ['tasks', 'task_labels', 'comments']);
    const names = deferred.map((d) => `${d.table}.${d.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'tasks.tasks_text_ft',
        'tasks.tasks_title_ft',
        'tasks.tasks_due_idx',
      ]),
    );
    expect(names.some((n) => n.endsWith('.PRIMARY'))).toBe(false);
    // task_labels' only secondary index serves the label key: nothing to set aside there.
    expect(names.filter((n) => n.startsWith('task_labels.'))).toEqual([]);
    expect(await indexesOf(into)).not.toEqual(schemaIndexes);
    await buildDeferredIndexes(into.db);
    expect(await indexesOf(into)).toEqual(schemaIndexes);
  });

  it('a load that fails puts the target back: rows, schema version and indexes', async () => {
    const broken = withDanglingReference(archive, 'task_labels', 'label_id', 1);
    const other = await createTestApp(mysqlDb);
    cleanups.push(() => other.close());
    await populate(other, 0);
    const before = await stateOf(other.database);
    const error = await restoreBackup(other.database, broken, {
      force: true,
      deferIndexesFrom: 0,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^loading task_labels failed .*nothing was restored$/);
    expect(await stateOf(other.database)).toEqual(before);
    expect(await indexesOf(other.database)).toEqual(schemaIndexes);
    expect(await journalExists(other.database)).toBe(false);
  });

  it('an interrupted restore leaves a journal that the next migrate, or restore, builds from', async () => {
    // As a restore killed during its load leaves the target: indexes dropped, journal written.
    const killed = await emptyDatabase(mysqlDb);
    await migrateToLatest(killed.db);
    await deferIndexes(killed.db, ['tasks', 'comments']);
    expect(await journalExists(killed)).toBe(true);
    expect(await migrateToLatest(killed.db)).toEqual([]);
    expect(await indexesOf(killed)).toEqual(schemaIndexes);
    expect(await journalExists(killed)).toBe(false);

    const again = await emptyDatabase(mysqlDb);
    await migrateToLatest(again.db);
    await deferIndexes(again.db, ['tasks']);
    // A restore of small tables (nothing to set aside) still builds what the journal lists.
    await restoreBackup(again, archive);
    expect(await indexesOf(again)).toEqual(schemaIndexes);
    expect(await journalExists(again)).toBe(false);
  });
});
