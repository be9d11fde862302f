// A project's own board columns in a real browser: an editor adds a column with a WIP limit,
// moves cards into it past the limit (the header and a toast say so), renames it, moves it left,
// and deletes it with its cards going to another column, where they are after a reload. The last
// column of a category explains why it stays; a viewer gets no column controls. Roles and labels
// only; axe on each screen and screenshots light and dark, English and Spanish.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../support/tools.js';
import { ApiClient } from '../support/http.js';
import { CHROMIUM, launchChromium, newContext, watchPage } from './support/browser.js';
import { checkScreen, keyboardMoveTo, OWNER, signIn, VIEWER } from './support/ui.js';
import { startService, type Service } from '../support/service.js';

const chromium = requireTool(CHROMIUM, 'apt-get install chromium');

describe.skipIf(chromium.skipReason)('web UI in Chromium: board columns', () => {
  let service: Service;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let projectUrl = '';

  const region = (name: string) => page.getByRole('region', { name, exact: true });
  /** The titles of a column's cards, top to bottom. */
  const cardTitles = (name: string) =>
    page.getByRole('list', { name, exact: true }).getByRole('link').allTextContents();
  /** The board's column headings, left to right. */
  const columnNames = () => page.getByRole('heading', { level: 2 }).allTextContents();
  const toast = (text: string) => page.getByRole('status').filter({ hasText: text });
  const openMenu = async (column: string) => {
    await page.getByRole('button', { name: `Column actions: ${column}`, exact: true }).click();
    return page.getByRole('dialog', { name: `Column “${column}”` });
  };
  /** Picks the card up by its handle and drops it on the column, waiting for the save. */
  const moveByKeyboard = async (title: string, column: string) => {
    await page.getByRole('button', { name: `Move task: ${title}` }).focus();
    await page.keyboard.press('Space');
    await keyboardMoveTo(page, column);
    const saved = page.waitForResponse(
      (r) => r.url().endsWith('/move') && r.request().method() === 'POST',
    );
    await page.keyboard.press('Space');
    expect((await saved).status()).toBe(200);
  };

  beforeAll(async () => {
    service = await startService({ from: 'built' });
    const api = new ApiClient(service.url);
    await api.register(OWNER.email, OWNER.password, OWNER.name);
    await new ApiClient(service.url).register(VIEWER.email, VIEWER.password, VIEWER.name);
    const { body: project } = await api.ok<{ id: string }>('POST', '/api/v1/projects', {
      name: 'Harbour festival',
    });
    projectUrl = `/projects/${project.id}`;
    await api.ok('POST', `/api/v1/projects/${project.id}/members`, {
      email: VIEWER.email,
      role: 'viewer',
    });
    for (const title of ['Book the band', 'Print the flyers', 'Hire the boats'])
      await api.ok('POST', `/api/v1/projects/${project.id}/tasks`, { title });
    await api.ok('POST', `/api/v1/projects/${project.id}/tasks`, {
      title: 'Rent the stage',
      status: 'in_progress',
    });
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

  it('adds a column with a category, a WIP limit and a colour', async () => {
    await page.goto(projectUrl);
    await region('To do').getByRole('link', { name: 'Book the band' }).waitFor();
    expect(await columnNames()).toEqual(['To do', 'In progress', 'Done']);

    await page.getByRole('button', { name: 'Add column', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'New column' });
    await dialog.getByLabel('Name').fill('Review');
    await dialog.getByLabel('Category').selectOption({ label: 'In progress' });
    await dialog.getByLabel('WIP limit').fill('2');
    await dialog.getByRole('checkbox', { name: 'Own colour' }).check();
    await dialog.getByLabel('Colour of the column').fill('#7048e8');
    await checkScreen(page, 'column-dialog');
    await dialog.getByRole('button', { name: 'Add column' }).click();
    await toast('Column “Review” added.').waitFor();
    await dialog.waitFor({ state: 'hidden' });

    // At the end of the board, empty, with its limit in the count.
    await expect.poll(columnNames).toEqual(['To do', 'In progress', 'Done', 'Review']);
    await region('Review').getByText('0 of at most 2 tasks').waitFor();
    await region('Review').getByText('No tasks here').waitFor();
  });

  it('moves cards into it past its limit: allowed, with a warning in the header and a toast', async () => {
    await moveByKeyboard('Book the band', 'Review');
    await moveByKeyboard('Print the flyers', 'Review');
    await region('Review').getByText('2 of at most 2 tasks').waitFor();
    expect(
      await region('Review')
        .getByText(/Over WIP limit/)
        .count(),
    ).toBe(0);

    await moveByKeyboard('Hire the boats', 'Review');
    await toast('Review is over its WIP limit (3/2).').waitFor();
    await region('Review').getByText('Over WIP limit (3/2)').waitFor();
    // From the keyboard a card lands at the row it left: each one at the top here.
    await expect
      .poll(() => cardTitles('Review'))
      .toEqual(['Hire the boats', 'Print the flyers', 'Book the band']);
    // Saved: still there after a reload, with the warning.
    await page.reload();
    await region('Review').getByText('Over WIP limit (3/2)').waitFor();
    expect(await cardTitles('Review')).toEqual([
      'Hire the boats',
      'Print the flyers',
      'Book the band',
    ]);
  });

  it('renames the column and moves it left', async () => {
    let menu = await openMenu('Review');
    await menu.getByRole('button', { name: 'Rename' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit column “Review”' });
    await edit.getByLabel('Name').fill('Waiting for review');
    await edit.getByRole('button', { name: 'Save column' }).click();
    await toast('Column “Waiting for review” saved.').waitFor();
    await region('Waiting for review').getByText('Over WIP limit (3/2)').waitFor();

    menu = await openMenu('Waiting for review');
    // The last column has nowhere further right to go.
    expect(await menu.getByRole('button', { name: 'Move right' }).isDisabled()).toBe(true);
    await menu.getByRole('button', { name: 'Move left' }).click();
    await toast('Column “Waiting for review” moved.').waitFor();
    await expect.poll(columnNames).toEqual(['To do', 'In progress', 'Waiting for review', 'Done']);
    await page.reload();
    await expect.poll(columnNames).toEqual(['To do', 'In progress', 'Waiting for review', 'Done']);
    await checkScreen(page, 'board-columns');
  });

  it("offers the project's columns as a task's status on its page, and saves the one picked", async () => {
    await page.getByRole('link', { name: 'Rent the stage' }).click();
    await page.getByRole('heading', { name: 'Rent the stage', level: 1 }).waitFor();
    const status = page.getByLabel('Status');
    expect(await status.getByRole('option').allTextContents()).toEqual([
      'To do',
      'In progress',
      'Waiting for review (In progress)',
      'Done',
    ]);
    const saved = () =>
      page.waitForResponse(
        (r) => /\/tasks\/[^/]+$/.test(r.url()) && r.request().method() === 'PATCH',
      );
    let save = saved();
    await status.selectOption({ label: 'Waiting for review (In progress)' });
    expect((await save).status()).toBe(200);
    // The history names the two columns (one status: before, it read "reordered").
    await page.getByText('moved the task from In progress to Waiting for review').waitFor();
    await page.getByRole('link', { name: 'Back to the board' }).click();
    await expect.poll(() => cardTitles('Waiting for review')).toContain('Rent the stage');
    expect(await cardTitles('In progress')).toEqual([]);
    // The list names the column too.
    await page.getByRole('link', { name: 'List', exact: true }).click();
    await expect
      .poll(() => page.getByRole('row').filter({ hasText: 'Rent the stage' }).textContent())
      .toContain('Waiting for review');
    await page.getByRole('link', { name: 'Board', exact: true }).click();
    // And back, from its page again.
    await page.getByRole('link', { name: 'Rent the stage' }).click();
    await page.getByRole('heading', { name: 'Rent the stage', level: 1 }).waitFor();
    save = saved();
    await page.getByLabel('Status').selectOption({ label: 'In progress' });
    expect((await save).status()).toBe(200);
    await page.getByRole('link', { name: 'Back to the board' }).click();
    await expect.poll(() => cardTitles('In progress')).toEqual(['Rent the stage']);
  });

  it('speaks Spanish: the starting columns in Spanish, the custom one as named', async () => {
    await page.getByLabel('Language').selectOption('es');
    await expect
      .poll(columnNames)
      .toEqual(['Por hacer', 'En curso', 'Waiting for review', 'Hecho']);
    await region('Waiting for review').getByText('Por encima del límite WIP (3/2)').waitFor();
    await checkScreen(page, 'board-columns-es');
    const menu = page.getByRole('dialog', { name: 'Columna «Waiting for review»' });
    await page
      .getByRole('button', { name: 'Acciones de la columna: Waiting for review', exact: true })
      .click();
    await menu.getByRole('button', { name: 'Fijar límite WIP' }).click();
    const edit = page.getByRole('dialog', { name: 'Editar la columna «Waiting for review»' });
    await edit.getByLabel('Límite WIP').waitFor();
    await checkScreen(page, 'column-dialog-es');
    await edit.getByRole('button', { name: 'Cancelar' }).click();
    await edit.waitFor({ state: 'hidden' });
    await page.getByLabel('Idioma').selectOption('en');
    await page.getByRole('heading', { name: 'To do', level: 2 }).waitFor();
  });

  it('keeps the last column of a category, and says why', async () => {
    const menu = await openMenu('Done');
    await menu.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete the column “Done”?' });
    await dialog.getByText('“Done” is the only column of the category Done.').waitFor();
    expect(await dialog.getByRole('button', { name: 'Delete column' }).count()).toBe(0);
    await dialog.getByRole('button', { name: 'Close', exact: true }).last().click();
    await dialog.waitFor({ state: 'hidden' });
  });

  it('deletes the column, its cards going to the column picked', async () => {
    const menu = await openMenu('Waiting for review');
    await menu.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByRole('dialog', {
      name: 'Delete the column “Waiting for review”?',
    });
    await dialog.getByLabel('Move its 3 tasks to').selectOption({ label: 'In progress' });
    await dialog.getByRole('button', { name: 'Delete column' }).click();
    await toast('Column “Waiting for review” deleted.').waitFor();
    await expect.poll(columnNames).toEqual(['To do', 'In progress', 'Done']);
    // The keyboard focus is on the menu of the column the cards went to, not lost to the page.
    await expect
      .poll(() =>
        page.evaluate(() =>
          (
            globalThis as unknown as {
              document: { activeElement: { getAttribute: (n: string) => string | null } | null };
            }
          ).document.activeElement?.getAttribute('aria-label'),
        ),
      )
      .toBe('Column actions: In progress');
    // At the end of the column they went to, in their order.
    const moved = ['Rent the stage', 'Hire the boats', 'Print the flyers', 'Book the band'];
    await expect.poll(() => cardTitles('In progress')).toEqual(moved);
    await page.reload();
    await expect.poll(() => cardTitles('In progress')).toEqual(moved);
    expect(problems).toEqual([]);
  });

  it('gives a viewer no column controls', async () => {
    const viewerContext = await newContext(browser, service.url);
    try {
      const viewer = await viewerContext.newPage();
      await signIn(viewer, VIEWER);
      await viewer.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
      await viewer.goto(projectUrl);
      await viewer.getByRole('link', { name: 'Book the band' }).waitFor();
      expect(await viewer.getByRole('button', { name: 'Add column' }).count()).toBe(0);
      expect(await viewer.getByRole('button', { name: /^Column actions/ }).count()).toBe(0);
    } finally {
      await viewerContext.close();
    }
  });
});
