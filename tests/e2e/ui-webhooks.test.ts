// The project's Webhooks page in a real browser against the real built service (issue 15): an
// owner adds a webhook to a receiver in this test process (loopback, allowed by
// WEBHOOK_ALLOWED_HOSTS; nothing else reachable), copies the secret shown once, sends a test
// event that arrives signed with it, reads the delivery log, redelivers, disables and deletes.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../support/tools.js';
import { ApiClient } from '../support/http.js';
import { eventually } from '../support/process.js';
import { startService, type Service } from '../support/service.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { CHROMIUM, launchChromium, newContext, watchPage } from './support/browser.js';
import { checkScreen, OWNER, signIn } from './support/ui.js';

const chromium = requireTool(CHROMIUM, 'apt-get install chromium');

describe.skipIf(chromium.skipReason)('web UI in Chromium: webhooks', () => {
  const receiver = new WebhookReceiver();
  let service: Service;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let projectUrl = '';

  beforeAll(async () => {
    await receiver.start();
    service = await startService({
      from: 'built',
      env: {
        WEBHOOK_ALLOW_PUBLIC: 'false',
        WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
        WEBHOOK_POLL_MS: '100',
      },
    });
    const api = new ApiClient(service.url);
    await api.register(OWNER.email, OWNER.password, OWNER.name);
    const { body: project } = await api.ok<{ id: string }>('POST', '/api/v1/projects', {
      name: 'Hooked',
    });
    projectUrl = `/projects/${project.id}`;
    browser = await launchChromium(chromium.path ?? CHROMIUM);
    const context = await newContext(browser, service.url);
    page = await context.newPage();
    problems = watchPage(page).problems;
    await signIn(page, OWNER);
    await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await receiver.stop();
  });

  it('adds a webhook, shows its secret once, and a test event arrives signed with it', async () => {
    await page.goto(projectUrl);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { name: 'Add a webhook' }).waitFor();
    await page.getByText('No webhooks yet.').waitFor();
    await page.getByLabel('Payload URL').fill(receiver.url('/ok/ui'));
    await page.getByRole('checkbox', { name: 'Task moved' }).check();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const secretField = page.getByLabel('Webhook secret');
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^whsec_/);
    receiver.secrets.set('/ok/ui', secret);
    await page.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.getByLabel('Webhook secret').count()).toBe(0);
    await page.getByText('Task created, Task moved').waitFor();

    await page.getByRole('button', { name: 'Deliveries' }).click();
    await page.getByRole('button', { name: 'Send test event' }).click();
    const ping = await eventually(async () => {
      const [got] = receiver.at('/ok/ui');
      expect(got).toBeDefined();
      return got!;
    });
    expect(ping.json.event).toBe('ping');
    expect(ping.signatureValid).toBe(true);
    const log = page.getByRole('table', { name: 'Delivery log' });
    await eventually(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await log.getByRole('cell', { name: 'Delivered' }).waitFor({ timeout: 1_000 });
    });
    await log.getByRole('cell', { name: /^200/ }).waitFor();
    await checkScreen(page, 'webhooks');

    await log.getByRole('button', { name: 'Redeliver' }).click();
    await eventually(async () => expect(receiver.at('/ok/ui')).toHaveLength(2));
    expect(receiver.at('/ok/ui')[1]!.json.redeliveryOf).toBe(ping.json.id);
  });

  it('disables and deletes a webhook', async () => {
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByText('Disabled', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Enable' }).waitFor();
    await page.getByRole('button', { name: /^Delete the webhook/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No webhooks yet.').waitFor();
    expect(problems).toEqual([]);
  });
});
