// Live updates in the browser (issue 13): two people on one project, each in a browser context
// of their own, each served by a service process of its own on one database (MariaDB when
// TEST_MYSQL_URL names one, else one SQLite file). A move, an edit and a comment by one appear
// for the other without a reload; with the other's service gone, its page says it reconnects.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { ApiClient } from '../support/http.js';
import { startService, type Service } from '../support/service.js';
import { requireTool } from '../support/tools.js';
import {
  CHROMIUM,
  launchChromium,
  newContext,
  screenshotAllWays,
  watchPage,
} from './support/browser.js';
import { card, column, keyboardMoveTo } from './support/ui.js';

const chromium = requireTool(CHROMIUM, 'apt-get install chromium');
const target = testDatabases.find((d) => d.name === 'mysql' && !d.skipReason) ?? testDatabases[0]!;
const API = '/api/v1';
const PASSWORD = 'correct horse battery staple';

describe.skipIf(chromium.skipReason)(`live updates in Chromium on ${target.name}`, () => {
  let a: Service;
  let b: Service;
  let drop: () => Promise<void>;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let ana: Page;
  let ben: Page;
  let problems: string[] = [];
  let projectId = '';
  let taskId = '';
  let anaApi: ApiClient;

  /** A person signed up through the API on `service`, in a browser context of their own. */
  async function person(service: Service, name: string) {
    const client = new ApiClient(service.url);
    const email = `${name.toLowerCase()}.${Date.now().toString(36)}@example.com`;
    await client.register(email, PASSWORD, name);
    const context = await newContext(browser, service.url);
    await context.addCookies(client.cookies().map((c) => ({ ...c, url: service.url })));
    contexts.push(context);
    const page = await context.newPage();
    problems.push(...watchPage(page).problems);
    return { client, email, page };
  }

  beforeAll(async () => {
    const created = await target.create();
    drop = created.drop;
    const env = { DATABASE_URL: created.url, MIGRATE_ON_START: 'true', LOG_LEVEL: 'warn' };
    a = await startService({ from: 'built', env });
    b = await startService({ from: 'built', env });
    browser = await launchChromium(chromium.path ?? CHROMIUM);
    const owner = await person(a, 'Ana');
    const member = await person(b, 'Ben');
    ana = owner.page;
    ben = member.page;
    anaApi = owner.client;
    const project = await owner.client.ok('POST', `${API}/projects`, { name: 'Live board' });
    projectId = project.body.id as string;
    await owner.client.ok('POST', `${API}/projects/${projectId}/members`, {
      email: member.email,
      role: 'editor',
    });
    const task = await owner.client.ok('POST', `${API}/projects/${projectId}/tasks`, {
      title: 'Write the plan',
    });
    taskId = task.body.id as string;
    problems = [];
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await a?.stop();
    await b?.stop();
    await drop?.();
  });

  it("a move on Ana's board appears on Ben's, without a reload", async () => {
    await ben.goto(`/projects/${projectId}`);
    await card(column(ben, 'todo'), 'Write the plan').waitFor();
    await ana.goto(`/projects/${projectId}`);
    const mine = card(column(ana, 'todo'), 'Write the plan');
    await mine.waitFor();
    // Reload-free: a marker set on Ben's window survives only if the page is not reloaded.
    await ben.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));

    await mine.getByRole('button', { name: 'Move task: Write the plan' }).focus();
    await ana.keyboard.press('Space');
    await keyboardMoveTo(ana, 'In progress');
    await ana.keyboard.press('Space');
    await card(column(ana, 'in_progress'), 'Write the plan').waitFor();

    const moved = card(column(ben, 'in_progress'), 'Write the plan');
    await moved.waitFor();
    await expect.poll(() => moved.getAttribute('data-live-changed')).toBe('true');
    await screenshotAllWays(ben, 'live-board-moved');
    expect(await ben.evaluate(() => (globalThis as unknown as { marker: number }).marker)).toBe(42);
  });

  it("an edit on Ana's task page appears on Ben's board and list", async () => {
    await ana.goto(`/projects/${projectId}/tasks/${taskId}`);
    const title = ana.getByLabel('Title');
    await title.fill('Write the plan together');
    await ana.getByRole('heading', { name: 'Write the plan together' }).waitFor();
    await card(column(ben, 'in_progress'), 'Write the plan together').waitFor();

    await ben.getByRole('link', { name: 'List' }).click();
    await ben.getByRole('link', { name: 'Write the plan together', exact: true }).waitFor();
    await ana.getByLabel('Title').fill('Write the plan, v2');
    await ben.getByRole('link', { name: 'Write the plan, v2', exact: true }).waitFor();
  });

  it("tasks Ana imports from a CSV file appear on Ben's board", async () => {
    await ben.goto(`/projects/${projectId}`);
    await card(column(ben, 'in_progress'), 'Write the plan, v2').waitFor();
    await anaApi.ok('POST', `${API}/projects/${projectId}/import/csv`, {
      csv: 'title,status\r\nImported from a sheet,done',
    });
    await card(column(ben, 'done'), 'Imported from a sheet').waitFor();
  });

  it("a comment by Ana appears on Ben's open task page; Ben's own edit is kept", async () => {
    await ben.goto(`/projects/${projectId}/tasks/${taskId}`);
    await ben.getByRole('heading', { name: 'Write the plan, v2' }).waitFor();
    // Ben edits the description: saved after a pause in his typing (autosave).
    const bensSave = ben.waitForResponse(
      (r) => r.url().endsWith(`/tasks/${taskId}`) && r.request().method() === 'PATCH',
    );
    await ben.getByLabel('Description').fill('Ben is still typing');

    await ana.getByLabel('Add a comment').fill('Looks good from here');
    await ana.getByRole('button', { name: 'Comment', exact: true }).click();
    await ben.locator('.comment-body', { hasText: 'Looks good from here' }).waitFor();
    await screenshotAllWays(ben, 'live-task-comment');
    expect((await bensSave).status()).toBe(200);
    await ben.getByText('All changes saved').waitFor();

    // Ana renames it (her page had Ben's description come in live): Ben's page shows the new
    // title, and his description is still there.
    await expect.poll(() => ana.getByLabel('Description').inputValue()).toBe('Ben is still typing');
    await ana.getByLabel('Title').fill('Write the plan, v3');
    await ben.getByRole('heading', { name: 'Write the plan, v3' }).waitFor();
    expect(await ben.getByLabel('Description').inputValue()).toBe('Ben is still typing');
    expect(problems).toEqual([]);
  });

  it("says it is reconnecting when Ben's service is gone", async () => {
    // In-app navigation: Ben's unsaved draft would make a page load ask first.
    await ben.getByRole('link', { name: 'Live board' }).click();
    await card(column(ben, 'in_progress'), 'Write the plan, v3').waitFor();
    await b.stop();
    await ben.getByRole('status').filter({ hasText: 'Reconnecting…' }).waitFor();
    await screenshotAllWays(ben, 'live-reconnecting');
  });
});
