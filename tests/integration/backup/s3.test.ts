// Backups in an S3-compatible bucket, against a real S3-protocol server (gofakes3, a stand-in for
// AWS S3 and MinIO: tests/support/s3-server.ts) that checks request signatures: round trips on
// each database through a multipart upload, the CLI with its retention and --latest, one clear
// line and no object for every refusal, and uploads cut off midway leaving no object behind.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AbortMultipartUploadCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupError } from '../../../src/backup/archive.js';
import { restoreBackup } from '../../../src/backup/restore.js';
import { archiveName, expired } from '../../../src/backup/retention.js';
import { pruneS3, s3Archive, writeBackupToS3 } from '../../../src/backup/s3-archives.js';
import type { S3Config } from '../../../src/config.js';
import { openDatabase } from '../../../src/db/database.js';
import type { DatabaseHandle, Db } from '../../../src/db/database.js';
import { ObjectStore } from '../../../src/platform/s3.js';
import type { ObjectLocation, ObjectStoreOptions } from '../../../src/platform/s3.js';
import { createTestApp } from '../../support/app.js';
import type { TestApp } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import type { TestDatabase } from '../../support/databases.js';
import { eventually, freePort, repoRoot } from '../../support/process.js';
import { S3Server, requireS3Server } from '../../support/s3-server.js';
import { TcpProxy } from '../../support/tcp-proxy.js';
import { exportAll, populate, withoutSessions } from './support.js';

const BUCKET = 'backups';
/** The smallest part S3 accepts: archives of the suites (~6.5 MB) go up in two parts. */
const PART = 5 * 1024 * 1024;

const binary = requireS3Server();
let server: S3Server;
/** The test's own view of the bucket, independent of the code under test. */
let inspect: S3Client;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  if (binary.skipReason) return;
  server = await S3Server.start(binary.path!, [BUCKET]);
  const c = server.config();
  inspect = new S3Client({
    endpoint: c.endpoint,
    region: c.region,
    forcePathStyle: true,
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
  });
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  inspect?.destroy();
  await server?.stop();
});

function store(
  options: ObjectStoreOptions = {},
  endpoint?: string,
  overrides: Partial<S3Config> = {},
): ObjectStore {
  const s = new ObjectStore(
    server.config({ ...(endpoint ? { endpoint } : {}), ...overrides }),
    options,
  );
  cleanups.push(async () => s.close());
  return s;
}

/** Every key under a prefix, sub-prefixes included. */
async function keysUnder(prefix: string): Promise<string[]> {
  const page = await inspect.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (page.Contents ?? []).map((o) => o.Key!).sort();
}

/** Multipart uploads begun under a prefix and neither completed nor aborted. */
async function uploadsUnder(prefix: string) {
  const page = await inspect
    .send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: prefix }))
    // gofakes3 answers NoSuchUpload for a bucket that never had one (S3: an empty list).
    .catch((error: Error) => (error.name === 'NoSuchUpload' ? {} : Promise.reject(error)));
  return ('Uploads' in page ? (page.Uploads ?? []) : []).map((u) => ({
    key: u.Key!,
    uploadId: u.UploadId!,
  }));
}

/** Resolves once some multipart upload under `prefix` holds a stored part. */
async function aPartLanded(prefix: string) {
  return eventually(async () => {
    for (const upload of await uploadsUnder(prefix)) {
      const parts = await inspect.send(
        new ListPartsCommand({ Bucket: BUCKET, Key: upload.key, UploadId: upload.uploadId }),
      );
      if ((parts.Parts ?? []).length > 0) return upload;
    }
    throw new Error(`no part stored under ${prefix} yet`);
  }, 10_000);
}

async function text(key: string): Promise<string> {
  const answer = await inspect.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return answer.Body!.transformToString();
}

async function emptyDatabase(target: TestDatabase): Promise<DatabaseHandle> {
  const created = await target.create();
  const handle = openDatabase(created.config);
  cleanups.push(async () => {
    await handle.close();
    await created.drop();
  });
  return handle;
}

/**
 * The suites' data (populate) with 420 descriptions of 20,000 random characters, which gzip
 * cannot shrink much: an archive of ~6.5 MB, above one part.
 */
async function populateBulky(t: TestApp): Promise<void> {
  await populate(t, 420);
  const db: Db = t.database.db;
  const { rows } = await sql<{ id: string }>`select id from tasks order by id`.execute(db);
  for (const { id } of rows.slice(0, 420))
    await db
      .updateTable('tasks')
      .set({ description: randomBytes(15_000).toString('base64') })
      .where('id', '=', id)
      .execute();
}

/** One source app with the bulky data per database kind, shared by the suites of this file. */
const sources = new Map<string, Promise<TestApp>>();
function bulkySource(target: TestDatabase): Promise<TestApp> {
  let source = sources.get(target.name);
  if (!source) {
    source = createTestApp(target).then(async (app) => {
      cleanups.push(() => app.close());
      await populateBulky(app);
      return app;
    });
    sources.set(target.name, source);
  }
  return source;
}

/** `taskmanager …` as a user runs it (tsx), with the given environment only. */
function taskmanager(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join('src', 'cli', 'index.ts'), ...args],
      {
        cwd: repoRoot,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
        timeout: 120_000,
      },
      (error, out, err) =>
        resolve({ code: error ? ((error.code as number | null) ?? null) : 0, out, err }),
    );
  });
}
const lastLine = (text: string) => text.trim().split('\n').at(-1);

describe.skipIf(binary.skipReason).each(testDatabases)('S3 backups on $name', (target) => {
  let source: TestApp;
  let archived: Record<string, unknown[]>;
  beforeAll(async () => {
    if (target.skipReason) return;
    source = await bulkySource(target);
    archived = withoutSessions(await exportAll(source.database.db));
  });

  it.skipIf(target.skipReason)(
    'round trip through the bucket in parts: every row and field comes back identical',
    async () => {
      const at = { bucket: BUCKET, key: `${target.name}/round-trip.ndjson.gz` };
      let multipart = false;
      const summary = await writeBackupToS3(source.database, store({ partSize: PART }), at, {
        pageSize: 50,
        // The upload is underway while rows are still read: it streams, in parts.
        onPage: async () => {
          multipart ||= (await uploadsUnder(`${target.name}/`)).length > 0;
        },
      });
      expect(multipart).toBe(true);
      expect(summary.bytes).toBeGreaterThan(PART);
      expect(summary.file).toBe(`s3://${BUCKET}/${at.key}`);
      expect(await text(`${at.key}.sha256`)).toBe(`${summary.sha256}  round-trip.ndjson.gz\n`);
      expect(await uploadsUnder(`${target.name}/`)).toEqual([]);

      const into = await emptyDatabase(target);
      const restored = await restoreBackup(into, s3Archive(store(), at));
      expect(restored.rows.tasks).toBe(archived.tasks!.length);
      expect(withoutSessions(await exportAll(into.db))).toEqual(archived);
    },
  );

  it.skipIf(target.skipReason)(
    'the CLI: backup --dir s3://… keeps the retention, restore --latest brings the newest back (into SQLite)',
    async () => {
      const prefix = `${target.name}/nightly/`;
      const now = Date.now();
      const older = [3, 10, 10.1].map((days) => archiveName(new Date(now - days * 86_400_000)));
      const s = store();
      for (const name of [...older, 'notes.txt']) {
        await s.put({ bucket: BUCKET, key: prefix + name }, 'not an archive', 'text/plain');
        if (name !== 'notes.txt')
          await s.put({ bucket: BUCKET, key: `${prefix}${name}.sha256` }, 'x', 'text/plain');
      }
      const env = { DATABASE_URL: source.url, ...server.env() };
      const backup = await taskmanager(
        [
          'backup',
          '--dir',
          `s3://${BUCKET}/${prefix.slice(0, -1)}`,
          '--keep-daily',
          '2',
          '--keep-weekly',
          '1',
        ],
        env,
      );
      expect(backup.code, backup.err).toBe(0);
      const written =
        /^wrote s3:\/\/backups\/(\S+) .*read back and verified; sha256 [0-9a-f]{64}/m.exec(
          backup.out,
        );
      expect(written, backup.out).not.toBeNull();
      const name = written![1]!.slice(prefix.length);
      const doomed = expired([...older, name, 'notes.txt'], { daily: 2, weekly: 1 });
      expect(doomed.length).toBe(2);
      expect(backup.out).toContain(`removed 2 expired archive(s)`);
      const kept = [...older, name].filter((n) => !doomed.includes(n));
      expect(await keysUnder(prefix)).toEqual(
        [...kept.flatMap((n) => [n, `${n}.sha256`]), 'notes.txt'].map((n) => prefix + n).sort(),
      );

      // Into SQLite from either kind (fast; restores into MariaDB: the round trip above).
      const into = await testDatabases[0]!.create();
      cleanups.push(() => into.drop());
      const restore = await taskmanager(['restore', '--latest', `s3://${BUCKET}/${prefix}`], {
        ...env,
        DATABASE_URL: into.url,
      });
      expect(restore.code, restore.err).toBe(0);
      expect(restore.err).toContain(
        `the newest archive under s3://${BUCKET}/${prefix}: s3://${BUCKET}/${prefix}${name}`,
      );
      expect(restore.out).toMatch(/^restored s3:\/\/backups\/.* counts and checksum verified\n$/);
      const handle = openDatabase(into.config);
      try {
        expect(withoutSessions(await exportAll(handle.db))).toEqual(archived);
      } finally {
        await handle.close();
      }
    },
  );

  it.skipIf(target.skipReason)(
    'rows failing midway abort the multipart upload: no object and no parts remain',
    async () => {
      const prefix = `${target.name}/failing/`;
      const at = { bucket: BUCKET, key: `${prefix}archive.ndjson.gz` };
      let injected = false;
      const error = await writeBackupToS3(source.database, store({ partSize: PART }), at, {
        pageSize: 20,
        onPage: async () => {
          if (injected || (await uploadsUnder(prefix)).length === 0) return;
          await aPartLanded(prefix);
          injected = true;
          throw new Error('Connection lost: The server closed the connection.');
        },
      }).catch((e: unknown) => e);
      expect(injected).toBe(true);
      expect((error as Error).message).toBe('Connection lost: The server closed the connection.');
      expect(await uploadsUnder(prefix)).toEqual([]);
      expect(await keysUnder(prefix)).toEqual([]);
    },
  );
});

describe.skipIf(binary.skipReason)('S3 backups: retention and failures', () => {
  let source: TestApp;
  const sqlite = testDatabases[0]!;
  beforeAll(async () => {
    if (binary.skipReason) return;
    source = await bulkySource(sqlite);
  });

  it('retention deletes exactly the archives the selection drops, with their .sha256', async () => {
    const s = store();
    const prefix = 'retention/';
    // Two runs a day for 30 days, an hourly burst on the last day, and objects it must not touch.
    const names: string[] = [];
    for (let day = 0; day < 30; day++)
      for (const hour of [2, 14])
        names.push(archiveName(new Date(Date.UTC(2026, 10, 2 + day, hour, 17))));
    for (let hour = 15; hour < 20; hour++)
      names.push(archiveName(new Date(Date.UTC(2026, 11, 1, hour))));
    const others = [
      'notes.txt',
      'taskmanager-latest.ndjson.gz',
      'older/taskmanager-20250101T000000Z.ndjson.gz',
    ];
    for (const name of [...names, ...others])
      await s.put({ bucket: BUCKET, key: prefix + name }, name, 'text/plain');
    for (const name of names)
      await s.put({ bucket: BUCKET, key: `${prefix}${name}.sha256` }, name, 'text/plain');

    const keep = { daily: 5, weekly: 3 };
    const removed = await pruneS3(s, { bucket: BUCKET, key: prefix }, keep);
    const doomed = expired([...names, ...others], keep);
    expect(removed.sort()).toEqual(doomed.sort());
    // Kept: the newest of Dec 1 and of Nov 27–30, and of the weeks of Nov 16 and 23 (Nov 22, 29).
    expect(doomed.length).toBe(names.length - 6);
    const left = names.filter((n) => !doomed.includes(n));
    expect(await keysUnder(prefix)).toEqual(
      [...left.flatMap((n) => [n, `${n}.sha256`]), ...others].map((n) => prefix + n).sort(),
    );
    // Idempotent: nothing more to remove.
    expect(await pruneS3(s, { bucket: BUCKET, key: prefix }, keep)).toEqual([]);
  });

  const cases: [string, () => Promise<Record<string, string>>, string, RegExp][] = [
    [
      'a wrong secret',
      async () => {
        const dir = mkdtempSync(path.join(os.tmpdir(), 'taskmanager-s3-wrong-'));
        cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
        writeFileSync(path.join(dir, 'secret'), 'not-the-secret\n');
        return server.env({ S3_SECRET_ACCESS_KEY_FILE: path.join(dir, 'secret') });
      },
      BUCKET,
      /refused the request signature \(SignatureDoesNotMatch\): the secret in S3_SECRET_ACCESS_KEY_FILE does not belong to S3_ACCESS_KEY_ID; no backup was written$/,
    ],
    [
      'an unreachable endpoint',
      async () => server.env({ S3_ENDPOINT: `http://127.0.0.1:${await freePort()}` }),
      BUCKET,
      /: cannot reach the S3 endpoint http:\/\/127\.0\.0\.1:\d+: connection refused; no backup was written$/,
    ],
    [
      'a missing bucket',
      async () => server.env(),
      'no-such-bucket',
      /: bucket "no-such-bucket" does not exist at http:\/\/127\.0\.0\.1:\d+; no backup was written$/,
    ],
  ];
  it.each(cases)(
    '%s: one line, exit code 1, no object left',
    async (_what, env, bucket, message) => {
      const prefix = `refused/${bucket}/`;
      const result = await taskmanager(['backup', '--out', `s3://${bucket}/${prefix}`], {
        DATABASE_URL: source.url,
        ...(await env()),
      });
      expect(result.code).toBe(1);
      expect(lastLine(result.err)).toMatch(
        new RegExp(
          `^taskmanager backup: cannot write s3://${bucket}/${prefix}taskmanager-\\d{8}T\\d{6}Z\\.ndjson\\.gz`,
        ),
      );
      expect(lastLine(result.err)).toMatch(message);
      expect(result.out).toBe('');
      expect(await keysUnder(prefix)).toEqual([]);
      expect(await uploadsUnder(prefix)).toEqual([]);
    },
  );

  it('without S3_ENDPOINT an s3:// archive is a configuration error, exit code 2', async () => {
    const none = await taskmanager(['restore', `s3://${BUCKET}/x.ndjson.gz`], {
      DATABASE_URL: source.url,
    });
    expect(none.code).toBe(2);
    expect(lastLine(none.err)).toMatch(
      /^taskmanager restore: configuration error: S3_ENDPOINT is not set: s3:\/\/ archives need S3_ENDPOINT, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY_FILE/,
    );
  });

  it('an unknown access key id is named, and reads are refused as clearly', async () => {
    const stranger = store({}, undefined, { accessKeyId: 'AKIAUNKNOWN' });
    const at = { bucket: BUCKET, key: 'refused/key-id.ndjson.gz' };
    await expect(stranger.put(at, 'x', 'text/plain')).rejects.toThrow(
      /^http:\/\/127\.0\.0\.1:\d+ does not know the access key id \(InvalidAccessKeyId\); check S3_ACCESS_KEY_ID$/,
    );
    const into = await emptyDatabase(sqlite);
    const error = await restoreBackup(into, s3Archive(stranger, at)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackupError);
    expect((error as Error).message).toMatch(/does not know the access key id/);
    expect(await keysUnder('refused/')).toEqual([]);
  });

  it('the endpoint gone midway: one clear error, no object; the incomplete upload is named', async () => {
    const prefix = 'cut-off/';
    const proxy = new TcpProxy(await freePort(), {
      host: '127.0.0.1',
      port: Number(new URL(server.endpoint).port),
    });
    await proxy.start();
    cleanups.push(() => proxy.stop());
    const at: ObjectLocation = { bucket: BUCKET, key: `${prefix}archive.ndjson.gz` };
    let cut = false;
    const error = await writeBackupToS3(
      source.database,
      store({ partSize: PART, maxAttempts: 2 }, `http://127.0.0.1:${proxy.port}`),
      at,
      {
        pageSize: 20,
        onPage: async () => {
          if (cut || (await uploadsUnder(prefix)).length === 0) return;
          await aPartLanded(prefix);
          await proxy.stop();
          cut = true;
        },
      },
    ).catch((e: unknown) => e);
    expect(cut).toBe(true);
    expect(error).toBeInstanceOf(BackupError);
    const [upload] = await uploadsUnder(prefix);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^cannot write s3://backups/cut-off/archive\\.ndjson\\.gz: cannot reach the S3 endpoint http://127\\.0\\.0\\.1:${proxy.port}: connection (refused|reset); ` +
          `its incomplete multipart upload \\(${upload!.uploadId}\\) could not be aborted: not an object, .*; no backup was written$`,
      ),
    );
    // As on S3: no object; the parts stay until the upload is aborted (by hand or a lifecycle rule).
    expect(await keysUnder(prefix)).toEqual([]);
    await inspect.send(
      new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: at.key, UploadId: upload!.uploadId }),
    );
    expect(await uploadsUnder(prefix)).toEqual([]);
  });
});
