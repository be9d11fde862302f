// iCalendar feeds (issue 14): a secret URL per project or for My work, read without a session and
// parsed here by a real iCalendar parser (ical.js): one event per open task at its due time, with
// escaped text, labels and the link; revoking answers 404; a removed member's project feed 404.
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { Client } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { API, createTask, expectError, rowCounts, team, useApp } from './helpers.js';

interface Parsed {
  name: string;
  events: {
    uid: string;
    summary: string;
    description: string | null;
    start: string;
    url: string;
    categories: string[];
  }[];
}

function parse(text: string): Parsed {
  const calendar = new ICAL.Component(ICAL.parse(text));
  return {
    name: String(calendar.getFirstPropertyValue('x-wr-calname')),
    events: calendar.getAllSubcomponents('vevent').map((vevent) => {
      const event = new ICAL.Event(vevent);
      return {
        uid: event.uid,
        summary: event.summary,
        description: event.description ?? null,
        start: event.startDate.toJSDate().toISOString(),
        url: String(vevent.getFirstPropertyValue('url')),
        categories: vevent.getAllProperties('categories').flatMap((p) => p.getValues().map(String)),
      };
    }),
  };
}

describe.each(testDatabases)('calendar feeds on $name', (target) => {
  const app = useApp(target, { PUBLIC_URL: 'https://tasks.example.test/' });
  const it_ = it.skipIf(target.skipReason);
  const anonymous = () => new Client(app().app);
  const read = (path: string) => anonymous().request('GET', path);

  it_('a project feed lists its open due tasks for any calendar app, until revoked', async () => {
    const t = app();
    const { owner, viewer, stranger, projectId } = await team(t);
    const label = await owner.request('POST', `${API}/projects/${projectId}/labels`, {
      name: 'Ops, night',
    });
    const due = '2030-03-04T22:59:59.000Z';
    const task = await createTask(owner, projectId, {
      title: 'Renew; the certificate, now',
      description:
        'Line one\nLine two with a long tail that goes past seventy-five octets: áéíóú ñ 🎉 done',
      dueAt: due,
      labels: [label.body.id],
    });
    await createTask(owner, projectId, { title: 'No date' });
    await createTask(owner, projectId, { title: 'Done already', dueAt: due, status: 'done' });

    const created = await viewer.request('POST', `${API}/calendar-feeds`, { projectId });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      project: { id: projectId, name: 'Team project' },
      lastUsedAt: null,
    });
    const path = created.body.path as string;
    expect(path).toMatch(/^\/api\/v1\/ical\/[A-Za-z0-9_-]{43}\.ics$/);

    const reply = await read(path);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/calendar; charset=utf-8');
    const text = reply.raw.body;
    expect(text.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
    const calendar = parse(text);
    expect(calendar.name).toBe('Team project');
    expect(calendar.events).toEqual([
      {
        uid: `${task.id}@cloudedu-taskmanager`,
        summary: 'Renew; the certificate, now',
        description:
          'Line one\nLine two with a long tail that goes past seventy-five octets: áéíóú ñ 🎉 done',
        start: due,
        url: `https://tasks.example.test/projects/${projectId}/tasks/${task.id}`,
        categories: ['Ops, night'],
      },
    ]);
    // The same feed without the .ics suffix; its last use is now known.
    expect((await read(path.replace(/\.ics$/, ''))).status).toBe(200);
    const listed = await viewer.request('GET', `${API}/calendar-feeds`);
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0].lastUsedAt).not.toBeNull();
    expect(listed.body.items[0]).not.toHaveProperty('path');
    expect((await owner.request('GET', `${API}/calendar-feeds`)).body.items).toEqual([]);

    // Another user cannot revoke it; its owner can, and the URL is dead.
    expectError(
      await stranger.request('DELETE', `${API}/calendar-feeds/${created.body.id}`),
      'NOT_FOUND',
    );
    expect(
      (await viewer.request('DELETE', `${API}/calendar-feeds/${created.body.id}`)).status,
    ).toBe(204);
    expectError(await read(path), 'NOT_FOUND');
  });

  it_(
    'My work lists my assigned tasks across projects; a removed member’s project feed is gone',
    async () => {
      const t = app();
      const { owner, editor, projectId } = await team(t);
      const other = await owner.request('POST', `${API}/projects`, { name: 'Side' });
      await owner.request('POST', `${API}/projects/${other.body.id}/members`, {
        email: editor.user!.email,
        role: 'editor',
      });
      await createTask(owner, projectId, {
        title: 'Mine here',
        assigneeId: editor.user!.id,
        dueAt: '2030-01-02T10:00:00.000Z',
      });
      await createTask(owner, other.body.id, {
        title: 'Mine there',
        assigneeId: editor.user!.id,
        dueAt: '2030-01-01T10:00:00.000Z',
      });
      await createTask(owner, projectId, { title: 'Not mine', dueAt: '2030-01-01T10:00:00.000Z' });

      const mine = await editor.request('POST', `${API}/calendar-feeds`, {});
      expect(mine.status).toBe(201);
      expect(mine.body.project).toBeNull();
      const feed = parse((await read(mine.body.path)).raw.body);
      expect(feed.name).toBe('My work (Editor)');
      expect(feed.events.map((e) => e.summary)).toEqual([
        'Mine there (Side)',
        'Mine here (Team project)',
      ]);

      const project = await editor.request('POST', `${API}/calendar-feeds`, { projectId });
      expect((await read(project.body.path)).status).toBe(200);
      await owner.request('DELETE', `${API}/projects/${projectId}/members/${editor.user!.id}`);
      expectError(await read(project.body.path), 'NOT_FOUND');
      // My work now holds only what the editor can still see.
      const after = parse((await read(mine.body.path)).raw.body);
      expect(after.events.map((e) => e.summary)).toEqual(['Mine there (Side)']);
    },
  );

  it_('refuses strangers, bad input and unknown secrets, writing nothing', async () => {
    const t = app();
    const { stranger, projectId } = await team(t);
    const before = await rowCounts(t);
    expectError(
      await stranger.request('POST', `${API}/calendar-feeds`, { projectId }),
      'NOT_FOUND',
    );
    for (const body of [{ projectId: '' }, { projectId: 7 }, { extra: true }]) {
      expectError(
        await stranger.request('POST', `${API}/calendar-feeds`, body),
        'VALIDATION_FAILED',
      );
    }
    expectError(await anonymous().request('POST', `${API}/calendar-feeds`, {}), 'UNAUTHENTICATED');
    expectError(await anonymous().request('GET', `${API}/calendar-feeds`), 'UNAUTHENTICATED');
    expect(await rowCounts(t)).toEqual(before);
    expectError(await read(`${API}/ical/${'A'.repeat(43)}.ics`), 'NOT_FOUND');
    expectError(await read(`${API}/ical/short`), 'VALIDATION_FAILED');
  });
});
