// Webhooks (issue 15) through the API, delivered by the worker to a real receiver on loopback
// (allowed by WEBHOOK_ALLOWED_HOSTS; WEBHOOK_ALLOW_PUBLIC=false keeps everything else, DNS
// included, from leaving the machine): signatures, retries with backoff (shortened here),
// auto-disable, test events and redelivery, owners only, and the SSRF refusals of the defaults.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../support/app.js';
import type { Client, TestApp } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { eventually } from '../../support/process.js';
import { verifySignature, WebhookReceiver } from '../../support/webhook-receiver.js';
import { API, createTask, expectError, team, useApp } from './helpers.js';

const ALL_EVENTS = [
  'task.created',
  'task.updated',
  'task.moved',
  'task.deleted',
  'comment.created',
];

interface Delivery {
  id: string;
  event: string;
  status: string;
  attempts: number;
  responseStatus: number | null;
  durationMs: number | null;
  responseSnippet: string | null;
  error: string | null;
  redeliveryOf: string | null;
}

describe.each(testDatabases)('webhooks on $name', (target) => {
  const app = useApp(target, {
    WEBHOOK_ALLOW_PUBLIC: 'false',
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    WEBHOOK_RETRY_BASE_MS: '20',
    WEBHOOK_POLL_MS: '50',
    WEBHOOK_MAX_CONSECUTIVE_FAILURES: '3',
  });
  const it_ = it.skipIf(target.skipReason);
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    if (target.skipReason) return;
    await receiver.start();
    app().app.webhookWorker.start();
  });
  afterAll(async () => receiver.stop());

  async function addWebhook(owner: Client, projectId: string, path: string, events = ALL_EVENTS) {
    const reply = await owner.request('POST', `${API}/projects/${projectId}/webhooks`, {
      url: receiver.url(path),
      events,
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    receiver.secrets.set(path, reply.body.secret as string);
    return reply.body as { id: string; secret: string };
  }

  const deliveries = async (owner: Client, webhookId: string) => {
    const reply = await owner.request('GET', `${API}/webhooks/${webhookId}/deliveries`);
    expect(reply.status).toBe(200);
    return reply.body.items as Delivery[];
  };

  /** Waits until every delivery of the webhook is finished; returns them, newest first. */
  const settled = (owner: Client, webhookId: string, count: number) =>
    eventually(async () => {
      const items = await deliveries(owner, webhookId);
      expect(items).toHaveLength(count);
      expect(items.filter((d) => d.status === 'pending')).toEqual([]);
      return items;
    });

  it_('a task created reaches the receiver signed, once, with the delivery id', async () => {
    const { owner, projectId } = await team(app());
    const hook = await addWebhook(owner, projectId, '/ok/created', ['task.created']);
    expect(hook.secret).toMatch(/^whsec_/);
    const task = await createTask(owner, projectId, { title: 'Announce me' });

    const [delivery] = await settled(owner, hook.id, 1);
    const got = receiver.at('/ok/created');
    expect(got).toHaveLength(1);
    const request = got[0]!;
    expect(request.signatureValid).toBe(true);
    expect(request.headers['x-taskmanager-event']).toBe('task.created');
    expect(request.headers['x-taskmanager-delivery']).toBe(delivery!.id);
    expect(request.json).toMatchObject({
      id: delivery!.id,
      event: 'task.created',
      data: { projectId, taskId: task.id, task: { id: task.id, title: 'Announce me' } },
    });
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 1, responseStatus: 200 });
    expect(delivery!.responseSnippet).toBe(`received ${delivery!.id}`);
    expect(typeof delivery!.durationMs).toBe('number');
    // A wrong secret does not verify: the check above can fail.
    expect(verifySignature('not the secret at all', request.headers, request.body)).toBe(false);
  });

  it_('only the chosen events are sent; every change of a task and a comment is', async () => {
    const { owner, projectId } = await team(app());
    const all = await addWebhook(owner, projectId, '/ok/all');
    const some = await addWebhook(owner, projectId, '/ok/some', ['task.deleted']);
    const task = await createTask(owner, projectId);
    expect(
      (await owner.request('PATCH', `${API}/tasks/${task.id}`, { title: 'Renamed' })).status,
    ).toBe(200);
    expect(
      (await owner.request('POST', `${API}/tasks/${task.id}/move`, { status: 'done' })).status,
    ).toBe(200);
    expect(
      (await owner.request('POST', `${API}/tasks/${task.id}/comments`, { body: 'Hello' })).status,
    ).toBe(201);
    expect((await owner.request('DELETE', `${API}/tasks/${task.id}`)).status).toBe(204);

    await settled(owner, all.id, 5);
    await settled(owner, some.id, 1);
    // Sent concurrently, so in any order.
    expect(
      receiver
        .at('/ok/all')
        .map((r) => r.json.event)
        .sort(),
    ).toEqual([...ALL_EVENTS].sort());
    expect(receiver.at('/ok/some').map((r) => r.json.event)).toEqual(['task.deleted']);
    const comment = receiver.at('/ok/all').find((r) => r.json.event === 'comment.created')!;
    expect(comment.json.data.comment.body).toBe('Hello');
    expect(receiver.at('/ok/all').every((r) => r.signatureValid)).toBe(true);
  });

  it_('archiving a whole column sends one task.updated per task it archived', async () => {
    const { owner, projectId } = await team(app());
    const hook = await addWebhook(owner, projectId, '/ok/column', ['task.updated']);
    const done = [];
    for (const title of ['Ship v1', 'Write notes', 'Ship v2'])
      done.push(await createTask(owner, projectId, { title, status: 'done' }));
    await createTask(owner, projectId, { title: 'Still open' });
    const reply = await owner.request('POST', `${API}/projects/${projectId}/tasks/archive`, {
      status: 'done',
    });
    expect(reply.body).toEqual({ archived: 3 });

    await settled(owner, hook.id, 3);
    const events = receiver.at('/ok/column').map((r) => r.json);
    expect(events.map((e) => e.data.task.title).sort()).toEqual([
      'Ship v1',
      'Ship v2',
      'Write notes',
    ]);
    for (const event of events) {
      const task = done.find((t) => t.id === event.data.taskId)!;
      // As a task archived alone tells it: the task as it now stands, and its title.
      expect(event).toMatchObject({
        event: 'task.updated',
        data: {
          projectId,
          task: { id: task.id, status: 'done', version: task.version + 1 },
          details: { title: task.title },
        },
      });
      expect(Date.parse(event.data.task.archivedAt as string)).not.toBeNaN();
    }
    expect(receiver.at('/ok/column').every((r) => r.signatureValid)).toBe(true);
    // An emptied column archives nothing, and sends nothing.
    await owner.request('POST', `${API}/projects/${projectId}/tasks/archive`, { status: 'done' });
    await settled(owner, hook.id, 3);
  });

  it_('a refused write queues nothing', async () => {
    const { owner, projectId } = await team(app());
    const hook = await addWebhook(owner, projectId, '/ok/refused');
    const reply = await owner.request('POST', `${API}/projects/${projectId}/tasks`, {
      title: 'Bad label',
      labels: ['no-such-label'],
    });
    expect(reply.status).toBe(400);
    expect(await deliveries(owner, hook.id)).toEqual([]);
  });

  it_('a receiver that fails twice gets the delivery on the third attempt', async () => {
    const { owner, projectId } = await team(app());
    const hook = await addWebhook(owner, projectId, '/flaky/2', ['task.created']);
    await createTask(owner, projectId);
    const [delivery] = await settled(owner, hook.id, 1);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, responseStatus: 200 });
    const got = receiver.at('/flaky/2');
    expect(got.map((r) => r.json.id)).toEqual([delivery!.id, delivery!.id, delivery!.id]);
    // Every attempt is signed afresh, with its own timestamp.
    expect(got.every((r) => r.signatureValid)).toBe(true);
    const list = await owner.request('GET', `${API}/projects/${projectId}/webhooks`);
    expect(list.body.items[0]).toMatchObject({ enabled: true, consecutiveFailures: 0 });
  });

  it_('repeated failures disable the webhook, with a notice in the activity', async () => {
    const { owner, projectId } = await team(app());
    const hook = await addWebhook(owner, projectId, '/fail', ['task.created']);
    await createTask(owner, projectId);
    const webhook = await eventually(async () => {
      const list = await owner.request('GET', `${API}/projects/${projectId}/webhooks`);
      expect(list.body.items[0].enabled).toBe(false);
      return list.body.items[0];
    });
    expect(webhook.consecutiveFailures).toBe(3);
    expect(webhook.disabledReason).toMatch(/3 failed deliveries in a row.*HTTP 500/);
    const activity = await owner.request('GET', `${API}/projects/${projectId}/activity`);
    const notice = activity.body.items.find(
      (a: { action: string }) => a.action === 'webhook.disabled',
    );
    expect(notice.details.webhookId).toBe(hook.id);
    // Nothing more is sent while disabled; enabling again clears the count.
    const [delivery] = await deliveries(owner, hook.id);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 3, responseStatus: 500 });
    expect(delivery!.responseSnippet).toBe('failing attempt 3');
    const enabled = await owner.request('PATCH', `${API}/webhooks/${hook.id}`, { enabled: true });
    expect(enabled.body).toMatchObject({
      enabled: true,
      consecutiveFailures: 0,
      disabledReason: null,
    });
    await owner.request('PATCH', `${API}/webhooks/${hook.id}`, { enabled: false });
  });

  it_('a test event and a redelivery reach the receiver', async () => {
    const { owner, projectId } = await team(app());
    const hook = await addWebhook(owner, projectId, '/ok/test', ['task.created']);
    const test = await owner.request('POST', `${API}/webhooks/${hook.id}/test`);
    expect(test.status).toBe(202);
    expect(test.body).toMatchObject({ event: 'ping', status: 'pending' });
    await settled(owner, hook.id, 1);
    const again = await owner.request(
      'POST',
      `${API}/webhooks/${hook.id}/deliveries/${test.body.id}/redeliver`,
    );
    expect(again.status).toBe(202);
    expect(again.body.redeliveryOf).toBe(test.body.id);
    await settled(owner, hook.id, 2);
    const got = receiver.at('/ok/test');
    expect(got.map((r) => r.json.event)).toEqual(['ping', 'ping']);
    expect(got[1]!.json).toMatchObject({ id: again.body.id, redeliveryOf: test.body.id });
    expect(got.every((r) => r.signatureValid)).toBe(true);
  });

  it_('only owners see and manage webhooks; the secret is never shown again', async () => {
    const { owner, editor, viewer, stranger, projectId } = await team(app());
    const hook = await addWebhook(owner, projectId, '/ok/owners');
    const list = await owner.request('GET', `${API}/projects/${projectId}/webhooks`);
    expect(list.body.items).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(hook.secret);
    const patched = await owner.request('PATCH', `${API}/webhooks/${hook.id}`, {
      secret: 'a-new-secret-of-enough-length',
      events: ['task.moved'],
    });
    expect(patched.status).toBe(200);
    expect(patched.body.events).toEqual(['task.moved']);
    expect(JSON.stringify(patched.body)).not.toContain('a-new-secret');
    for (const client of [editor, viewer]) {
      expectError(
        await client.request('GET', `${API}/projects/${projectId}/webhooks`),
        'FORBIDDEN',
      );
      expectError(await client.request('DELETE', `${API}/webhooks/${hook.id}`), 'FORBIDDEN');
      expectError(await client.request('POST', `${API}/webhooks/${hook.id}/test`), 'FORBIDDEN');
    }
    expectError(
      await stranger.request('GET', `${API}/webhooks/${hook.id}/deliveries`),
      'NOT_FOUND',
    );
    expectError(
      await owner.request('POST', `${API}/webhooks/${hook.id}/deliveries/nope/redeliver`),
      'NOT_FOUND',
    );
    expect((await owner.request('DELETE', `${API}/webhooks/${hook.id}`)).status).toBe(204);
    expectError(await owner.request('GET', `${API}/webhooks/${hook.id}/deliveries`), 'NOT_FOUND');
  });

  it_('a redirect is not followed', async () => {
    const { owner, projectId } = await team(app());
    const hook = await addWebhook(owner, projectId, '/redirect', ['task.created']);
    await createTask(owner, projectId);
    const delivery = await eventually(async () => {
      const [item] = await deliveries(owner, hook.id);
      expect(item!.attempts).toBeGreaterThanOrEqual(1);
      return item!;
    });
    expect(delivery.responseStatus).toBe(302);
    expect(delivery.error).toBe('redirect (302) not followed');
    expect(receiver.at('/ok').filter((r) => r.json.id === delivery.id)).toEqual([]);
    await owner.request('DELETE', `${API}/webhooks/${hook.id}`);
  });

  it_('with only the allow-list reachable, other hosts are refused before any lookup', async () => {
    const { owner, projectId } = await team(app());
    for (const url of ['http://example.com/hook', 'http://localhost:9/hook', 'http://10.0.0.1/']) {
      const reply = await owner.request('POST', `${API}/projects/${projectId}/webhooks`, {
        url,
        events: ['task.created'],
      });
      const error = expectError(reply, 'VALIDATION_FAILED');
      expect(JSON.stringify(error.details)).toContain('WEBHOOK_ALLOWED_HOSTS');
    }
    expectError(
      await owner.request('POST', `${API}/projects/${projectId}/webhooks`, {
        url: 'ftp://127.0.0.1/hook',
        events: ['task.created'],
      }),
      'VALIDATION_FAILED',
    );
  });
});

describe.each(testDatabases)('webhook SSRF defaults on $name', (target) => {
  const it_ = it.skipIf(target.skipReason);
  const receiver = new WebhookReceiver();
  let t: TestApp | undefined;

  beforeAll(async () => {
    if (target.skipReason) return;
    await receiver.start();
    // The defaults: public addresses only, no allow-list.
    t = await createTestApp(target, { WEBHOOK_POLL_MS: '50' });
    t.app.webhookWorker.start();
  });
  afterAll(async () => {
    await t?.close();
    await receiver.stop();
  });

  it_('loopback, private and link-local addresses are refused', async () => {
    const { owner, projectId } = await team(t!);
    for (const url of [
      receiver.url('/ok'),
      `http://[::1]:${receiver.port}/ok`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.1.2.3/',
      'http://192.168.0.1/',
      `http://[::ffff:127.0.0.1]:${receiver.port}/ok`,
    ]) {
      const reply = await owner.request('POST', `${API}/projects/${projectId}/webhooks`, {
        url,
        events: ['task.created'],
      });
      const error = expectError(reply, 'VALIDATION_FAILED');
      expect(JSON.stringify(error.details), url).toContain('not a public address');
    }
  });

  it_('a name that resolves to loopback is refused when connecting', async () => {
    const { owner, projectId } = await team(t!);
    const reply = await owner.request('POST', `${API}/projects/${projectId}/webhooks`, {
      url: receiver.url('/ok/by-name', 'localhost'),
      events: ['task.created'],
    });
    expect(reply.status).toBe(201);
    await createTask(owner, projectId);
    const delivery = await eventually(async () => {
      const list = await owner.request('GET', `${API}/webhooks/${reply.body.id}/deliveries`);
      const [item] = list.body.items as Delivery[];
      expect(item!.attempts).toBeGreaterThanOrEqual(1);
      return item!;
    });
    expect(delivery.error).toMatch(/^refused: .*not a public address/);
    expect(delivery.responseStatus).toBeNull();
    expect(receiver.received).toEqual([]);
  });
});
