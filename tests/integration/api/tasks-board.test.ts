// Kanban moves of tasks and the activity that task changes leave behind.
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../../support/databases.js';
import {
  API,
  allPages,
  column,
  createTask,
  expectError,
  ids,
  rowCounts,
  signUp,
  team,
  useApp,
} from './helpers.js';
import type { Task } from './helpers.js';

describe.each(testDatabases)('tasks on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);

  describe('kanban moves', () => {
    it_('moves before another task, to the end, and across columns', async () => {
      const t = app();
      const { owner, editor, projectId } = await team(t);
      const a = await createTask(owner, projectId, { title: 'A' });
      const b = await createTask(owner, projectId, { title: 'B' });
      const c = await createTask(owner, projectId, { title: 'C' });
      const move = (id: string, body: Record<string, unknown>) =>
        editor.request('POST', `${API}/tasks/${id}/move`, body);

      const moved = await move(c.id, { status: 'todo', beforeId: a.id });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ status: 'todo', version: 2 });
      expect(await column(owner, projectId, 'todo')).toEqual(['C', 'A', 'B']);
      expect((await move(c.id, { status: 'todo', beforeId: b.id })).status).toBe(200);
      expect(await column(owner, projectId, 'todo')).toEqual(['A', 'C', 'B']);
      expect((await move(a.id, { status: 'todo' })).status).toBe(200);
      expect(await column(owner, projectId, 'todo')).toEqual(['C', 'B', 'A']);

      expect((await move(b.id, { status: 'in_progress' })).status).toBe(200);
      expect((await move(a.id, { status: 'in_progress', beforeId: b.id })).status).toBe(200);
      expect((await move(c.id, { status: 'in_progress', beforeId: null })).status).toBe(200);
      expect(await column(owner, projectId, 'in_progress')).toEqual(['A', 'B', 'C']);
      expect(await column(owner, projectId, 'todo')).toEqual([]);
      expect((await owner.request('GET', `${API}/projects/${projectId}`)).body.taskCounts).toEqual({
        todo: 0,
        in_progress: 3,
        done: 0,
      });
    });

    it_(
      'refuses a beforeId that is itself, in another column or in another project (400, nothing written)',
      async () => {
        const t = app();
        const { owner, projectId } = await team(t);
        const a = await createTask(owner, projectId, { title: 'A' });
        const done = await createTask(owner, projectId, { title: 'Done', status: 'done' });
        const { body: other } = await owner.request('POST', `${API}/projects`, {
          name: 'Elsewhere',
        });
        const foreign = await createTask(owner, other.id, { title: 'Foreign' });
        const before = await rowCounts(t);
        for (const body of [
          { status: 'todo', beforeId: a.id },
          { status: 'todo', beforeId: done.id },
          { status: 'todo', beforeId: foreign.id },
          { status: 'todo', beforeId: '01900000-0000-7000-8000-000000000000' },
          { status: 'archived' },
          {},
          { status: 'todo', position: 3 },
        ]) {
          expectError(
            await owner.request('POST', `${API}/tasks/${a.id}/move`, body),
            'VALIDATION_FAILED',
          );
        }
        expect(await rowCounts(t)).toEqual(before);
        expect((await owner.request('GET', `${API}/tasks/${a.id}`)).body.version).toBe(1);
      },
    );

    it_(
      'creates a task before another one in one write (quick-add at the top: one activity entry)',
      async () => {
        const t = app();
        const { owner, projectId } = await team(t);
        const a = await createTask(owner, projectId, { title: 'A' });
        const b = await createTask(owner, projectId, { title: 'B', beforeId: a.id });
        const c = await createTask(owner, projectId, { title: 'C', beforeId: a.id });
        expect(b.version).toBe(1);
        expect(await column(owner, projectId, 'todo')).toEqual(['B', 'C', 'A']);
        const activity = await owner.request('GET', `${API}/tasks/${c.id}/activity`);
        expect((activity.body.items as { action: string }[]).map((e) => e.action)).toEqual([
          'task.created',
        ]);

        // A beforeId outside the new task's column or project is refused and writes nothing.
        const { body: other } = await owner.request('POST', `${API}/projects`, { name: 'Other' });
        const foreign = await createTask(owner, other.id, { title: 'Foreign' });
        const before = await rowCounts(t);
        for (const body of [
          { title: 'X', status: 'done', beforeId: a.id },
          { title: 'X', beforeId: foreign.id },
          { title: 'X', beforeId: '01900000-0000-7000-8000-000000000000' },
        ]) {
          expectError(
            await owner.request('POST', `${API}/projects/${projectId}/tasks`, body),
            'VALIDATION_FAILED',
          );
        }
        expect(await rowCounts(t)).toEqual(before);
      },
    );

    it_('keeps the order when repeated moves use up the gap between two tasks', async () => {
      const t = app();
      const owner = await signUp(t, 'Mover');
      const projectId = (await owner.request('POST', `${API}/projects`, { name: 'Tight' })).body.id;
      const tasks: Record<string, string> = {};
      for (const title of ['A', 'P', 'Q', 'B'])
        tasks[title] = (await createTask(owner, projectId, { title })).id;
      // Alternately put P and Q just before B: every move halves the gap before B.
      for (let i = 0; i < 60; i++) {
        const mover = i % 2 === 0 ? tasks.P! : tasks.Q!;
        const reply = await owner.request('POST', `${API}/tasks/${mover}/move`, {
          status: 'todo',
          beforeId: tasks.B,
        });
        expect(reply.status).toBe(200);
      }
      expect(await column(owner, projectId, 'todo')).toEqual(['A', 'P', 'Q', 'B']);
      const reply = await owner.request('GET', `${API}/projects/${projectId}/tasks?status=todo`);
      const positions = (reply.body.items as Task[]).map((task) => task.position);
      expect(new Set(positions).size).toBe(4);
    });
  });

  describe('activity', () => {
    it_(
      'records who did what: create, update, move, comment, delete (newest first, paginated)',
      async () => {
        const t = app();
        const { owner, editor, viewer, projectId } = await team(t);
        const task = await createTask(editor, projectId, { title: 'Tracked' });
        await editor.request('PATCH', `${API}/tasks/${task.id}`, { priority: 'high' });
        await owner.request('POST', `${API}/tasks/${task.id}/move`, { status: 'done' });
        await editor.request('POST', `${API}/tasks/${task.id}/comments`, { body: 'Shipped' });
        const other = await createTask(owner, projectId, { title: 'Other' });

        const forTask = await viewer.request('GET', `${API}/tasks/${task.id}/activity`);
        expect(forTask.status).toBe(200);
        expect(
          forTask.body.items.map((e: { action: string; actor: { name: string } }) => [
            e.action,
            e.actor.name,
          ]),
        ).toEqual([
          ['comment.added', 'Editor'],
          ['task.moved', 'Owner'],
          ['task.updated', 'Editor'],
          ['task.created', 'Editor'],
        ]);
        const moved = forTask.body.items[1];
        expect(moved).toMatchObject({
          projectId,
          taskId: task.id,
          details: { from: 'todo', to: 'done' },
        });
        expect(moved.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
        expect(forTask.body.items[2].details.fields).toEqual(['priority']);

        expect((await owner.request('DELETE', `${API}/tasks/${task.id}`)).status).toBe(204);
        const pages = await allPages(viewer, `${API}/projects/${projectId}/activity?limit=3`);
        const entries = pages.flat() as unknown as {
          id: string;
          action: string;
          taskId: string | null;
        }[];
        expect(pages.length).toBeGreaterThan(2);
        expect(new Set(ids(entries)).size).toBe(entries.length);
        expect(entries.map((e) => e.action)).toEqual([
          'task.deleted',
          'task.created',
          'comment.added',
          'task.moved',
          'task.updated',
          'task.created',
          'member.added',
          'member.added',
          'project.created',
        ]);
        expect(entries[1]!.taskId).toBe(other.id);
        expectError(
          await viewer.request('GET', `${API}/projects/${projectId}/activity?cursor=zzz`),
          'VALIDATION_FAILED',
        );
        expectError(
          await viewer.request('GET', `${API}/projects/${projectId}/activity?limit=500`),
          'VALIDATION_FAILED',
        );
      },
    );
  });
});
