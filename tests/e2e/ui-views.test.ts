// Saved views in a real browser (issue 14): filters set on the list are saved under a name, the
// view opens them again from the picker (on the list and from the board), and is deleted after a
// confirmation. Roles and labels only; screenshots light and dark, English and Spanish.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../support/tools.js';
import { ApiClient } from '../support/http.js';
import { CHROMIUM, launchChromium, newContext, watchPage } from './support/browser.js';
import { checkScreen, OWNER, signIn } from './support/ui.js';
import { startService, type Service } from '../support/service.js';

const chromium = requireTool(CHROMIUM, 'apt-get install chromium');

describe.skipIf(chromium.skipReason)('web UI in Chromium: saved views', () => {
  let service: Service;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let projectUrl = '';

  const titles = async () =>
    (await page.getByRole('table').getByRole('link').allInnerTexts()).map((text) => text.trim());

  beforeAll(async () => {
    service = await startService({ from: 'built' });
    const api = new ApiClient(service.url);
    await api.register(OWNER.email, OWNER.password, OWNER.name);
    const { body: project } = await api.ok<{ id: string }>('POST', '/api/v1/projects', {
      name: 'Lighthouse',
    });
    projectUrl = `/projects/${project.id}`;
    for (const [title, priority] of [
      ['Fix the lamp', 'urgent'],
      ['Paint the rail', 'low'],
      ['Order the lens', 'urgent'],
    ] as const)
      await api.ok('POST', `/api/v1/projects/${project.id}/tasks`, { title, priority });
    browser = await launchChromium(chromium.path ?? CHROMIUM);
    context = await newContext(browser, service.url);
    page = await context.newPage();
    problems = watchPage(page).problems;
    await signIn(page, OWNER);
    await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  it('saves the filters of the list under a name and opens them again', async () => {
    await page.goto(`${projectUrl}/list`);
    await expect.poll(titles).toHaveLength(3);
    // Nothing to save without filters.
    expect(await page.getByRole('button', { name: 'Save view' }).count()).toBe(0);
    await page.getByLabel('Priority').selectOption('urgent');
    await expect.poll(titles).toHaveLength(2);
    await page.getByRole('button', { name: 'Save view' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save these filters as a view' });
    await dialog.getByLabel('Name').fill('Urgent work');
    await dialog.getByRole('button', { name: 'Save view' }).click();
    await page.getByText('View “Urgent work” saved.').waitFor();
    // The picker names the view on screen, which can now be deleted rather than saved again.
    await expect.poll(() => page.getByLabel('Saved views').inputValue()).not.toBe('');
    await page.getByRole('button', { name: 'Delete the view Urgent work' }).waitFor();
    await checkScreen(page, 'list-saved-view');

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(titles).toHaveLength(3);
    await page.getByLabel('Saved views').selectOption({ label: 'Urgent work' });
    await expect.poll(titles).toHaveLength(2);
    expect(new URL(page.url()).search).toBe('?priority=urgent');
  });

  it('opens a list view from the board, in Spanish too, and deletes it', async () => {
    await page.goto(projectUrl);
    await page.getByLabel('Saved views').selectOption({ label: 'Urgent work (list)' });
    await page.waitForURL(/\/list\?priority=urgent$/);
    await expect.poll(titles).toHaveLength(2);

    await page.getByLabel('Language').selectOption('es');
    await page.getByLabel('Vistas guardadas').waitFor();
    await checkScreen(page, 'list-saved-view-es');
    await page.getByLabel('Idioma').selectOption('en');

    await page.getByRole('button', { name: 'Delete the view Urgent work' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this view?' });
    await confirm.getByRole('button', { name: 'Delete view' }).click();
    await page.getByText('View “Urgent work” deleted.').waitFor();
    // No view left: the picker goes; the filters stay on screen and can be saved again.
    await page.getByRole('button', { name: 'Save view' }).waitFor();
    expect(await page.getByLabel('Saved views').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
