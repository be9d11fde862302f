// Label management (issue 14): rename, recolour and merge, next to create and delete
// (labels-comments.test.ts). Tasks keep a renamed label and get the target of a merge; bad input,
// a taken name and the wrong role are refused with nothing written.
import { describe, expect, it } from 'vitest';
import type { Client } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { API, createTask, expectError, rowCounts, team, useApp } from './helpers.js';

describe.each(testDatabases)('label management on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);

  const label = async (client: Client, projectId: string, name: string) => {
    const reply = await client.request('POST', `${API}/projects/${projectId}/labels`, { name });
    expect(reply.status).toBe(201);
    return reply.body as { id: string; name: string; color: string };
  };
  const labelsOf = async (client: Client, taskId: string) =>
    ((await client.request('GET', `${API}/tasks/${taskId}`)).body.labels as { name: string }[]).map(
      (l) => l.name,
    );

  it_('renames and recolours (200); tasks show the new name; 409 for a taken name', async () => {
    const t = app();
    const { owner, editor, projectId } = await team(t);
    const bug = await label(owner, projectId, 'bug');
    await label(owner, projectId, 'ux');
    const task = await createTask(owner, projectId, { labels: [bug.id] });

    const renamed = await editor.request('PATCH', `${API}/labels/${bug.id}`, {
      name: ' defect ',
      color: '#AA0000',
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ ...bug, name: 'defect', color: '#aa0000' });
    expect(await labelsOf(owner, task.id)).toEqual(['defect']);
    const recoloured = await editor.request('PATCH', `${API}/labels/${bug.id}`, {
      color: '#00aa00',
    });
    expect(recoloured.body).toMatchObject({ name: 'defect', color: '#00aa00' });
    // Its own name again is no conflict.
    expect(
      (await editor.request('PATCH', `${API}/labels/${bug.id}`, { name: 'defect' })).status,
    ).toBe(200);

    const before = await rowCounts(t);
    expectError(
      await editor.request('PATCH', `${API}/labels/${bug.id}`, { name: 'ux' }),
      'CONFLICT',
    );
    for (const body of [{}, { name: '' }, { name: 'x'.repeat(51) }, { color: 'red' }, { id: 'x' }])
      expectError(
        await editor.request('PATCH', `${API}/labels/${bug.id}`, body),
        'VALIDATION_FAILED',
      );
    expect(await rowCounts(t)).toEqual(before);
    const list = await owner.request('GET', `${API}/projects/${projectId}/labels`);
    expect(list.body.items.map((l: { name: string }) => l.name)).toEqual(['defect', 'ux']);
    const activity = await owner.request('GET', `${API}/projects/${projectId}/activity?limit=1`);
    expect(activity.body.items[0]).toMatchObject({
      action: 'label.updated',
      details: { name: 'defect' },
    });
  });

  it_('merges A into B: tasks of A get B (once), A is deleted', async () => {
    const t = app();
    const { owner, editor, projectId } = await team(t);
    const a = await label(owner, projectId, 'bugs');
    const b = await label(owner, projectId, 'bug');
    const other = await label(owner, projectId, 'ux');
    const onlyA = await createTask(owner, projectId, { title: 'only A', labels: [a.id] });
    const both = await createTask(owner, projectId, { title: 'both', labels: [a.id, b.id] });
    const neither = await createTask(owner, projectId, { title: 'neither', labels: [other.id] });

    const merged = await editor.request('POST', `${API}/labels/${a.id}/merge`, { into: b.id });
    expect(merged.status).toBe(200);
    expect(merged.body).toEqual(b);
    expect(await labelsOf(owner, onlyA.id)).toEqual(['bug']);
    expect(await labelsOf(owner, both.id)).toEqual(['bug']);
    expect(await labelsOf(owner, neither.id)).toEqual(['ux']);
    const list = await owner.request('GET', `${API}/projects/${projectId}/labels`);
    expect(list.body.items.map((l: { name: string }) => l.name)).toEqual(['bug', 'ux']);
    const filtered = await owner.request('GET', `${API}/projects/${projectId}/tasks?label=${b.id}`);
    expect(filtered.body.items.map((x: { title: string }) => x.title).sort()).toEqual([
      'both',
      'only A',
    ]);
    const activity = await owner.request('GET', `${API}/projects/${projectId}/activity?limit=1`);
    expect(activity.body.items[0]).toMatchObject({
      action: 'label.merged',
      details: { name: 'bugs', into: 'bug', tasks: 1 },
    });
    expectError(
      await editor.request('POST', `${API}/labels/${a.id}/merge`, { into: b.id }),
      'NOT_FOUND',
    );
  });

  it_(
    'refuses a merge into itself, into another project or nothing (400), nothing written',
    async () => {
      const t = app();
      const { owner, editor, projectId } = await team(t);
      const a = await label(owner, projectId, 'a');
      await createTask(owner, projectId, { labels: [a.id] });
      const { body: elsewhere } = await owner.request('POST', `${API}/projects`, { name: 'Other' });
      const foreign = await label(owner, elsewhere.id, 'b');
      const before = await rowCounts(t);
      for (const body of [{ into: a.id }, { into: foreign.id }, { into: 'nope' }, {}, { into: 1 }])
        expectError(
          await editor.request('POST', `${API}/labels/${a.id}/merge`, body),
          'VALIDATION_FAILED',
        );
      expect(await rowCounts(t)).toEqual(before);
    },
  );

  it_('viewers cannot rename or merge (403); strangers get 404; nothing written', async () => {
    const t = app();
    const { owner, viewer, stranger, projectId } = await team(t);
    const a = await label(owner, projectId, 'a');
    const b = await label(owner, projectId, 'b');
    const before = await rowCounts(t);
    expectError(await viewer.request('PATCH', `${API}/labels/${a.id}`, { name: 'z' }), 'FORBIDDEN');
    expectError(
      await viewer.request('POST', `${API}/labels/${a.id}/merge`, { into: b.id }),
      'FORBIDDEN',
    );
    expectError(
      await stranger.request('PATCH', `${API}/labels/${a.id}`, { name: 'z' }),
      'NOT_FOUND',
    );
    expectError(
      await stranger.request('POST', `${API}/labels/${a.id}/merge`, { into: b.id }),
      'NOT_FOUND',
    );
    expect(await rowCounts(t)).toEqual(before);
  });
});
