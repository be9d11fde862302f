// Due reminders (issue 13) with two service processes on one database and a real SMTP listener:
// each reminder reaches the inbox and the listener exactly once although both processes look for
// it every 50 ms; a process started after both stopped sends nothing again; a new due date is a
// new reminder; done tasks and tasks due later are told nothing.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../support/databases.js';
import { ApiClient } from '../../support/http.js';
import { eventually } from '../../support/process.js';
import { startService } from '../../support/service.js';
import type { Service } from '../../support/service.js';
import { SmtpListener } from '../../support/smtp-listener.js';

const API = '/api/v1';
const PASSWORD = 'correct horse battery staple';
const HOUR = 3_600_000;
const at = (offset: number) => new Date(Date.now() + offset).toISOString();

describe.each(testDatabases)('due reminders across replicas on $name', (target) => {
  const smtp = new SmtpListener();
  const services: Service[] = [];
  let env: Record<string, string> = {};
  let drop: (() => Promise<void>) | undefined;

  const start = async () => {
    const service = await startService({ env });
    services.push(service);
    return service;
  };

  beforeAll(async () => {
    if (target.skipReason) return;
    await smtp.start();
    const created = await target.create();
    drop = created.drop;
    env = {
      DATABASE_URL: created.url,
      MIGRATE_ON_START: 'true',
      LOG_LEVEL: 'warn',
      SMTP_URL: smtp.url,
      SMTP_FROM: 'TaskManager <tasks@example.test>',
      PUBLIC_URL: 'https://tasks.example.test',
      SMTP_POLL_MS: '50',
      REMINDER_POLL_MS: '50',
    };
  }, 120_000);

  afterAll(async () => {
    for (const service of services) await service.stop();
    await drop?.();
    await smtp.stop();
  });

  it.skipIf(target.skipReason)(
    'two processes: each reminder once in the inbox and by email, not again after a restart',
    async () => {
      const a = await start();
      const b = await start();
      const owner = new ApiClient(a.url);
      const email = `due.${Date.now().toString(36)}@example.com`;
      const me = (await owner.register(email, PASSWORD, 'Dana')).body.user.id as string;
      const project = (await owner.ok('POST', `${API}/projects`, { name: 'Deadlines' })).body;
      const task = async (body: Record<string, unknown>) =>
        (
          await owner.ok('POST', `${API}/projects/${project.id}/tasks`, {
            assigneeId: me,
            ...body,
          })
        ).body as { id: string; version: number };
      const soon = await task({ title: 'Due in two hours', dueAt: at(2 * HOUR) });
      await task({ title: 'Due an hour ago', dueAt: at(-HOUR) });
      await task({ title: 'Done already', dueAt: at(-HOUR), status: 'done' });
      await task({ title: 'Due in three days', dueAt: at(72 * HOUR) });

      const subjects = async () =>
        (await smtp.settled())
          .filter((m) => m.to && 'text' in m.to && m.to.text === email)
          .map((m) => m.subject)
          .sort();
      const expected = [
        'A task is due soon: Due in two hours',
        'A task is overdue: Due an hour ago',
      ];
      await eventually(async () => expect(await subjects()).toEqual(expected), 30_000);
      // Both processes keep looking every 50 ms: a second sending would arrive within a few polls.
      await sleep(1_500);
      expect(await subjects()).toEqual(expected);
      const onB = new ApiClient(b.url);
      onB.cookie = owner.cookie;
      const inbox = (await onB.ok('GET', `${API}/notifications`)).body.items as {
        kind: string;
        actor: unknown;
        task: { title: string };
      }[];
      expect(inbox.map((n) => `${n.kind}: ${n.task.title}`).sort()).toEqual([
        'dueSoon: Due in two hours',
        'overdue: Due an hour ago',
      ]);
      expect(inbox.every((n) => n.actor === null)).toBe(true);

      // Every process stops; the next one finds the reminders claimed and sends nothing again.
      for (const service of services.splice(0)) await service.stop();
      const c = await start();
      const onC = new ApiClient(c.url);
      onC.cookie = owner.cookie;
      onC.csrfToken = owner.csrfToken;
      await sleep(1_500);
      expect(await subjects()).toEqual(expected);

      // A new due date is a new reminder.
      await onC.ok(
        'PATCH',
        `${API}/tasks/${soon.id}`,
        { dueAt: at(3 * HOUR) },
        { 'if-match': `"${soon.version}"` },
      );
      await eventually(
        async () =>
          expect(await subjects()).toEqual([
            'A task is due soon: Due in two hours',
            'A task is due soon: Due in two hours',
            'A task is overdue: Due an hour ago',
          ]),
        30_000,
      );
    },
    120_000,
  );
});
