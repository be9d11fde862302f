// The archive (issue 14): a task archived alone or with its whole column leaves the board, the
// list, My work, the project's counts and calendar feeds, keeps everything it holds, is listed
// in the project's archive (searchable, newest first, paged) and comes back at the end of its
// column. Stale versions, the wrong role and bad input are refused with nothing written.
import { describe, expect, it } from 'vitest';
import { Client } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import {
  allPages,
  API,
  column,
  createTask,
  expectError,
  rowCounts,
  team,
  useApp,
} from './helpers.js';
import type { Task } from './helpers.js';

describe.each(testDatabases)('the archive on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);

  const archive = async (client: Client, taskId: string, headers: Record<string, string> = {}) =>
    client.request('POST', `${API}/tasks/${taskId}/archive`, undefined, { headers });
  const archived = async (client: Client, projectId: string, query = '') =>
    (await allPages(client, `${API}/projects/${projectId}/tasks?archived=true${query}`))
      .flat()
      .map((task) => task.title);
  const history = async (client: Client, projectId: string) =>
    (
      (await client.request('GET', `${API}/projects/${projectId}/activity`)).body.items as {
        action: string;
        details: Record<string, unknown>;
      }[]
    ).map((item) => item.action);

  it_('a task leaves the board, keeps what it holds, and comes back at the end', async () => {
    const t = app();
    const { owner, editor, viewer, projectId } = await team(t);
    const first = await createTask(owner, projectId, {
      title: 'First',
      assigneeId: owner.user!.id,
    });
    await createTask(owner, projectId, { title: 'Second' });
    const comment = await owner.request('POST', `${API}/tasks/${first.id}/comments`, {
      body: 'Kept while archived',
    });
    expect(comment.status).toBe(201);

    const reply = await archive(editor, first.id, { 'if-match': `"${first.version}"` });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toMatchObject({
      id: first.id,
      archivedAt: expect.any(String),
      version: first.version + 1,
    });
    expect(reply.headers.etag).toBe(`"${first.version + 1}"`);
    // Off the board, the list, My work and the counts; still readable on its own.
    expect(await column(viewer, projectId, 'todo')).toEqual(['Second']);
    expect(
      (await viewer.request('GET', `${API}/projects/${projectId}/tasks`)).body.items.map(
        (task: Task) => task.title,
      ),
    ).toEqual(['Second']);
    expect((await owner.request('GET', `${API}/me/tasks`)).body.items).toEqual([]);
    expect((await viewer.request('GET', `${API}/projects/${projectId}`)).body.taskCounts).toEqual({
      todo: 1,
      in_progress: 0,
      done: 0,
    });
    const read = await viewer.request('GET', `${API}/tasks/${first.id}`);
    expect(read.body.archivedAt).toBe(reply.body.archivedAt);
    expect(
      (await viewer.request('GET', `${API}/tasks/${first.id}/comments`)).body.items,
    ).toHaveLength(1);
    expect(await archived(viewer, projectId)).toEqual(['First']);

    // Again: no error, no change.
    const again = await archive(editor, first.id);
    expect(again.status).toBe(200);
    expect(again.body.version).toBe(first.version + 1);

    // Meanwhile the column grew: the restored task comes back at its end.
    await createTask(owner, projectId, { title: 'Third' });
    const restored = await editor.request('POST', `${API}/tasks/${first.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ archivedAt: null, version: first.version + 2 });
    expect(await column(viewer, projectId, 'todo')).toEqual(['Second', 'Third', 'First']);
    expect(await archived(viewer, projectId)).toEqual([]);
    expect((await owner.request('GET', `${API}/me/tasks`)).body.items).toHaveLength(1);
    expect(await history(viewer, projectId)).toEqual(
      expect.arrayContaining(['task.archived', 'task.restored']),
    );
    // Restoring an active task is no error either.
    expect((await editor.request('POST', `${API}/tasks/${first.id}/restore`)).status).toBe(200);
  });

  it_('a stale version, a viewer and a stranger change nothing', async () => {
    const t = app();
    const { owner, viewer, stranger, projectId } = await team(t);
    const task = await createTask(owner, projectId);
    await owner.request('PATCH', `${API}/tasks/${task.id}`, { title: 'Renamed' });
    const before = await rowCounts(t);
    const stale = await archive(owner, task.id, { 'if-match': `"${task.version}"` });
    expect(expectError(stale, 'PRECONDITION_FAILED').details).toMatchObject({
      currentVersion: task.version + 1,
    });
    expectError(await archive(viewer, task.id), 'FORBIDDEN');
    expectError(await archive(stranger, task.id), 'NOT_FOUND');
    expectError(
      await viewer.request('POST', `${API}/projects/${projectId}/tasks/archive`, {
        status: 'done',
      }),
      'FORBIDDEN',
    );
    expectError(
      await owner.request('POST', `${API}/projects/${projectId}/tasks/archive`, {
        status: 'finished',
      }),
      'VALIDATION_FAILED',
    );
    expectError(
      await owner.request('GET', `${API}/projects/${projectId}/tasks?archived=maybe`),
      'VALIDATION_FAILED',
    );
    expect(await rowCounts(t)).toEqual(before);
    expect((await owner.request('GET', `${API}/tasks/${task.id}`)).body.archivedAt).toBeNull();
  });

  it_('"Archive done tasks" empties one column; the archive is searched and paged', async () => {
    const t = app();
    const { owner, editor, viewer, projectId } = await team(t);
    for (const title of ['Ship v1', 'Write notes', 'Ship v2'])
      await createTask(owner, projectId, { title, status: 'done' });
    await createTask(owner, projectId, { title: 'Still open' });
    const reply = await editor.request('POST', `${API}/projects/${projectId}/tasks/archive`, {
      status: 'done',
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toEqual({ archived: 3 });
    expect(await column(viewer, projectId, 'done')).toEqual([]);
    expect(await column(viewer, projectId, 'todo')).toEqual(['Still open']);
    expect(await history(viewer, projectId)).toContain('tasks.archived');

    // Nothing left to archive: 0, and no history entry.
    const entries = (await history(viewer, projectId)).length;
    const none = await editor.request('POST', `${API}/projects/${projectId}/tasks/archive`, {
      status: 'done',
    });
    expect(none.body).toEqual({ archived: 0 });
    expect(await history(viewer, projectId)).toHaveLength(entries);

    // One page at a time, by title text, by column.
    expect((await archived(viewer, projectId, '&limit=1&sort=title')).sort()).toEqual([
      'Ship v1',
      'Ship v2',
      'Write notes',
    ]);
    expect(await archived(viewer, projectId, '&q=ship&sort=title')).toEqual(['Ship v1', 'Ship v2']);
    expect(await archived(viewer, projectId, '&status=todo')).toEqual([]);

    // Newest first: archive one more later, it leads.
    const late = await createTask(owner, projectId, { title: 'Late', status: 'done' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await archive(owner, late.id);
    expect((await archived(viewer, projectId, '&sort=-archivedAt&limit=2'))[0]).toBe('Late');
    expect(await archived(viewer, projectId, '&sort=-archivedAt&limit=2')).toHaveLength(4);
  });

  it_('an archived task is no place to put another, and leaves the calendar', async () => {
    const t = app();
    const { owner, viewer, projectId } = await team(t);
    const due = '2030-01-15T10:00:00.000Z';
    const gone = await createTask(owner, projectId, { title: 'Gone', dueAt: due });
    const moving = await createTask(owner, projectId, { title: 'Moving', status: 'done' });
    await archive(owner, gone.id);
    expectError(
      await owner.request('POST', `${API}/tasks/${moving.id}/move`, {
        status: 'todo',
        beforeId: gone.id,
      }),
      'VALIDATION_FAILED',
    );
    const feed = await viewer.request('POST', `${API}/calendar-feeds`, { projectId });
    const ics = await new Client(t.app).request('GET', feed.body.path as string);
    expect(ics.status).toBe(200);
    expect(ics.raw.body).not.toContain('Gone');
  });
});
