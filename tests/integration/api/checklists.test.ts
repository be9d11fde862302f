// Checklists on a task (issue 14): items added at the end, checked, renamed, reordered and deleted
// by editors; read by viewers; the task answers carry the progress; bad input and the wrong role
// are refused with nothing written.
import { describe, expect, it } from 'vitest';
import type { Client } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { API, createTask, expectError, rowCounts, team, useApp } from './helpers.js';

interface Item {
  id: string;
  text: string;
  done: boolean;
  position: number;
}

describe.each(testDatabases)('checklists on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);

  const add = async (client: Client, taskId: string, text: string, done?: boolean) => {
    const reply = await client.request('POST', `${API}/tasks/${taskId}/checklist`, {
      text,
      ...(done === undefined ? {} : { done }),
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body as Item;
  };
  const texts = async (client: Client, taskId: string) => {
    const reply = await client.request('GET', `${API}/tasks/${taskId}/checklist`);
    expect(reply.status).toBe(200);
    return (reply.body.items as Item[]).map((i) => `${i.done ? 'x' : ' '} ${i.text}`);
  };

  it_('adds at the end, checks, renames, reorders and deletes; progress on the task', async () => {
    const t = app();
    const { owner, editor, viewer, projectId } = await team(t);
    const task = await createTask(owner, projectId);
    expect((await viewer.request('GET', `${API}/tasks/${task.id}`)).body.checklist).toEqual({
      done: 0,
      total: 0,
    });

    const a = await add(editor, task.id, '  Write tests  ');
    expect(a).toEqual({
      id: expect.any(String),
      taskId: task.id,
      text: 'Write tests',
      done: false,
      position: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const b = await add(editor, task.id, 'Review', true);
    const c = await add(owner, task.id, 'Deploy ✓');
    expect(await texts(viewer, task.id)).toEqual(['  Write tests', 'x Review', '  Deploy ✓']);

    const checked = await editor.request('PATCH', `${API}/checklist-items/${a.id}`, { done: true });
    expect(checked.status).toBe(200);
    expect(checked.body).toMatchObject({ id: a.id, done: true, text: 'Write tests' });
    const renamed = await editor.request('PATCH', `${API}/checklist-items/${c.id}`, {
      text: 'Deploy to staging',
    });
    expect(renamed.body).toMatchObject({ text: 'Deploy to staging', done: false });
    // Move c first, then a to the end.
    const moved = await editor.request('PATCH', `${API}/checklist-items/${c.id}`, {
      beforeId: a.id,
    });
    expect(moved.body.position).toBe(1);
    await editor.request('PATCH', `${API}/checklist-items/${a.id}`, { beforeId: null });
    expect(await texts(viewer, task.id)).toEqual([
      '  Deploy to staging',
      'x Review',
      'x Write tests',
    ]);

    // The progress is on the task, the board's page and the list's page alike.
    expect((await viewer.request('GET', `${API}/tasks/${task.id}`)).body.checklist).toEqual({
      done: 2,
      total: 3,
    });
    const page = await viewer.request('GET', `${API}/projects/${projectId}/tasks?status=todo`);
    expect(page.body.items.find((x: { id: string }) => x.id === task.id).checklist).toEqual({
      done: 2,
      total: 3,
    });

    expect((await editor.request('DELETE', `${API}/checklist-items/${b.id}`)).status).toBe(204);
    expectError(await editor.request('DELETE', `${API}/checklist-items/${b.id}`), 'NOT_FOUND');
    expect(await texts(viewer, task.id)).toEqual(['  Deploy to staging', 'x Write tests']);
    expect((await owner.request('GET', `${API}/tasks/${task.id}`)).body.checklist).toEqual({
      done: 1,
      total: 2,
    });

    const activity = await owner.request('GET', `${API}/tasks/${task.id}/activity?limit=50`);
    expect(activity.body.items.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining([
        'checklist.item_added',
        'checklist.item_updated',
        'checklist.item_deleted',
      ]),
    );
  });

  it_('refuses bad input with 400 and writes nothing', async () => {
    const t = app();
    const { editor, projectId } = await team(t);
    const task = await createTask(editor, projectId);
    const other = await createTask(editor, projectId, { title: 'Other' });
    const item = await add(editor, task.id, 'One');
    const foreign = await add(editor, other.id, 'Elsewhere');
    const before = await rowCounts(t);
    for (const body of [
      {},
      { text: '' },
      { text: '   ' },
      { text: 'x'.repeat(501) },
      { text: 1 },
      { text: 'ok', done: 'yes' },
      { text: 'ok', extra: true },
    ]) {
      expectError(
        await editor.request('POST', `${API}/tasks/${task.id}/checklist`, body),
        'VALIDATION_FAILED',
      );
    }
    for (const body of [
      {},
      { text: ' ' },
      { done: 1 },
      { beforeId: item.id },
      { beforeId: foreign.id },
      { beforeId: 'no-such-item' },
      { position: 3 },
    ]) {
      expectError(
        await editor.request('PATCH', `${API}/checklist-items/${item.id}`, body),
        'VALIDATION_FAILED',
      );
    }
    // A refused move changes nothing else in the same request either.
    expectError(
      await editor.request('PATCH', `${API}/checklist-items/${item.id}`, {
        text: 'Renamed',
        beforeId: foreign.id,
      }),
      'VALIDATION_FAILED',
    );
    expect(await texts(editor, task.id)).toEqual(['  One']);
    expect(await rowCounts(t)).toEqual(before);
  });

  it_('viewers read but cannot write (403); strangers learn nothing (404)', async () => {
    const t = app();
    const { owner, viewer, stranger, projectId } = await team(t);
    const task = await createTask(owner, projectId);
    const item = await add(owner, task.id, 'Only editors');
    const before = await rowCounts(t);
    expectError(
      await viewer.request('POST', `${API}/tasks/${task.id}/checklist`, { text: 'x' }),
      'FORBIDDEN',
    );
    expectError(
      await viewer.request('PATCH', `${API}/checklist-items/${item.id}`, { done: true }),
      'FORBIDDEN',
    );
    expectError(await viewer.request('DELETE', `${API}/checklist-items/${item.id}`), 'FORBIDDEN');
    expectError(await stranger.request('GET', `${API}/tasks/${task.id}/checklist`), 'NOT_FOUND');
    expectError(
      await stranger.request('POST', `${API}/tasks/${task.id}/checklist`, { text: 'x' }),
      'NOT_FOUND',
    );
    expectError(
      await stranger.request('PATCH', `${API}/checklist-items/${item.id}`, { done: true }),
      'NOT_FOUND',
    );
    expectError(await stranger.request('DELETE', `${API}/checklist-items/${item.id}`), 'NOT_FOUND');
    expectError(
      await owner.request('POST', `${API}/tasks/no-such-task/checklist`, { text: 'x' }),
      'NOT_FOUND',
    );
    expect(await rowCounts(t)).toEqual(before);
    expect(await texts(viewer, task.id)).toEqual(['  Only editors']);
  });

  it_('items go with their task', async () => {
    const t = app();
    const { owner, projectId } = await team(t);
    const task = await createTask(owner, projectId);
    const item = await add(owner, task.id, 'Gone with the task');
    expect((await owner.request('DELETE', `${API}/tasks/${task.id}`)).status).toBe(204);
    expectError(
      await owner.request('PATCH', `${API}/checklist-items/${item.id}`, { done: true }),
      'NOT_FOUND',
    );
    const left = await t.database.db
      .selectFrom('checklist_items')
      .select('id')
      .where('task_id', '=', task.id)
      .execute();
    expect(left).toEqual([]);
  });
});
