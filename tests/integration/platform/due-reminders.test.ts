// One pass of the due-reminder scheduler over more due tasks than one batch (100), with due dates
// tied across the batch boundaries: every reminder is claimed exactly once, none is skipped, and
// the next pass finds nothing. Each batch starts after the previous one's last (due date, id),
// so a wrong cursor would skip or repeat the tied tasks.
import { describe, expect, it } from 'vitest';
import { Client } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { useApp } from '../api/helpers.js';

const API = '/api/v1';
const HOUR = 3_600_000;

describe.each(testDatabases)('due reminders in batches on $name', (target) => {
  const t = useApp(target);

  it.skipIf(target.skipReason)(
    'claims 250 overdue tasks, 150 of them due at one instant, each once',
    async () => {
      const owner = await new Client(t().app).register('Owner');
      const project = await owner.request('POST', `${API}/projects`, { name: 'Batches' });
      expect(project.status).toBe(201);
      const tied = new Date(Date.now() - 2 * HOUR).toISOString();
      const dueDates = [
        ...Array.from({ length: 150 }, () => tied),
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

      expect(await t().app.dueReminders.runOnce()).toBe(250);
      const claims = await t()
        .database.db.selectFrom('due_reminders')
        .select(['task_id', 'kind'])
        .execute();
      expect(claims.every((c) => c.kind === 'overdue')).toBe(true);
      expect(claims.map((c) => c.task_id).sort()).toEqual([...ids].sort());
      expect(await t().app.dueReminders.runOnce()).toBe(0);
    },
    120_000,
  );
});
