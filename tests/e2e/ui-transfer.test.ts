// Export and import in a real browser against the real built service (issue 15): an owner
// downloads a project as JSON (and its tasks as CSV) from the project's Export buttons, imports
// the JSON file on the projects page, reads the summary and opens the imported board; then a
// Trello board export (tests/fixtures/trello) through the same button, and a 50,000-card one
// (tests/support/trello-board.ts) with its progress bar, under the service's memory budget.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../support/tools.js';
import { ApiClient } from '../support/http.js';
import { startService, type Service } from '../support/service.js';
import { writeTrelloBoard } from '../support/trello-board.js';
import { CHROMIUM, launchChromium, newContext, watchPage } from './support/browser.js';
import { OWNER, checkScreen, signIn } from './support/ui.js';

const chromium = requireTool(CHROMIUM, 'apt-get install chromium');

describe.skipIf(chromium.skipReason)('web UI in Chromium: export and import', () => {
  let service: Service;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let projectUrl = '';

  beforeAll(async () => {
    service = await startService({ from: 'built' });
    const api = new ApiClient(service.url);
    await api.register(OWNER.email, OWNER.password, OWNER.name);
    const { body: project } = await api.ok<{ id: string }>('POST', '/api/v1/projects', {
      name: 'Roadmap 2027',
    });
    const { body: label } = await api.ok<{ id: string }>(
      'POST',
      `/api/v1/projects/${project.id}/labels`,
      { name: 'launch', color: '#16a34a' },
    );
    await api.ok('POST', `/api/v1/projects/${project.id}/tasks`, {
      title: 'Ship the exporter',
      status: 'in_progress',
      labels: [label.id],
    });
    await api.ok('POST', `/api/v1/projects/${project.id}/tasks`, { title: '=1+1 stays text' });
    projectUrl = `/projects/${project.id}`;
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

  const download = async (name: string) => {
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('group', { name: 'Export' }).getByRole('link', { name }).click(),
    ]);
    return { name: file.suggestedFilename(), path: await file.path() };
  };

  it('exports a project, imports the file and shows the imported board', async () => {
    await page.goto(projectUrl);
    await page.getByRole('heading', { name: 'Roadmap 2027', level: 1 }).waitFor();
    const csv = await download('Export CSV');
    expect(csv.name).toBe('roadmap-2027.tasks.csv');
    const csvText = await readFile(csv.path, 'utf8');
    expect(csvText.startsWith('\uFEFFid,title,status')).toBe(true);
    expect(csvText).toContain(`'=1+1 stays text`);
    const json = await download('Export JSON');
    expect(json.name).toBe('roadmap-2027.json');
    expect(JSON.parse(await readFile(json.path, 'utf8'))).toMatchObject({
      format: 'taskmanager-project',
      formatVersion: 1,
    });

    await page.goto('/');
    await page.getByLabel('Import project').setInputFiles(json.path);
    const summary = page.getByRole('status').filter({ hasText: 'Imported “Roadmap 2027”' });
    await summary.waitFor();
    await summary.getByText('Tasks: 2 · Labels: 1 ·', { exact: false }).waitFor();
    await checkScreen(page, 'project-import');
    // The list shows both projects now: the original and the imported copy.
    await expect
      .poll(() => page.getByRole('link', { name: 'Roadmap 2027', exact: true }).count())
      .toBe(2);

    await summary.getByRole('link', { name: 'Open the board' }).click();
    await page.getByRole('heading', { name: 'Roadmap 2027', level: 1 }).waitFor();
    expect(page.url()).not.toContain(projectUrl);
    await page.getByText('Ship the exporter').waitFor();
    await page.getByText('=1+1 stays text').waitFor();
    await checkScreen(page, 'project-imported-board');
    expect(problems).toEqual([]);
  });

  it('imports a Trello board export and shows its cards on the board', async () => {
    await page.goto('/');
    await page.getByLabel('Import project').setInputFiles('tests/fixtures/trello/board.json');
    const summary = page.getByRole('status').filter({ hasText: 'Imported “Website relaunch”' });
    await summary
      .getByText('Cards of archived Trello lists left out: 1', { exact: false })
      .waitFor();
    await summary.getByRole('link', { name: 'Open the board' }).click();
    await page.getByRole('heading', { name: 'Website relaunch', level: 1 }).waitFor();
    for (const title of ['Write the style guide', 'Migrate the blog', 'Pick a hosting provider'])
      await page.getByText(title).waitFor();
    expect(await page.getByText('Old logo variants').count()).toBe(0);
    await checkScreen(page, 'project-imported-trello');
    expect(problems).toEqual([]);
  });

  it('imports a 50,000-card Trello board with progress, within the memory budget', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'e2e-big-board-'));
    try {
      const file = path.join(dir, 'big-board.json');
      await writeTrelloBoard(file, { cards: 50_000, checklistEvery: 5 });
      await page.goto('/');
      // Every value the progress bar shows, as the page renders it.
      await page.evaluate(`(() => {
        window.__importProgress = [];
        new MutationObserver(() => {
          const bar = document.querySelector('.import-progress progress');
          if (bar) window.__importProgress.push(Number(bar.getAttribute('value')));
        }).observe(document.body, { subtree: true, childList: true, attributes: true });
      })()`);
      await page.getByLabel('Import project').setInputFiles(file);
      const status = page.locator('.import-progress[role="status"]');
      await status.waitFor();
      await checkScreen(page, 'project-import-progress');
      await status.getByText('Saving the project…').waitFor({ timeout: 120_000 });
      const summary = page.getByRole('status').filter({ hasText: 'Imported “Big board”' });
      await summary.getByText('Tasks: 50,000 ', { exact: false }).waitFor({ timeout: 120_000 });
      expect(await status.count()).toBe(0);
      const seen = await page.evaluate<number[]>('window.__importProgress');
      // The bar moved while the file was read, not only at its end.
      expect(
        seen.some((value) => value > 0 && value < 100),
        String(seen),
      ).toBe(true);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      // The service's peak resident memory stayed under the app container's limit (384 MiB).
      const status_ = await readFile(`/proc/${service.child.pid}/status`, 'utf8');
      const peakKiB = Number(/VmHWM:\s+(\d+) kB/.exec(status_)![1]);
      expect(peakKiB).toBeLessThan(384 * 1024);
      expect(problems).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('imports tasks from a CSV file: mapping, a problem per row, then the valid rows', async () => {
    await page.goto(projectUrl);
    await page.getByRole('heading', { name: 'Roadmap 2027', level: 1 }).waitFor();
    const file = [
      'Task,Details,Stage,Due,Tags',
      'Plan the beta,Invite ten teams,In progress,2030-04-01,launch',
      'Write release notes,,todo,someday,',
      'Record the demo,,done,,launch',
    ].join('\n');
    await page
      .getByLabel('Import CSV')
      .setInputFiles({ name: 'beta.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
    const dialog = page.getByRole('dialog', { name: 'Import tasks from beta.csv' });
    await dialog.getByText('3 rows, 2 ready to import.').waitFor();
    expect(await dialog.getByLabel('Title').inputValue()).toBe('Task');
    expect(await dialog.getByLabel('Due date').inputValue()).toBe('Due');
    expect(await dialog.getByLabel('Status').inputValue()).toBe('Stage');
    await dialog.getByText('Row 3, Due date: is not a date').waitFor();
    expect(await dialog.getByRole('button', { name: 'Import 3 tasks' }).isDisabled()).toBe(true);
    // Leaving the due dates out makes every row valid.
    await dialog.getByLabel('Due date').selectOption({ label: '(not imported)' });
    await dialog.getByText('3 rows, 3 ready to import.').waitFor();
    await dialog.getByLabel('Due date').selectOption({ label: 'Due' });
    await dialog.getByText('3 rows, 2 ready to import.').waitFor();
    await checkScreen(page, 'project-import-csv');
    await dialog.getByLabel('Leave out the invalid row and import the others').check();
    await dialog.getByRole('button', { name: 'Import 2 tasks' }).click();
    await page.getByText('2 tasks imported; rows left out: 1.').waitFor();
    await page.getByText('Plan the beta').waitFor();
    await page.getByText('Record the demo').waitFor();
    expect(await page.getByText('Write release notes').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
