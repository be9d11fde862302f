// Due dates with a time, in a real browser against the built service (issue 14): a time set next
// to the date on the task page is kept exactly (the same minute after a reload) and shown with the
// date on the task page, the board card, the list and My work, in the app's language whatever the
// browser's (the inputs carry lang and the date is spelled out under them); removing the time
// leaves the date alone, stored as a date-only due always was (the end of that day). A task due on
// a date only still shows the date only.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../support/tools.js';
import { ApiClient } from '../support/http.js';
import { startService, type Service } from '../support/service.js';
import { CHROMIUM, launchChromium, newContext, watchPage } from './support/browser.js';
import { OWNER, checkScreen, signIn } from './support/ui.js';

const chromium = requireTool(CHROMIUM, 'apt-get install chromium');

// The browser runs in this process's time zone: a local date-time here is the same one there.
const AT_FIVE = new Date(2030, 11, 6, 17, 0).toISOString();
const END_OF_DAY = new Date(2030, 11, 6, 23, 59, 59).toISOString();

describe.skipIf(chromium.skipReason)('web UI in Chromium: due dates with a time', () => {
  let service: Service;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let api: ApiClient;
  let projectUrl = '';
  let taskUrl = '';
  let taskId = '';

  /** The board card, list row or My work item holding the link to the task. */
  const itemOf = (role: 'listitem' | 'row', title: string): Locator =>
    page.getByRole(role).filter({ has: page.getByRole('link', { name: title, exact: true }) });
  const dueAt = async () =>
    (await api.ok<{ dueAt: string | null }>('GET', `/api/v1/tasks/${taskId}`)).body.dueAt;

  beforeAll(async () => {
    service = await startService({ from: 'built' });
    api = new ApiClient(service.url);
    const { body: me } = await api.register(OWNER.email, OWNER.password, OWNER.name);
    const ownerId = (me as { user: { id: string } }).user.id;
    const { body: project } = await api.ok<{ id: string }>('POST', '/api/v1/projects', {
      name: 'Apollo launch',
    });
    projectUrl = `/projects/${project.id}`;
    const { body: task } = await api.ok<{ id: string }>(
      'POST',
      `/api/v1/projects/${project.id}/tasks`,
      { title: 'Book the venue', assigneeId: ownerId },
    );
    taskId = task.id;
    taskUrl = `${projectUrl}/tasks/${task.id}`;
    // Due on a date only, as the web UI has always saved one: the end of the local day.
    await api.ok('POST', `/api/v1/projects/${project.id}/tasks`, {
      title: 'Print the tickets',
      dueAt: new Date(2030, 11, 7, 23, 59, 59).toISOString(),
    });
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

  it('sets a time next to the date: kept after a reload, shown on the task page and the card', async () => {
    await page.goto(taskUrl);
    await page.getByRole('heading', { name: 'Book the venue', level: 1 }).waitFor();
    const date = page.getByLabel('Due date', { exact: true });
    const time = page.getByLabel('Due time', { exact: true });
    // No date, no time.
    expect(await time.isDisabled()).toBe(true);
    await date.fill('2030-12-06');
    await page.getByText('Friday, December 6, 2030', { exact: true }).waitFor();
    await time.fill('17:00');
    await page.getByText(/^Friday, December 6, 2030,? (at )?5:00\sPM$/).waitFor();
    expect(await date.getAttribute('lang')).toBe('en');
    expect(await time.getAttribute('lang')).toBe('en');
    await page.getByText('All changes saved').waitFor();
    expect(await dueAt()).toBe(AT_FIVE);

    await page.reload();
    await expect.poll(() => date.inputValue()).toBe('2030-12-06');
    expect(await time.inputValue()).toBe('17:00');
    await page.getByText(/^Friday, December 6, 2030,? (at )?5:00\sPM$/).waitFor();
    await checkScreen(page, 'task-due-time');

    await page.goto(projectUrl);
    await expect
      .poll(() => itemOf('listitem', 'Book the venue').textContent())
      .toMatch(/Dec 6, 2030, 5:00\sPM/);
    // A date-only due is shown as before: the date alone.
    const tickets = await itemOf('listitem', 'Print the tickets').textContent();
    expect(tickets).toContain('Dec 7, 2030');
    expect(tickets).not.toMatch(/\d:\d\d/);
    await checkScreen(page, 'board-due-time');
    expect(problems).toEqual([]);
  });

  it('shows the due date and time in Spanish once the app is in Spanish', async () => {
    await page.getByRole('combobox', { name: 'Language' }).selectOption('es');
    await page.getByRole('heading', { name: 'Por hacer' }).waitFor();
    await expect
      .poll(() => itemOf('listitem', 'Book the venue').textContent())
      .toContain('6 dic 2030, 17:00');
    expect(await itemOf('listitem', 'Print the tickets').textContent()).not.toMatch(/\d:\d\d/);

    await page.goto(`${projectUrl}/list`);
    await expect
      .poll(() => itemOf('row', 'Book the venue').textContent())
      .toContain('6 dic 2030, 17:00');
    await page.goto('/my-work');
    await expect
      .poll(() => itemOf('listitem', 'Book the venue').textContent())
      .toContain('vence el 6 dic 2030, 17:00');

    await page.goto(taskUrl);
    await page.getByText('viernes, 6 de diciembre de 2030, 17:00', { exact: true }).waitFor();
    const date = page.getByLabel('Fecha de vencimiento', { exact: true });
    const time = page.getByLabel('Hora de vencimiento', { exact: true });
    expect(await date.getAttribute('lang')).toBe('es');
    expect(await time.getAttribute('lang')).toBe('es');
    expect(await time.inputValue()).toBe('17:00');
    await checkScreen(page, 'task-due-time-es');
    expect(problems).toEqual([]);
  });

  it('removes the time: the date alone is left, saved as a date-only due always was', async () => {
    const time = page.getByLabel('Hora de vencimiento', { exact: true });
    await page.getByRole('button', { name: 'Quitar la hora' }).click();
    expect(await time.inputValue()).toBe('');
    await page.getByText('viernes, 6 de diciembre de 2030', { exact: true }).waitFor();
    await page.getByText('Todos los cambios guardados').waitFor();
    expect(await dueAt()).toBe(END_OF_DAY);

    await page.reload();
    const date = page.getByLabel('Fecha de vencimiento', { exact: true });
    await expect.poll(() => date.inputValue()).toBe('2030-12-06');
    expect(await time.inputValue()).toBe('');
    await page.getByText('viernes, 6 de diciembre de 2030', { exact: true }).waitFor();

    await page.goto(projectUrl);
    const venue = itemOf('listitem', 'Book the venue');
    await expect.poll(() => venue.textContent()).toContain('6 dic 2030');
    expect(await venue.textContent()).not.toMatch(/\d:\d\d/);

    await page.getByRole('combobox', { name: 'Idioma' }).selectOption('en');
    await page.getByRole('heading', { name: 'To do' }).waitFor();
    expect(problems).toEqual([]);
  });
});
