// Project export and import (issue 15): export → import → export gives the same document (the
// format has no ids, so the two compare directly: only the export time and the import's own
// history entry differ); people are matched by email among members; bad documents are 400 with
// the fields named and nothing written; a failure inside the transaction leaves nothing; the
// task CSV parses back with a real CSV parser, formula-like cells defused.
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { Client } from '../../support/app.js';
import type { TestApp } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { API, createTask, expectError, rowCounts, signUp, team, useApp } from './helpers.js';

interface Doc {
  format: string;
  formatVersion: number;
  exportedAt: string;
  project: Record<string, unknown>;
  members: { email: string; role: string }[];
  labels: { name: string; color: string }[];
  columns?: { name: string; category: string; color: string | null; wipLimit: number | null }[];
  tasks: {
    title: string;
    column?: number;
    assignee: string | null;
    labels: string[];
    checklist: unknown[];
    comments: { author: string }[];
    activity: { action: string }[];
  }[];
  activity: { action: string; actor: string }[];
}

async function exportOf(t: TestApp, client: Client, projectId: string, format = 'json') {
  const reply = await client.request('GET', `${API}/projects/${projectId}/export?format=${format}`);
  expect(reply.status, reply.raw.body.slice(0, 300)).toBe(200);
  return reply;
}

/** A project with something of everything, by several people. */
async function richProject(t: TestApp) {
  const { owner, editor, viewer, stranger, projectId } = await team(t);
  const request = async (
    client: Client,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
  ) => {
    const reply = await client.request(method, `${API}${url}`, body);
    expect(reply.status, JSON.stringify(reply.body)).toBeLessThan(300);
    return reply.body;
  };
  await request(owner, 'PATCH', `/projects/${projectId}`, {
    description: 'Über "quotes", commas\nlines 😀',
  });
  const bug = await request(owner, 'POST', `/projects/${projectId}/labels`, {
    name: 'bug',
    color: '#DC2626',
  });
  const ux = await request(editor, 'POST', `/projects/${projectId}/labels`, { name: 'ux, design' });
  await request(owner, 'POST', `/projects/${projectId}/labels`, { name: 'unused' });
  const first = await createTask(owner, projectId, {
    title: '=HYPERLINK("http://x")',
    description: 'Steps:\n1. "open"\n2. click, wait',
    priority: 'urgent',
    dueAt: '2027-03-01T09:30:00.250Z',
    assigneeId: editor.user!.id,
    labels: [bug.id, ux.id],
  });
  // A column of the project's own, limited and coloured, before Done; Third sits in it.
  const done = (
    (await request(owner, 'GET', `/projects/${projectId}/columns`)) as {
      items: { id: string; category: string }[];
    }
  ).items.find((c) => c.category === 'done')!;
  const review = (await request(editor, 'POST', `/projects/${projectId}/columns`, {
    name: 'Review',
    category: 'in_progress',
    wipLimit: 2,
    color: '#7C3AED',
    beforeId: done.id,
  })) as { id: string };
  const second = await createTask(editor, projectId, { title: 'Second', status: 'in_progress' });
  await createTask(editor, projectId, { title: 'Third', columnId: review.id });
  const gone = await createTask(owner, projectId, { title: 'Deleted later' });
  await request(editor, 'POST', `/tasks/${second.id}/move`, { status: 'done' });
  await request(editor, 'PATCH', `/tasks/${first.id}`, { title: '=HYPERLINK("http://x") v2' });
  await request(owner, 'POST', `/tasks/${first.id}/checklist`, { text: 'one' });
  await request(owner, 'POST', `/tasks/${first.id}/checklist`, { text: 'two', done: true });
  await request(editor, 'POST', `/tasks/${first.id}/comments`, { body: 'Comment by the editor' });
  await request(owner, 'POST', `/tasks/${first.id}/comments`, { body: '@owner 😀 "said"' });
  await request(owner, 'DELETE', `/tasks/${gone.id}`);
  return { owner, editor, viewer, stranger, projectId, first };
}

describe.each(testDatabases)('project export and import on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);

  it_('export → import → export is the same document', async () => {
    const t = app();
    const { owner, viewer, projectId } = await richProject(t);
    const reply = await exportOf(t, viewer, projectId);
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(reply.headers['content-disposition']).toBe('attachment; filename="team-project.json"');
    const first = JSON.parse(reply.raw.body) as Doc;
    expect(first).toMatchObject({ format: 'taskmanager-project', formatVersion: 1 });
    expect(first.tasks.map((task) => task.title)).toEqual([
      '=HYPERLINK("http://x") v2',
      'Second',
      'Third',
    ]);
    expect(first.tasks[0]!.labels).toEqual(['bug', 'ux, design']);
    expect(first.columns).toEqual([
      { name: 'To do', category: 'todo', color: null, wipLimit: null },
      { name: 'In progress', category: 'in_progress', color: null, wipLimit: null },
      { name: 'Review', category: 'in_progress', color: '#7c3aed', wipLimit: 2 },
      { name: 'Done', category: 'done', color: null, wipLimit: null },
    ]);
    expect(first.tasks.map((task) => task.column)).toEqual([0, 3, 2]);
    expect(first.labels.map((l) => l.color)).toContain('#dc2626');
    expect(first.tasks[0]!.comments).toHaveLength(2);
    expect(first.tasks[0]!.checklist).toHaveLength(2);
    expect(first.tasks[1]!.activity.map((a) => a.action)).toEqual(['task.created', 'task.moved']);
    // The deleted task's history stays, at project level.
    expect(first.activity.map((a) => a.action)).toContain('task.deleted');

    const imported = await owner.request('POST', `${API}/projects/import`, reply.raw.body);
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body).toMatchObject({
      project: {
        name: 'Team project',
        role: 'owner',
        taskCounts: { todo: 1, in_progress: 1, done: 1 },
      },
      imported: { members: 3, labels: 3, tasks: 3, checklistItems: 2, comments: 2 },
      droppedMembers: [],
      unassignedTasks: [],
      reattributed: 0,
    });
    const newId = imported.body.project.id as string;
    expect(newId).not.toBe(projectId);

    const again = JSON.parse((await exportOf(t, viewer, newId)).raw.body) as Doc;
    // The import records itself: the one entry the second export has in addition.
    const own = again.activity.pop()!;
    expect(own).toMatchObject({ action: 'project.imported', actor: owner.user!.email });
    expect({ ...again, exportedAt: '' }).toEqual({ ...first, exportedAt: '' });

    // And the imported project works through the API like any other.
    const tasks = await viewer.request('GET', `${API}/projects/${newId}/tasks?limit=200`);
    expect(tasks.body.items.map((task: { title: string }) => task.title).sort()).toEqual([
      '=HYPERLINK("http://x") v2',
      'Second',
      'Third',
    ]);
    const history = await viewer.request('GET', `${API}/projects/${newId}/activity?limit=200`);
    expect(history.body.items[0].action).toBe('project.imported');
  });

  it_(
    'people without an account, or not members, are dropped, unassigned or reattributed',
    async () => {
      const t = app();
      const { owner, editor, projectId } = await richProject(t);
      const doc = JSON.parse((await exportOf(t, owner, projectId)).raw.body) as Doc;
      // An account that exists but is not listed as a member cannot be named as an author.
      const outsider = await signUp(t, 'Outsider');
      doc.members = doc.members.filter((m) => m.email !== editor.user!.email);
      doc.members.push({
        email: 'nobody@example.com',
        name: 'Nobody',
        role: 'editor',
        addedAt: '2026-01-01T00:00:00Z',
      } as never);
      doc.tasks[0]!.comments[0]!.author = outsider.user!.email;
      doc.tasks[1]!.assignee = 'nobody@example.com';
      const importer = await signUp(t, 'Importer');
      const reply = await importer.request('POST', `${API}/projects/import`, doc);
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      expect(reply.body.droppedMembers).toEqual(['nobody@example.com']);
      expect(reply.body.unassignedTasks).toEqual([
        { title: doc.tasks[0]!.title, assignee: editor.user!.email },
        { title: 'Second', assignee: 'nobody@example.com' },
      ]);
      expect(reply.body.reattributed).toBeGreaterThan(2);
      const members = await importer.request(
        'GET',
        `${API}/projects/${reply.body.project.id}/members`,
      );
      expect(
        Object.fromEntries(
          members.body.items.map((m: { email: string; role: string }) => [m.email, m.role]),
        ),
      ).toEqual({
        [importer.user!.email]: 'owner',
        [owner.user!.email]: 'owner',
        [doc.members.find((m) => m.role === 'viewer')!.email]: 'viewer',
      });
      const out = JSON.parse((await exportOf(t, importer, reply.body.project.id)).raw.body) as Doc;
      expect(out.tasks[0]!.comments.map((c) => c.author)).toEqual([
        importer.user!.email,
        owner.user!.email,
      ]);
      expect(out.tasks.map((task) => task.assignee)).toEqual([null, null, null]);
    },
  );

  it_('bad documents are 400 with the field named, and nothing is written', async () => {
    const t = app();
    const { owner, projectId } = await richProject(t);
    const text = (await exportOf(t, owner, projectId)).raw.body;
    const good = JSON.parse(text) as Doc;
    const before = await rowCounts(t);
    const refused = async (body: unknown, field: string) => {
      const reply = await owner.request('POST', `${API}/projects/import`, body);
      const error = expectError(reply, 'VALIDATION_FAILED');
      expect(JSON.stringify(error.details ?? error.message)).toContain(field);
    };
    await refused({ ...good, formatVersion: 2 }, 'formatVersion');
    await refused({ ...good, format: 'trello' }, 'format');
    await refused(
      { ...good, tasks: [{ ...good.tasks[0], labels: ['no such label'] }] },
      'tasks.0.labels.0',
    );
    await refused({ ...good, labels: [...good.labels, good.labels[0]] }, 'labels.3.name');
    await refused({ ...good, tasks: [{ ...good.tasks[0], status: 'doing' }] }, 'tasks.0.status');
    await refused({ ...good, extra: true }, 'extra');
    await refused({ ...good, tasks: [{ ...good.tasks[0], column: 1 }] }, 'tasks.0.column');
    await refused({ ...good, columns: good.columns!.slice(1) }, 'has no column for todo tasks');
    await refused(text.slice(0, 200), 'JSON');
    // A declared length over the limit is refused before a byte is read.
    const tooBig = await owner.request('POST', `${API}/projects/import`, '{}', {
      headers: { 'content-length': String(256 * 1024 * 1024 + 1) },
    });
    expect(expectError(tooBig, 'PAYLOAD_TOO_LARGE').message).toContain('256 MiB');
    expect(await rowCounts(t)).toEqual(before);
  });

  it_('a failure inside the import rolls all of it back', async () => {
    const t = app();
    const { owner, projectId } = await richProject(t);
    const doc = JSON.parse((await exportOf(t, owner, projectId)).raw.body) as Doc;
    (doc.tasks[0]!.comments[1] as unknown as { body: string }).body = 'boom';
    // The database itself refuses the last comment: a failure after most rows are written.
    const db = t.database.db;
    if (target.name === 'sqlite')
      await sql`create trigger refuse_boom before insert on comments when new.body = 'boom' begin select raise(abort, 'boom'); end`.execute(
        db,
      );
    else
      await sql
        .raw(
          `create trigger refuse_boom before insert on comments for each row begin if new.body = 'boom' then signal sqlstate '45000' set message_text = 'boom'; end if; end`,
        )
        .execute(db);
    try {
      const before = await rowCounts(t);
      const reply = await owner.request('POST', `${API}/projects/import`, doc);
      expectError(reply, 'INTERNAL');
      expect(await rowCounts(t)).toEqual(before);
    } finally {
      await sql`drop trigger refuse_boom`.execute(db);
    }
  });

  it_('the task CSV parses back: RFC 4180, UTF-8, formulas defused', async () => {
    const t = app();
    const { viewer, editor, projectId } = await richProject(t);
    const reply = await exportOf(t, viewer, projectId, 'csv');
    expect(reply.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(reply.headers['content-disposition']).toBe(
      'attachment; filename="team-project.tasks.csv"',
    );
    expect(reply.raw.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = parse<Record<string, string>>(reply.raw.rawPayload, {
      bom: true,
      columns: true,
      record_delimiter: '\r\n',
    });
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      title: `'=HYPERLINK("http://x") v2`,
      status: 'todo',
      priority: 'urgent',
      due_at: '2027-03-01T09:30:00.250Z',
      assignee: editor.user!.email,
      labels: 'bug; ux, design',
      checklist_done: '1',
      checklist_total: '2',
      description: 'Steps:\n1. "open"\n2. click, wait',
    });
    expect(rows.map((row) => row.title)).toEqual([`'=HYPERLINK("http://x") v2`, 'Second', 'Third']);
    expect(Object.keys(rows[0]!)).toEqual([
      'id',
      'title',
      'status',
      'priority',
      'due_at',
      'assignee',
      'labels',
      'checklist_done',
      'checklist_total',
      'created_by',
      'created_at',
      'updated_at',
      'description',
      'archived_at',
    ]);
  });

  it_('members export, strangers learn nothing, anyone signed in imports', async () => {
    const t = app();
    const { viewer, stranger, projectId } = await team(t);
    const anonymous = new Client(t.app);
    expectError(
      await anonymous.request('GET', `${API}/projects/${projectId}/export`),
      'UNAUTHENTICATED',
    );
    expectError(await anonymous.request('POST', `${API}/projects/import`, {}), 'UNAUTHENTICATED');
    expectError(await stranger.request('GET', `${API}/projects/${projectId}/export`), 'NOT_FOUND');
    expectError(
      await stranger.request('GET', `${API}/projects/${projectId}/export?format=csv`),
      'NOT_FOUND',
    );
    expectError(
      await viewer.request('GET', `${API}/projects/${projectId}/export?format=xml`),
      'VALIDATION_FAILED',
    );
    const doc = JSON.parse((await exportOf(t, viewer, projectId)).raw.body) as Doc;
    const reply = await stranger.request('POST', `${API}/projects/import`, doc);
    expect(reply.status).toBe(201);
    expect(reply.body.project.role).toBe('owner');
  });

  it_(
    'a Trello board export becomes a project: lists, cards, labels, checklists, comments',
    async () => {
      const t = app();
      const owner = await signUp(t, 'Trello user');
      const board = JSON.parse(
        await readFile('tests/fixtures/trello/board.json', 'utf8'),
      ) as unknown;
      const reply = await owner.request('POST', `${API}/projects/import/trello`, board);
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      expect(reply.body).toMatchObject({
        project: { name: 'Website relaunch', taskCounts: { todo: 1, in_progress: 1, done: 1 } },
        // The archived card is imported archived: in the archive, not in the columns' counts.
        imported: { members: 1, labels: 5, tasks: 4, checklistItems: 3, comments: 2 },
        // A Trello export has no emails: its people cannot be matched.
        unassignedTasks: [{ title: 'Write the style guide', assignee: 'Ana López' }],
        skipped: { archivedCards: 0, cardsOfArchivedLists: 1, cardsWithoutList: 0 },
      });
      const doc = JSON.parse((await exportOf(t, owner, reply.body.project.id)).raw.body) as Doc;
      expect(doc.project.description).toBe('Everything for the **new site**.');
      // Each open list is a column, in Trello's order, of the status its name says.
      expect(doc.columns!.map((c) => `${c.name}:${c.category}`)).toEqual([
        'Backlog:todo',
        'Doing:in_progress',
        'Done:done',
      ]);
      // Created in the same second (their ids say): in name order.
      expect(doc.labels.map((l) => [l.name, l.color])).toEqual([
        ['blocked', '#f87168'],
        ['blocked 2', '#6cc3e0'],
        ['no colour', '#8590a2'],
        ['purple dark', '#9f8fef'],
        ['ready', '#4bce97'],
      ]);
      const byTitle = Object.fromEntries(doc.tasks.map((task) => [task.title, task])) as Record<
        string,
        Record<string, unknown>
      >;
      expect(Object.keys(byTitle).sort()).toEqual([
        'Migrate the blog',
        'Old logo variants',
        'Pick a hosting provider',
        'Write the style guide',
      ]);
      // Closed on Trello: archived here, at its last activity (Trello keeps no closing time).
      expect(byTitle['Old logo variants']).toMatchObject({
        archivedAt: '2024-01-20T08:00:00.000Z',
      });
      expect(byTitle['Write the style guide']).toMatchObject({ archivedAt: null });
      expect(byTitle['Write the style guide']).toMatchObject({
        status: 'todo',
        description: 'Colours, type, spacing.\nSee the "brand" folder.',
        dueAt: '2024-03-01T17:00:00.000Z',
        assignee: null,
        labels: ['purple dark', 'ready'],
        // Trello's order is `pos`, not the order in the file: checklists, then their items.
        checklist: [
          { text: 'Sections: Colours', done: true, position: 0 },
          { text: 'Sections: Typography', done: false, position: 1 },
          { text: 'Review: Design sign-off', done: false, position: 2 },
        ],
        comments: [
          {
            author: owner.user!.email,
            body: 'Ana López (Trello): First comment',
            createdAt: '2024-01-24T09:15:00.000Z',
          },
          {
            author: owner.user!.email,
            body: 'Bruno Díaz (Trello): Second comment, with **markdown**.',
          },
        ],
        // A card's creation time is in its id (a MongoDB ObjectId: Unix seconds first).
        createdAt: new Date(parseInt('65a0f1d0', 16) * 1000).toISOString(),
      });
      expect(byTitle['Migrate the blog']).toMatchObject({
        status: 'in_progress',
        column: 1,
        labels: ['blocked'],
        description: null,
        dueAt: null,
      });
      expect(byTitle['Pick a hosting provider']).toMatchObject({
        status: 'done',
        dueAt: '2024-01-31T12:00:00.000Z',
      });

      const before = await rowCounts(t);
      expectError(
        await owner.request('POST', `${API}/projects/import/trello`, { name: 'No lists' }),
        'VALIDATION_FAILED',
      );
      expect(await rowCounts(t)).toEqual(before);
    },
  );

  it_(
    'a Trello export over the CSV limit streams in: only what the import reads is kept',
    async () => {
      const t = app();
      const owner = await signUp(t, 'Big board');
      const fixture = JSON.parse(await readFile('tests/fixtures/trello/board.json', 'utf8')) as {
        lists: { id: string; closed?: boolean }[];
        labels: { id: string }[];
      };
      const open = fixture.lists.filter((list) => !list.closed);
      const ignored = 'x'.repeat(6000); // what Trello exports beside the fields read
      const cards = Array.from({ length: 3000 }, (_, i) => ({
        id: `65a0f1d0${String(i).padStart(16, '0')}`,
        name: `Card ${i}`,
        desc: i % 2 ? `Details of ${i}` : '',
        closed: false,
        idList: open[i % open.length]!.id,
        idLabels: [fixture.labels[i % fixture.labels.length]!.id],
        pos: 3000 - i,
        badges: { attachments: 0, description: ignored },
        pluginData: [{ value: ignored }],
      }));
      const actions = Array.from({ length: 1000 }, (_, i) => ({
        id: `65a0f1e0${String(i).padStart(16, '0')}`,
        type: i % 4 === 0 ? 'commentCard' : 'updateCard',
        date: '2024-02-01T10:00:00.000Z',
        data: { text: `Comment ${i}`, card: { id: cards[i]!.id, name: 'ignored' }, old: ignored },
        memberCreator: { fullName: 'Ana López', avatarUrl: 'ignored' },
      }));
      const text = JSON.stringify({ ...fixture, cards, checklists: [], actions });
      // Over the 16 MiB that a buffered body may have: this one is read as it arrives.
      expect(text.length).toBeGreaterThan(24 * 1024 * 1024);
      const reply = await owner.request('POST', `${API}/projects/import/trello`, text);
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      expect(reply.body.imported).toMatchObject({ tasks: 3000, comments: 250 });
      const doc = JSON.parse((await exportOf(t, owner, reply.body.project.id)).raw.body) as Doc;
      const card7 = doc.tasks.find((task) => task.title === 'Card 7')!;
      expect(card7).toMatchObject({ description: 'Details of 7', labels: [expect.any(String)] });
      expect(doc.tasks.find((task) => task.title === 'Card 4')!.comments).toMatchObject([
        { body: 'Ana López (Trello): Comment 4' },
      ]);
      expect(reply.body.project.taskCounts).toEqual({ todo: 1000, in_progress: 1000, done: 1000 });

      // Cut short: a clear 400, and nothing written.
      const before = await rowCounts(t);
      const cut = await owner.request(
        'POST',
        `${API}/projects/import/trello`,
        text.slice(0, 5 * 1024 * 1024),
      );
      expect(expectError(cut, 'VALIDATION_FAILED').details).toEqual([
        expect.objectContaining({ field: 'body', message: 'ends before its JSON is complete' }),
      ]);
      expect(await rowCounts(t)).toEqual(before);

      // An action the import would not read is still checked: one the schema refuses is refused.
      const badAction = { id: 'a1', type: 'updateCard', memberCreator: ['not', 'an', 'object'] };
      const refusedAction = await owner.request('POST', `${API}/projects/import/trello`, {
        ...fixture,
        actions: [badAction],
      });
      expect(JSON.stringify(expectError(refusedAction, 'VALIDATION_FAILED').details)).toContain(
        'memberCreator',
      );
      expect(await rowCounts(t)).toEqual(before);

      // Names that every JavaScript object has are data like any other: a colour "toString" is
      // an unknown colour (grey), an array "constructor" one the import does not read.
      const odd = await owner.request('POST', `${API}/projects/import/trello`, {
        ...fixture,
        labels: fixture.labels.map((label) => ({ ...label, color: 'toString' })),
        constructor: [{ id: 'x' }],
      });
      expect(odd.status, JSON.stringify(odd.body)).toBe(201);
      const oddDoc = JSON.parse((await exportOf(t, owner, odd.body.project.id)).raw.body) as Doc;
      expect(new Set(oddDoc.labels.map((label) => label.color))).toEqual(new Set(['#8590a2']));
    },
    120_000,
  );
});
