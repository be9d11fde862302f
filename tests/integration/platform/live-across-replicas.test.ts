// Live updates across replicas (issue 13): two real service processes on one database; a write
// through A reaches an event stream served by B, through the database's change feed. Resuming
// with Last-Event-ID replays exactly the missed events; a removed member's stream ends; the
// stream is authorized as the rest of the API.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../support/databases.js';
import { ApiClient } from '../../support/http.js';
import { useReplicas } from '../../support/replicas.js';
import type { Service } from '../../support/service.js';
import { openStream } from '../../support/sse.js';
import type { SseEvent, SseStream } from '../../support/sse.js';

const API = '/api/v1';
const PASSWORD = 'correct horse battery staple';
let counter = 0;

interface Payload {
  id: number;
  type: string;
  notificationId?: string;
  taskId?: string;
  commentId?: string;
  userId?: string;
  actorId?: string;
}

const payload = (event: SseEvent) => JSON.parse(event.data) as Payload;
const changes = (stream: SseStream) =>
  stream.events.filter((e) => e.event === 'message').map(payload);
const isChange = (type: string, taskId?: string) => (event: SseEvent) =>
  event.event === 'message' &&
  payload(event).type === type &&
  (taskId === undefined || payload(event).taskId === taskId);

describe.each(testDatabases)('live events across replicas on $name', (target) => {
  const replicas = useReplicas(target);
  const streams: SseStream[] = [];
  let a: Service | undefined;
  let b: Service | undefined;

  beforeAll(() => {
    [a, b] = replicas.services;
  });

  afterEach(() => {
    for (const stream of streams.splice(0)) stream.close();
  });

  async function user(service: Service) {
    const client = new ApiClient(service.url);
    const email = `live${++counter}.${Date.now().toString(36)}@example.com`;
    await client.register(email, PASSWORD, `Live ${counter}`);
    const me = await client.ok('GET', `${API}/auth/me`);
    return { client, email, id: me.body.user.id as string };
  }

  /** An owner signed in on A, an editor signed in on B, their project. */
  async function team() {
    const owner = await user(a!);
    const member = await user(b!);
    const project = await owner.client.ok('POST', `${API}/projects`, { name: 'Live' });
    const projectId = project.body.id as string;
    await owner.client.ok('POST', `${API}/projects/${projectId}/members`, {
      email: member.email,
      role: 'editor',
    });
    return { owner, member, projectId };
  }

  async function listen(service: Service, client: ApiClient, projectId: string, lastId?: string) {
    const stream = await openStream(`${service.url}${API}/projects/${projectId}/events`, {
      ...(client.cookie ? { cookie: client.cookie } : {}),
      ...(lastId ? { 'last-event-id': lastId } : {}),
    });
    streams.push(stream);
    return stream;
  }

  const it_ = it.skipIf(target.skipReason);

  it_('a write through A reaches a stream served by B', async () => {
    const { owner, member, projectId } = await team();
    const stream = await listen(b!, member.client, projectId);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const ready = await stream.waitFor((e) => e.event === 'ready');
    expect(Number(ready.id)).toBeGreaterThan(0);

    const task = await owner.client.ok('POST', `${API}/projects/${projectId}/tasks`, {
      title: 'Seen live',
    });
    const taskId = task.body.id as string;
    const created = await stream.waitFor(isChange('task.created', taskId));
    expect(payload(created)).toMatchObject({ type: 'task.created', taskId, actorId: owner.id });
    expect(Number(created.id)).toBe(payload(created).id);
    expect(Number(created.id)).toBeGreaterThan(Number(ready.id));

    await owner.client.ok('POST', `${API}/tasks/${taskId}/move`, { status: 'in_progress' });
    await stream.waitFor(isChange('task.moved', taskId));
    await owner.client.ok('PATCH', `${API}/tasks/${taskId}`, { title: 'Edited live' });
    await stream.waitFor(isChange('task.updated', taskId));
    const comment = await owner.client.ok('POST', `${API}/tasks/${taskId}/comments`, {
      body: 'Hello from A',
    });
    const added = await stream.waitFor(isChange('comment.added', taskId));
    expect(payload(added).commentId).toBe(comment.body.id);
    await owner.client.ok('POST', `${API}/projects/${projectId}/labels`, { name: 'urgent' });
    await stream.waitFor(isChange('label.created'));
    await owner.client.ok('DELETE', `${API}/tasks/${taskId}`);
    await stream.waitFor(isChange('task.deleted', taskId));

    // In order, each once, each with its own increasing id.
    const ids = changes(stream).map((c) => c.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(ids.length);
    expect(changes(stream).map((c) => c.type)).toEqual([
      'task.created',
      'task.moved',
      'task.updated',
      'comment.added',
      'label.created',
      'task.deleted',
    ]);
  });

  it_('my inbox stream on B hears of a notification made on A, and of reading it', async () => {
    const { owner, member, projectId } = await team();
    const inbox = async (lastId?: string) => {
      const stream = await openStream(`${b!.url}${API}/me/events`, {
        ...(member.client.cookie ? { cookie: member.client.cookie } : {}),
        ...(lastId ? { 'last-event-id': lastId } : {}),
      });
      streams.push(stream);
      return stream;
    };
    const stream = await inbox();
    expect(stream.status).toBe(200);
    const ready = await stream.waitFor((e) => e.event === 'ready');

    const task = await owner.client.ok('POST', `${API}/projects/${projectId}/tasks`, {
      title: 'For the member',
      assigneeId: member.id,
    });
    const arrived = await stream.waitFor(isChange('notification.created', task.body.id));
    const [note] = (await member.client.ok('GET', `${API}/notifications`)).body.items as {
      id: string;
      kind: string;
    }[];
    expect(note!.kind).toBe('assigned');
    expect(payload(arrived)).toMatchObject({ notificationId: note!.id });
    // The owner's own stream hears nothing of it: each user's inbox is their own.
    const ownStream = await openStream(`${a!.url}${API}/me/events`, {
      ...(owner.client.cookie ? { cookie: owner.client.cookie } : {}),
    });
    streams.push(ownStream);
    await ownStream.waitFor((e) => e.event === 'ready');

    const onA = new ApiClient(a!.url);
    onA.cookie = member.client.cookie;
    onA.csrfToken = member.client.csrfToken;
    await onA.ok('POST', `${API}/notifications/${note!.id}/read`);
    await stream.waitFor(isChange('notifications.read'));
    expect(changes(stream).map((c) => c.type)).toEqual([
      'notification.created',
      'notifications.read',
    ]);
    expect(changes(ownStream)).toEqual([]);

    // Resumed after the first event: exactly the one after it.
    const resumed = await inbox(arrived.id);
    await resumed.waitFor(isChange('notifications.read'));
    expect(changes(resumed).map((c) => c.type)).toEqual(['notifications.read']);
    expect(Number(ready.id)).toBeLessThan(Number(arrived.id));
    // Only for someone signed in.
    const anonymous = await openStream(`${b!.url}${API}/me/events`, {});
    streams.push(anonymous);
    expect(anonymous.status).toBe(401);
  });

  it_('resuming with Last-Event-ID gets exactly the missed events', async () => {
    const { owner, member, projectId } = await team();
    const first = await listen(b!, member.client, projectId);
    const ready = await first.waitFor((e) => e.event === 'ready');
    const task = await owner.client.ok('POST', `${API}/projects/${projectId}/tasks`, {
      title: 'Before the drop',
    });
    const taskId = task.body.id as string;
    const seen = await first.waitFor(isChange('task.created', taskId));
    first.close();
    expect(Number(seen.id)).toBeGreaterThan(Number(ready.id));

    // Missed while disconnected: three writes on A.
    await owner.client.ok('POST', `${API}/tasks/${taskId}/move`, { status: 'done' });
    await owner.client.ok('POST', `${API}/tasks/${taskId}/comments`, { body: 'missed' });
    await owner.client.ok('PATCH', `${API}/tasks/${taskId}`, { priority: 'high' });

    const resumed = await listen(b!, member.client, projectId, seen.id);
    const resumedReady = await resumed.waitFor((e) => e.event === 'ready');
    expect(resumedReady.id).toBe(seen.id);
    await resumed.waitFor(isChange('task.updated', taskId));
    // A write after the resume follows them, once.
    await owner.client.ok('DELETE', `${API}/tasks/${taskId}`);
    await resumed.waitFor(isChange('task.deleted', taskId));
    expect(changes(resumed).map((c) => c.type)).toEqual([
      'task.moved',
      'comment.added',
      'task.updated',
      'task.deleted',
    ]);
    expect(resumed.events.every((e) => e.event !== 'reset')).toBe(true);

    // Resuming again from the second of them (on A this time) replays the ones after it.
    const missedIds = changes(resumed).map((c) => String(c.id));
    const again = await listen(a!, member.client, projectId, missedIds[1]);
    await again.waitFor(isChange('task.deleted', taskId));
    expect(changes(again).map((c) => String(c.id))).toEqual(missedIds.slice(2));
  });

  it_('an id the server no longer knows tells the client to reload', async () => {
    const { member, projectId } = await team();
    const stream = await listen(b!, member.client, projectId, '999999999999');
    const reset = await stream.waitFor((e) => e.event === 'reset');
    expect(Number(reset.id)).toBeLessThan(999999999999);
  });

  it_("a removed member's stream ends, and it cannot reconnect", async () => {
    const { owner, member, projectId } = await team();
    const stream = await listen(b!, member.client, projectId);
    await stream.waitFor((e) => e.event === 'ready');
    // The owner's own stream on B goes on.
    const owners = await listen(b!, owner.client, projectId);
    await owners.waitFor((e) => e.event === 'ready');

    await owner.client.ok('DELETE', `${API}/projects/${projectId}/members/${member.id}`);
    const end = await stream.waitFor((e) => e.event === 'end');
    expect(JSON.parse(end.data)).toEqual({ reason: 'membership' });
    await stream.ended;
    await owners.waitFor(isChange('member.removed'));
    expect(owners.events.some((e) => e.event === 'end')).toBe(false);

    const again = await listen(b!, member.client, projectId);
    expect(again.status).toBe(404);
  });

  it_(
    'is authorized as the rest of the API: 404 for a stranger, 401 without credentials',
    async () => {
      const { projectId } = await team();
      const stranger = await user(b!);
      const refused = await listen(b!, stranger.client, projectId);
      expect(refused.status).toBe(404);
      expect(refused.error).toMatchObject({ error: { code: 'NOT_FOUND' } });
      const anonymous = await listen(b!, new ApiClient(b!.url), projectId);
      expect(anonymous.status).toBe(401);
      const badId = await listen(b!, stranger.client, projectId, 'not-a-number');
      expect(badId.status).toBe(400);
    },
  );

  it_('signing out on A ends the stream of that session on B', async () => {
    const { member, projectId } = await team();
    const stream = await listen(b!, member.client, projectId);
    await stream.waitFor((e) => e.event === 'ready');
    const onA = new ApiClient(a!.url);
    onA.cookie = member.client.cookie;
    onA.csrfToken = member.client.csrfToken;
    await onA.ok('POST', `${API}/auth/logout`);
    const end = await stream.waitFor((e) => e.event === 'end');
    expect(JSON.parse(end.data)).toEqual({ reason: 'credentials' });
    expect((await listen(b!, member.client, projectId)).status).toBe(401);
  });

  it_('an API token authenticates a stream too', async () => {
    const { owner, projectId } = await team();
    const token = await owner.client.ok('POST', `${API}/tokens`, {
      name: 'live',
      currentPassword: PASSWORD,
    });
    const stream = await openStream(`${b!.url}${API}/projects/${projectId}/events`, {
      authorization: `Bearer ${token.body.token as string}`,
    });
    streams.push(stream);
    expect(stream.status).toBe(200);
    await stream.waitFor((e) => e.event === 'ready');
  });
});
