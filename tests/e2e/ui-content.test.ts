// Task content in a real browser against the built service (issue 14): a checklist made,
// checked, reordered from the keyboard and trimmed, with its progress on the board card; Markdown
// in the description (with a Write / Preview switch) and in comments, where HTML stays text and
// links cannot run script; quick-add with properties (#label @person !priority due day); the
// board's filters, shared with the list; the labels page (rename, merge, delete).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../support/tools.js';
import { ApiClient } from '../support/http.js';
import { CHROMIUM, focusedId, launchChromium, newContext, watchPage } from './support/browser.js';
import { card, checkScreen, column, OWNER, signIn, XSS_SCRIPT } from './support/ui.js';
import { startService, type Service } from '../support/service.js';

const chromium = requireTool(CHROMIUM, 'apt-get install chromium');

describe.skipIf(chromium.skipReason)('web UI in Chromium: task content', () => {
  let service: Service;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let projectUrl = '';
  let taskUrl = '';
  let api: ApiClient;
  let projectId = '';

  beforeAll(async () => {
    service = await startService({ from: 'built' });
    api = new ApiClient(service.url);
    await api.register(OWNER.email, OWNER.password, OWNER.name);
    const { body: project } = await api.ok<{ id: string }>('POST', '/api/v1/projects', {
      name: 'Apollo launch',
    });
    projectUrl = `/projects/${project.id}`;
    projectId = project.id;
    const { body: task } = await api.ok<{ id: string }>(
      'POST',
      `/api/v1/projects/${project.id}/tasks`,
      { title: 'Book the venue' },
    );
    taskUrl = `${projectUrl}/tasks/${task.id}`;
    const labelIds: string[] = [];
    for (const name of ['bug', 'defect']) {
      const { body: label } = await api.ok<{ id: string }>(
        'POST',
        `/api/v1/projects/${project.id}/labels`,
        { name },
      );
      labelIds.push(label.id);
    }
    await api.ok('POST', `/api/v1/projects/${project.id}/tasks`, {
      title: 'Fix the stage lights',
      labels: labelIds,
    });
    await api.ok('POST', `/api/v1/projects/${project.id}/tasks`, {
      title: 'Print the tickets',
      labels: [labelIds[1]],
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

  it('adds a checklist, checks, reorders by keyboard and deletes items; 1/2 on the card', async () => {
    await page.goto(taskUrl);
    const checklist = page.getByRole('region', { name: 'Checklist' });
    await checklist.getByText('No items yet.').waitFor();
    for (const text of ['Call the hall', 'Sign the contract', 'Pay the deposit']) {
      await checklist.getByLabel('Add item').fill(text);
      await checklist.getByLabel('Add item').press('Enter');
      await checklist.getByRole('checkbox', { name: text }).waitFor();
    }
    await checklist.getByRole('checkbox', { name: 'Call the hall' }).check();
    await checklist.getByText('1 of 3 done').waitFor();

    // "Pay the deposit" up one place, from the keyboard; the focus stays on its button.
    await checklist.getByRole('button', { name: 'Move “Pay the deposit” up' }).focus();
    await page.keyboard.press('Enter');
    const texts = () => checklist.locator('.checklist-text').allTextContents();
    await expect.poll(texts).toEqual(['Call the hall', 'Pay the deposit', 'Sign the contract']);
    expect(await focusedId(page)).toMatch(/^checklist-up-/);

    await checklist.getByRole('button', { name: 'Rename “Sign the contract”' }).click();
    await checklist.getByLabel('New text for “Sign the contract”').fill('Sign both contracts');
    await checklist.getByRole('button', { name: 'Save' }).click();
    await checklist.getByRole('checkbox', { name: 'Sign both contracts' }).waitFor();

    await checklist.getByRole('button', { name: 'Delete “Pay the deposit”' }).click();
    await expect.poll(texts).toEqual(['Call the hall', 'Sign both contracts']);
    await checklist.getByText('1 of 2 done').waitFor();
    await checkScreen(page, 'task-checklist');

    // After a reload the order and the checks are as the service keeps them.
    await page.reload();
    await expect.poll(texts).toEqual(['Call the hall', 'Sign both contracts']);
    expect(await checklist.getByRole('checkbox', { name: 'Call the hall' }).isChecked()).toBe(true);

    await page.goto(projectUrl);
    const venue = card(page, 'Book the venue');
    await venue.getByText('1/2').waitFor();
    expect(await venue.getByText('1 of 2 done').count()).toBe(1);
    expect(problems).toEqual([]);
  });

  it('renders Markdown in the description and comments; a script tag stays text', async () => {
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(taskUrl);
    const markdown = [
      'We need **bold** plans.',
      '',
      XSS_SCRIPT,
      '',
      '[bad link](javascript:alert(1)) and [the venue](https://example.com/venue)',
    ].join('\n');
    await page.getByLabel('Description').fill(markdown);
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.locator('.description-preview');
    await preview.locator('strong', { hasText: 'bold' }).waitFor();
    await checkScreen(page, 'task-markdown-preview');
    await page.getByRole('button', { name: 'Write' }).click();
    await page.getByText('All changes saved').waitFor();

    await page.getByLabel('Add a comment').fill(`Done _soon_ ${XSS_SCRIPT}`);
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    const comment = page.locator('.comment-body');
    await comment.locator('em', { hasText: 'soon' }).waitFor();

    // Read back from the service, as a viewer of the saved task would see it.
    await page.reload();
    await page.getByRole('button', { name: 'Preview' }).click();
    await preview.locator('strong', { hasText: 'bold' }).waitFor();
    for (const scope of [preview, comment]) {
      await scope.getByText(XSS_SCRIPT, { exact: false }).waitFor();
      expect(await scope.locator('script').count()).toBe(0);
    }
    // A link whose address was refused is text, not a link.
    await preview.getByText('bad link').waitFor();
    expect(await preview.getByRole('link', { name: 'bad link' }).count()).toBe(0);
    expect(await page.locator('a[href^="javascript:" i]').count()).toBe(0);
    const venue = preview.getByRole('link', { name: 'the venue' });
    expect(await venue.getAttribute('href')).toBe('https://example.com/venue');
    expect(await venue.getAttribute('rel')).toContain('noopener');
    expect(await venue.getAttribute('target')).toBe('_blank');
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('quick-add reads #label @person !priority due day, shows them as chips, creates one task', async () => {
    await page.goto(projectUrl);
    const todo = page.getByLabel('New task title for To do');
    await todo.fill('Fix the login #bug @ada !high due tomorrow #nope');
    const chips = page.getByRole('list', { name: 'Read from the title' });
    await expect
      .poll(() => chips.getByRole('listitem').allTextContents())
      .toEqual(['bug', 'Assign to Ada Lovelace', 'High', expect.stringMatching(/^Due /)]);
    await checkScreen(page, 'quick-add-chips');
    await todo.press('Enter');
    const created = card(column(page, 'todo'), 'Fix the login #nope');
    await created.waitFor();
    await expect.poll(() => created.locator('.chip').allTextContents()).toEqual(['bug']);
    // On top of its column, in one write: one activity entry, no "moved".
    await expect
      .poll(() => column(page, 'todo').locator('li.task-card a').first().textContent())
      .toBe('Fix the login #nope');
    type Listed = { id: string; priority: string; dueAt: string; assignee: { name: string } };
    const { body: list } = await api.ok<{ items: Listed[] }>(
      'GET',
      `/api/v1/projects/${projectId}/tasks?q=login`,
    );
    const task = list.items[0]!;
    expect(task).toMatchObject({ title: 'Fix the login #nope', priority: 'high' });
    expect(task.assignee.name).toBe(OWNER.name);
    const tomorrow = new Date();
    tomorrow.setDate(tomorrow.getDate() + 1);
    expect(new Date(task.dueAt).getDate()).toBe(tomorrow.getDate());
    const { body: activity } = await api.ok<{ items: { action: string }[] }>(
      'GET',
      `/api/v1/tasks/${task.id}/activity`,
    );
    expect(activity.items.map((entry) => entry.action)).toEqual(['task.created']);
    expect(problems).toEqual([]);
  });

  it('filters the board as the list does (label, me, priority, text), counts follow, the list keeps it', async () => {
    await page.goto(projectUrl);
    const titles = () => page.locator('li.task-card a').allTextContents();
    const todoCount = column(page, 'todo').locator('.count > [aria-hidden="true"]');
    await page.getByLabel('Label', { exact: true }).selectOption({ label: 'defect' });
    await expect.poll(titles).toEqual(['Fix the stage lights', 'Print the tickets']);
    await expect.poll(() => todoCount.textContent()).toBe('2');
    await page.getByText('2 of 4 tasks').waitFor();
    await checkScreen(page, 'board-filtered');

    await page.getByLabel('Assignee').selectOption({ label: `Me (${OWNER.name})` });
    await expect.poll(titles).toEqual([]);
    await page.getByLabel('Assignee').selectOption({ label: 'Anyone' });
    // Both defects are of medium priority: none is high.
    await page.getByLabel('Priority').selectOption({ label: 'High' });
    await expect.poll(titles).toEqual([]);
    expect(new URL(page.url()).searchParams.get('priority')).toBe('high');
    await page.getByLabel('Priority').selectOption({ label: 'Medium' });
    await expect.poll(titles).toEqual(['Fix the stage lights', 'Print the tickets']);
    await page.getByLabel('Priority').selectOption({ label: 'Any' });
    await page.getByRole('searchbox', { name: 'Search tasks' }).fill('TICKETS');
    await expect.poll(titles).toEqual(['Print the tickets']);
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('TICKETS');

    await page.getByRole('link', { name: 'List' }).click();
    await expect.poll(() => page.getByRole('row').count()).toBe(2);
    await page.getByRole('cell', { name: 'Print the tickets' }).waitFor();
    expect(await page.getByRole('searchbox', { name: 'Search tasks' }).inputValue()).toBe(
      'TICKETS',
    );
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('link', { name: 'Board' }).click();
    await expect.poll(titles).toHaveLength(4);
    expect(problems).toEqual([]);
  });

  it('renames, merges and deletes labels on the labels page; cards follow', async () => {
    await page.goto(projectUrl);
    await page.getByRole('link', { name: 'Labels' }).click();
    await page.getByRole('heading', { name: 'Labels', level: 2 }).waitFor();

    await page.getByLabel('Name of bug').fill('stage');
    await page.getByRole('button', { name: 'Save' }).first().click();
    await page.getByText('Label “stage” saved.').waitFor();
    await checkScreen(page, 'labels');

    // "defect" into "stage": the tickets task gets "stage", the lights task keeps one "stage".
    await page.getByLabel('Merge defect into').selectOption({ label: 'stage' });
    await page.getByRole('button', { name: 'Merge defect' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Merge' }).click();
    await page.getByText('“defect” merged into “stage”.').waitFor();
    expect(await page.getByLabel('Name of defect').count()).toBe(0);

    await page.getByRole('link', { name: 'Board' }).click();
    for (const title of ['Fix the stage lights', 'Print the tickets']) {
      const chips = card(page, title).locator('.chip');
      await expect.poll(() => chips.allTextContents()).toEqual(['stage']);
    }

    await page.getByRole('link', { name: 'Labels' }).click();
    await page.getByRole('button', { name: 'Delete stage' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Label “stage” deleted.').waitFor();
    await page.getByText('No labels in this project yet.').waitFor();
    await page.getByRole('link', { name: 'Board' }).click();
    await card(page, 'Print the tickets').waitFor();
    expect(await card(page, 'Print the tickets').locator('.chip').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
