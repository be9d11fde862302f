// Notification emails (issue 13) against a real SMTP listener started here (smtp-server on
// loopback, recording what it accepts): assigned and mentioned are emailed by default, watched
// changes only when chosen; the language chosen; plain text and HTML with the link to the task;
// each email sent once, also with two mailers (replicas) on one database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { NotificationMailer } from '../../../src/features/notifications/notifications.mailer.js';
import { testDatabases } from '../../support/databases.js';
import { eventually } from '../../support/process.js';
import { SmtpListener } from '../../support/smtp-listener.js';
import { API, createTask, team, useApp } from './helpers.js';

const PUBLIC_URL = 'https://tasks.example.test';

describe('SMTP settings', () => {
  it('SMTP_URL needs SMTP_FROM and PUBLIC_URL', () => {
    expect(() => loadConfig({ SMTP_URL: 'smtp://127.0.0.1:2525' })).toThrow(ConfigError);
    expect(() =>
      loadConfig({ SMTP_URL: 'smtp://127.0.0.1:2525', SMTP_FROM: 'tm@example.test' }),
    ).toThrow(/PUBLIC_URL/);
    expect(() =>
      loadConfig({ SMTP_URL: 'http://x', SMTP_FROM: 'a', PUBLIC_URL: PUBLIC_URL }),
    ).toThrow(/SMTP_URL/);
    expect(loadConfig({}).smtp).toBeUndefined();
  });
});

describe.each(testDatabases)('notification emails on $name', (target) => {
  const smtp = new SmtpListener();
  const env: Record<string, string> = {};
  beforeAll(async () => {
    await smtp.start();
    Object.assign(env, {
      SMTP_URL: smtp.url,
      SMTP_FROM: 'TaskManager <tasks@example.test>',
      PUBLIC_URL: `${PUBLIC_URL}/`,
      SMTP_POLL_MS: '60000',
    });
  });
  afterAll(() => smtp.stop());
  const app = useApp(target, env);
  const it_ = it.skipIf(target.skipReason);

  const mailer = () => app().app.notificationMailer!;
  const to = (email: string) => smtp.to(email);

  it_(
    'assignment and mention emailed once, localized, with the link; watched kinds by choice',
    async () => {
      const { owner, editor, viewer, projectId } = await team(app());
      const task = await createTask(owner, projectId, {
        title: 'Ship <it> & go',
        assigneeId: editor.user!.id,
      });
      expect(await mailer().runOnce()).toBe(1);
      const [assigned] = await eventually(async () => {
        const got = to(editor.user!.email);
        expect(got).toHaveLength(1);
        return got;
      });
      const link = `${PUBLIC_URL}/projects/${projectId}/tasks/${task.id}`;
      expect(assigned!.from?.value).toEqual([
        { name: 'TaskManager', address: 'tasks@example.test' },
      ]);
      expect(assigned!.subject).toBe('Owner assigned you a task: Ship <it> & go');
      expect(assigned!.text).toContain(`Open the task: ${link}`);
      expect(assigned!.html).toContain(`<a href="${link}">Open the task</a>`);
      expect(assigned!.html).toContain('Ship &lt;it&gt; &amp; go');
      expect(await mailer().runOnce()).toBe(0);

      // A comment tells the watching owner in the inbox, but watched kinds are not emailed by default.
      await editor.request('POST', `${API}/tasks/${task.id}/comments`, { body: 'On it' });
      expect(await mailer().runOnce()).toBe(0);

      // Spanish, and comments on watched tasks chosen.
      const chosen = await viewer.request('PUT', `${API}/notifications/settings`, {
        inApp: { assigned: true, mentioned: true, taskChanged: true, commented: true },
        email: { assigned: true, mentioned: true, taskChanged: false, commented: true },
        language: 'es',
      });
      expect(chosen.status).toBe(200);
      await owner.request('POST', `${API}/tasks/${task.id}/comments`, { body: '@viewer mira' });
      expect(await mailer().runOnce()).toBe(1);
      const [mentioned] = await eventually(async () => {
        const got = to(viewer.user!.email);
        expect(got).toHaveLength(1);
        return got;
      });
      expect(mentioned!.subject).toBe('Owner te ha mencionado: Ship <it> & go');
      expect(mentioned!.text).toContain(`Abrir la tarea: ${link}`);
      await viewer.request('PUT', `${API}/tasks/${task.id}/watch`);
      await editor.request('POST', `${API}/tasks/${task.id}/comments`, { body: 'Listo' });
      expect(await mailer().runOnce()).toBe(1);
      await eventually(async () =>
        expect(to(viewer.user!.email).map((m) => m.subject)).toContain(
          'Editor ha comentado en una tarea que sigues: Ship <it> & go',
        ),
      );
    },
  );

  it_('two mailers on one database send an email once', async () => {
    const { owner, editor, projectId } = await team(app());
    const second = new NotificationMailer(app().database.db, loadConfig(env).smtp!);
    try {
      await createTask(owner, projectId, { title: 'Once only', assigneeId: editor.user!.id });
      const sent = await Promise.all([mailer().runOnce(), second.runOnce()]);
      expect(sent[0] + sent[1]).toBe(1);
      expect(await second.runOnce()).toBe(0);
      await smtp.settled();
      expect(to(editor.user!.email).map((m) => m.subject)).toEqual([
        'Owner assigned you a task: Once only',
      ]);
    } finally {
      await second.stop();
    }
  });
});
