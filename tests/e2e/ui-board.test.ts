// The web UI in a real browser (Debian's Chromium through playwright-core) against the real built
// service on SQLite, part 1 of issue 3's journey: signing up, the board, the list, the task page,
// conflicts, a viewer and touch. axe-core on every main screen, and screenshots of each at desktop
// and 360 px width, light and dark, in test-results/screenshots/. Part 2: ui-account.test.ts.
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../support/tools.js';
import { ApiClient } from '../support/http.js';
import {
  CHROMIUM,
  DESKTOP,
  launchChromium,
  newContext,
  PHONE,
  screenshotDir,
  setColorScheme,
  watchPage,
} from './support/browser.js';
import {
  card,
  checkScreen,
  column,
  OWNER,
  submitSignIn,
  VIEWER,
  XSS_IMG,
  XSS_SCRIPT,
} from './support/ui.js';
import { startService, type Service } from '../support/service.js';

const chromium = requireTool(CHROMIUM, 'apt-get install chromium');

/** Waits until a live region (dnd-kit's announcements; the toasts) says exactly `text`. */
const announced = (page: Page, text: string) =>
  expect
    .poll(() => page.getByRole('status').allTextContents(), { timeout: 10_000 })
    .toContain(text);
/** Whether a click at the centre of the control would reach it, not something on top of it. */
const reachable = (control: Locator) =>
  control.evaluate((element) => {
    const { document } = globalThis as unknown as {
      document: { elementFromPoint: (x: number, y: number) => unknown };
    };
    const box = element.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return hit !== null && element.contains(hit as typeof element);
  });
/** The titles of a column's cards, top to bottom. */
const cardTitles = (page: Page, columnName: string) =>
  page.getByRole('list', { name: columnName, exact: true }).getByRole('link').allTextContents();

describe.skipIf(chromium.skipReason)('web UI in Chromium', () => {
  let service: Service;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let projectUrl = '';

  beforeAll(async () => {
    service = await startService({ from: 'built' });
    browser = await launchChromium(chromium.path ?? CHROMIUM);
    context = await newContext(browser, service.url);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: service.url });
    page = await context.newPage();
    problems = watchPage(page).problems;
    console.log(`screenshots: ${screenshotDir}`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  it('is served under a strict CSP with long-cached hashed assets and a history fallback', async () => {
    const index = await fetch(`${service.url}/`);
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    const html = await index.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style="/);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const assetResponse = await fetch(`${service.url}${asset}`);
    expect(assetResponse.headers.get('cache-control')).toContain('immutable');
    const deepLink = await fetch(`${service.url}/projects/some-id/list?status=done`);
    expect(deepLink.status).toBe(200);
    expect(await deepLink.text()).toContain('<div id="root">');
  });

  it('sends a visitor to sign-in, and a new user signs up', async () => {
    await page.goto('/');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/signin');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await checkScreen(page, 'signin');

    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    await page.getByLabel('Name').fill(OWNER.name);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill('short');
    await page.getByLabel('Password').fill(OWNER.password);
    await checkScreen(page, 'signup');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
    await page.getByText('No projects yet').waitFor();
    await checkScreen(page, 'projects-empty');
  });

  it('keeps the session across a reload', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');
  });

  it('creates a project and opens its board', async () => {
    await page.getByRole('button', { name: 'New project' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New project' });
    await dialog.getByLabel('Name').fill('Apollo launch');
    await dialog.getByLabel('Description').fill('Everything for the launch event in May.');
    await dialog.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('heading', { name: 'Apollo launch', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/projects\/[^/]+$/);
    projectUrl = new URL(page.url()).pathname;
    await expect.poll(() => column(page, 'todo').getByText('No tasks here').count()).toBe(1);
  });

  it('adds tasks with quick-add at the top of a column', async () => {
    const todo = page.getByLabel('New task title for To do');
    for (const title of ['Write the launch plan', 'Book the venue', 'Design the poster']) {
      await todo.fill(title);
      await todo.press('Enter');
      await card(column(page, 'todo'), title).waitFor();
      await expect.poll(() => todo.inputValue()).toBe('');
    }
    // The newest is on top, where it was typed.
    await expect
      .poll(() => column(page, 'todo').locator('li.task-card a').first().textContent())
      .toBe('Design the poster');
    const inProgress = page.getByLabel('New task title for In progress');
    await inProgress.fill('Draft the budget');
    await inProgress.press('Enter');
    await card(column(page, 'in_progress'), 'Draft the budget').waitFor();
    for (const title of [XSS_SCRIPT, XSS_IMG]) {
      await todo.fill(title);
      await todo.press('Enter');
      await card(column(page, 'todo'), title).waitFor();
    }
    await expect
      .poll(() => column(page, 'todo').locator('.count > [aria-hidden="true"]').textContent())
      .toBe('5');
    await expect
      .poll(() =>
        column(page, 'in_progress').locator('.count > [aria-hidden="true"]').textContent(),
      )
      .toBe('1');
  });

  it('renders user text as text: XSS payloads stay inert', async () => {
    await expect(card(page, XSS_SCRIPT).getByRole('link').textContent()).resolves.toBe(XSS_SCRIPT);
    await expect(card(page, XSS_IMG).getByRole('link').textContent()).resolves.toBe(XSS_IMG);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator('.task-card script').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('drags a card to Done with the mouse, and the move is saved', async () => {
    const source = card(column(page, 'todo'), 'Write the launch plan');
    // The last card of the column may sit below the fold (the filter bar is above the board).
    await source.scrollIntoViewIfNeeded();
    const from = await source.locator('.task-card-meta').boundingBox();
    const to = await column(page, 'done').locator('.card-list').boundingBox();
    if (!from || !to) throw new Error('board not laid out');
    const saved = page.waitForResponse(
      (r) => r.url().endsWith('/move') && r.request().method() === 'POST',
    );
    await page.mouse.move(from.x + 40, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + 60, from.y + from.height / 2 + 10, { steps: 4 });
    await page.mouse.move(to.x + to.width / 2, to.y + 30, { steps: 25 });
    // Held over Done, the card is said to be there; it stays in To do until it is let go (a line
    // shows where it would go).
    await expect
      .poll(() => page.getByRole('status').allTextContents(), { timeout: 10_000 })
      .toContainEqual(
        expect.stringMatching(/^Task Write the launch plan is over Done, position \d+ of \d+\.$/),
      );
    expect(await column(page, 'todo').getByText('Write the launch plan').count()).toBe(1);
    for (const scheme of ['light', 'dark'] as const) {
      await setColorScheme(page, scheme);
      await page.screenshot({ path: path.join(screenshotDir, `board-drop-line-${scheme}.png`) });
    }
    await setColorScheme(page, 'light');
    await page.mouse.move(to.x + to.width / 2, to.y + 40, { steps: 2 });
    await page.mouse.up();
    expect((await saved).status()).toBe(200);
    await card(column(page, 'done'), 'Write the launch plan').waitFor();
    await page.reload();
    await card(column(page, 'done'), 'Write the launch plan').waitFor();
    await expect
      .poll(() => column(page, 'todo').locator('.count > [aria-hidden="true"]').textContent())
      .toBe('4');
  });

  it('drags a card with the keyboard, each key announced with the real position', async () => {
    const handle = page.getByRole('button', { name: 'Move task: Book the venue' });
    await handle.focus();
    await page.keyboard.press('Space');
    await announced(page, 'Picked up task Book the venue, position 4 of 4 in To do.');
    // One press, one move: ↑ and ↓ within the column, → to the next column at the same row (the
    // end of a shorter one).
    await page.keyboard.press('ArrowUp');
    await announced(page, 'Task Book the venue is over To do, position 3 of 4.');
    await page.keyboard.press('ArrowDown');
    await announced(page, 'Task Book the venue is over To do, position 4 of 4.');
    await page.keyboard.press('ArrowRight');
    await announced(page, 'Task Book the venue is over In progress, position 2 of 2.');
    await page.keyboard.press('ArrowRight');
    await announced(page, 'Task Book the venue is over Done, position 2 of 2.');
    const saved = page.waitForResponse(
      (r) => r.url().endsWith('/move') && r.request().method() === 'POST',
    );
    await page.keyboard.press('Space');
    expect((await saved).status()).toBe(200);
    await announced(page, 'Task Book the venue dropped in Done at position 2.');
    await expect
      .poll(() => cardTitles(page, 'Done'))
      .toEqual(['Write the launch plan', 'Book the venue']);
    await page.reload();
    await expect
      .poll(() => cardTitles(page, 'Done'))
      .toEqual(['Write the launch plan', 'Book the venue']);

    // ← then Escape: the card goes back where it was, and nothing is saved.
    await page.getByRole('button', { name: 'Move task: Book the venue' }).focus();
    await page.keyboard.press('Space');
    await announced(page, 'Picked up task Book the venue, position 2 of 2 in Done.');
    await page.keyboard.press('ArrowLeft');
    await announced(page, 'Task Book the venue is over In progress, position 2 of 2.');
    await expect
      .poll(() => cardTitles(page, 'In progress'))
      .toEqual(['Draft the budget', 'Book the venue']);
    await page.keyboard.press('Escape');
    await announced(page, 'Moving task Book the venue was cancelled.');
    await expect
      .poll(() => cardTitles(page, 'Done'))
      .toEqual(['Write the launch plan', 'Book the venue']);
    await page.reload();
    await expect
      .poll(() => cardTitles(page, 'Done'))
      .toEqual(['Write the launch plan', 'Book the venue']);
    await checkScreen(page, 'board');
  });

  it('filters and searches the list view, with the filters in the URL', async () => {
    await page.getByRole('link', { name: 'List' }).click();
    const rows = page.locator('table.table tbody tr');
    await expect.poll(() => rows.count()).toBe(6);
    await page.getByLabel('Status').selectOption('done');
    await expect.poll(() => new URL(page.url()).searchParams.get('status')).toBe('done');
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByLabel('Status').selectOption('');
    await page.getByRole('searchbox', { name: 'Search tasks' }).fill('poster');
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('poster');
    await expect.poll(() => rows.count()).toBe(1);
    await expect(rows.first().getByRole('link').textContent()).resolves.toBe('Design the poster');
    // A shared link opens the same view.
    const shared = page.url();
    await page.goto(shared);
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => rows.count()).toBe(6);
    await page.getByRole('button', { name: /^Title/ }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('title');
    await expect
      .poll(() => page.locator('th[aria-sort="ascending"]').textContent())
      .toContain('Title');
    await checkScreen(page, 'list');
  });

  it('opens a task on its own URL, edits every field and comments', async () => {
    await page.getByRole('link', { name: 'Design the poster', exact: true }).click();
    await page.getByRole('heading', { name: 'Design the poster', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/projects\/[^/]+\/tasks\/[^/]+$/);
    await page.getByLabel('Description').fill('A3, two colours.\n<b>not bold</b>');
    await page.getByLabel('Status').selectOption({ label: 'In progress' });
    await page.getByLabel('Priority').selectOption('high');
    await page.getByLabel('Assignee').selectOption({ label: OWNER.name });
    const yesterday = new Date(Date.now() - 86_400_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    await page
      .getByLabel('Due date')
      .fill(
        `${yesterday.getFullYear()}-${pad(yesterday.getMonth() + 1)}-${pad(yesterday.getDate())}`,
      );
    await page.locator('.overdue-note').waitFor();
    await page.getByLabel('New label').fill('design');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => page.getByRole('checkbox', { name: 'design' }).isChecked()).toBe(true);
    // No Save button: each change is saved as it is made (autosave).
    expect(await page.getByRole('button', { name: 'Save', exact: true }).count()).toBe(0);
    await page.getByText('All changes saved').waitFor();
    // The last save can be undone, and the undo is saved in turn.
    await page.getByLabel('Priority').selectOption('low');
    await page.getByText('All changes saved').waitFor();
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => page.getByLabel('Priority').inputValue()).toBe('high');
    await page.getByText('All changes saved').waitFor();

    await page.getByLabel('Add a comment').fill('Looks great! <i>really</i>');
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    await page.locator('.comment-body', { hasText: 'Looks great! <i>really</i>' }).waitFor();
    await page
      .getByText(/changed .*priority/)
      .first()
      .waitFor();
    // The activity shows the comment without a reload.
    await page.locator('.activity-list li', { hasText: 'commented' }).waitFor();

    await page.reload();
    await expect.poll(() => page.getByLabel('Priority').inputValue()).toBe('high');
    await expect
      .poll(() => page.getByLabel('Description').inputValue())
      .toContain('<b>not bold</b>');
    await page.locator('.overdue-note').waitFor();
    await checkScreen(page, 'task');
  });

  it('shows a concurrent edit as a conflict and lets the user reapply theirs', async () => {
    const taskId = new URL(page.url()).pathname.split('/').pop() ?? '';
    // Someone else saves while my autosave is on its way: theirs lands first.
    const other = new ApiClient(service.url);
    await other.login(OWNER.email, OWNER.password);
    const taskUrl = `${service.url}/api/v1/tasks/${taskId}`;
    let raced = false;
    await page.route(taskUrl, async (route) => {
      if (raced || route.request().method() !== 'PATCH') return route.continue();
      raced = true;
      const current = await other.ok<{ version: number }>('GET', `/api/v1/tasks/${taskId}`);
      await other.ok(
        'PATCH',
        `/api/v1/tasks/${taskId}`,
        { title: 'Design the poster (theirs)', priority: 'urgent' },
        { 'if-match': current.headers.get('etag') ?? '' },
      );
      await route.continue();
    });
    await page.getByLabel('Title').fill('Design the poster (mine)');
    const conflict = page.getByRole('alert').filter({ hasText: 'Someone else changed this task' });
    await conflict.waitFor();
    await expect(conflict.getByTestId('theirs-title').textContent()).resolves.toBe(
      'Design the poster (theirs)',
    );
    await expect(conflict.getByTestId('yours-title').textContent()).resolves.toBe(
      'Design the poster (mine)',
    );
    await checkScreen(page, 'conflict');
    await page.unroute(taskUrl);
    await conflict.getByRole('button', { name: 'Reapply my changes' }).click();
    await page.getByRole('heading', { name: 'Design the poster (mine)', level: 1 }).waitFor();
    const after = await other.ok<{ title: string; priority: string }>(
      'GET',
      `/api/v1/tasks/${taskId}`,
    );
    // Mine reapplied, theirs kept where I had not changed anything.
    expect(after.body).toMatchObject({ title: 'Design the poster (mine)', priority: 'urgent' });
  });

  it('lets the owner add a second user as a viewer', async () => {
    const viewer = new ApiClient(service.url);
    await viewer.register(VIEWER.email, VIEWER.password, VIEWER.name);
    await page.goto(`${projectUrl}/members`);
    await page.getByRole('heading', { name: 'Add a member' }).waitFor();
    await page.getByLabel('Email').fill(VIEWER.email);
    await page.getByLabel('Role', { exact: true }).selectOption('viewer');
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByText(`${VIEWER.name} was added.`).waitFor();
    await expect.poll(() => page.getByLabel(`Role of ${VIEWER.name}`).inputValue()).toBe('viewer');
    await checkScreen(page, 'members');
  });

  it('shows a viewer everything read-only, with no controls that would fail', async () => {
    const viewerContext = await newContext(browser, service.url);
    try {
      const viewerPage = await viewerContext.newPage();
      const viewerProblems = watchPage(viewerPage).problems;
      await viewerPage.goto(projectUrl);
      await submitSignIn(viewerPage, VIEWER);
      // Back on the page asked for, after signing in.
      await viewerPage.getByRole('heading', { name: 'Apollo launch', level: 1 }).waitFor();
      expect(new URL(viewerPage.url()).pathname).toBe(projectUrl);
      await card(viewerPage, 'Book the venue').waitFor();
      await viewerPage.getByText('You can view this project but not change it.').waitFor();
      expect(await viewerPage.getByRole('textbox', { name: /New task title/ }).count()).toBe(0);
      expect(await viewerPage.getByRole('button', { name: /^Move task/ }).count()).toBe(0);
      expect(await viewerPage.getByRole('button', { name: 'New task' }).count()).toBe(0);
      await checkScreen(viewerPage, 'board-viewer');

      await viewerPage.getByRole('link', { name: 'Design the poster (mine)' }).click();
      await viewerPage.getByText('You have view access to this project.').waitFor();
      expect(await viewerPage.getByText('All changes saved').count()).toBe(0);
      expect(await viewerPage.getByRole('button', { name: 'Delete task' }).count()).toBe(0);
      expect(await viewerPage.getByLabel('Add a comment').count()).toBe(0);
      expect(await viewerPage.getByRole('textbox').count()).toBe(0);
      await viewerPage.locator('.comment-body').first().waitFor();

      await viewerPage.getByRole('link', { name: 'Projects' }).first().click();
      await viewerPage.getByRole('link', { name: 'Apollo launch', exact: true }).waitFor();
      expect(await viewerPage.getByRole('button', { name: /^Delete / }).count()).toBe(0);
      expect(await viewerPage.getByRole('button', { name: /^Rename / }).count()).toBe(0);
      expect(viewerProblems).toEqual([]);
    } finally {
      await viewerContext.close();
    }
  });

  it('renames a card in place: Enter saves, Esc keeps the title', async () => {
    // The task is made before the board opens: not left to a live event the board's stream may
    // not be connected for yet.
    const owner = new ApiClient(service.url);
    await owner.login(OWNER.email, OWNER.password);
    const projectId = projectUrl.split('/').pop() ?? '';
    const { body: created } = await owner.ok<{ id: string }>(
      'POST',
      `/api/v1/projects/${projectId}/tasks`,
      { title: 'Order the badges' },
    );
    await page.goto(projectUrl);
    await card(column(page, 'todo'), 'Order the badges').waitFor();

    await page.getByRole('button', { name: 'Rename task: Order the badges' }).click();
    const input = page.getByRole('textbox', { name: 'New title of Order the badges' });
    await expect
      .poll(() => input.evaluate((el) => el === el.ownerDocument.activeElement))
      .toBe(true);
    await checkScreen(page, 'board-rename');
    const saved = page.waitForResponse(
      (r) => r.url().endsWith(`/tasks/${created.id}`) && r.request().method() === 'PATCH',
    );
    await input.fill('Order the name badges');
    await input.press('Enter');
    await card(column(page, 'todo'), 'Order the name badges').waitFor();
    expect((await saved).status()).toBe(200);
    // The focus is back on the card's rename button.
    const renameButton = page.getByRole('button', { name: 'Rename task: Order the name badges' });
    await expect
      .poll(() => renameButton.evaluate((el) => el === el.ownerDocument.activeElement))
      .toBe(true);
    const { body: task } = await owner.ok<{ title: string }>('GET', `/api/v1/tasks/${created.id}`);
    expect(task.title).toBe('Order the name badges');

    // Esc: nothing sent, the title as it was.
    await renameButton.click();
    const again = page.getByRole('textbox', { name: 'New title of Order the name badges' });
    await again.fill('Something else');
    await again.press('Escape');
    await card(column(page, 'todo'), 'Order the name badges').waitFor();
    const { body: after } = await owner.ok<{ title: string; version: number }>(
      'GET',
      `/api/v1/tasks/${created.id}`,
    );
    expect(after.title).toBe('Order the name badges');
    await owner.ok('DELETE', `/api/v1/tasks/${created.id}`);
    await expect.poll(() => card(page, 'Order the name badges').count()).toBe(0);
  });

  it('rolls a refused move back with a message', async () => {
    await page.goto(projectUrl);
    const doomed = card(column(page, 'todo'), XSS_SCRIPT);
    await doomed.waitFor();
    const taskId = (await doomed.getAttribute('data-task-id')) ?? '';
    const handle = page.getByRole('button', { name: `Move task: ${XSS_SCRIPT}` });
    await handle.focus();
    await page.keyboard.press('Space');
    await announced(page, `Picked up task ${XSS_SCRIPT}, position 2 of 2 in To do.`);
    // Someone deletes the task while it is being dragged (the live board holds its refresh until
    // the drop, so the card is still in hand): the service refuses the move.
    const other = new ApiClient(service.url);
    await other.login(OWNER.email, OWNER.password);
    await other.ok('DELETE', `/api/v1/tasks/${taskId}`);
    await page.keyboard.press('ArrowRight');
    await announced(page, `Task ${XSS_SCRIPT} is over In progress, position 2 of 3.`);
    const refused = page.waitForResponse((r) => r.url().endsWith('/move'));
    await page.keyboard.press('Space');
    expect((await refused).status()).toBe(404);
    await page.getByRole('alert').filter({ hasText: 'could not be moved' }).waitFor();
    expect(await card(column(page, 'in_progress'), XSS_SCRIPT).count()).toBe(0);
    // Then the live update removes the deleted task from the board.
    await expect.poll(() => card(column(page, 'todo'), XSS_SCRIPT).count()).toBe(0);
  });

  it('drags a card with touch (press, hold, move)', async () => {
    const tablet = await browser.newContext({
      baseURL: service.url,
      viewport: { width: 1024, height: 768 },
      hasTouch: true,
      isMobile: true,
    });
    try {
      await tablet.addCookies(await context.cookies());
      const touchPage = await tablet.newPage();
      await touchPage.goto(projectUrl);
      const source = card(column(touchPage, 'in_progress'), 'Draft the budget');
      await source.waitFor();
      const from = await source.locator('.task-card-meta').boundingBox();
      const to = await column(touchPage, 'done').locator('.card-list').boundingBox();
      if (!from || !to) throw new Error('board not laid out');
      const cdp = await tablet.newCDPSession(touchPage);
      const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', x = 0, y = 0) =>
        cdp.send('Input.dispatchTouchEvent', {
          type,
          touchPoints: type === 'touchEnd' ? [] : [{ x: Math.round(x), y: Math.round(y) }],
        });
      const saved = touchPage.waitForResponse(
        (r) => r.url().endsWith('/move') && r.request().method() === 'POST',
      );
      const x0 = from.x + 30;
      const y0 = from.y + from.height / 2;
      await touch('touchStart', x0, y0);
      // Press and hold: a touch drag starts after a short delay, so that swipes still scroll.
      await touchPage.waitForTimeout(400);
      const x1 = to.x + to.width / 2;
      const y1 = to.y + 40;
      for (let i = 1; i <= 20; i++) {
        await touch('touchMove', x0 + ((x1 - x0) * i) / 20, y0 + ((y1 - y0) * i) / 20);
      }
      await touch('touchEnd');
      expect((await saved).status()).toBe(200);
      await card(column(touchPage, 'done'), 'Draft the budget').waitFor();
    } finally {
      await tablet.close();
    }
  });

  it('keeps toasts off the columns: the last quick-add stays reachable', async () => {
    await page.goto(projectUrl);
    const input = page.getByRole('textbox', { name: 'New task title for Done' });
    const submit = page.getByRole('button', { name: 'Add task to Done' });
    // A laptop's browser window with little height left for the page, and a phone.
    const laptop = { width: 1280, height: 480 };
    try {
      for (const [viewport, title] of [
        [laptop, 'Thank the speakers'],
        [PHONE, 'Send the photos'],
      ] as const) {
        await page.setViewportSize(viewport);
        // The quick-add at the bottom of the screen, as on a phone with its keyboard open.
        await input.evaluate((element) => element.scrollIntoView({ block: 'end' }));
        await input.fill(title);
        await input.press('Enter');
        const toast = page.getByRole('status').getByText(`Task “${title}” added.`);
        await toast.waitFor();
        await expect.poll(() => reachable(input)).toBe(true);
        await expect.poll(() => reachable(submit)).toBe(true);
        // And the toast is on the screen.
        const box = await toast.boundingBox();
        expect(box).not.toBeNull();
        expect(box!.y).toBeGreaterThanOrEqual(0);
        expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);
        expect(box!.x).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);
        await card(column(page, 'done'), title).waitFor();
      }
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  it('leaves no console error or failed request behind', () => {
    expect(problems).toEqual([]);
  });
});
