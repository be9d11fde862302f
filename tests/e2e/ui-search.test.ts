// Search across projects in a real browser against the real built service: the header's box
// finds tasks by a word prefix of their description and by a word only in a comment, across two
// projects, with the words highlighted (as text: markup in a description stays text) and "Load
// more"; `/` focuses the box where no screen has a search of its own. The command palette
// (Ctrl+K, or the header's button) filters projects ignoring accents, lists tasks from the
// search, moves with the arrow keys, opens with Enter or a click, closes with Escape (focus goes
// back), offers "New task" on a board, and stays shut while another dialog is open.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../support/tools.js';
import { ApiClient } from '../support/http.js';
import { startService, type Service } from '../support/service.js';
import {
  CHROMIUM,
  DESKTOP,
  PHONE,
  focusedId,
  launchChromium,
  newContext,
  screenshotDir,
  watchPage,
} from './support/browser.js';
import { OWNER, XSS_IMG, checkScreen, signIn } from './support/ui.js';

const chromium = requireTool(CHROMIUM, 'apt-get install chromium');

describe.skipIf(chromium.skipReason)('web UI in Chromium: search and the command palette', () => {
  let service: Service;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let launchId = '';
  let migrationId = '';
  let rolloutId = '';
  let venueId = '';

  beforeAll(async () => {
    service = await startService({ from: 'built' });
    const api = new ApiClient(service.url);
    await api.register(OWNER.email, OWNER.password, OWNER.name);
    const project = async (name: string) =>
      (await api.ok<{ id: string }>('POST', '/api/v1/projects', { name })).body.id;
    const task = async (projectId: string, body: Record<string, unknown>) =>
      (await api.ok<{ id: string }>('POST', `/api/v1/projects/${projectId}/tasks`, body)).body.id;
    launchId = await project('Launch');
    migrationId = await project('Migración de datos');
    rolloutId = await task(launchId, {
      title: 'Prepare the rollout',
      description: `Write the deployment checklist for the Helm charts. ${XSS_IMG}`,
      priority: 'high',
      status: 'in_progress',
    });
    venueId = await task(launchId, { title: 'Book the venue', description: 'Seats for 120.' });
    await api.ok('POST', `/api/v1/tasks/${venueId}/comments`, {
      body: 'Ask whether the wheelchair ramp is ready.',
    });
    await task(migrationId, {
      title: 'Copy the old tables',
      description: 'Export every table before the deployment window.',
    });
    for (let i = 1; i <= 22; i++) await task(migrationId, { title: `Invoice batch ${i}` });

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
  });

  const header = () => page.getByRole('banner');
  const headerBox = () => header().getByRole('searchbox', { name: 'Search all tasks' });
  const results = () => page.getByRole('list', { name: 'Search results' });
  const result = (title: string) =>
    results()
      .getByRole('listitem')
      .filter({ has: page.getByRole('link', { name: title, exact: true }) });
  const palette = () => page.getByRole('dialog', { name: 'Command palette' });
  const paletteBox = () => palette().getByRole('combobox', { name: 'Go to or search' });
  const option = (name: string | RegExp) =>
    palette().getByRole('option', { name, exact: typeof name === 'string' });
  /** Whether the element has the focus (its id may be a generated one). */
  const isFocused = (locator: Locator) =>
    locator.evaluate(
      (el) =>
        el ===
        (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument
          .activeElement,
    );

  async function saveScreenshot(name: string) {
    mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
  }

  /** Presses ↓ until the active option (aria-activedescendant) is `target`. */
  async function arrowTo(box: Locator, target: RegExp) {
    for (let i = 0; i < 20; i++) {
      const id = await box.getAttribute('aria-activedescendant');
      const text = id ? await page.locator(`[id="${id}"]`).textContent() : '';
      if (target.test(text ?? '')) return;
      await box.press('ArrowDown');
    }
    throw new Error(`no option ${String(target)} became active`);
  }

  it('the header box finds tasks by a word prefix and by a word in a comment', async () => {
    await headerBox().fill('deplo');
    await headerBox().press('Enter');
    await page.getByRole('heading', { name: 'Search', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/search');
    expect(new URL(page.url()).searchParams.get('q')).toBe('deplo');
    await page.getByText('Results for “deplo”').waitFor();
    expect(await page.title()).toContain('deplo');

    // Both projects; the words found are marked in the excerpt; status and priority are shown.
    const rollout = result('Prepare the rollout');
    await rollout.waitFor();
    await result('Copy the old tables').waitFor();
    expect(await results().getByRole('listitem').count()).toBe(2);
    expect(await rollout.locator('mark').allTextContents()).toEqual(['deployment']);
    await rollout.getByText('Launch', { exact: true }).waitFor();
    await rollout.getByText('High', { exact: true }).waitFor();
    await rollout.getByText('In progress', { exact: true }).waitFor();
    await result('Copy the old tables').getByText('Migración de datos').waitFor();
    // Markup in a description is shown as text, never made into elements.
    expect(await results().locator('img').count()).toBe(0);
    expect(await rollout.getByRole('link').getAttribute('href')).toBe(
      `/projects/${launchId}/tasks/${rolloutId}`,
    );
    await checkScreen(page, 'search-results');
    await saveScreenshot('search-results');

    // On the search page the box shows its words; a word found only in a comment.
    expect(await headerBox().inputValue()).toBe('deplo');
    await headerBox().fill('wheelch');
    await headerBox().press('Enter');
    await page.getByText('Results for “wheelch”').waitFor();
    const venue = result('Book the venue');
    await venue.getByText('Launch · found in a comment').waitFor();
    expect(await venue.locator('mark').allTextContents()).toEqual(['wheelchair']);
    expect(await results().getByRole('listitem').count()).toBe(1);
    await venue.getByRole('link', { name: 'Book the venue' }).click();
    await page.getByRole('heading', { name: 'Book the venue', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/projects/${launchId}/tasks/${venueId}`);
    expect(await headerBox().inputValue()).toBe('');
  }, 120_000);

  it('pages with "Load more", says when nothing matches, and `/` focuses the box', async () => {
    await page.goto('/search?q=invoice');
    await expect.poll(() => results().getByRole('listitem').count()).toBe(20);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => results().getByRole('listitem').count()).toBe(22);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    const titles = await results().getByRole('link').allTextContents();
    expect(new Set(titles).size).toBe(22);

    await headerBox().fill('zebra crossing');
    await headerBox().press('Enter');
    await page.getByText('No tasks match “zebra crossing”').waitFor();

    // No screen search here: `/` goes to the header's box. On a board it keeps its own filter.
    await headerBox().blur();
    await page.locator('body').press('/');
    await expect.poll(() => focusedId(page)).toBe('header-search');

    // A phone: an icon opens the box over the top bar; searching closes it again.
    await page.setViewportSize(PHONE);
    expect(await headerBox().isVisible()).toBe(false);
    const toggle = header().getByRole('button', { name: 'Search all tasks' });
    await toggle.click();
    await expect.poll(() => focusedId(page)).toBe('header-search');
    await headerBox().fill('wheel');
    await headerBox().press('Enter');
    await result('Book the venue').waitFor();
    expect(await headerBox().isVisible()).toBe(false);
    await toggle.click();
    await headerBox().press('Escape');
    expect(await headerBox().isVisible()).toBe(false);
    await expect.poll(() => isFocused(toggle)).toBe(true);
    await page.setViewportSize(DESKTOP);

    await page.goto(`/projects/${launchId}`);
    await page.getByRole('link', { name: 'Book the venue' }).waitFor();
    await page.locator('body').press('/');
    await expect.poll(() => focusedId(page)).toBe('board-filter');
  }, 60_000);

  it('the palette filters projects, lists tasks, and opens one from the keyboard', async () => {
    await page.goto('/my-work');
    await page.getByRole('heading', { name: 'My work', level: 1 }).waitFor();
    // Ctrl+K works while typing in a field.
    await headerBox().focus();
    await page.keyboard.press('Control+k');
    await palette().waitFor();
    await expect.poll(() => isFocused(paletteBox())).toBe(true);
    await option('Go to My work').waitFor();
    await option('Launch').waitFor();

    // Projects: case and accents ignored.
    await paletteBox().fill('MIGRACION');
    await option('Migración de datos').waitFor();
    expect(await option('Launch').count()).toBe(0);
    await option('Search all tasks for “MIGRACION”').waitFor();

    // Tasks from the search, with the project they belong to.
    await paletteBox().fill('deplo');
    await option(/Prepare the rollout/).waitFor();
    await option(/Copy the old tables/).waitFor();
    expect(await palette().getByRole('group', { name: 'Tasks' }).getByRole('option').count()).toBe(
      2,
    );
    expect(await option('Go to My work').count()).toBe(0);
    // The first option is active; ↓ moves on, ↑ wraps around.
    const first = await paletteBox().getAttribute('aria-activedescendant');
    expect(await page.locator(`[id="${first}"]`).textContent()).toBe(
      'Search all tasks for “deplo”',
    );
    await paletteBox().press('ArrowUp');
    expect(await paletteBox().getAttribute('aria-activedescendant')).not.toBe(first);
    await paletteBox().press('ArrowDown');
    expect(await paletteBox().getAttribute('aria-activedescendant')).toBe(first);
    await arrowTo(paletteBox(), /Prepare the rollout/);
    expect(await option(/Prepare the rollout/).getAttribute('aria-selected')).toBe('true');
    await checkScreen(page, 'command-palette');
    await saveScreenshot('command-palette');

    await paletteBox().press('Enter');
    await page.getByRole('heading', { name: 'Prepare the rollout', level: 1 }).waitFor();
    await palette().waitFor({ state: 'hidden' });
    expect(new URL(page.url()).pathname).toBe(`/projects/${launchId}/tasks/${rolloutId}`);

    // Enter on "Search all tasks" opens the search page.
    await page.keyboard.press('Control+k');
    await paletteBox().fill('wheelchair');
    await option('Search all tasks for “wheelchair”').waitFor();
    await option(/Book the venue/).waitFor();
    await paletteBox().press('Enter');
    await result('Book the venue').waitFor();
    expect(new URL(page.url()).searchParams.get('q')).toBe('wheelchair');
  }, 60_000);

  it('the palette closes with Escape, opens with a click, and waits for other dialogs', async () => {
    // From the header's button (with its shortcut shown); Escape hands the focus back.
    const button = header().getByRole('button', { name: 'Command palette Ctrl K' });
    await button.click();
    await palette().waitFor();
    await page.keyboard.press('Escape');
    await palette().waitFor({ state: 'hidden' });
    await expect.poll(() => isFocused(button)).toBe(true);

    await headerBox().focus();
    await expect.poll(() => focusedId(page)).toBe('header-search');
    await page.keyboard.press('Control+k');
    await palette().waitFor();
    await page.keyboard.press('Escape');
    await palette().waitFor({ state: 'hidden' });
    await expect.poll(() => focusedId(page)).toBe('header-search');

    // Not over another dialog; the help lists the shortcut.
    await headerBox().blur();
    await page.locator('body').press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    await help.getByRole('row', { name: 'Ctrl K Open the command palette' }).waitFor();
    await page.keyboard.press('Control+k');
    await page.waitForTimeout(300);
    expect(await palette().isVisible()).toBe(false);
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });

    // A click opens a project.
    await page.keyboard.press('Control+k');
    await paletteBox().fill('laun');
    await option('Launch').click();
    await palette().waitFor({ state: 'hidden' });
    // The page shown before (search results) also links to the task: wait for the board's URL.
    await page.waitForURL((url) => url.pathname === `/projects/${launchId}`);
    await page.getByRole('link', { name: 'Book the venue' }).waitFor();

    // On a board the palette offers "New task": the quick-add box of "To do".
    await page.keyboard.press('Control+k');
    await option('New task').click();
    await palette().waitFor({ state: 'hidden' });
    // The quick-add of the first "to do" column (its id is the column's).
    const quickAdd = await page.getByLabel('New task title for To do').getAttribute('id');
    await expect.poll(() => focusedId(page)).toBe(quickAdd);
    // Not where no screen can add one.
    await page.goto('/inbox');
    await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
    await page.keyboard.press('Control+k');
    await option('Go to Inbox').waitFor();
    expect(await option('New task').count()).toBe(0);
    await page.keyboard.press('Escape');
    await palette().waitFor({ state: 'hidden' });
    expect(problems).toEqual([]);
  }, 60_000);
});
