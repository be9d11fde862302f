// Tasks: create/read/update/delete and ETag + If-Match (412 on a stale version, and under
// concurrent writes). Lists: tasks-lists.test.ts; kanban moves and activity: tasks-board.test.ts.
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../../support/databases.js';
import { API, column, createTask, expectError, rowCounts, team, useApp } from './helpers.js';

describe.each(testDatabases)('tasks on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);

  describe('create, read, update, delete', () => {
    it_('creates with defaults (201, ETag) and with every field', async () => {
      const t = app();
      const { owner, editor, projectId } = await team(t);
      const plain = await editor.request('POST', `${API}/projects/${projectId}/tasks`, {
        title: '  Plain  ',
      });
      expect(plain.status).toBe(201);
      expect(plain.headers.etag).toBe('"1"');
      expect(plain.body).toEqual({
        id: expect.any(String),
        projectId,
        title: 'Plain',
        description: null,
        status: 'todo',
        columnId: expect.any(String),
        priority: 'medium',
        position: expect.any(Number),
        dueAt: null,
        assigneeId: null,
        assignee: null,
        labels: [],
        checklist: { done: 0, total: 0 },
        attachments: 0,
        cover: null,
        version: 1,
        archivedAt: null,
        createdBy: editor.user!.id,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const label = await owner.request('POST', `${API}/projects/${projectId}/labels`, {
        name: 'bug',
        color: '#FF0000',
      });
      const full = await editor.request('POST', `${API}/projects/${projectId}/tasks`, {
        title: 'Full',
        description: 'All the fields',
        status: 'in_progress',
        priority: 'urgent',
        dueAt: '2030-06-01T12:30:00+02:00',
        assigneeId: owner.user!.id,
        labels: [label.body.id],
      });
      expect(full.status).toBe(201);
      expect(full.body).toMatchObject({
        description: 'All the fields',
        status: 'in_progress',
        priority: 'urgent',
        dueAt: '2030-06-01T10:30:00.000Z',
        assigneeId: owner.user!.id,
        assignee: { id: owner.user!.id, name: 'Owner' },
        labels: [{ id: label.body.id, name: 'bug', color: '#ff0000', projectId }],
      });
      const read = await editor.request('GET', `${API}/tasks/${full.body.id}`);
      expect(read.status).toBe(200);
      expect(read.headers.etag).toBe('"1"');
      // The one-task read adds the caller's watch state: the editor created it, so watches it.
      expect(read.body).toEqual({ ...full.body, watching: true });
    });

    it_(
      'refuses an assignee who is not a member and labels of another project (400, nothing written)',
      async () => {
        const t = app();
        const { owner, stranger, projectId } = await team(t);
        const { body: other } = await owner.request('POST', `${API}/projects`, { name: 'Other' });
        const foreign = await owner.request('POST', `${API}/projects/${other.id}/labels`, {
          name: 'foreign',
        });
        const before = await rowCounts(t);
        const url = `${API}/projects/${projectId}/tasks`;
        expectError(
          await owner.request('POST', url, { title: 'x', assigneeId: stranger.user!.id }),
          'VALIDATION_FAILED',
        );
        expectError(
          await owner.request('POST', url, { title: 'x', labels: [foreign.body.id] }),
          'VALIDATION_FAILED',
        );
        expect(await rowCounts(t)).toEqual(before);
      },
    );

    it_(
      'updates fields, replaces labels, unassigns; a status change moves it to the end of the new column',
      async () => {
        const t = app();
        const { owner, editor, projectId } = await team(t);
        const l1 = (
          await owner.request('POST', `${API}/projects/${projectId}/labels`, { name: 'one' })
        ).body.id;
        const l2 = (
          await owner.request('POST', `${API}/projects/${projectId}/labels`, { name: 'two' })
        ).body.id;
        await createTask(owner, projectId, { title: 'Already done', status: 'done' });
        const task = await createTask(owner, projectId, {
          assigneeId: editor.user!.id,
          labels: [l1],
        });
        const patched = await editor.request('PATCH', `${API}/tasks/${task.id}`, {
          title: 'Renamed',
          description: 'Now described',
          priority: 'low',
          dueAt: '2031-01-01T00:00:00Z',
          labels: [l2, l1],
          assigneeId: null,
          status: 'done',
        });
        expect(patched.status).toBe(200);
        expect(patched.headers.etag).toBe('"2"');
        expect(patched.body).toMatchObject({
          title: 'Renamed',
          description: 'Now described',
          priority: 'low',
          dueAt: '2031-01-01T00:00:00.000Z',
          assigneeId: null,
          status: 'done',
          version: 2,
        });
        expect(patched.body.labels.map((l: { name: string }) => l.name)).toEqual(['one', 'two']);
        expect(await column(owner, projectId, 'done')).toEqual(['Already done', 'Renamed']);
        const cleared = await editor.request('PATCH', `${API}/tasks/${task.id}`, {
          labels: [],
          dueAt: null,
          description: null,
        });
        expect(cleared.body).toMatchObject({
          labels: [],
          dueAt: null,
          description: null,
          version: 3,
        });
      },
    );

    it_('deletes a task (204) with its comments; then 404', async () => {
      const t = app();
      const { owner, editor, projectId } = await team(t);
      const task = await createTask(owner, projectId);
      await owner.request('POST', `${API}/tasks/${task.id}/comments`, { body: 'bye' });
      expect((await editor.request('DELETE', `${API}/tasks/${task.id}`)).status).toBe(204);
      expectError(await owner.request('GET', `${API}/tasks/${task.id}`), 'NOT_FOUND');
      expectError(await owner.request('DELETE', `${API}/tasks/${task.id}`), 'NOT_FOUND');
      expectError(await owner.request('GET', `${API}/tasks/${task.id}/comments`), 'NOT_FOUND');
      const comments = await t.database.db
        .selectFrom('comments')
        .select('id')
        .where('task_id', '=', task.id)
        .execute();
      expect(comments).toEqual([]);
    });
  });

  describe('ETag and If-Match', () => {
    it_(
      'PATCH with the current ETag applies; with a stale one is 412 with the current version, nothing written',
      async () => {
        const t = app();
        const { owner, editor, projectId } = await team(t);
        const task = await createTask(owner, projectId, { title: 'Contended' });
        const etag = (await owner.request('GET', `${API}/tasks/${task.id}`)).headers.etag as string;
        expect(etag).toBe('"1"');
        const first = await editor.request(
          'PATCH',
          `${API}/tasks/${task.id}`,
          { title: 'Editor wins' },
          { headers: { 'if-match': etag } },
        );
        expect(first.status).toBe(200);
        expect(first.headers.etag).toBe('"2"');

        const before = await rowCounts(t);
        const stale = await owner.request(
          'PATCH',
          `${API}/tasks/${task.id}`,
          { title: 'Owner loses' },
          { headers: { 'if-match': etag } },
        );
        const error = expectError(stale, 'PRECONDITION_FAILED');
        expect(error.details).toMatchObject({
          currentVersion: 2,
          current: { id: task.id, title: 'Editor wins', version: 2 },
        });
        expect(await rowCounts(t)).toEqual(before);
        const now = await owner.request('GET', `${API}/tasks/${task.id}`);
        expect(now.body).toMatchObject({ title: 'Editor wins', version: 2 });

        // Weak ETags, lists and * are understood; no If-Match at all is a plain write.
        expect(
          (
            await owner.request(
              'PATCH',
              `${API}/tasks/${task.id}`,
              { priority: 'high' },
              { headers: { 'if-match': 'W/"2"' } },
            )
          ).status,
        ).toBe(200);
        expect(
          (
            await owner.request(
              'PATCH',
              `${API}/tasks/${task.id}`,
              { priority: 'low' },
              { headers: { 'if-match': '"1", "3"' } },
            )
          ).status,
        ).toBe(200);
        expect(
          (
            await owner.request(
              'PATCH',
              `${API}/tasks/${task.id}`,
              { priority: 'medium' },
              { headers: { 'if-match': '*' } },
            )
          ).status,
        ).toBe(200);
        expect(
          (await owner.request('PATCH', `${API}/tasks/${task.id}`, { priority: 'urgent' })).body
            .version,
        ).toBe(6);
        expectError(
          await owner.request(
            'PATCH',
            `${API}/tasks/${task.id}`,
            { priority: 'low' },
            { headers: { 'if-match': 'banana' } },
          ),
          'VALIDATION_FAILED',
        );
      },
    );

    it_('move and DELETE honour If-Match too (412 when stale, task unchanged)', async () => {
      const t = app();
      const { owner, projectId } = await team(t);
      const task = await createTask(owner, projectId);
      await owner.request('PATCH', `${API}/tasks/${task.id}`, { priority: 'high' });
      const stale = { headers: { 'if-match': '"1"' } };
      const moved = await owner.request(
        'POST',
        `${API}/tasks/${task.id}/move`,
        { status: 'done' },
        stale,
      );
      expect(expectError(moved, 'PRECONDITION_FAILED').details).toMatchObject({
        currentVersion: 2,
      });
      const deleted = await owner.request('DELETE', `${API}/tasks/${task.id}`, undefined, stale);
      expect(expectError(deleted, 'PRECONDITION_FAILED').details).toMatchObject({
        currentVersion: 2,
      });
      expect((await owner.request('GET', `${API}/tasks/${task.id}`)).body).toMatchObject({
        status: 'todo',
        version: 2,
      });
      const fresh = { headers: { 'if-match': '"2"' } };
      const ok = await owner.request(
        'POST',
        `${API}/tasks/${task.id}/move`,
        { status: 'done' },
        fresh,
      );
      expect(ok.status).toBe(200);
      expect(ok.headers.etag).toBe('"3"');
      expect(
        (
          await owner.request('DELETE', `${API}/tasks/${task.id}`, undefined, {
            headers: { 'if-match': '"3"' },
          })
        ).status,
      ).toBe(204);
    });

    it_('concurrent writes with the same ETag: exactly one wins, the others get 412', async () => {
      const t = app();
      const { owner, editor, projectId } = await team(t);
      const task = await createTask(owner, projectId);
      const writers = [owner, editor, owner, editor, owner, editor];
      const replies = await Promise.all(
        writers.map((client, i) =>
          client.request(
            'PATCH',
            `${API}/tasks/${task.id}`,
            { title: `Writer ${i}` },
            { headers: { 'if-match': '"1"' } },
          ),
        ),
      );
      const statuses = replies.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 412, 412, 412, 412, 412]);
      const winner = replies.find((r) => r.status === 200)!;
      const final = await owner.request('GET', `${API}/tasks/${task.id}`);
      expect(final.body).toMatchObject({ version: 2, title: winner.body.title });
    });
  });
});
