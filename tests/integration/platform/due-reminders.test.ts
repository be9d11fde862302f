// The due-reminder scheduler's passes (src/features/notifications/due-reminders.ts), on both
// databases:
// - a full pass over more due tasks than one page (500), with due dates tied across the page
//   boundary: every reminder is claimed exactly once, none is skipped, and the next pass finds
//   nothing (each page starts after the previous one's last (due date, id), so a wrong cursor
//   would skip or repeat the tied tasks);
// - the passes in between full ones read only what changed: a task the clock brings into a
//   window, a task written through the API (its live event on the change feed), and not a task
//   changed behind the feed's back, which the hourly full pass finds; an import (one live event
//   for many tasks) makes the next pass a full one.
import { describe, expect, it } from 'vitest';
import { DueReminders, FULL_PASS_MS } from '../../../src/features/notifications/due-reminders.js';
import { Client } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { useApp } from '../api/helpers.js';

const API = '/api/v1';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe.each(testDatabases)('due reminders on $name', (target) => {
  const t = useApp(target);

  const claimsOf = (taskId: string) =>
    t()
      .database.db.selectFrom('due_reminders')
      .select(['kind', 'due_at'])
      .where('task_id', '=', taskId)
      .orderBy('created_at')
      .execute();

  it.skipIf(target.skipReason)(
    'claims 650 overdue tasks, 550 of them due at one instant, each once',
    async () => {
      const owner = await new Client(t().app).register('Owner');
      const project = await owner.request('POST', `${API}/projects`, { name: 'Pages' });
      expect(project.status).toBe(201);
      const tied = new Date(Date.now() - 2 * HOUR).toISOString();
      const dueDates = [
        ...Array.from({ length: 550 }, () => tied),
        ...Array.from({ length: 100 }, (_, i) =>
          new Date(Date.now() - 3 * HOUR - i * 60_000).toISOString(),
        ),
      ];
      const ids: string[] = [];
      for (const [i, dueAt] of dueDates.entries()) {
        const created = await owner.request('POST', `${API}/projects/${project.body.id}/tasks`, {
          title: `due ${i}`,
          dueAt,
        });
        expect(created.status).toBe(201);
        ids.push(created.body.id as string);
      }

      expect(await t().app.dueReminders.runOnce()).toBe(650);
      const claims = await t()
        .database.db.selectFrom('due_reminders')
        .select(['task_id', 'kind'])
        .where('task_id', 'in', ids)
        .execute();
      expect(claims.every((c) => c.kind === 'overdue')).toBe(true);
      expect(claims.map((c) => c.task_id).sort()).toEqual([...ids].sort());
      expect(await t().app.dueReminders.runOnce()).toBe(0);
    },
    180_000,
  );

  it.skipIf(target.skipReason)(
    'between full passes: what the clock brings in and what was written, not the rest',
    async () => {
      const { app, database } = t();
      let clock = Date.now();
      const reminders = new DueReminders(
        database.db,
        { leadMs: 24 * HOUR, pollIntervalMs: 60_000 },
        { now: () => clock, changes: app.changes },
      );
      await app.changes.poll(); // the feed's first poll: it starts from the newest row
      const owner = await new Client(app).register('Clock');
      const project = (await owner.request('POST', `${API}/projects`, { name: 'Clock' })).body;
      const task = async (title: string, dueAt: number) => {
        const created = await owner.request('POST', `${API}/projects/${project.id}/tasks`, {
          title,
          dueAt: new Date(dueAt).toISOString(),
        });
        expect(created.status).toBe(201);
        return created.body as { id: string; version: number };
      };
      const start = clock;
      const soon = await task('due in ten minutes', start + 10 * MINUTE);
      const later = await task('due in a day and twenty minutes', start + DAY + 20 * MINUTE);

      // The first pass is a full one (this test's tasks and the other test's, claimed already);
      // the next looks at the two tasks again (their creation's live events), finding nothing.
      await app.changes.poll();
      expect(await reminders.runOnce()).toBe(1);
      expect(await claimsOf(soon.id)).toMatchObject([{ kind: 'dueSoon' }]);
      clock = start + MINUTE;
      expect(await reminders.runOnce()).toBe(0);

      // Half an hour on (no full pass yet): "later" is due within the lead, "soon" is overdue.
      clock = start + 30 * MINUTE;
      expect(await reminders.runOnce()).toBe(2);
      expect(await claimsOf(later.id)).toMatchObject([{ kind: 'dueSoon' }]);
      expect(await claimsOf(soon.id)).toMatchObject([{ kind: 'dueSoon' }, { kind: 'overdue' }]);

      // A due date moved behind the change feed's back (no live event) to inside the window:
      // the passes in between do not read the window whole, so it waits for the hourly pass.
      const quiet = await task('due in a week', start + 7 * DAY);
      await app.changes.poll();
      clock += MINUTE;
      expect(await reminders.runOnce()).toBe(0);
      await database.db
        .updateTable('tasks')
        .set({ due_at: start + 10 * HOUR })
        .where('id', '=', quiet.id)
        .execute();
      clock += MINUTE;
      expect(await reminders.runOnce()).toBe(0);

      // A due date changed through the API is looked at by the next pass (its live event).
      const edited = await owner.request(
        'PATCH',
        `${API}/tasks/${later.id}`,
        { dueAt: new Date(start + 12 * HOUR).toISOString() },
        { headers: { 'if-match': `"${later.version}"` } },
      );
      expect(edited.status).toBe(200);
      await app.changes.poll();
      clock += MINUTE;
      expect(await reminders.runOnce()).toBe(1);
      expect((await claimsOf(later.id)).map((c) => c.due_at)).toEqual([
        start + DAY + 20 * MINUTE,
        start + 12 * HOUR,
      ]);

      // The hourly full pass finds the quiet one, and nothing twice.
      clock += FULL_PASS_MS;
      expect(await reminders.runOnce()).toBe(1);
      expect(await claimsOf(quiet.id)).toMatchObject([{ kind: 'dueSoon' }]);
      clock += MINUTE;
      expect(await reminders.runOnce()).toBe(0);

      // An import writes many tasks under one live event naming none: the next pass is whole.
      const doc = await owner.request('GET', `${API}/projects/${project.id}/export`);
      expect(doc.status).toBe(200);
      const imported = await owner.request('POST', `${API}/projects/import`, doc.raw.body);
      expect(imported.status).toBe(201);
      await app.changes.poll();
      clock += MINUTE;
      expect(await reminders.runOnce()).toBe(3); // copies of soon, later and quiet
    },
    60_000,
  );
});
