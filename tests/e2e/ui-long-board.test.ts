// A long column in a real browser (issue 14's budget: a 2,000-task board renders in under a second
// and drags at 50 fps; bench/web measures it). A column of more than WINDOW_FROM cards keeps only
// the cards near the screen in the page (web/src/pages/board/cardWindow.ts): the column keeps its
// full height, scrolling brings the other cards in, and a card of it drags to another column.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../support/tools.js';
import { ApiClient } from '../support/http.js';
import { CHROMIUM, launchChromium, newContext, watchPage } from './support/browser.js';
import { card, checkScreen, column, OWNER, signIn } from './support/ui.js';
import { startService, type Service } from '../support/service.js';

const chromium = requireTool(CHROMIUM, 'apt-get install chromium');
const LONG = 400;

describe.skipIf(chromium.skipReason)('web UI in Chromium: a long column', () => {
  let service: Service;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let api: ApiClient;
  let projectId = '';

  const cardsInPage = (status: 'todo' | 'in_progress') =>
    column(page, status).locator('li.task-card').count();
  const countOf = (status: 'todo' | 'in_progress') =>
    column(page, status).locator('.count > [aria-hidden="true"]').textContent();

  beforeAll(async () => {
    service = await startService({ from: 'built' });
    api = new ApiClient(service.url);
    await api.register(OWNER.email, OWNER.password, OWNER.name);
    const { body: project } = await api.ok<{ id: string }>('POST', '/api/v1/projects', {
      name: 'Backlog cleanup',
    });
    projectId = project.id;
    // One at a time: each new task goes to the end of its column, so the order is known.
    for (let i = 1; i <= LONG; i++)
      await api.ok('POST', `/api/v1/projects/${projectId}/tasks`, {
        title: `Long task ${i}`,
        ...(i % 5 === 0 && { priority: 'high', description: 'A longer card.' }),
      });
    for (const title of ['Triage the inbox', 'Close stale bugs'])
      await api.ok('POST', `/api/v1/projects/${projectId}/tasks`, {
        title,
        status: 'in_progress',
      });
    browser = await launchChromium(chromium.path ?? CHROMIUM);
    context = await newContext(browser, service.url);
    page = await context.newPage();
    problems = watchPage(page).problems;
    await signIn(page, OWNER);
    await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  it('shows the cards near the screen, in a column as tall as all of them', async () => {
    await page.goto(`/projects/${projectId}`);
    await card(column(page, 'todo'), 'Long task 1').waitFor();
    expect(await countOf('todo')).toBe(String(LONG));
    const shown = await cardsInPage('todo');
    expect(shown).toBeGreaterThan(5);
    expect(shown).toBeLessThan(80);
    // The short column is shown whole.
    expect(await cardsInPage('in_progress')).toBe(2);
    // The cards left out still take their room: ~400 cards of 60 px or more.
    const list = await column(page, 'todo').locator('.card-list').boundingBox();
    expect(list?.height).toBeGreaterThan(LONG * 60);
    // The screen only: below it, the column is its cards' room.
    await checkScreen(page, 'board-long-column', { fullPage: false });
  });

  it('brings the other cards in as the page scrolls', async () => {
    await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
    await card(column(page, 'todo'), `Long task ${LONG}`).waitFor();
    expect(await page.getByRole('link', { name: 'Long task 1', exact: true }).count()).toBe(0);
    // Halfway down, the cards of the middle.
    await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight / 2)');
    await expect
      .poll(async () =>
        (
          await column(page, 'todo').locator('li.task-card .task-card-title').allTextContents()
        ).some((title) => /^Long task (1[5-9]\d|2[0-4]\d)$/.test(title)),
      )
      .toBe(true);
    expect(await cardsInPage('todo')).toBeLessThan(80);
    await page.evaluate('window.scrollTo(0, 0)');
    await card(column(page, 'todo'), 'Long task 1').waitFor();
  });

  it('drags a card of the long column to another column, and the move is saved', async () => {
    const from = await card(column(page, 'todo'), 'Long task 2')
      .locator('.task-card-meta')
      .boundingBox();
    const to = await column(page, 'in_progress').locator('.card-list').boundingBox();
    if (!from || !to) throw new Error('board not laid out');
    const saved = page.waitForResponse(
      (r) => r.url().endsWith('/move') && r.request().method() === 'POST',
    );
    await page.mouse.move(from.x + 40, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + 60, from.y + from.height / 2 + 10, { steps: 4 });
    await page.mouse.move(to.x + to.width / 2, to.y + to.height - 10, { steps: 20 });
    await expect
      .poll(() => page.getByRole('status').allTextContents(), { timeout: 10_000 })
      .toContainEqual(expect.stringMatching(/^Task Long task 2 is over In progress, position /));
    await page.mouse.up();
    expect((await saved).status()).toBe(200);
    await expect.poll(() => countOf('todo')).toBe(String(LONG - 1));
    expect(await countOf('in_progress')).toBe('3');
    // The server agrees.
    const { body } = await api.ok<{ items: { title: string; status: string }[] }>(
      'GET',
      `/api/v1/projects/${projectId}/tasks?status=in_progress&limit=10`,
    );
    expect(body.items.map((task) => task.title)).toContain('Long task 2');
    await page.reload();
    await card(column(page, 'in_progress'), 'Long task 2').waitFor();
    expect(await countOf('todo')).toBe(String(LONG - 1));
  });

  it('leaves no console error or failed request behind', () => {
    expect(problems).toEqual([]);
  });
});
