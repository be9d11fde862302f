// The calendar in a real browser (issue 14): a project's tasks on their due days in a month (weeks
// from Sunday in English, Monday in Spanish) and a week, previous / next / today with the month
// or week in the address; a task dragged to another day with the mouse, and one moved from the
// keyboard, keep their time of day (checked through the API); changes by others arrive live; My
// work's calendar shows my tasks and, after someone else's edit, says so and shows theirs;
// viewers get nothing to drag. Roles and labels only; screenshots light and dark, desktop and
// phone, English and Spanish.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../support/tools.js';
import { ApiClient } from '../support/http.js';
import { startService, type Service } from '../support/service.js';
import { CHROMIUM, launchChromium, newContext, watchPage } from './support/browser.js';
import { OWNER, VIEWER, checkScreen, signIn } from './support/ui.js';

const chromium = requireTool(CHROMIUM, 'apt-get install chromium');

// The browser runs in this process's time zone: a local date-time here is the same one there.
const at = (day: number, hours: number, minutes = 0, seconds = 0, month = 11, year = 2030) =>
  new Date(year, month, day, hours, minutes, seconds).toISOString();
/** A due date alone, as the web UI saves one: the end of the local day. */
const dateOnly = (day: number, month = 11, year = 2030) => at(day, 23, 59, 59, month, year);

describe.skipIf(chromium.skipReason)('web UI in Chromium: the calendar', () => {
  let service: Service;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let api: ApiClient;
  let projectId = '';
  let calendarUrl = '';
  const ids: Record<string, string> = {};

  /** The day cell, named by its full date. */
  const day = (name: string, scope: Page | Locator = page) =>
    scope.getByRole('cell', { name, exact: true });
  const taskLink = (scope: Locator, title: string) =>
    scope.getByRole('link', { name: title, exact: true });
  const dueAt = async (title: string) =>
    (await api.ok<{ dueAt: string | null }>('GET', `/api/v1/tasks/${ids[title]}`)).body.dueAt;
  /** The drag and drop announcements about a task (each names it). */
  const announcement = (title: string) => page.getByRole('status').filter({ hasText: title });
  /** One space for ICU's narrow and no-break spaces and for the lines between a task's parts. */
  const spaces = (text: string) => text.replace(/\s+/g, ' ').trim();

  /** The names of the grid's column headers, in order (from its accessibility tree). */
  const weekdays = async (grid: Locator) =>
    [
      ...(await grid.getByRole('row').first().ariaSnapshot()).matchAll(/columnheader "([^"]+)"/g),
    ].map((match) => match[1]);

  /**
   * With a task picked up from the keyboard, presses `key` until the announcement says it is over
   * `date`. (The sensor starts listening a tick after the pick-up, so a very early key can be lost.)
   */
  async function keyboardMoveTo(title: string, key: string, date: string) {
    const region = announcement(title);
    for (let attempt = 0; attempt < 4; attempt++) {
      const before = (await region.textContent()) ?? '';
      if (before.includes(`is over ${date}`)) return;
      await page.keyboard.press(key);
      await expect
        .poll(() => region.textContent(), { timeout: 1_500 })
        .not.toBe(before)
        .catch(() => undefined);
    }
    await expect.poll(() => region.textContent()).toContain(`Task ${title} is over ${date}.`);
  }

  beforeAll(async () => {
    service = await startService({ from: 'built' });
    api = new ApiClient(service.url);
    const { body: me } = await api.register(OWNER.email, OWNER.password, OWNER.name);
    const ownerId = (me as { user: { id: string } }).user.id;
    const { body: project } = await api.ok<{ id: string }>('POST', '/api/v1/projects', {
      name: 'Lighthouse restoration',
    });
    projectId = project.id;
    calendarUrl = `/projects/${project.id}/calendar`;
    const today = new Date();
    const tasks: Record<string, unknown>[] = [
      { title: 'Order the lens', dueAt: dateOnly(4), assigneeId: ownerId },
      { title: 'Paint the tower', dueAt: at(4, 17), priority: 'high' },
      { title: 'Inspect the stairs', dueAt: dateOnly(10), status: 'done' },
      { title: 'Fix the lamp', dueAt: at(18, 9, 30), assigneeId: ownerId, priority: 'urgent' },
      { title: 'Check the foghorn', dueAt: dateOnly(8, 0, 2031) },
      { title: 'Sweep the gallery', dueAt: dateOnly(20) },
      { title: 'Oil the hinges', dueAt: dateOnly(20) },
      { title: 'Replace the glass', dueAt: dateOnly(20) },
      { title: 'Count the steps', dueAt: dateOnly(20) },
      { title: 'Polish the brass', dueAt: dateOnly(20) },
      { title: 'Someday maybe' },
      // Past its time today: overdue (unless the test runs in the first second of the day).
      {
        title: 'Call the harbour master',
        dueAt: new Date(today.getFullYear(), today.getMonth(), today.getDate()).toISOString(),
        assigneeId: ownerId,
      },
    ];
    for (const body of tasks) {
      const { body: task } = await api.ok<{ id: string }>(
        'POST',
        `/api/v1/projects/${project.id}/tasks`,
        body,
      );
      ids[body.title as string] = task.id;
    }
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

  it('shows the month from Sunday with each task on its due day', async () => {
    await page.goto(`/projects/${projectId}`);
    await page
      .getByRole('navigation', { name: 'Project views' })
      .getByRole('link', { name: 'Calendar' })
      .click();
    // This month by default, today marked, an overdue task said to be one.
    const todayLabel = new Intl.DateTimeFormat('en', {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    }).format(new Date());
    const today = day(todayLabel);
    await taskLink(today, 'Call the harbour master').waitFor();
    expect(await today.getAttribute('aria-current')).toBe('date');
    expect(await today.getByText('Overdue:').count()).toBe(1);

    await page.goto(`${calendarUrl}?month=2030-12`);
    const grid = page.getByRole('table', { name: 'December 2030' });
    await grid.waitFor();
    await page.getByRole('status').filter({ hasText: '9 tasks due in these days.' }).waitFor();
    // Weeks from Sunday: the first row starts on Sunday the 1st, the last ends in January.
    expect(await weekdays(grid)).toEqual([
      'Sunday',
      'Monday',
      'Tuesday',
      'Wednesday',
      'Thursday',
      'Friday',
      'Saturday',
    ]);
    const firstDay = grid.getByRole('row').nth(1).getByRole('cell').first();
    expect(await firstDay.getAttribute('aria-label')).toBe('Sunday, December 1, 2030');
    const lastDay = grid.getByRole('row').last().getByRole('cell').last();
    expect(await lastDay.getAttribute('aria-label')).toBe('Saturday, January 4, 2031');

    const fourth = day('Wednesday, December 4, 2030');
    await taskLink(fourth, 'Order the lens').waitFor();
    // By time; the time shows with a task that has one, not with a date alone.
    expect((await fourth.getByRole('listitem').allInnerTexts()).map(spaces)).toEqual([
      '5:00 PM Paint the tower',
      'Order the lens',
    ]);
    const tenth = day('Tuesday, December 10, 2030');
    await taskLink(tenth, 'Inspect the stairs').waitFor();
    expect(await tenth.getByText('Done:').count()).toBe(1);
    await taskLink(day('Wednesday, December 18, 2030'), 'Fix the lamp').waitFor();
    expect(await page.getByRole('link', { name: 'Someday maybe' }).count()).toBe(0);

    // A busy day shows three tasks and "+2 more"; the button opens the day and closes it again.
    const twentieth = day('Friday, December 20, 2030');
    expect(await twentieth.getByRole('link').count()).toBe(3);
    await twentieth.getByRole('button', { name: '+2 more on Friday, December 20, 2030' }).click();
    await expect.poll(() => twentieth.getByRole('link').count()).toBe(5);
    await checkScreen(page, 'calendar-month');
    await twentieth.getByRole('button', { name: 'Show fewer' }).click();
    await expect.poll(() => twentieth.getByRole('link').count()).toBe(3);
  });

  it('switches to a week and back, and goes to the next month and back', async () => {
    await page.getByRole('button', { name: 'Week', exact: true }).click();
    const week = page.getByRole('table', { name: 'Dec 1 – 7, 2030' });
    await week.waitFor();
    expect(new URL(page.url()).searchParams.get('week')).toBe('2030-12-01');
    await taskLink(day('Wednesday, December 4, 2030'), 'Paint the tower').waitFor();
    expect(await week.getByRole('cell').count()).toBe(7);
    await checkScreen(page, 'calendar-week');
    await page.getByRole('button', { name: 'Next week' }).click();
    await page.getByRole('table', { name: 'Dec 8 – 14, 2030' }).waitFor();
    await taskLink(day('Tuesday, December 10, 2030'), 'Inspect the stairs').waitFor();
    await page.getByRole('button', { name: 'Month', exact: true }).click();
    await page.getByRole('table', { name: 'December 2030' }).waitFor();
    expect(new URL(page.url()).searchParams.get('month')).toBe('2030-12');

    await page.getByRole('button', { name: 'Next month' }).click();
    await page.getByRole('table', { name: 'January 2031' }).waitFor();
    expect(new URL(page.url()).searchParams.get('month')).toBe('2031-01');
    await taskLink(day('Wednesday, January 8, 2031'), 'Check the foghorn').waitFor();
    await page.getByRole('button', { name: 'Previous month' }).click();
    await page.getByRole('table', { name: 'December 2030' }).waitFor();
    await taskLink(day('Wednesday, December 4, 2030'), 'Order the lens').waitFor();
    // The address is the view: back goes to January, a reload keeps December.
    await page.goBack();
    await page.getByRole('table', { name: 'January 2031' }).waitFor();
    await page.goForward();
    await page.reload();
    await taskLink(day('Wednesday, December 4, 2030'), 'Order the lens').waitFor();
  });

  it('moves a task to another day with the mouse, keeping its time', async () => {
    const from = await taskLink(
      day('Wednesday, December 4, 2030'),
      'Paint the tower',
    ).boundingBox();
    const to = await day('Thursday, December 12, 2030').boundingBox();
    if (!from || !to) throw new Error('calendar not laid out');
    const saved = page.waitForResponse(
      (r) =>
        r.url().endsWith(`/tasks/${ids['Paint the tower']}`) && r.request().method() === 'PATCH',
    );
    await page.mouse.move(from.x + 10, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + 30, from.y + from.height / 2 + 10, { steps: 4 });
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 20 });
    await page.mouse.up();
    expect((await saved).status()).toBe(200);
    await taskLink(day('Thursday, December 12, 2030'), 'Paint the tower').waitFor();
    expect(await taskLink(day('Wednesday, December 4, 2030'), 'Paint the tower').count()).toBe(0);
    expect(await dueAt('Paint the tower')).toBe(at(12, 17));
  });

  it('moves a task from the keyboard: a day with → and a week with ↓, announced', async () => {
    const fourth = day('Wednesday, December 4, 2030');
    await fourth.getByRole('button', { name: 'Move task: Order the lens' }).focus();
    await page.keyboard.press('Space');
    await announcement('Picked up task Order the lens, due Wednesday, December 4, 2030.').waitFor();
    await keyboardMoveTo('Order the lens', 'ArrowRight', 'Thursday, December 5, 2030');
    await page.keyboard.press('ArrowDown');
    await announcement('Task Order the lens is over Thursday, December 12, 2030.').waitFor();
    await page.keyboard.press('Space');
    await announcement('Task Order the lens moved to Thursday, December 12, 2030.').waitFor();
    const twelfth = day('Thursday, December 12, 2030');
    await taskLink(twelfth, 'Order the lens').waitFor();
    // Still a date alone: the end of the new day.
    await expect.poll(() => dueAt('Order the lens')).toBe(dateOnly(12));
    // The focus stays on the task's handle, now on its new day.
    await expect
      .poll(() =>
        twelfth
          .getByRole('button', { name: 'Move task: Order the lens' })
          .evaluate((button) => button === button.ownerDocument.activeElement),
      )
      .toBe(true);

    // Escape puts it back where it was, and nothing is saved.
    await page.keyboard.press('Enter');
    await announcement('Picked up task Order the lens, due Thursday, December 12, 2030.').waitFor();
    await keyboardMoveTo('Order the lens', 'ArrowLeft', 'Wednesday, December 11, 2030');
    await page.keyboard.press('Escape');
    await announcement('Moving task Order the lens was cancelled.').waitFor();
    await taskLink(twelfth, 'Order the lens').waitFor();
    expect(await dueAt('Order the lens')).toBe(dateOnly(12));
  });

  it('shows a change by someone else without a reload', async () => {
    const { body: stairs } = await api.ok<{ version: number }>(
      'GET',
      `/api/v1/tasks/${ids['Inspect the stairs']}`,
    );
    await api.ok(
      'PATCH',
      `/api/v1/tasks/${ids['Inspect the stairs']}`,
      { dueAt: dateOnly(11) },
      { 'if-match': `"${stairs.version}"` },
    );
    await taskLink(day('Wednesday, December 11, 2030'), 'Inspect the stairs').waitFor();
    expect(await taskLink(day('Tuesday, December 10, 2030'), 'Inspect the stairs').count()).toBe(0);
  });

  it('shows my tasks on the My work calendar, and someone else’s change when a move meets it', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'My work' })
      .click();
    await page.getByRole('heading', { name: 'My work', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Calendar', exact: true }).click();
    expect(new URL(page.url()).searchParams.get('view')).toBe('calendar');
    await page.getByRole('link', { name: 'Call the harbour master' }).waitFor();

    await page.goto('/my-work?view=calendar&month=2030-12');
    await taskLink(day('Wednesday, December 18, 2030'), 'Fix the lamp').waitFor();
    await taskLink(day('Thursday, December 12, 2030'), 'Order the lens').waitFor();
    // Only mine: the others' tasks of the project are not here.
    expect(await page.getByRole('link', { name: 'Paint the tower' }).count()).toBe(0);
    await page.getByRole('status').filter({ hasText: '2 tasks due in these days.' }).waitFor();
    await checkScreen(page, 'my-work-calendar');

    // Someone renames the lamp task meanwhile (My work has no live stream): the move meets a 412.
    const { body: lamp } = await api.ok<{ version: number }>(
      'GET',
      `/api/v1/tasks/${ids['Fix the lamp']}`,
    );
    await api.ok(
      'PATCH',
      `/api/v1/tasks/${ids['Fix the lamp']}`,
      { title: 'Fix the lamp and the mirror' },
      { 'if-match': `"${lamp.version}"` },
    );
    const eighteenth = day('Wednesday, December 18, 2030');
    await eighteenth.getByRole('button', { name: 'Move task: Fix the lamp' }).focus();
    await page.keyboard.press('Space');
    await announcement('Picked up task Fix the lamp').waitFor();
    await keyboardMoveTo('Fix the lamp', 'ArrowRight', 'Thursday, December 19, 2030');
    await page.keyboard.press('Space');
    await page
      .getByRole('alert')
      .getByText('“Fix the lamp” was changed by someone else meanwhile, so it was not moved.', {
        exact: false,
      })
      .waitFor();
    // Their version, on the day it was.
    await taskLink(eighteenth, 'Fix the lamp and the mirror').waitFor();
    expect(await dueAt('Fix the lamp')).toBe(at(18, 9, 30));
  });

  it('gives a viewer nothing to drag', async () => {
    const viewer = new ApiClient(service.url);
    await viewer.register(VIEWER.email, VIEWER.password, VIEWER.name);
    await api.ok('POST', `/api/v1/projects/${projectId}/members`, {
      email: VIEWER.email,
      role: 'viewer',
    });
    const context = await newContext(browser, service.url);
    const viewerPage = await context.newPage();
    const viewerProblems = watchPage(viewerPage).problems;
    await signIn(viewerPage, VIEWER);
    await viewerPage.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
    await viewerPage.goto(`${calendarUrl}?month=2030-12`);
    await taskLink(
      viewerPage.getByRole('cell', { name: 'Thursday, December 12, 2030', exact: true }),
      'Paint the tower',
    ).waitFor();
    expect(await viewerPage.getByRole('button', { name: /^Move task/ }).count()).toBe(0);
    expect(viewerProblems).toEqual([]);
    await context.close();
  });

  it('speaks Spanish, with weeks from Monday', async () => {
    await page.goto(`${calendarUrl}?month=2030-12`);
    await page.getByRole('table', { name: 'December 2030' }).waitFor();
    await page.getByLabel('Language').selectOption('es');
    const grid = page.getByRole('table', { name: 'Diciembre de 2030' });
    await grid.waitFor();
    expect((await weekdays(grid))[0]).toBe('Lunes');
    // The first row starts on Monday 25 November.
    expect(
      await grid.getByRole('row').nth(1).getByRole('cell').first().getAttribute('aria-label'),
    ).toBe('lunes, 25 de noviembre de 2030');
    await taskLink(day('jueves, 12 de diciembre de 2030'), 'Paint the tower').waitFor();
    // 17:00, the 24-hour clock.
    const item = day('jueves, 12 de diciembre de 2030')
      .getByRole('listitem')
      .filter({ has: page.getByRole('link', { name: 'Paint the tower' }) });
    expect(spaces(await item.innerText())).toBe('17:00 Paint the tower');
    await page.getByRole('button', { name: 'Mes siguiente' }).waitFor();
    await checkScreen(page, 'calendar-month-es');
    await page.getByLabel('Idioma').selectOption('en');
    await page.getByRole('table', { name: 'December 2030' }).waitFor();
    expect(problems).toEqual([]);
  });
});
