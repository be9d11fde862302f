// The archive in a real browser (issue 14): a task archived from its page shows why it is not on
// the board and restores from there; "Archive all" empties the Done column after a confirmation
// that names the count; the Archive tab lists archived tasks, searches them and restores one to
// the board. Roles and labels only; screenshots light and dark, English and Spanish.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../support/tools.js';
import { ApiClient } from '../support/http.js';
import { CHROMIUM, launchChromium, newContext, watchPage } from './support/browser.js';
import { checkScreen, OWNER, signIn } from './support/ui.js';
import { startService, type Service } from '../support/service.js';

const chromium = requireTool(CHROMIUM, 'apt-get install chromium');

describe.skipIf(chromium.skipReason)('web UI in Chromium: the archive', () => {
  let service: Service;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let projectUrl = '';
  let planUrl = '';

  const doneColumn = () => page.getByRole('region', { name: 'Done', exact: true });
  const archiveTable = () => page.getByRole('table');
  const rowTitles = async () =>
    (await archiveTable().getByRole('link').allInnerTexts()).map((text) => text.trim());

  beforeAll(async () => {
    service = await startService({ from: 'built' });
    const api = new ApiClient(service.url);
    await api.register(OWNER.email, OWNER.password, OWNER.name);
    const { body: project } = await api.ok<{ id: string }>('POST', '/api/v1/projects', {
      name: 'Harbour festival',
    });
    projectUrl = `/projects/${project.id}`;
    const { body: plan } = await api.ok<{ id: string }>(
      'POST',
      `/api/v1/projects/${project.id}/tasks`,
      { title: 'Plan the stalls' },
    );
    planUrl = `${projectUrl}/tasks/${plan.id}`;
    for (const title of ['Ship the posters', 'Write the press release'])
      await api.ok('POST', `/api/v1/projects/${project.id}/tasks`, { title, status: 'done' });
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

  it('archives a task from its page and restores it from the banner', async () => {
    await page.goto(planUrl);
    await page.getByRole('heading', { name: 'Plan the stalls', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Archive', exact: true }).click();
    const banner = page.getByRole('status').filter({ hasText: 'This task is archived' });
    await banner.waitFor();
    // The archive button gives way to the banner's Restore.
    expect(await page.getByRole('button', { name: 'Archive', exact: true }).count()).toBe(0);
    await checkScreen(page, 'task-archived');
    await banner.getByRole('button', { name: 'Restore' }).click();
    await banner.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Archive', exact: true }).click();
    await banner.waitFor();
    // The history says so.
    await page.getByText('archived the task').first().waitFor();
    await page.goto(projectUrl);
    await doneColumn().getByRole('link', { name: 'Ship the posters' }).waitFor();
    expect(await page.getByRole('link', { name: 'Plan the stalls' }).count()).toBe(0);
  });

  it('archives the whole Done column after naming the count', async () => {
    await doneColumn().getByRole('button', { name: 'Archive every task in Done' }).click();
    const dialog = page.getByRole('dialog', { name: 'Archive the tasks in Done?' });
    await dialog.getByText('The 2 tasks in Done leave the board.').waitFor();
    await dialog.getByRole('button', { name: 'Archive all' }).click();
    await page.getByText('2 tasks archived.').waitFor();
    await doneColumn().getByText('No tasks here').waitFor();
    // Nothing left to archive: the button is gone.
    expect(
      await doneColumn().getByRole('button', { name: 'Archive every task in Done' }).count(),
    ).toBe(0);
  });

  it('lists, searches and restores archived tasks on the Archive tab', async () => {
    await page
      .getByRole('navigation', { name: 'Project views' })
      .getByRole('link', {
        name: 'Archive',
      })
      .click();
    await archiveTable().waitFor();
    await expect.poll(rowTitles).toHaveLength(3);
    expect((await rowTitles()).sort()).toEqual([
      'Plan the stalls',
      'Ship the posters',
      'Write the press release',
    ]);
    await checkScreen(page, 'project-archive');

    await page.getByRole('searchbox', { name: 'Search the archive' }).fill('press');
    await expect.poll(rowTitles).toEqual(['Write the press release']);
    await page.getByRole('button', { name: 'Restore Write the press release' }).click();
    await page.getByText('“Write the press release” is back on the board.').waitFor();
    await page.getByText('No archived task matches').waitFor();

    await page.getByRole('link', { name: 'Board', exact: true }).click();
    await doneColumn().getByRole('link', { name: 'Write the press release' }).waitFor();
  });

  it('speaks Spanish', async () => {
    await page.getByLabel('Language').selectOption('es');
    await page.getByRole('link', { name: 'Archivo', exact: true }).click();
    await page.getByRole('region', { name: 'Tareas archivadas' }).waitFor();
    await expect.poll(rowTitles).toHaveLength(2);
    await checkScreen(page, 'project-archive-es');
    await page.goto(planUrl);
    await page.getByText('Esta tarea está archivada').waitFor();
    await checkScreen(page, 'task-archived-es');
    await page.getByLabel('Idioma').selectOption('en');
    await page.getByRole('heading', { name: 'Plan the stalls', level: 1 }).waitFor();
    expect(problems).toEqual([]);
  });
});
