// Projects and members: create, list (paginated), read, update, delete with everything in it;
// adding, changing and removing members; a project always keeps an owner.
import { describe, expect, it } from 'vitest';
import type { Client } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { API, createTask, expectError, ids, rowCounts, signUp, team, useApp } from './helpers.js';

describe.each(testDatabases)('projects and members on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);

  const members = async (client: Client, projectId: string) =>
    (await client.request('GET', `${API}/projects/${projectId}/members`)).body.items as {
      userId: string;
      role: string;
    }[];

  it_('creates a project (201) that I own, with zero task counts, and reads it back', async () => {
    const t = app();
    const ann = await signUp(t, 'Ann');
    const created = await ann.request('POST', `${API}/projects`, {
      name: '  Launch  ',
      description: 'Go live',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'Launch',
      description: 'Go live',
      role: 'owner',
      createdBy: ann.user!.id,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      taskCounts: { todo: 0, in_progress: 0, done: 0 },
    });
    const read = await ann.request('GET', `${API}/projects/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    expect(await members(ann, created.body.id)).toEqual([
      {
        userId: ann.user!.id,
        email: ann.user!.email,
        name: 'Ann',
        role: 'owner',
        addedAt: expect.any(String),
      },
    ]);
    const bare = await ann.request('POST', `${API}/projects`, { name: 'Bare' });
    expect(bare.body.description).toBeNull();
  });

  it_('counts tasks by status', async () => {
    const t = app();
    const ann = await signUp(t, 'Counter');
    const { body: project } = await ann.request('POST', `${API}/projects`, { name: 'Counts' });
    await createTask(ann, project.id);
    await createTask(ann, project.id);
    await createTask(ann, project.id, { status: 'done' });
    const read = await ann.request('GET', `${API}/projects/${project.id}`);
    expect(read.body.taskCounts).toEqual({ todo: 2, in_progress: 0, done: 1 });
    const listed = await ann.request('GET', `${API}/projects`);
    expect(listed.body.items[0].taskCounts).toEqual({ todo: 2, in_progress: 0, done: 1 });
  });

  it_('lists only my projects, newest first, over several pages', async () => {
    const t = app();
    const ann = await signUp(t, 'Lister');
    const bob = await signUp(t, 'Other');
    await bob.request('POST', `${API}/projects`, { name: 'Not mine' });
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      made.push((await ann.request('POST', `${API}/projects`, { name: `P${i}` })).body.id);
    }
    // A project I was added to counts too, with my role in it.
    const { body: shared } = await bob.request('POST', `${API}/projects`, {
      name: 'Shared with me',
    });
    await bob.request('POST', `${API}/projects/${shared.id}/members`, {
      email: ann.user!.email,
      role: 'viewer',
    });

    const seen: { id: string; role: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `${API}/projects?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await ann.request('GET', url);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(ids(seen)).toEqual([shared.id, ...made.reverse()]);
    expect(seen[0]!.role).toBe('viewer');
    expectError(await ann.request('GET', `${API}/projects?limit=0`), 'VALIDATION_FAILED');
    expectError(await ann.request('GET', `${API}/projects?limit=201`), 'VALIDATION_FAILED');
    expectError(await ann.request('GET', `${API}/projects?cursor=nonsense`), 'VALIDATION_FAILED');
    expectError(await ann.request('GET', `${API}/projects?sort=name`), 'VALIDATION_FAILED');
  });

  it_('updates name and description (owner); an empty or bad change is 400', async () => {
    const t = app();
    const ann = await signUp(t, 'Editor of names');
    const { body: project } = await ann.request('POST', `${API}/projects`, {
      name: 'Old',
      description: 'x',
    });
    const renamed = await ann.request('PATCH', `${API}/projects/${project.id}`, { name: 'New' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'New', description: 'x' });
    const cleared = await ann.request('PATCH', `${API}/projects/${project.id}`, {
      description: null,
    });
    expect(cleared.body).toMatchObject({ name: 'New', description: null });
    const before = await rowCounts(t);
    for (const body of [
      {},
      { name: '' },
      { name: 'x'.repeat(101) },
      { name: 5 },
      { owner: 'me' },
    ]) {
      expectError(
        await ann.request('PATCH', `${API}/projects/${project.id}`, body),
        'VALIDATION_FAILED',
      );
    }
    expect(await rowCounts(t)).toEqual(before);
    expect((await ann.request('GET', `${API}/projects/${project.id}`)).body.name).toBe('New');
  });

  it_('deletes a project and everything in it', async () => {
    const t = app();
    const { owner, editor, projectId } = await team(t);
    const task = await createTask(editor, projectId);
    const label = await editor.request('POST', `${API}/projects/${projectId}/labels`, {
      name: 'bug',
    });
    await editor.request('PATCH', `${API}/tasks/${task.id}`, { labels: [label.body.id] });
    await editor.request('POST', `${API}/tasks/${task.id}/comments`, { body: 'note' });

    expect((await owner.request('DELETE', `${API}/projects/${projectId}`)).status).toBe(204);
    expectError(await owner.request('GET', `${API}/projects/${projectId}`), 'NOT_FOUND');
    expectError(await editor.request('GET', `${API}/tasks/${task.id}`), 'NOT_FOUND');
    expectError(await owner.request('DELETE', `${API}/projects/${projectId}`), 'NOT_FOUND');
    const db = t.database.db;
    const left = await Promise.all([
      db
        .selectFrom('project_members')
        .select('user_id')
        .where('project_id', '=', projectId)
        .execute(),
      db.selectFrom('tasks').select('id').where('project_id', '=', projectId).execute(),
      db.selectFrom('labels').select('id').where('project_id', '=', projectId).execute(),
      db.selectFrom('task_labels').select('task_id').where('task_id', '=', task.id).execute(),
      db.selectFrom('comments').select('id').where('task_id', '=', task.id).execute(),
    ]);
    expect(left.map((rows) => rows.length)).toEqual([0, 0, 0, 0, 0]);
    expect((await editor.request('GET', `${API}/projects`)).body.items).toEqual([]);
  });

  describe('members', () => {
    it_('adds a member by email (any case), 201 with the role; they see the project', async () => {
      const t = app();
      const ann = await signUp(t, 'Owner');
      const bob = await signUp(t, 'Bob');
      const { body: project } = await ann.request('POST', `${API}/projects`, { name: 'Team' });
      expectError(await bob.request('GET', `${API}/projects/${project.id}`), 'NOT_FOUND');
      const added = await ann.request('POST', `${API}/projects/${project.id}/members`, {
        email: bob.user!.email.toUpperCase(),
        role: 'editor',
      });
      expect(added.status).toBe(201);
      expect(added.body).toEqual({
        userId: bob.user!.id,
        email: bob.user!.email,
        name: 'Bob',
        role: 'editor',
        addedAt: expect.any(String),
      });
      const seen = await bob.request('GET', `${API}/projects/${project.id}`);
      expect(seen.status).toBe(200);
      expect(seen.body.role).toBe('editor');
      expect((await members(bob, project.id)).map((m) => [m.userId, m.role])).toEqual([
        [ann.user!.id, 'owner'],
        [bob.user!.id, 'editor'],
      ]);
    });

    it_(
      'refuses a second membership (409), an unknown email or a bad role (400); nothing written',
      async () => {
        const t = app();
        const { owner, editor, projectId } = await team(t);
        const before = await rowCounts(t);
        expectError(
          await owner.request('POST', `${API}/projects/${projectId}/members`, {
            email: editor.user!.email,
            role: 'viewer',
          }),
          'CONFLICT',
        );
        expectError(
          await owner.request('POST', `${API}/projects/${projectId}/members`, {
            email: 'nobody@example.com',
            role: 'viewer',
          }),
          'VALIDATION_FAILED',
        );
        for (const body of [
          { email: editor.user!.email, role: 'admin' },
          { email: editor.user!.email },
          { email: editor.user!.email, role: 'viewer', note: 'x' },
        ]) {
          expectError(
            await owner.request('POST', `${API}/projects/${projectId}/members`, body),
            'VALIDATION_FAILED',
          );
        }
        expect(await rowCounts(t)).toEqual(before);
      },
    );

    it_('changes a role (owner); the new role takes effect at once', async () => {
      const t = app();
      const { owner, viewer, projectId } = await team(t);
      expectError(
        await viewer.request('POST', `${API}/projects/${projectId}/tasks`, { title: 'x' }),
        'FORBIDDEN',
      );
      const changed = await owner.request(
        'PATCH',
        `${API}/projects/${projectId}/members/${viewer.user!.id}`,
        {
          role: 'editor',
        },
      );
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ userId: viewer.user!.id, role: 'editor' });
      expect(
        (await viewer.request('POST', `${API}/projects/${projectId}/tasks`, { title: 'x' })).status,
      ).toBe(201);
      const stranger = await signUp(t, 'Not a member');
      expectError(
        await owner.request('PATCH', `${API}/projects/${projectId}/members/${stranger.user!.id}`, {
          role: 'viewer',
        }),
        'NOT_FOUND',
      );
      expectError(
        await owner.request('PATCH', `${API}/projects/${projectId}/members/${viewer.user!.id}`, {
          role: 'boss',
        }),
        'VALIDATION_FAILED',
      );
    });

    it_('removes a member (owner) or lets one leave; their tasks are unassigned', async () => {
      const t = app();
      const { owner, editor, viewer, projectId } = await team(t);
      const task = await createTask(owner, projectId, { assigneeId: editor.user!.id });
      expect(
        (await owner.request('DELETE', `${API}/projects/${projectId}/members/${editor.user!.id}`))
          .status,
      ).toBe(204);
      expectError(await editor.request('GET', `${API}/projects/${projectId}`), 'NOT_FOUND');
      const after = await owner.request('GET', `${API}/tasks/${task.id}`);
      expect(after.body).toMatchObject({
        assigneeId: null,
        assignee: null,
        version: task.version + 1,
      });
      // A viewer may leave on their own.
      expect(
        (await viewer.request('DELETE', `${API}/projects/${projectId}/members/${viewer.user!.id}`))
          .status,
      ).toBe(204);
      expectError(await viewer.request('GET', `${API}/projects/${projectId}`), 'NOT_FOUND');
      expect((await members(owner, projectId)).map((m) => m.userId)).toEqual([owner.user!.id]);
      expectError(
        await owner.request('DELETE', `${API}/projects/${projectId}/members/${viewer.user!.id}`),
        'NOT_FOUND',
      );
    });

    it_('always keeps an owner: the last owner cannot step down or leave (409)', async () => {
      const t = app();
      const { owner, editor, projectId } = await team(t);
      const url = (who: Client) => `${API}/projects/${projectId}/members/${who.user!.id}`;
      const before = await rowCounts(t);
      expectError(await owner.request('PATCH', url(owner), { role: 'editor' }), 'CONFLICT');
      expectError(await owner.request('DELETE', url(owner)), 'CONFLICT');
      expect(await rowCounts(t)).toEqual(before);
      expect((await members(owner, projectId)).find((m) => m.userId === owner.user!.id)?.role).toBe(
        'owner',
      );

      // With a second owner, the first may step down; then the second is the last one.
      expect((await owner.request('PATCH', url(editor), { role: 'owner' })).status).toBe(200);
      expect((await owner.request('PATCH', url(owner), { role: 'viewer' })).status).toBe(200);
      expectError(
        await owner.request('PATCH', `${API}/projects/${projectId}`, { name: 'x' }),
        'FORBIDDEN',
      );
      expectError(await editor.request('PATCH', url(editor), { role: 'editor' }), 'CONFLICT');
      expectError(await editor.request('DELETE', url(editor)), 'CONFLICT');
      // Two owners: one may remove the other, and the remaining one is protected again.
      expect((await editor.request('PATCH', url(owner), { role: 'owner' })).status).toBe(200);
      expect((await editor.request('DELETE', url(owner))).status).toBe(204);
      expectError(await editor.request('DELETE', url(editor)), 'CONFLICT');
      const owners = (await members(editor, projectId)).filter((m) => m.role === 'owner');
      expect(owners.map((m) => m.userId)).toEqual([editor.user!.id]);
    });

    it_.each([
      ['both step down', 'PATCH', { role: 'editor' }, 200],
      ['both leave', 'DELETE', undefined, 204],
    ] as const)(
      'keeps an owner when two owners %s at the same moment (one 409)',
      async (_label, method, body, ok) => {
        const t = app();
        for (let round = 0; round < 3; round++) {
          const { owner, editor, projectId } = await team(t);
          const url = (who: Client) => `${API}/projects/${projectId}/members/${who.user!.id}`;
          expect((await owner.request('PATCH', url(editor), { role: 'owner' })).status).toBe(200);
          const replies = await Promise.all(
            [owner, editor].map((who) => who.request(method, url(who), body)),
          );
          expect(replies.map((r) => r.status).sort()).toEqual([ok, 409]);
          const owners = await t.database.db
            .selectFrom('project_members')
            .select('user_id')
            .where('project_id', '=', projectId)
            .where('role', '=', 'owner')
            .execute();
          expect(owners).toHaveLength(1);
        }
      },
    );

    it_('adding the same person twice at the same moment: one 201, one 409', async () => {
      const t = app();
      const owner = await signUp(t, 'Owner');
      const bob = await signUp(t, 'Bob');
      const { body: project } = await owner.request('POST', `${API}/projects`, { name: 'Race' });
      const replies = await Promise.all(
        ['viewer', 'editor'].map((role) =>
          owner.request('POST', `${API}/projects/${project.id}/members`, {
            email: bob.user!.email,
            role,
          }),
        ),
      );
      expect(replies.map((r) => r.status).sort()).toEqual([201, 409]);
      expectError(
        replies.find((r) => r.status !== 201)!,
        'CONFLICT',
      );
      expect(await members(owner, project.id)).toHaveLength(2);
    });
  });
});
