// Shared pieces of the backup suites: realistic data written through the real API, a full export
// of every row and field to compare two databases with, and archives rewritten on purpose.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { TABLES } from '../../../src/backup/tables.js';
import type { Db } from '../../../src/db/database.js';
import { seed } from '../../../src/cli/commands/seed-data.js';
import { Client, PASSWORD, uniqueEmail } from '../../support/app.js';
import type { TestApp } from '../../support/app.js';

const API = '/api/v1';

/** Every byte value twice, and the smallest PNG: attachments the archive must keep exactly. */
export const EVERY_BYTE = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** Every row of every table, ordered by primary key: two databases compare with toEqual. */
export async function exportAll(db: Db): Promise<Record<string, unknown[]>> {
  const present = new Set((await db.introspection.getTables()).map((t) => t.name));
  const all: Record<string, unknown[]> = {};
  for (const { name, key } of TABLES) {
    if (!present.has(name)) continue;
    const { rows } = await sql`select * from ${sql.table(name)} order by ${sql.join(
      key.map((c) => sql.ref(c)),
    )}`.execute(db);
    all[name] = rows;
  }
  return all;
}

/** An export without sign-in sessions (archived only with --include-sessions). */
export const withoutSessions = (rows: Record<string, unknown[]>) =>
  Object.fromEntries(Object.entries(rows).filter(([table]) => table !== 'sessions'));

export async function ok<T = any>(
  client: Client,
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
): Promise<T> {
  const reply = await client.request(method, `${API}${url}`, body);
  expect(reply.status, JSON.stringify(reply.body)).toBeLessThan(300);
  return reply.body as T;
}

/**
 * Data in every table, with the awkward values: non-ASCII and emoji, a 20,000-character
 * description, nulls, fractional positions, due dates, an API token, sessions, comments and the
 * activity they record. Plus `bulk` seeded tasks so that reads span many keyset pages.
 */
export async function populate(t: TestApp, bulk = 300): Promise<{ owner: Client }> {
  const owner = await new Client(t.app).register('Zoë Ørsted 🦊');
  const editor = await new Client(t.app).register('Editor');
  await ok(owner, 'POST', '/tokens', {
    name: 'ci token',
    currentPassword: PASSWORD,
    expiresInDays: 90,
  });
  const project = await ok(owner, 'POST', '/projects', {
    name: 'Backups ✓ 日本語',
    description: 'Line one\nLine "two"\t\\ and \u2028 separators',
  });
  await ok(owner, 'POST', `/projects/${project.id}/members`, {
    email: editor.user!.email,
    role: 'editor',
  });
  // A single sign-on identity (oidc.test.ts makes them through a real provider); subjects are
  // case-sensitive, so two differing only in case are two rows.
  for (const subject of ['Sub-Ωmega', 'sub-ωmega'])
    await t.database.db
      .insertInto('oidc_identities')
      .values({
        issuer: 'https://sso.example.com/realms/staff',
        subject,
        user_id: subject === 'Sub-Ωmega' ? owner.user!.id : editor.user!.id,
        created_at: 1_700_000_000_000,
        last_login_at: 1_700_000_000_123,
      })
      .execute();
  const bug = await ok(owner, 'POST', `/projects/${project.id}/labels`, { name: 'bug' });
  const ux = await ok(owner, 'POST', `/projects/${project.id}/labels`, { name: 'ux ✨' });
  const long = await ok(owner, 'POST', `/projects/${project.id}/tasks`, {
    title: 'Long 💾',
    description: 'ä'.repeat(20_000),
    priority: 'high',
    dueAt: '2027-03-04T05:06:07.089Z',
    assigneeId: editor.user!.id,
    labels: [bug.id, ux.id],
  });
  const plain = await ok(editor, 'POST', `/projects/${project.id}/tasks`, {
    title: 'Plain',
    description: null,
  });
  await ok(owner, 'POST', `/tasks/${plain.id}/move`, { status: 'in_progress' });
  await ok(owner, 'POST', `/tasks/${long.id}/move`, { status: 'in_progress', beforeId: plain.id });
  await ok(editor, 'POST', `/tasks/${long.id}/comments`, { body: 'First 🎉 comment' });
  await ok(owner, 'POST', `/tasks/${plain.id}/comments`, { body: 'x'.repeat(5000) });
  await ok(editor, 'POST', `/tasks/${long.id}/checklist`, { text: 'Prüfen 🎉', done: true });
  await ok(editor, 'POST', `/tasks/${long.id}/checklist`, { text: 'then ship' });
  // A file holding every byte value (kept as bytes: base64 in the archive), and an image cover.
  await ok(
    editor,
    'POST',
    `/tasks/${long.id}/attachments?name=${encodeURIComponent('bytes ✓.bin')}`,
    EVERY_BYTE,
  );
  const cover = await ok(owner, 'POST', `/tasks/${long.id}/attachments?name=pixel.png`, PNG);
  await ok(owner, 'PUT', `/tasks/${long.id}/cover`, { attachmentId: cover.id });
  // The owner signed up first, so administers: a used and a pending invite, a disabled account
  // and a forced password reset (the reset link's hash and expiry are archived with the user).
  const invite = await ok(owner, 'POST', '/admin/invites', {
    note: 'für Zoë 🦊',
    project: { id: project.id, role: 'viewer' },
  });
  const invited = await ok(new Client(t.app), 'POST', '/invites/accept', {
    token: invite.token,
    email: uniqueEmail('invited'),
    name: 'Invitée',
    password: PASSWORD,
  });
  await ok(owner, 'POST', '/admin/invites', { expiresInDays: 1 });
  await ok(owner, 'PATCH', `/admin/users/${invited.user.id}`, { disabled: true });
  await ok(owner, 'POST', `/admin/users/${editor.user!.id}/password-reset`);
  if (bulk > 0)
    await seed(t.database.db, { users: 3, projects: 2, tasks: bulk, password: 'bulk password 1' });
  return { owner };
}

/** Rewrites an archive's lines (then fixes its counts and checksum, unless `keepTrailer`). */
export function rewriteArchive(
  from: string,
  to: string,
  edit: (lines: string[]) => string[],
  keepTrailer = false,
): void {
  const lines = gunzipSync(readFileSync(from)).toString('utf8').split('\n');
  lines.pop();
  const trailerLine = lines.pop()!;
  const body = edit(lines);
  let trailer = trailerLine;
  if (!keepTrailer) {
    const rows: Record<string, number> = {};
    let table = '';
    for (const line of body) {
      if (line.startsWith('{"table"')) table = (JSON.parse(line) as { table: string }).table;
      else if (line.startsWith('[')) rows[table] = (rows[table] ?? 0) + 1;
      else if (line.startsWith('{"end"')) rows[table] ??= 0;
    }
    const text = body.map((l) => `${l}\n`).join('');
    trailer = JSON.stringify({
      trailer: { rows, sha256: createHash('sha256').update(text).digest('hex') },
    });
  }
  writeFileSync(to, gzipSync(body.map((l) => `${l}\n`).join('') + trailer + '\n'));
}
