// "My work" (issue 13): the tasks assigned to me in every project I am a member of, by due date
// (none last), in keyset pages, with the list view's status and label filters; nobody else's.
import { describe, expect, it } from 'vitest';
import { Client } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { API, createTask, expectError, signUp, team, useApp } from './helpers.js';

describe.each(testDatabases)('my work on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);

  it_('lists my tasks across projects by due date, filters and pages them', async () => {
    const t = app();
    const { owner, editor, projectId } = await team(t);
    const me = editor.user!.id;
    const second = await editor.request('POST', `${API}/projects`, { name: 'Side project' });
    const sideId = second.body.id as string;
    const label = await owner.request('POST', `${API}/projects/${projectId}/labels`, {
      name: 'urgent-ish',
    });
    const day = (n: number) => new Date(Date.UTC(2030, 0, n)).toISOString();

    await createTask(owner, projectId, { title: 'Later', dueAt: day(20), assigneeId: me });
    await createTask(owner, projectId, { title: 'No date', assigneeId: me });
    await createTask(editor, sideId, { title: 'Soon', dueAt: day(2), assigneeId: me });
    await createTask(owner, projectId, {
      title: 'Labelled',
      dueAt: day(10),
      assigneeId: me,
      labels: [label.body.id],
      status: 'in_progress',
    });
    await createTask(owner, projectId, { title: 'Someone else', assigneeId: owner.user!.id });
    await createTask(owner, projectId, { title: 'Nobody' });

    const titles = async (query = '') => {
      const reply = await editor.request('GET', `${API}/me/tasks${query}`);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      return (reply.body.items as { title: string }[]).map((task) => task.title);
    };
    expect(await titles()).toEqual(['Soon', 'Labelled', 'Later', 'No date']);
    expect(await titles('?status=in_progress')).toEqual(['Labelled']);
    expect(await titles(`?label=${label.body.id}`)).toEqual(['Labelled']);
    expect(await titles('?status=done')).toEqual([]);
    // The list view's other filters: priority, text in the title or description, due before.
    expect(await titles('?priority=medium')).toEqual(['Soon', 'Labelled', 'Later', 'No date']);
    expect(await titles('?priority=urgent')).toEqual([]);
    expect(await titles('?q=LATE')).toEqual(['Later']);
    expect(await titles(`?dueBefore=${encodeURIComponent(day(15))}`)).toEqual(['Soon', 'Labelled']);
    expect(await titles(`?q=o&dueBefore=${encodeURIComponent(day(15))}`)).toEqual(['Soon']);
    // dueAfter: at or after, so with dueBefore a calendar's range; undated tasks never match.
    expect(await titles(`?dueAfter=${encodeURIComponent(day(10))}`)).toEqual(['Labelled', 'Later']);
    expect(
      await titles(
        `?dueAfter=${encodeURIComponent(day(2))}&dueBefore=${encodeURIComponent(day(10))}`,
      ),
    ).toEqual(['Soon']);
    // Pages of one within a range: each once, in order.
    const ranged: string[] = [];
    let next: string | null = null;
    do {
      const page: { status: number; body: any } = await editor.request(
        'GET',
        `${API}/me/tasks?limit=1&dueAfter=${encodeURIComponent(day(1))}&dueBefore=${encodeURIComponent(day(21))}${next ? `&cursor=${next}` : ''}`,
      );
      expect(page.status).toBe(200);
      ranged.push(...page.body.items.map((task: { title: string }) => task.title));
      next = page.body.nextCursor;
    } while (next);
    expect(ranged).toEqual(['Soon', 'Labelled', 'Later']);

    // Pages of one, across the end of the dated tasks: each once, in order.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: any } = await editor.request(
        'GET',
        `${API}/me/tasks?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((task: { title: string }) => task.title));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['Soon', 'Labelled', 'Later', 'No date']);

    // The owner's own page holds only theirs; a stranger's is empty.
    const ownerPage = await owner.request('GET', `${API}/me/tasks`);
    expect(ownerPage.body.items.map((task: { title: string }) => task.title)).toEqual([
      'Someone else',
    ]);
    expect((await (await signUp(t, 'Nobody')).request('GET', `${API}/me/tasks`)).body).toEqual({
      items: [],
      nextCursor: null,
    });

    // Leaving a project takes its tasks off the page.
    const left = await editor.request('DELETE', `${API}/projects/${projectId}/members/${me}`);
    expect(left.status).toBe(204);
    expect(await titles()).toEqual(['Soon']);

    expectError(
      await editor.request('GET', `${API}/me/tasks?cursor=nonsense`),
      'VALIDATION_FAILED',
    );
    expectError(await editor.request('GET', `${API}/me/tasks?status=later`), 'VALIDATION_FAILED');
    expectError(await editor.request('GET', `${API}/me/tasks?priority=huge`), 'VALIDATION_FAILED');
    expectError(
      await editor.request('GET', `${API}/me/tasks?dueBefore=tomorrow`),
      'VALIDATION_FAILED',
    );
    expectError(
      await editor.request('GET', `${API}/me/tasks?dueAfter=tomorrow`),
      'VALIDATION_FAILED',
    );
    expectError(await new Client(t.app).request('GET', `${API}/me/tasks`), 'UNAUTHENTICATED');
  });
});
