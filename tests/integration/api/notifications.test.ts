// The inbox and watchers (issue 13): who is told what, once, and never of their own action; the
// inbox read, counted, marked and filtered by its owner only; per-user kinds; a removed member's
// notifications hidden; watch and unwatch.
import { describe, expect, it } from 'vitest';
import { Client } from '../../support/app.js';
import type { TestApp } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { API, createTask, expectError, team, useApp } from './helpers.js';

interface Note {
  id: string;
  kind: string;
  read: boolean;
  project: { id: string; name: string };
  task: { id: string; title: string } | null;
  actor: { id: string; name: string } | null;
  commentId: string | null;
}

describe.each(testDatabases)('notifications on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);

  const inbox = async (client: Client, query = '') => {
    const reply = await client.request('GET', `${API}/notifications${query}`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body.items as Note[];
  };
  const kinds = async (client: Client) =>
    (await inbox(client)).map((n) => `${n.kind} ${n.task?.title ?? '-'}`);
  const unread = async (client: Client) => {
    const reply = await client.request('GET', `${API}/notifications/unread-count`);
    expect(reply.status).toBe(200);
    return reply.body.count as number;
  };
  const comment = async (client: Client, taskId: string, body: string) => {
    const reply = await client.request('POST', `${API}/tasks/${taskId}/comments`, { body });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body.id as string;
  };
  const watching = async (client: Client, taskId: string) =>
    (await client.request('GET', `${API}/tasks/${taskId}`)).body.watching as boolean;
  /** A member of the project with a known email handle and name. */
  async function member(t: TestApp, owner: Client, projectId: string, name: string, local: string) {
    const client = await new Client(t.app).register(name, `${local}@example.com`);
    const added = await owner.request('POST', `${API}/projects/${projectId}/members`, {
      email: client.user!.email,
      role: 'editor',
    });
    expect(added.status).toBe(201);
    return client;
  }

  it_(
    'assignment: the assignee is told, creator and assignee watch, nobody of their own act',
    async () => {
      const t = app();
      const { owner, editor, viewer, projectId } = await team(t);
      const task = await createTask(owner, projectId, {
        title: 'Assigned at birth',
        assigneeId: editor.user!.id,
      });
      const [note] = await inbox(editor);
      expect(note).toEqual({
        id: expect.any(String),
        kind: 'assigned',
        read: false,
        createdAt: expect.any(String),
        project: { id: projectId, name: 'Team project' },
        task: { id: task.id, title: 'Assigned at birth' },
        actor: { id: owner.user!.id, name: 'Owner' },
        commentId: null,
      });
      expect(await kinds(owner)).toEqual([]);
      expect(await watching(owner, task.id)).toBe(true);
      expect(await watching(editor, task.id)).toBe(true);
      expect(await watching(viewer, task.id)).toBe(false);

      // Assigning oneself tells nobody; reassigning tells the new assignee only.
      const own = await createTask(editor, projectId, {
        title: 'Mine',
        assigneeId: editor.user!.id,
      });
      expect(await kinds(editor)).toEqual(['assigned Assigned at birth']);
      const reassigned = await editor.request('PATCH', `${API}/tasks/${own.id}`, {
        assigneeId: owner.user!.id,
      });
      expect(reassigned.status).toBe(200);
      expect(await kinds(owner)).toEqual(['assigned Mine']);
      // The same assignee sent again is no new assignment.
      await editor.request('PATCH', `${API}/tasks/${own.id}`, { assigneeId: owner.user!.id });
      expect(await kinds(owner)).toEqual(['taskChanged Mine', 'assigned Mine']);

      // A refused change tells nobody.
      const before = await unread(viewer);
      const refused = await owner.request('PATCH', `${API}/tasks/${task.id}`, {
        assigneeId: (await new Client(t.app).register('Outsider')).user!.id,
      });
      expectError(refused, 'VALIDATION_FAILED');
      expect(await unread(viewer)).toBe(before);
      expect(await kinds(editor)).toEqual(['assigned Assigned at birth']);
    },
  );

  it_('mentions by email handle or name, members only, not oneself, description once', async () => {
    const t = app();
    const { owner, editor, viewer, stranger, projectId } = await team(t);
    const local = `bea.ruiz${Date.now().toString(36)}`;
    const bea = await member(t, owner, projectId, 'Bea Ruiz', local);
    const task = await createTask(owner, projectId, { title: 'Talked about' });

    const commentId = await comment(
      editor,
      task.id,
      `@${local.toUpperCase()}, see this. cc @Viewer. @editor @Stranger mail@owner.example`,
    );
    const [toBea] = await inbox(bea);
    expect(toBea).toMatchObject({ kind: 'mentioned', commentId, task: { id: task.id } });
    expect((await inbox(viewer)).map((n) => n.kind)).toEqual(['mentioned']);
    expect(await kinds(stranger)).toEqual([]);
    // The creator watches: told of the comment (not a mention: "mail@owner" is an address).
    expect(await kinds(owner)).toEqual(['commented Talked about']);
    expect(await kinds(editor)).toEqual([]);

    // By name without spaces; in a description, once per task however often it is edited.
    const described = await createTask(owner, projectId, {
      title: 'Described',
      description: 'For @BeaRuiz.',
    });
    expect(await kinds(bea)).toEqual(['mentioned Described', 'mentioned Talked about']);
    const edited = await owner.request('PATCH', `${API}/tasks/${described.id}`, {
      description: 'For @BeaRuiz, again; and @viewer',
    });
    expect(edited.status).toBe(200);
    expect(await kinds(bea)).toEqual(['mentioned Described', 'mentioned Talked about']);
    expect(await kinds(viewer)).toEqual(['mentioned Described', 'mentioned Talked about']);
  });

  it_('watchers are told of changes and comments; watch and unwatch', async () => {
    const t = app();
    const { owner, editor, viewer, stranger, projectId } = await team(t);
    const task = await createTask(owner, projectId, { title: 'Watched' });

    const watched = await viewer.request('PUT', `${API}/tasks/${task.id}/watch`);
    expect(watched.status).toBe(200);
    expect(watched.body).toEqual({ taskId: task.id, watching: true });
    expect((await viewer.request('PUT', `${API}/tasks/${task.id}/watch`)).status).toBe(200);
    expect(await watching(viewer, task.id)).toBe(true);

    await editor.request('PATCH', `${API}/tasks/${task.id}`, { priority: 'high' });
    await editor.request('POST', `${API}/tasks/${task.id}/move`, { status: 'done' });
    await comment(editor, task.id, 'Done it');
    const expected = ['commented Watched', 'taskChanged Watched', 'taskChanged Watched'];
    expect(await kinds(viewer)).toEqual(expected);
    expect(await kinds(owner)).toEqual(expected);
    expect(await kinds(editor)).toEqual([]);

    expect((await viewer.request('DELETE', `${API}/tasks/${task.id}/watch`)).status).toBe(204);
    expect(await watching(viewer, task.id)).toBe(false);
    await comment(editor, task.id, 'Again');
    expect(await kinds(viewer)).toEqual(expected);
    expect((await inbox(owner)).length).toBe(4);

    expectError(await stranger.request('PUT', `${API}/tasks/${task.id}/watch`), 'NOT_FOUND');
    expectError(await stranger.request('DELETE', `${API}/tasks/${task.id}/watch`), 'NOT_FOUND');
    expectError(
      await viewer.request('PUT', `${API}/tasks/00000000-0000-7000-8000-000000000000/watch`),
      'NOT_FOUND',
    );
  });

  it_('the inbox: pages, unread filter, count, mark read, all read; only my own', async () => {
    const t = app();
    const { owner, editor, projectId } = await team(t);
    for (const title of ['One', 'Two', 'Three'])
      await createTask(owner, projectId, { title, assigneeId: editor.user!.id });
    expect(await unread(editor)).toBe(3);

    const first = await editor.request('GET', `${API}/notifications?limit=2`);
    expect(first.body.items.map((n: Note) => n.task?.title)).toEqual(['Three', 'Two']);
    const second = await editor.request(
      'GET',
      `${API}/notifications?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.items.map((n: Note) => n.task?.title)).toEqual(['One']);
    expect(second.body.nextCursor).toBeNull();

    const [three] = first.body.items as Note[];
    expectError(await owner.request('POST', `${API}/notifications/${three!.id}/read`), 'NOT_FOUND');
    expect((await editor.request('POST', `${API}/notifications/${three!.id}/read`)).status).toBe(
      204,
    );
    expect((await editor.request('POST', `${API}/notifications/${three!.id}/read`)).status).toBe(
      204,
    );
    expect(await unread(editor)).toBe(2);
    expect((await inbox(editor, '?unread=true')).map((n) => n.task?.title)).toEqual(['Two', 'One']);
    expect((await inbox(editor)).map((n) => n.read)).toEqual([true, false, false]);

    expect((await editor.request('POST', `${API}/notifications/read-all`)).status).toBe(204);
    expect(await unread(editor)).toBe(0);
    expect(await inbox(editor, '?unread=true')).toEqual([]);
    expectError(
      await editor.request('GET', `${API}/notifications?cursor=nonsense`),
      'VALIDATION_FAILED',
    );
    expectError(await new Client(t.app).request('GET', `${API}/notifications`), 'UNAUTHENTICATED');
  });

  it_('settings choose the kinds; bad settings are refused', async () => {
    const t = app();
    const { owner, editor, projectId } = await team(t);
    const all = {
      inApp: {
        assigned: true,
        mentioned: true,
        taskChanged: true,
        commented: true,
        dueSoon: true,
        overdue: true,
      },
      email: {
        assigned: true,
        mentioned: true,
        taskChanged: false,
        commented: false,
        dueSoon: true,
        overdue: true,
      },
      language: 'en',
    };
    expect((await editor.request('GET', `${API}/notifications/settings`)).body).toEqual(all);
    const quiet = { ...all, inApp: { ...all.inApp, taskChanged: false } };
    // Email switches and language left out keep their values; so do the due kinds, added after
    // the first release (a client that knows only the first four kinds keeps working).
    const saved = await editor.request('PUT', `${API}/notifications/settings`, {
      inApp: { assigned: true, mentioned: true, taskChanged: false, commented: true },
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual(quiet);
    expect((await editor.request('GET', `${API}/notifications/settings`)).body).toEqual(quiet);
    expect((await owner.request('GET', `${API}/notifications/settings`)).body).toEqual(all);

    const task = await createTask(owner, projectId, { assigneeId: editor.user!.id });
    await owner.request('PATCH', `${API}/tasks/${task.id}`, { priority: 'low' });
    await comment(owner, task.id, 'Hello');
    expect((await inbox(editor)).map((n) => n.kind)).toEqual(['commented', 'assigned']);

    expectError(
      await editor.request('PUT', `${API}/notifications/settings`, { inApp: { assigned: false } }),
      'VALIDATION_FAILED',
    );
    expectError(
      await editor.request('PUT', `${API}/notifications/settings`, {
        inApp: { ...all.inApp, dueTomorrow: true },
      }),
      'VALIDATION_FAILED',
    );
    expect((await editor.request('GET', `${API}/notifications/settings`)).body).toEqual(quiet);
  });

  it_('a removed member no longer sees, counts or marks the project’s notifications', async () => {
    const t = app();
    const { owner, editor, projectId } = await team(t);
    const task = await createTask(owner, projectId, { assigneeId: editor.user!.id });
    const [note] = await inbox(editor);
    const removed = await owner.request(
      'DELETE',
      `${API}/projects/${projectId}/members/${editor.user!.id}`,
    );
    expect(removed.status).toBe(204);
    expect(await inbox(editor)).toEqual([]);
    expect(await unread(editor)).toBe(0);
    expectError(await editor.request('POST', `${API}/notifications/${note!.id}/read`), 'NOT_FOUND');
    // Still a watcher row, but no longer a member: not told of later changes.
    await owner.request('PATCH', `${API}/tasks/${task.id}`, { title: 'Renamed' });
    const back = await owner.request('POST', `${API}/projects/${projectId}/members`, {
      email: editor.user!.email,
      role: 'editor',
    });
    expect(back.status).toBe(201);
    expect((await inbox(editor)).map((n) => n.kind)).toEqual(['assigned']);
  });
});
