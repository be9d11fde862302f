// Labels (per project, unique names, tasks lose a deleted label) and comments (oldest first,
// paginated, deleted by their author or a project owner).
import { describe, expect, it } from 'vitest';
import type { Reply } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { API, createTask, expectError, ids, rowCounts, team, useApp } from './helpers.js';

describe.each(testDatabases)('labels and comments on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);

  describe('labels', () => {
    it_('creates (201, default colour, colour lower-cased), lists by name', async () => {
      const t = app();
      const { editor, viewer, projectId } = await team(t);
      const url = `${API}/projects/${projectId}/labels`;
      const zeta = await editor.request('POST', url, { name: 'zeta', color: '#A1B2C3' });
      expect(zeta.status).toBe(201);
      expect(zeta.body).toEqual({
        id: expect.any(String),
        projectId,
        name: 'zeta',
        color: '#a1b2c3',
        createdAt: expect.any(String),
      });
      const alpha = await editor.request('POST', url, { name: ' alpha ' });
      expect(alpha.body).toMatchObject({ name: 'alpha', color: '#6b7280' });
      const list = await viewer.request('GET', url);
      expect(list.status).toBe(200);
      expect(list.body.items.map((l: { name: string }) => l.name)).toEqual(['alpha', 'zeta']);
    });

    it_('refuses a duplicate name (409) and bad input (400); nothing written', async () => {
      const t = app();
      const { editor, projectId } = await team(t);
      const url = `${API}/projects/${projectId}/labels`;
      expect((await editor.request('POST', url, { name: 'bug' })).status).toBe(201);
      const before = await rowCounts(t);
      expectError(await editor.request('POST', url, { name: 'bug' }), 'CONFLICT');
      expectError(await editor.request('POST', url, { name: ' bug ' }), 'CONFLICT');
      for (const body of [
        {},
        { name: '' },
        { name: 'x'.repeat(51) },
        { name: 'ok', color: 'red' },
        { name: 'ok', color: '#12345' },
        { name: 1 },
        { name: 'ok', icon: 'x' },
      ]) {
        expectError(await editor.request('POST', url, body), 'VALIDATION_FAILED');
      }
      expect(await rowCounts(t)).toEqual(before);
      // The same name in another project is fine.
      const { body: other } = await editor.request('POST', `${API}/projects`, { name: 'Other' });
      expect(
        (await editor.request('POST', `${API}/projects/${other.id}/labels`, { name: 'bug' }))
          .status,
      ).toBe(201);
    });

    it_('deletes a label (204); tasks lose it; a second delete is 404', async () => {
      const t = app();
      const { owner, editor, projectId } = await team(t);
      const label = (
        await owner.request('POST', `${API}/projects/${projectId}/labels`, { name: 'temp' })
      ).body;
      const task = await createTask(owner, projectId, { labels: [label.id] });
      expect((await editor.request('DELETE', `${API}/labels/${label.id}`)).status).toBe(204);
      expect((await owner.request('GET', `${API}/tasks/${task.id}`)).body.labels).toEqual([]);
      expect(
        (await owner.request('GET', `${API}/projects/${projectId}/labels`)).body.items,
      ).toEqual([]);
      expectError(await editor.request('DELETE', `${API}/labels/${label.id}`), 'NOT_FOUND');
      const activity = await owner.request('GET', `${API}/projects/${projectId}/activity?limit=1`);
      expect(activity.body.items[0]).toMatchObject({
        action: 'label.deleted',
        details: { name: 'temp' },
      });
    });
  });

  describe('comments', () => {
    it_('posts (201) and lists oldest first over several pages', async () => {
      const t = app();
      const { owner, editor, viewer, projectId } = await team(t);
      const task = await createTask(owner, projectId);
      const url = `${API}/tasks/${task.id}/comments`;
      const first = await editor.request('POST', url, { body: 'First!' });
      expect(first.status).toBe(201);
      expect(first.body).toEqual({
        id: expect.any(String),
        taskId: task.id,
        author: { id: editor.user!.id, name: 'Editor' },
        body: 'First!',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const made = [first.body.id as string];
      for (let i = 2; i <= 5; i++)
        made.push((await owner.request('POST', url, { body: `Comment ${i}` })).body.id);

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Reply<{ items: { id: string }[]; nextCursor: string | null }> =
          await viewer.request('GET', `${url}?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        seen.push(...ids(page.body.items));
        cursor = page.body.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual(made);
      expectError(await viewer.request('GET', `${url}?cursor=%%%`), 'VALIDATION_FAILED');
      expectError(await viewer.request('GET', `${url}?limit=201`), 'VALIDATION_FAILED');
    });

    it_('refuses an empty, blank or over-long body (400, nothing written)', async () => {
      const t = app();
      const { owner, projectId } = await team(t);
      const task = await createTask(owner, projectId);
      const before = await rowCounts(t);
      for (const body of [
        {},
        { body: '' },
        { body: '  \n ' },
        { body: 'x'.repeat(10_001) },
        { body: 12 },
        { body: 'x', pinned: true },
      ]) {
        expectError(
          await owner.request('POST', `${API}/tasks/${task.id}/comments`, body),
          'VALIDATION_FAILED',
        );
      }
      expect(await rowCounts(t)).toEqual(before);
      expect(
        (
          await owner.request('POST', `${API}/tasks/${task.id}/comments`, {
            body: 'x'.repeat(10_000),
          })
        ).status,
      ).toBe(201);
    });

    it_(
      'the author deletes their own, an owner deletes anyone’s, an editor not someone else’s',
      async () => {
        const t = app();
        const { owner, editor, projectId } = await team(t);
        const task = await createTask(owner, projectId);
        const url = `${API}/tasks/${task.id}/comments`;
        const byEditor = (await editor.request('POST', url, { body: 'mine' })).body.id;
        const byOwner = (await owner.request('POST', url, { body: 'the boss' })).body.id;
        const another = (await editor.request('POST', url, { body: 'again' })).body.id;
        expectError(await editor.request('DELETE', `${API}/comments/${byOwner}`), 'FORBIDDEN');
        expect((await editor.request('DELETE', `${API}/comments/${byEditor}`)).status).toBe(204);
        expect((await owner.request('DELETE', `${API}/comments/${another}`)).status).toBe(204);
        expectError(await owner.request('DELETE', `${API}/comments/${another}`), 'NOT_FOUND');
        expect(ids((await owner.request('GET', url)).body.items)).toEqual([byOwner]);
      },
    );
  });
});
