// Attachments in an S3-compatible bucket (ATTACHMENTS_STORAGE=s3://bucket/prefix/), against a
// real S3-protocol server that checks request signatures (gofakes3, a stand-in for AWS S3 and
// MinIO: tests/support/s3-server.ts): the bytes go to the bucket and never to the row, come back
// byte for byte, leave with the attachment; a refused or failed upload leaves no object; files of
// the database stay readable after the switch; the sweeper removes what cascades left behind.
import { randomBytes } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentsService } from '../../../src/features/attachments/attachments.service.js';
import { databaseStorage } from '../../../src/features/attachments/attachments.storage.js';
import { AttachmentSweeper } from '../../../src/features/attachments/attachments.sweeper.js';
import { newId } from '../../../src/platform/ids.js';
import { ObjectStore } from '../../../src/platform/s3.js';
import { Client, createTestApp } from '../../support/app.js';
import type { TestApp } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { freePort } from '../../support/process.js';
import { S3Server, requireS3Server } from '../../support/s3-server.js';
import { API, createTask, expectError, rowCounts, team } from './helpers.js';

const BUCKET = 'files';
const binary = requireS3Server();
let server: S3Server;
/** The test's own view of the bucket, independent of the code under test. */
let inspect: S3Client;

beforeAll(async () => {
  if (binary.skipReason) return;
  server = await S3Server.start(binary.path!, [BUCKET]);
  const { endpoint, region, accessKeyId, secretAccessKey } = server.config();
  inspect = new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
  });
});
afterAll(async () => {
  inspect?.destroy();
  await server?.stop();
});

/** The keys under a prefix, sorted. */
async function keys(prefix: string): Promise<string[]> {
  const listed = await inspect.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key!).sort();
}

async function objectBytes(key: string): Promise<Buffer> {
  const got = await inspect.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await got.Body!.transformToByteArray());
}

const upload = (client: Client, taskId: string, name: string, bytes: Buffer) =>
  client.request(
    'POST',
    `${API}/tasks/${taskId}/attachments?name=${encodeURIComponent(name)}`,
    bytes,
    { headers: { 'content-type': 'application/octet-stream' } },
  );

describe.each(testDatabases)('attachments in an S3 bucket on $name', (target) => {
  const it_ = it.skipIf(target.skipReason || binary.skipReason);
  let t: TestApp;
  /** Each database's suite has a prefix of its own in the one bucket. */
  const prefix = `${target.name}/attachments/`;

  beforeAll(async () => {
    if (target.skipReason || binary.skipReason) return;
    t = await createTestApp(
      target,
      server.env({ ATTACHMENTS_STORAGE: `s3://${BUCKET}/${prefix}` }),
    );
  });
  afterAll(async () => t?.close());

  it_('keeps the bytes in the bucket, not the row, and deletes them with the file', async () => {
    const { owner, viewer, projectId } = await team(t);
    const task = await createTask(owner, projectId);
    const bytes = randomBytes(300_000);
    const sent = await upload(owner, task.id, 'scan.bin', bytes);
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const id = sent.body.id as string;

    const row = await t.database.db
      .selectFrom('attachments')
      .select(['storage', 'data', 'size'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ storage: 's3', data: null });
    expect(Number(row.size)).toBe(bytes.length);
    expect(await keys(prefix)).toContain(`${prefix}${id}`);
    expect((await objectBytes(`${prefix}${id}`)).equals(bytes)).toBe(true);
    // Whatever the file is, the object is typed so that no browser renders it from the bucket.
    const head = await inspect.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: `${prefix}${id}` }),
    );
    expect(head.ContentType).toBe('application/octet-stream');
    await head.Body?.transformToByteArray();

    const download = await viewer.request('GET', sent.body.url);
    expect(download.status).toBe(200);
    expect(download.raw.rawPayload.equals(bytes)).toBe(true);
    expect(download.headers).toMatchObject({
      'content-type': 'application/octet-stream',
      'content-length': String(bytes.length),
      'x-content-type-options': 'nosniff',
      'content-disposition': expect.stringMatching(/^attachment; filename="scan.bin"/),
    });

    expect((await owner.request('DELETE', sent.body.url)).status).toBe(204);
    expect(await keys(prefix)).not.toContain(`${prefix}${id}`);
    expectError(await viewer.request('GET', sent.body.url), 'NOT_FOUND');
  });

  const rowSha = async (id: string) =>
    (
      await t.database.db
        .selectFrom('attachments')
        .select('sha256')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).sha256;

  it_('a refused upload writes no object and no row', async () => {
    const { owner, viewer, stranger, projectId } = await team(t);
    const task = await createTask(owner, projectId);
    const before = { objects: await keys(prefix), rows: await rowCounts(t) };
    expectError(await upload(viewer, task.id, 'a.bin', randomBytes(10)), 'FORBIDDEN');
    expectError(await upload(stranger, task.id, 'a.bin', randomBytes(10)), 'NOT_FOUND');
    expectError(await upload(owner, task.id, 'a/b.bin', randomBytes(10)), 'VALIDATION_FAILED');
    expectError(await upload(owner, newId(), 'a.bin', randomBytes(10)), 'NOT_FOUND');
    expect({ objects: await keys(prefix), rows: await rowCounts(t) }).toEqual(before);
  });

  it_('an object gone from the bucket is a 404, not an error page', async () => {
    const { owner, projectId } = await team(t);
    const task = await createTask(owner, projectId);
    const sent = await upload(owner, task.id, 'gone.bin', randomBytes(64));
    await inspect.send(
      new DeleteObjectCommand({ Bucket: BUCKET, Key: `${prefix}${sent.body.id}` }),
    );
    const gone = await owner.request('GET', sent.body.url);
    expectError(gone, 'NOT_FOUND');
    // Not served as a file: the download's own headers come only with its bytes.
    expect(gone.headers['content-disposition']).toBeUndefined();
    expect(gone.headers.etag).toBeUndefined();
    // A revalidation is answered from the row alone (a board revalidates every cover it shows):
    // no read of the store, so the vanished object does not show there.
    const etag = `"${await rowSha(sent.body.id)}"`;
    const revalidated = await owner.request('GET', sent.body.url, undefined, {
      headers: { 'if-none-match': etag },
    });
    expect(revalidated.status).toBe(304);
    // Deleting it still works: the row goes, and the object's absence is no failure.
    expect((await owner.request('DELETE', sent.body.url)).status).toBe(204);
  });

  it_(
    'files kept in the database before the switch stay readable, and the other way round',
    async () => {
      const { owner, projectId } = await team(t);
      const task = await createTask(owner, projectId);
      // Written by a service storing in the database, on the same database.
      const inDatabase = new AttachmentsService(
        t.database.db,
        1024 * 1024,
        Date.now,
        undefined,
        databaseStorage,
      );
      const auth = { user: owner.user! } as Parameters<AttachmentsService['list']>[0];
      const bytes = randomBytes(2048);
      const old = await inDatabase.upload(auth, task.id, 'old.bin', bytes);
      const got = await owner.request('GET', old.url);
      expect(got.status).toBe(200);
      expect(got.raw.rawPayload.equals(bytes)).toBe(true);
      expect(await keys(prefix)).not.toContain(`${prefix}${old.id}`);

      // A file in the bucket, read by a server without the bucket: its bytes are not lost, the
      // server says it cannot reach them (503), and the row stays.
      const inBucket = await upload(owner, task.id, 'new.bin', randomBytes(32));
      await expect(inDatabase.download(auth, inBucket.body.id)).rejects.toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        message: expect.stringMatching(/ATTACHMENTS_STORAGE/),
      });
      expect((await owner.request('GET', inBucket.body.url)).status).toBe(200);
    },
  );

  it_('a store that cannot be reached is a 503 with nothing written', async () => {
    const down = await createTestApp(
      target,
      server.env({
        S3_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
        ATTACHMENTS_STORAGE: `s3://${BUCKET}/${prefix}`,
      }),
    );
    try {
      const client = new Client(down.app);
      await client.register('Alone');
      const project = await client.request('POST', `${API}/projects`, { name: 'P' });
      const own = await createTask(client, project.body.id);
      const before = await rowCounts(down);
      const refused = await upload(client, own.id, 'a.bin', randomBytes(16));
      expectError(refused, 'SERVICE_UNAVAILABLE');
      // The store's address stays in the log; the caller learns what to do.
      expect(refused.body.error.message).toBe(
        'The file store cannot be reached; try again shortly',
      );
      expect(await rowCounts(down)).toEqual(before);
    } finally {
      await down.close();
    }
  });

  it_('the sweeper deletes objects no row names any more, past the grace period only', async () => {
    const { owner, projectId } = await team(t);
    const kept = await createTask(owner, projectId);
    const doomed = await createTask(owner, projectId);
    const stays = await upload(owner, kept.id, 'stays.bin', randomBytes(40));
    const orphan = await upload(owner, doomed.id, 'orphan.bin', randomBytes(40));
    // Deleting the task deletes its attachments by cascade: their object stays behind.
    expect((await owner.request('DELETE', `${API}/tasks/${doomed.id}`)).status).toBe(204);
    expect(await keys(prefix)).toContain(`${prefix}${orphan.body.id}`);
    // Not an attachment's name: never touched, whatever its age.
    const foreign = `${prefix}README.txt`;
    await inspect.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: foreign,
        Body: 'someone else',
        ContentType: 'text/plain',
      }),
    );

    const store = new ObjectStore(server.config());
    try {
      const young = new AttachmentSweeper(t.database.db, store, BUCKET, prefix, undefined, {
        graceMs: 3_600_000,
      });
      expect(await young.runOnce()).toBe(0);
      // Two keys a page: the listing is read, and the rows asked for, a page at a time.
      const sweeper = new AttachmentSweeper(t.database.db, store, BUCKET, prefix, undefined, {
        graceMs: 0,
        now: () => Date.now() + 1000,
        pageSize: 2,
      });
      expect(await sweeper.runOnce()).toBe(1);
      const left = await keys(prefix);
      expect(left).not.toContain(`${prefix}${orphan.body.id}`);
      expect(left).toContain(`${prefix}${stays.body.id}`);
      expect(left).toContain(foreign);
      expect(await sweeper.runOnce()).toBe(0);
      expect((await owner.request('GET', stays.body.url)).status).toBe(200);
    } finally {
      store.close();
    }
  });
});
