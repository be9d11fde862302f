// Saved views (issue 14): a member names the filters of a project's board or list and finds them
// again; each view is its owner's alone and lives while they are a member. Filters are checked
// and normalized; bad input and duplicates are refused with nothing written.
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../../support/databases.js';
import { API, expectError, rowCounts, team, useApp } from './helpers.js';

describe.each(testDatabases)('saved views on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);

  it_('saves, lists by name, renames, changes and deletes my views', async () => {
    const t = app();
    const { owner, viewer, projectId } = await team(t);
    const url = `${API}/projects/${projectId}/views`;
    const bugs = await viewer.request('POST', url, {
      name: '  My open bugs ',
      view: 'list',
      // Any order, empty filters and a leading "?": answered in one form.
      query: '?status=todo&q=crash%20report&assignee=&sort=-dueAt',
    });
    expect(bugs.status, JSON.stringify(bugs.body)).toBe(201);
    expect(bugs.body).toEqual({
      id: expect.any(String),
      projectId,
      name: 'My open bugs',
      view: 'list',
      query: 'q=crash+report&status=todo&sort=-dueAt',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const all = await viewer.request('POST', url, { name: 'Everything', view: 'board', query: '' });
    expect(all.status).toBe(201);
    expect(
      (await viewer.request('GET', url)).body.items.map((v: { name: string }) => v.name),
    ).toEqual(['Everything', 'My open bugs']);
    // Nobody else sees them.
    expect((await owner.request('GET', url)).body.items).toEqual([]);

    const changed = await viewer.request('PATCH', `${API}/views/${bugs.body.id}`, {
      name: 'Bugs',
      query: 'label=abc&priority=urgent',
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      name: 'Bugs',
      view: 'list',
      query: 'label=abc&priority=urgent',
    });
    expect((await viewer.request('GET', url)).body.items[0]).toEqual(changed.body);

    expect((await viewer.request('DELETE', `${API}/views/${all.body.id}`)).status).toBe(204);
    expectError(await viewer.request('DELETE', `${API}/views/${all.body.id}`), 'NOT_FOUND');
    expect((await viewer.request('GET', url)).body.items).toHaveLength(1);
  });

  it_('refuses unknown filters, duplicates and strangers, writing nothing', async () => {
    const t = app();
    const { owner, editor, stranger, projectId } = await team(t);
    const url = `${API}/projects/${projectId}/views`;
    const mine = await editor.request('POST', url, { name: 'Mine', view: 'board', query: 'q=x' });
    expect(mine.status).toBe(201);
    const before = await rowCounts(t);
    const count = async () =>
      Number(
        (
          await t.database.db
            .selectFrom('saved_views')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('project_id', '=', projectId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const views = await count();

    const unknown = expectError(
      await editor.request('POST', url, { name: 'Other', view: 'board', query: 'q=x&evil=1' }),
      'VALIDATION_FAILED',
    );
    expect(unknown.details).toEqual([
      { field: 'query', in: 'body', message: 'unknown filters: evil' },
    ]);
    expectError(
      await editor.request('POST', url, { name: 'Other', view: 'board', query: 'q=a&q=b' }),
      'VALIDATION_FAILED',
    );
    expectError(
      await editor.request('POST', url, { name: 'Other', view: 'table', query: '' }),
      'VALIDATION_FAILED',
    );
    expectError(
      await editor.request('POST', url, { name: '   ', view: 'board', query: '' }),
      'VALIDATION_FAILED',
    );
    expectError(
      await editor.request('POST', url, { name: 'MINE', view: 'list', query: '' }),
      'CONFLICT',
    );
    expectError(
      await stranger.request('POST', url, { name: 'Spy', view: 'list', query: '' }),
      'NOT_FOUND',
    );
    // Another user's view is as unknown as a missing one.
    expectError(
      await owner.request('PATCH', `${API}/views/${mine.body.id}`, { name: 'Taken over' }),
      'NOT_FOUND',
    );
    expectError(
      await editor.request('PATCH', `${API}/views/${mine.body.id}`, { query: 'due=tomorrow&x=1' }),
      'VALIDATION_FAILED',
    );
    expectError(
      await editor.request('PATCH', `${API}/views/${mine.body.id}`, {}),
      'VALIDATION_FAILED',
    );
    expect(await rowCounts(t)).toEqual(before);
    expect(await count()).toBe(views);

    // A member who leaves no longer reaches their views; they go with the project.
    const removed = await owner.request(
      'DELETE',
      `${API}/projects/${projectId}/members/${editor.user!.id}`,
    );
    expect(removed.status).toBe(204);
    expectError(
      await editor.request('PATCH', `${API}/views/${mine.body.id}`, { name: 'Still mine?' }),
      'NOT_FOUND',
    );
    expect((await owner.request('DELETE', `${API}/projects/${projectId}`)).status).toBe(204);
    expect(await count()).toBe(0);
  });
});
