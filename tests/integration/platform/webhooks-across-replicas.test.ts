// Webhook deliveries are queued in the database and claimed there (issue 15): with two service
// processes on one database every delivery reaches the receiver exactly once, and a delivery
// whose retries were still due when the service stopped is sent by the next process to start.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../support/databases.js';
import { ApiClient } from '../../support/http.js';
import { eventually } from '../../support/process.js';
import { startService } from '../../support/service.js';
import type { Service } from '../../support/service.js';
import { WebhookReceiver } from '../../support/webhook-receiver.js';

const API = '/api/v1';
const PASSWORD = 'correct horse battery staple';
const TASKS = 30;

describe.each(testDatabases)('webhooks across replicas on $name', (target) => {
  const receiver = new WebhookReceiver();
  const services: Service[] = [];
  let env: Record<string, string> = {};
  let drop: (() => Promise<void>) | undefined;
  let owner: ApiClient;
  let projectId: string;

  const start = async () => {
    const service = await startService({ env });
    services.push(service);
    return service;
  };

  beforeAll(async () => {
    if (target.skipReason) return;
    await receiver.start();
    const created = await target.create();
    drop = created.drop;
    env = {
      DATABASE_URL: created.url,
      MIGRATE_ON_START: 'true',
      LOG_LEVEL: 'warn',
      // Only the receiver on loopback can be reached (docs/integrations.md).
      WEBHOOK_ALLOW_PUBLIC: 'false',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      WEBHOOK_POLL_MS: '50',
      WEBHOOK_RETRY_BASE_MS: '200',
      WEBHOOK_MAX_CONSECUTIVE_FAILURES: '1000',
    };
    const a = await start();
    owner = new ApiClient(a.url);
    await owner.register(`hooks.${Date.now().toString(36)}@example.com`, PASSWORD);
    projectId = (await owner.ok('POST', `${API}/projects`, { name: 'Hooks' })).body.id as string;
  }, 120_000);

  afterAll(async () => {
    for (const service of services) await service.stop();
    await drop?.();
    await receiver.stop();
  });

  async function addWebhook(path: string) {
    const reply = await owner.ok('POST', `${API}/projects/${projectId}/webhooks`, {
      url: receiver.url(path),
      events: ['task.created'],
    });
    receiver.secrets.set(path, reply.body.secret as string);
    return reply.body.id as string;
  }

  const deliveries = async (webhookId: string) =>
    (await owner.ok('GET', `${API}/webhooks/${webhookId}/deliveries?limit=100`)).body.items as {
      id: string;
      status: string;
      attempts: number;
    }[];

  it.skipIf(target.skipReason)(
    'two processes: each delivery reaches the receiver exactly once',
    async () => {
      const b = await start();
      const onB = new ApiClient(b.url);
      onB.cookie = owner.cookie;
      onB.csrfToken = owner.csrfToken;
      const webhookId = await addWebhook('/ok/replicas');
      for (let i = 0; i < TASKS; i++) {
        await (i % 2 ? onB : owner).ok('POST', `${API}/projects/${projectId}/tasks`, {
          title: `Task ${i}`,
        });
      }
      const items = await eventually(async () => {
        const list = await deliveries(webhookId);
        expect(list.filter((d) => d.status === 'delivered')).toHaveLength(TASKS);
        return list;
      }, 60_000);
      // Both processes keep polling: a second sending would arrive within a few polls.
      await sleep(1_000);
      const got = receiver.at('/ok/replicas');
      expect(got).toHaveLength(TASKS);
      expect(new Set(got.map((r) => r.json.id))).toEqual(new Set(items.map((d) => d.id)));
      expect(items.every((d) => d.attempts === 1)).toBe(true);
      expect(got.every((r) => r.signatureValid)).toBe(true);
    },
    120_000,
  );

  it.skipIf(target.skipReason)(
    'a delivery still being retried when the service stops is sent after a restart',
    async () => {
      receiver.down = true;
      const webhookId = await addWebhook('/switch');
      await owner.ok('POST', `${API}/projects/${projectId}/tasks`, { title: 'Across a restart' });
      await eventually(async () => {
        const [delivery] = await deliveries(webhookId);
        expect(delivery).toMatchObject({ status: 'pending' });
        expect(delivery!.attempts).toBeGreaterThanOrEqual(1);
      }, 30_000);
      // Every process stops while the delivery waits for its next attempt.
      for (const service of services.splice(0)) await service.stop();
      const failedBefore = receiver.at('/switch').length;
      expect(failedBefore).toBeGreaterThanOrEqual(1);
      receiver.down = false;

      const c = await start();
      const onC = new ApiClient(c.url);
      onC.cookie = owner.cookie;
      onC.csrfToken = owner.csrfToken;
      owner = onC;
      const [delivery] = await eventually(async () => {
        const list = await deliveries(webhookId);
        expect(list[0]).toMatchObject({ status: 'delivered' });
        return list;
      }, 60_000);
      const got = receiver.at('/switch');
      // The success came from the new process: the receiver was down until it started.
      expect(got.length).toBeGreaterThan(failedBefore);
      expect(delivery!.attempts).toBe(got.length);
      expect(got.every((r) => r.json.id === delivery!.id && r.signatureValid)).toBe(true);
    },
    120_000,
  );
});
