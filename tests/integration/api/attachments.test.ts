// Attachments (issue 14): files on a task, uploaded as the raw request body, listed, downloaded
// byte for byte with headers that never let a browser render them as a page, deleted; an image
// may be the task's cover. Limits, names and roles are refused with nothing written.
import { describe, expect, it } from 'vitest';
import type { Client } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { API, createTask, expectError, rowCounts, team, useApp } from './helpers.js';

/** The smallest PNG: one transparent pixel. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const EVERY_BYTE = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));

const upload = (
  client: Client,
  taskId: string,
  name: string,
  bytes: Buffer | string,
  contentType = 'application/octet-stream',
) =>
  client.request(
    'POST',
    `${API}/tasks/${taskId}/attachments?name=${encodeURIComponent(name)}`,
    Buffer.from(bytes),
    { headers: { 'content-type': contentType } },
  );

describe.each(testDatabases)('attachments on $name', (target) => {
  const app = useApp(target, { ATTACHMENT_MAX_BYTES: '4096' });
  const it_ = it.skipIf(target.skipReason);

  it_('uploads, lists newest first, downloads every byte and deletes', async () => {
    const t = app();
    const { owner, editor, viewer, projectId } = await team(t);
    const task = await createTask(owner, projectId);
    const binary = await upload(editor, task.id, '  Données brutes.bin ', EVERY_BYTE, 'text/html');
    expect(binary.status, JSON.stringify(binary.body)).toBe(201);
    expect(binary.body).toEqual({
      id: expect.any(String),
      taskId: task.id,
      name: 'Données brutes.bin',
      contentType: 'application/octet-stream',
      size: 512,
      image: false,
      cover: false,
      uploadedBy: { id: editor.user!.id, name: 'Editor' },
      createdAt: expect.any(String),
      url: `${API}/attachments/${binary.body.id}`,
    });
    const image = await upload(owner, task.id, 'pixel.png', PNG, 'text/plain');
    expect(image.status).toBe(201);
    expect(image.body).toMatchObject({ contentType: 'image/png', image: true, size: PNG.length });

    const list = await viewer.request('GET', `${API}/tasks/${task.id}/attachments`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((a: { name: string }) => a.name)).toEqual([
      'pixel.png',
      'Données brutes.bin',
    ]);

    const download = await viewer.request('GET', binary.body.url);
    expect(download.status).toBe(200);
    expect(download.raw.rawPayload.equals(EVERY_BYTE)).toBe(true);
    expect(download.headers).toMatchObject({
      'content-type': 'application/octet-stream',
      'content-length': '512',
      'content-disposition': `attachment; filename="Donn_es brutes.bin"; filename*=UTF-8''Donn%C3%A9es%20brutes.bin`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': 'sandbox',
      'cache-control': 'private, no-cache',
      etag: expect.stringMatching(/^"[0-9a-f]{64}"$/),
    });
    const again = await viewer.request('GET', binary.body.url, undefined, {
      headers: { 'if-none-match': String(download.headers.etag) },
    });
    expect(again.status).toBe(304);

    // Inline only for a raster image, and only when asked.
    const png = await viewer.request('GET', `${image.body.url}?inline=1`);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.headers['content-disposition']).toMatch(/^inline; filename="pixel.png"/);
    expect(png.raw.rawPayload.equals(PNG)).toBe(true);
    const notInline = await viewer.request('GET', `${binary.body.url}?inline=1`);
    expect(notInline.headers['content-disposition']).toMatch(/^attachment;/);

    expect((await viewer.request('GET', `${API}/tasks/${task.id}`)).body.attachments).toBe(2);
    const removed = await editor.request('DELETE', binary.body.url);
    expect(removed.status).toBe(204);
    expectError(await viewer.request('GET', binary.body.url), 'NOT_FOUND');
    const after = await viewer.request('GET', `${API}/tasks/${task.id}/attachments`);
    expect(after.body.items.map((a: { id: string }) => a.id)).toEqual([image.body.id]);

    const activity = await owner.request('GET', `${API}/tasks/${task.id}/activity`);
    const actions = (activity.body.items as { action: string; details: unknown }[])
      .filter((a) => a.action.startsWith('attachment.'))
      .map((a) => [a.action, a.details]);
    expect(actions).toEqual(
      expect.arrayContaining([
        ['attachment.added', { attachmentId: binary.body.id, name: 'Données brutes.bin' }],
        ['attachment.added', { attachmentId: image.body.id, name: 'pixel.png' }],
        ['attachment.deleted', { attachmentId: binary.body.id, name: 'Données brutes.bin' }],
      ]),
    );
  });

  it_('serves HTML, SVG and scripts as text, whatever type the client claimed', async () => {
    const t = app();
    const { owner, projectId } = await team(t);
    const task = await createTask(owner, projectId);
    for (const [name, body, type] of [
      ['page.html', '<!doctype html><script>alert(1)</script>', 'text/html'],
      [
        'logo.svg',
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        'image/svg+xml',
      ],
      ['notes.txt', 'Plain words\n', 'text/plain'],
    ] as const) {
      const sent = await upload(owner, task.id, name, body, type);
      expect(sent.status).toBe(201);
      expect(sent.body.contentType).toBe('text/plain');
      const got = await owner.request('GET', `${sent.body.url}?inline=1`);
      expect(got.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(got.headers['content-disposition']).toMatch(/^attachment;/);
      expect(got.headers['content-security-policy']).toBe('sandbox');
      expect(got.raw.body).toBe(body);
    }
    // Sniffed by signature: a PDF and a zip sent as images.
    const pdf = await upload(owner, task.id, 'a.pdf', '%PDF-1.7\n%\xff\xff', 'image/png');
    expect(pdf.body.contentType).toBe('application/pdf');
    const zip = await upload(
      owner,
      task.id,
      'a.zip',
      Buffer.from([0x50, 0x4b, 3, 4, 0, 0]),
      'image/png',
    );
    expect(zip.body.contentType).toBe('application/zip');
  });

  it_('refuses too large, empty and badly named files with nothing written', async () => {
    const t = app();
    const { owner, projectId } = await team(t);
    const task = await createTask(owner, projectId);
    const before = await rowCounts(t);
    const large = expectError(
      await upload(owner, task.id, 'big.bin', Buffer.alloc(4097, 1)),
      'PAYLOAD_TOO_LARGE',
    );
    expect(large.details).toEqual({ maxBytes: 4096 });
    expect(large.message).toBe('An attachment is at most 4096 bytes');
    // Without a declared length (chunked): counted as it arrives.
    const chunked = await t.app.inject({
      method: 'POST',
      url: `${API}/tasks/${task.id}/attachments?name=big.bin`,
      headers: {
        cookie: owner.cookie!,
        'x-csrf-token': owner.csrfToken!,
        'transfer-encoding': 'chunked',
        'content-type': 'application/octet-stream',
      },
      payload: Buffer.alloc(5000, 1),
    });
    expect(chunked.statusCode).toBe(413);
    expectError(await upload(owner, task.id, 'empty.txt', ''), 'VALIDATION_FAILED');
    for (const name of [
      '',
      '   ',
      'a/b.txt',
      'a\\b.txt',
      'tab\there',
      'x'.repeat(256),
      '..',
      'rtl\u202Efdp.exe',
    ]) {
      const error = expectError(await upload(owner, task.id, name, 'text'), 'VALIDATION_FAILED');
      expect(JSON.stringify(error.details), name).toContain('name');
    }
    expectError(
      await owner.request('POST', `${API}/tasks/${task.id}/attachments`, Buffer.from('x'), {
        headers: { 'content-type': 'text/plain' },
      }),
      'VALIDATION_FAILED',
    );
    expect(await rowCounts(t)).toEqual(before);
    // Exactly at the limit is accepted.
    expect((await upload(owner, task.id, 'edge.bin', Buffer.alloc(4096, 2))).status).toBe(201);
  });

  it_('lets viewers read only, and strangers nothing', async () => {
    const t = app();
    const { owner, viewer, stranger, projectId } = await team(t);
    const task = await createTask(owner, projectId);
    const file = (await upload(owner, task.id, 'pixel.png', PNG)).body;
    const before = await rowCounts(t);
    expectError(await upload(viewer, task.id, 'mine.txt', 'text'), 'FORBIDDEN');
    expectError(await viewer.request('DELETE', file.url), 'FORBIDDEN');
    expectError(
      await viewer.request('PUT', `${API}/tasks/${task.id}/cover`, { attachmentId: file.id }),
      'FORBIDDEN',
    );
    expectError(await upload(stranger, task.id, 'mine.txt', 'text'), 'NOT_FOUND');
    expectError(await stranger.request('GET', `${API}/tasks/${task.id}/attachments`), 'NOT_FOUND');
    expectError(await stranger.request('GET', file.url), 'NOT_FOUND');
    expectError(await stranger.request('DELETE', file.url), 'NOT_FOUND');
    expect(await rowCounts(t)).toEqual(before);
    expect((await viewer.request('GET', file.url)).status).toBe(200);
  });

  it_('makes an image of the task its cover; deleting it clears the cover', async () => {
    const t = app();
    const { owner, projectId } = await team(t);
    const task = await createTask(owner, projectId);
    const other = await createTask(owner, projectId);
    const image = (await upload(owner, task.id, 'pixel.png', PNG)).body;
    const text = (await upload(owner, task.id, 'notes.txt', 'words')).body;
    const elsewhere = (await upload(owner, other.id, 'pixel.png', PNG)).body;
    const cover = (attachmentId: string | null, id = task.id) =>
      owner.request('PUT', `${API}/tasks/${id}/cover`, { attachmentId });

    for (const refused of [text.id, elsewhere.id, 'no-such-attachment']) {
      const error = expectError(await cover(refused), 'VALIDATION_FAILED');
      expect(JSON.stringify(error.details)).toContain('attachmentId');
    }
    const set = await cover(image.id);
    expect(set.status).toBe(200);
    expect(set.body).toEqual({
      cover: { attachmentId: image.id, url: `${API}/attachments/${image.id}?inline=1` },
    });
    const read = async () => (await owner.request('GET', `${API}/tasks/${task.id}`)).body;
    const before = await read();
    expect(before.cover).toEqual({
      attachmentId: image.id,
      url: `${API}/attachments/${image.id}?inline=1`,
    });
    expect(before.attachments).toBe(2);
    // The board's page carries it too, and the task's version is unchanged.
    const board = await owner.request('GET', `${API}/projects/${projectId}/tasks`);
    const card = board.body.items.find((item: { id: string }) => item.id === task.id);
    expect(card.cover?.attachmentId).toBe(image.id);
    expect(card.version).toBe(task.version);
    const listed = await owner.request('GET', `${API}/tasks/${task.id}/attachments`);
    expect(listed.body.items.find((a: { id: string }) => a.id === image.id).cover).toBe(true);

    expect((await owner.request('DELETE', image.url)).status).toBe(204);
    expect((await read()).cover).toBeNull();
    // Removing a cover that is not there is fine.
    expect((await cover(null)).body).toEqual({ cover: null });
    // A deleted task takes its files with it.
    expect((await owner.request('DELETE', `${API}/tasks/${other.id}`)).status).toBe(204);
    expectError(await owner.request('GET', elsewhere.url), 'NOT_FOUND');
  });
});
