// A project's own board columns (issue 14): a new project's three, added, renamed, recoloured,
// limited, reordered and deleted by editors (its tasks moved to the column picked); tasks placed
// by column or, as before, by status (the first column of it); bad input and the wrong role
// refused with nothing written; the last column of a status kept.
import { describe, expect, it } from 'vitest';
import type { Client } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { API, createTask, expectError, rowCounts, team, useApp } from './helpers.js';

interface Column {
  id: string;
  projectId: string;
  name: string;
  color: string | null;
  category: string;
  position: number;
  wipLimit: number | null;
}

describe.each(testDatabases)('board columns on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);

  const columns = async (client: Client, projectId: string) => {
    const reply = await client.request('GET', `${API}/projects/${projectId}/columns`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body.items as Column[];
  };
  const names = async (client: Client, projectId: string) =>
    (await columns(client, projectId)).map((c) => `${c.name}:${c.category}`);
  const addColumn = async (client: Client, projectId: string, body: Record<string, unknown>) => {
    const reply = await client.request('POST', `${API}/projects/${projectId}/columns`, body);
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body as Column;
  };
  const titlesIn = async (client: Client, projectId: string, columnId: string) => {
    const reply = await client.request(
      'GET',
      `${API}/projects/${projectId}/tasks?columnId=${columnId}&limit=200`,
    );
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return (reply.body.items as { title: string }[]).map((task) => task.title);
  };

  it_('a new project has the three columns of before; tasks by status land in them', async () => {
    const t = app();
    const { owner, viewer, projectId } = await team(t);
    const [todo, doing, done] = await columns(viewer, projectId);
    expect(await names(viewer, projectId)).toEqual([
      'To do:todo',
      'In progress:in_progress',
      'Done:done',
    ]);
    expect(todo).toMatchObject({ projectId, color: null, position: 1, wipLimit: null });
    const a = await createTask(owner, projectId, { title: 'A' });
    const b = await createTask(owner, projectId, { title: 'B', status: 'in_progress' });
    expect((a as unknown as { columnId: string }).columnId).toBe(todo!.id);
    expect((b as unknown as { columnId: string }).columnId).toBe(doing!.id);
    // A move by status alone (an old client) goes to that status' first column.
    const moved = await owner.request('POST', `${API}/tasks/${a.id}/move`, { status: 'done' });
    expect(moved.body).toMatchObject({ status: 'done', columnId: done!.id });
    expect(await titlesIn(viewer, projectId, done!.id)).toEqual(['A']);
  });

  it_('adds, renames, limits, reorders and deletes columns; tasks follow', async () => {
    const t = app();
    const { owner, editor, viewer, projectId } = await team(t);
    const [todo, doing, done] = await columns(owner, projectId);
    // Tasks written before: by status, in the first column of it.
    const a = await createTask(owner, projectId, { title: 'A', status: 'in_progress' });
    await createTask(owner, projectId, { title: 'B', status: 'in_progress' });

    const review = await addColumn(editor, projectId, {
      name: '  Review  ',
      category: 'in_progress',
      wipLimit: 2,
      color: '#AA00FF',
      beforeId: done!.id,
    });
    expect(review).toMatchObject({
      name: 'Review',
      category: 'in_progress',
      wipLimit: 2,
      color: '#aa00ff',
      position: 3,
    });
    expect(await names(viewer, projectId)).toEqual([
      'To do:todo',
      'In progress:in_progress',
      'Review:in_progress',
      'Done:done',
    ]);

    // Into the new column by id, before a task of it, and at its end; the status follows.
    const c = await createTask(editor, projectId, { title: 'C', columnId: review.id });
    expect(c).toMatchObject({ status: 'in_progress', columnId: review.id });
    const moved = await editor.request('POST', `${API}/tasks/${a.id}/move`, {
      columnId: review.id,
      beforeId: c.id,
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ status: 'in_progress', columnId: review.id });
    const d = await createTask(editor, projectId, { title: 'D' });
    const updated = await editor.request('PATCH', `${API}/tasks/${d.id}`, { columnId: review.id });
    expect(updated.body).toMatchObject({ status: 'in_progress', columnId: review.id });
    // The task's history names both columns, for a move and for an edit of the column.
    const historyOf = async (taskId: string) =>
      (await viewer.request('GET', `${API}/tasks/${taskId}/activity`)).body.items as {
        action: string;
        details: Record<string, unknown>;
      }[];
    expect((await historyOf(a.id))[0]).toMatchObject({
      action: 'task.moved',
      // In progress → Review: one status, two columns.
      details: {
        from: 'in_progress',
        to: 'in_progress',
        fromColumn: doing!.id,
        toColumn: review.id,
      },
    });
    expect((await historyOf(d.id))[0]).toMatchObject({
      action: 'task.updated',
      details: { fields: ['columnId'], fromColumn: todo!.id, toColumn: review.id },
    });
    // Past the WIP limit is allowed (the board warns): three tasks in a column limited to two.
    expect(await titlesIn(viewer, projectId, review.id)).toEqual(['A', 'C', 'D']);
    expect(await titlesIn(viewer, projectId, doing!.id)).toEqual(['B']);
    // A client from before columns moves by status: before a task, into that task's column; to
    // the end of the status its task already has, within its own column.
    const byOld = await editor.request('POST', `${API}/tasks/${d.id}/move`, {
      status: 'in_progress',
      beforeId: a.id,
    });
    expect(byOld.body).toMatchObject({ columnId: review.id });
    const toEnd = await editor.request('POST', `${API}/tasks/${d.id}/move`, {
      status: 'in_progress',
    });
    expect(toEnd.body).toMatchObject({ columnId: review.id });
    // The status filter still sees the whole status.
    const byStatus = await viewer.request(
      'GET',
      `${API}/projects/${projectId}/tasks?status=in_progress`,
    );
    expect(byStatus.body.items.map((x: { title: string }) => x.title)).toEqual([
      'B',
      'A',
      'C',
      'D',
    ]);

    // Rename, recolour, lift the limit; move Review first: In progress stays the column of B.
    const patched = await editor.request('PATCH', `${API}/columns/${review.id}`, {
      name: 'Code review',
      color: null,
      wipLimit: null,
      beforeId: todo!.id,
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({
      name: 'Code review',
      color: null,
      wipLimit: null,
      position: 1,
    });
    expect(await names(viewer, projectId)).toEqual([
      'Code review:in_progress',
      'To do:todo',
      'In progress:in_progress',
      'Done:done',
    ]);
    expect(await titlesIn(viewer, projectId, doing!.id)).toEqual(['B']);
    expect(await titlesIn(viewer, projectId, review.id)).toEqual(['A', 'C', 'D']);
    // Now Code review is the first in-progress column: a move by status goes there.
    const e = await createTask(editor, projectId, { title: 'E', status: 'in_progress' });
    expect((e as unknown as { columnId: string }).columnId).toBe(review.id);

    // Delete Code review: its tasks go to the end of Done, in their order, and are done.
    expectError(await editor.request('DELETE', `${API}/columns/${review.id}`), 'VALIDATION_FAILED');
    await createTask(editor, projectId, { title: 'F', status: 'done' });
    const deleted = await editor.request(
      'DELETE',
      `${API}/columns/${review.id}?moveTo=${done!.id}`,
    );
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(204);
    expect(await titlesIn(viewer, projectId, done!.id)).toEqual(['F', 'A', 'C', 'D', 'E']);
    const after = await viewer.request('GET', `${API}/tasks/${a.id}`);
    expect(after.body).toMatchObject({ status: 'done', columnId: done!.id });
    expect(await names(viewer, projectId)).toEqual([
      'To do:todo',
      'In progress:in_progress',
      'Done:done',
    ]);
    expect((await columns(viewer, projectId)).map((x) => x.position)).toEqual([1, 2, 3]);

    const history = await owner.request('GET', `${API}/projects/${projectId}/activity?limit=50`);
    expect(history.status).toBe(200);
    expect(history.body.items.map((x: { action: string }) => x.action)).toEqual(
      expect.arrayContaining(['column.created', 'column.updated', 'column.deleted']),
    );
  });

  it_('keeps the last column of a status, and archives one column of several', async () => {
    const t = app();
    const { owner, projectId } = await team(t);
    const [, , done] = await columns(owner, projectId);
    expectError(await owner.request('DELETE', `${API}/columns/${done!.id}`), 'CONFLICT');
    const shipped = await addColumn(owner, projectId, { name: 'Shipped', category: 'done' });
    await createTask(owner, projectId, { title: 'Old', status: 'done' });
    await createTask(owner, projectId, { title: 'New', columnId: shipped.id });
    const archived = await owner.request('POST', `${API}/projects/${projectId}/tasks/archive`, {
      columnId: done!.id,
    });
    expect(archived.status, JSON.stringify(archived.body)).toBe(200);
    expect(archived.body).toEqual({ archived: 1 });
    expect(await titlesIn(owner, projectId, shipped.id)).toEqual(['New']);
    expect(await titlesIn(owner, projectId, done!.id)).toEqual([]);
    // An empty column goes without moveTo; its archived task moves with a moveTo.
    expectError(await owner.request('DELETE', `${API}/columns/${done!.id}`), 'VALIDATION_FAILED');
    expect(
      (await owner.request('DELETE', `${API}/columns/${done!.id}?moveTo=${shipped.id}`)).status,
    ).toBe(204);
    expectError(await owner.request('DELETE', `${API}/columns/${shipped.id}`), 'CONFLICT');
    const archive = await owner.request(
      'GET',
      `${API}/projects/${projectId}/tasks?archived=true&columnId=${shipped.id}`,
    );
    expect(archive.body.items.map((x: { title: string }) => x.title)).toEqual(['Old']);
  });

  it_(
    'refuses bad input with 400, viewers with 403, strangers with 404; writes nothing',
    async () => {
      const t = app();
      const { owner, editor, viewer, stranger, projectId } = await team(t);
      const other = await owner.request('POST', `${API}/projects`, { name: 'Other' });
      const [foreign] = await columns(owner, other.body.id as string);
      const [todo, doing] = await columns(owner, projectId);
      const task = await createTask(owner, projectId);
      const before = await rowCounts(t);
      for (const body of [
        {},
        { name: 'x' },
        { name: '', category: 'todo' },
        { name: '  ', category: 'todo' },
        { name: 'x'.repeat(61), category: 'todo' },
        { name: 'x', category: 'later' },
        { name: 'x', category: 'todo', wipLimit: 0 },
        { name: 'x', category: 'todo', wipLimit: 1.5 },
        { name: 'x', category: 'todo', color: 'red' },
        { name: 'x', category: 'todo', beforeId: foreign!.id },
        { name: 'x', category: 'todo', extra: 1 },
      ]) {
        expectError(
          await editor.request('POST', `${API}/projects/${projectId}/columns`, body),
          'VALIDATION_FAILED',
        );
      }
      for (const body of [{}, { category: 'done' }, { beforeId: todo!.id }, { wipLimit: -1 }]) {
        expectError(
          await editor.request('PATCH', `${API}/columns/${todo!.id}`, body),
          'VALIDATION_FAILED',
        );
      }
      for (const moveTo of [doing!.id, foreign!.id, 'nope']) {
        expectError(
          await editor.request('DELETE', `${API}/columns/${doing!.id}?moveTo=${moveTo}`),
          'VALIDATION_FAILED',
        );
      }
      for (const body of [
        { columnId: foreign!.id },
        { status: 'done', columnId: todo!.id },
        { beforeId: null },
      ]) {
        expectError(
          await editor.request('POST', `${API}/tasks/${task.id}/move`, body),
          'VALIDATION_FAILED',
        );
      }
      expectError(
        await editor.request('POST', `${API}/projects/${projectId}/tasks`, {
          title: 'x',
          columnId: foreign!.id,
        }),
        'VALIDATION_FAILED',
      );
      expectError(
        await editor.request('GET', `${API}/projects/${projectId}/tasks?columnId=${foreign!.id}`),
        'VALIDATION_FAILED',
      );
      expectError(
        await viewer.request('POST', `${API}/projects/${projectId}/columns`, {
          name: 'x',
          category: 'todo',
        }),
        'FORBIDDEN',
      );
      expectError(
        await viewer.request('PATCH', `${API}/columns/${todo!.id}`, { name: 'x' }),
        'FORBIDDEN',
      );
      expectError(await viewer.request('DELETE', `${API}/columns/${todo!.id}`), 'FORBIDDEN');
      expectError(
        await stranger.request('GET', `${API}/projects/${projectId}/columns`),
        'NOT_FOUND',
      );
      expectError(
        await stranger.request('PATCH', `${API}/columns/${todo!.id}`, { name: 'x' }),
        'NOT_FOUND',
      );
      expectError(await stranger.request('DELETE', `${API}/columns/${todo!.id}`), 'NOT_FOUND');
      expectError(
        await stranger.request('GET', `${API}/projects/${projectId}/tasks?columnId=${todo!.id}`),
        'NOT_FOUND',
      );
      expect(await rowCounts(t)).toEqual(before);
      expect(await names(owner, projectId)).toEqual([
        'To do:todo',
        'In progress:in_progress',
        'Done:done',
      ]);
    },
  );
});
