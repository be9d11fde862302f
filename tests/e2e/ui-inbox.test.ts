// The inbox in a real browser against the real built service (issue 13): user A assigns a task
// to user B and mentions B in a comment; B's bell counts both, the inbox lists them and links to
// the task (where B watches it and can stop), and "mark all read" empties the count. B mentions A
// back with the comment box's name completion; B's "My work" groups B's tasks by date.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../support/tools.js';
import { ApiClient } from '../support/http.js';
import { startService, type Service } from '../support/service.js';
import { CHROMIUM, launchChromium, newContext, watchPage } from './support/browser.js';
import { OWNER, VIEWER, checkScreen, signIn } from './support/ui.js';

const chromium = requireTool(CHROMIUM, 'apt-get install chromium');

describe.skipIf(chromium.skipReason)('web UI in Chromium: inbox', () => {
  let service: Service;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let taskId = '';
  let projectId = '';
  let a: ApiClient;
  let bId = '';

  beforeAll(async () => {
    service = await startService({ from: 'built' });
    a = new ApiClient(service.url);
    await a.register(OWNER.email, OWNER.password, OWNER.name);
    const b = new ApiClient(service.url);
    const { body: bUser } = await b.register(VIEWER.email, VIEWER.password, VIEWER.name);
    const { body: project } = await a.ok<{ id: string }>('POST', '/api/v1/projects', {
      name: 'Launch',
    });
    projectId = project.id;
    await a.ok('POST', `/api/v1/projects/${projectId}/members`, {
      email: VIEWER.email,
      role: 'editor',
    });
    bId = (bUser as { user: { id: string } }).user.id;
    const { body: task } = await a.ok<{ id: string }>(
      'POST',
      `/api/v1/projects/${projectId}/tasks`,
      {
        title: 'Write the press release',
        assigneeId: bId,
      },
    );
    taskId = task.id;
    const { body: other } = await a.ok<{ id: string }>(
      'POST',
      `/api/v1/projects/${projectId}/tasks`,
      { title: 'Book the venue' },
    );
    await a.ok('POST', `/api/v1/tasks/${other.id}/comments`, {
      body: 'Could @grace check the dates?',
    });
    // For My work: one more of B's, with a date next week.
    await a.ok('POST', `/api/v1/projects/${projectId}/tasks`, {
      title: 'Send the invitations',
      assigneeId: bId,
      dueAt: new Date(Date.now() + 9 * 86_400_000).toISOString(),
    });

    browser = await launchChromium(chromium.path ?? CHROMIUM);
    const context = await newContext(browser, service.url);
    page = await context.newPage();
    problems = watchPage(page).problems;
    await signIn(page, VIEWER);
    await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  it('the bell counts, the inbox lists and links, mark all read clears', async () => {
    await page.getByRole('link', { name: 'Inbox, 3 unread' }).click();
    await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
    const list = page.getByRole('list', { name: 'Inbox' });
    await list.getByText('Ada Lovelace assigned you Write the press release').waitFor();
    await list.getByText('Ada Lovelace assigned you Send the invitations').waitFor();
    await list.getByText('Ada Lovelace mentioned you in Book the venue').waitFor();
    expect(await list.getByRole('listitem').count()).toBe(3);
    await checkScreen(page, 'inbox');

    // Opening one marks it read and shows the task, which B watches as its assignee.
    await list.getByRole('link', { name: 'Write the press release' }).click();
    await page.getByRole('heading', { name: 'Write the press release', level: 1 }).waitFor();
    expect(page.url()).toContain(`/projects/${projectId}/tasks/${taskId}`);
    const toggle = page.getByRole('button', { name: 'Stop watching' });
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await toggle.click();
    await page.getByRole('button', { name: 'Watch' }).waitFor();
    await page.getByRole('link', { name: 'Inbox, 2 unread' }).waitFor();

    await page.getByRole('link', { name: 'Inbox, 2 unread' }).click();
    await page.getByRole('checkbox', { name: 'Unread only' }).check();
    await page.getByRole('link', { name: 'Book the venue' }).waitFor();
    expect(await page.getByRole('list', { name: 'Inbox' }).getByRole('listitem').count()).toBe(2);
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await page.getByText('No unread notifications.').waitFor();
    await page.getByRole('link', { name: 'Inbox, 0 unread' }).waitFor();

    // A new assignment arrives while the inbox is open: listed and counted without a reload.
    await a.ok('POST', `/api/v1/projects/${projectId}/tasks`, {
      title: 'Arrives live',
      assigneeId: bId,
    });
    await page.getByRole('link', { name: 'Inbox, 1 unread' }).waitFor();
    await page
      .getByRole('list', { name: 'Inbox' })
      .getByText('Ada Lovelace assigned you Arrives live')
      .waitFor();

    // A mention back, completed from the project's members.
    await page.getByRole('checkbox', { name: 'Unread only' }).uncheck();
    await page.getByRole('link', { name: 'Book the venue' }).click();
    const box = page.getByRole('combobox', { name: 'Add a comment' });
    await box.fill('Dates are fine, @Ad');
    await page
      .getByRole('listbox', { name: 'People to mention' })
      .getByRole('option', { name: 'Ada Lovelace @ada' })
      .waitFor();
    await box.press('Enter');
    expect(await box.inputValue()).toBe('Dates are fine, @ada ');
    await box.pressSequentially('thanks');
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    await page.getByText('Dates are fine, @ada thanks').waitFor();
    const { body: aInbox } = await a.ok<{ items: { kind: string; task: { title: string } }[] }>(
      'GET',
      '/api/v1/notifications',
    );
    expect(aInbox.items.map((n) => `${n.kind} ${n.task.title}`)).toContain(
      'mentioned Book the venue',
    );

    // My work: B's assigned tasks by date.
    await page.getByRole('link', { name: 'My work' }).click();
    await page.getByRole('heading', { name: 'My work', level: 1 }).waitFor();
    const later = page.getByRole('region', { name: /Later/ });
    await later.getByRole('link', { name: 'Send the invitations' }).waitFor();
    const noDate = page.getByRole('region', { name: /No date/ });
    await noDate.getByRole('link', { name: 'Write the press release' }).waitFor();
    await checkScreen(page, 'my-work');
    // The list view's filters: text (after a short pause), then cleared.
    await page.getByRole('searchbox', { name: 'Search tasks', exact: true }).fill('press');
    await page.getByRole('region', { name: /Later/ }).waitFor({ state: 'detached' });
    await noDate.getByRole('link', { name: 'Write the press release' }).waitFor();
    await page.getByRole('combobox', { name: 'Priority' }).selectOption('urgent');
    await page.getByText('None of your tasks matches these filters.').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await later.getByRole('link', { name: 'Send the invitations' }).waitFor();

    // In Spanish too.
    await page.getByRole('link', { name: /Inbox/ }).click();
    await page.getByRole('link', { name: 'Book the venue' }).waitFor();
    await page.getByRole('combobox', { name: 'Language' }).selectOption('es');
    await page.getByRole('heading', { name: 'Bandeja de entrada', level: 1 }).waitFor();
    await page.getByText('Ada Lovelace te ha mencionado en').waitFor();
    await checkScreen(page, 'inbox-es');
    expect(problems).toEqual([]);
  }, 120_000);
});
