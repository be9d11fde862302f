// Attachments in a real browser (issue 14): files picked and dropped onto a task upload with their
// progress, are listed, download byte for byte, an image becomes the board card's cover, a file
// is deleted after a confirmation, and a file over the limit (ATTACHMENT_MAX_BYTES) is refused
// with the limit said. Roles and labels only; screenshots light and dark, English and Spanish.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../support/tools.js';
import { ApiClient } from '../support/http.js';
import { CHROMIUM, launchChromium, newContext, watchPage } from './support/browser.js';
import { card, checkScreen, OWNER, signIn } from './support/ui.js';
import { startService, type Service } from '../support/service.js';

const chromium = requireTool(CHROMIUM, 'apt-get install chromium');

/** A 4×4 PNG (generated for the test: a blue square). */
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGOQybsBRwzEcQAz0hYhevKUhgAAAABJRU5ErkJggg==';
const NOTES = 'Harbour notes\nLamp oil: 3 barrels\n';

describe.skipIf(chromium.skipReason)('web UI in Chromium: attachments', () => {
  let service: Service;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let projectUrl = '';
  let taskUrl = '';

  const files = () => page.getByRole('region', { name: 'Attachments' });
  const names = async () =>
    (
      await files()
        .getByRole('link', { name: /^Download/ })
        .allInnerTexts()
    ).map((n) => n.trim());

  beforeAll(async () => {
    service = await startService({ from: 'built', env: { ATTACHMENT_MAX_BYTES: '2000' } });
    const api = new ApiClient(service.url);
    await api.register(OWNER.email, OWNER.password, OWNER.name);
    const { body: project } = await api.ok<{ id: string }>('POST', '/api/v1/projects', {
      name: 'Lighthouse',
    });
    const { body: task } = await api.ok<{ id: string }>(
      'POST',
      `/api/v1/projects/${project.id}/tasks`,
      { title: 'Fix the lamp' },
    );
    projectUrl = `/projects/${project.id}`;
    taskUrl = `${projectUrl}/tasks/${task.id}`;
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

  it('uploads picked files with their progress, lists them and downloads one', async () => {
    await page.goto(taskUrl);
    await files().getByText('No files yet.').waitFor();
    const chooser = page.waitForEvent('filechooser');
    await files().getByRole('button', { name: 'Add files' }).click();
    await (
      await chooser
    ).setFiles([
      { name: 'lamp.png', mimeType: 'image/png', buffer: Buffer.from(PNG_BASE64, 'base64') },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from(NOTES) },
    ]);
    const uploads = files().getByRole('list', { name: 'Uploads' });
    await expect.poll(() => uploads.getByText('Uploaded').count()).toBe(2);
    await expect.poll(names).toEqual(['notes.txt', 'lamp.png']);
    expect(await uploads.getByRole('progressbar').first().getAttribute('value')).toBe('100');

    const download = page.waitForEvent('download');
    await files().getByRole('link', { name: 'Download “notes.txt”' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('notes.txt');
    expect((await readFile(await file.path())).toString()).toBe(NOTES);
  });

  it('makes the image the cover of the board card', async () => {
    await files().getByRole('button', { name: 'Set as cover: lamp.png' }).click();
    await page.getByText('“lamp.png” is the cover now.').waitFor();
    await files().getByRole('button', { name: 'Remove cover: lamp.png' }).waitFor();
    await checkScreen(page, 'task-attachments');

    await page.getByLabel('Language').selectOption('es');
    await page.getByRole('region', { name: 'Adjuntos' }).waitFor();
    await checkScreen(page, 'task-attachments-es');
    await page.getByLabel('Idioma').selectOption('en');
    await files().waitFor();

    await page.goto(projectUrl);
    const cover = card(page, 'Fix the lamp').locator('img.task-card-cover');
    await cover.waitFor();
    // The image loaded (a real PNG, served inline to the page).
    await expect
      .poll(() =>
        cover.evaluate((img) => {
          const image = img as unknown as { complete: boolean; naturalWidth: number };
          return image.complete && image.naturalWidth;
        }),
      )
      .toBe(4);
    expect(await cover.getAttribute('alt')).toBe('');
    await card(page, 'Fix the lamp').getByText('2 attached files').waitFor();
    await checkScreen(page, 'board-cover');
  });

  it('deletes a file after asking, takes a dropped file, and says the limit', async () => {
    await page.goto(taskUrl);
    await expect.poll(names).toEqual(['notes.txt', 'lamp.png']);
    await files().getByRole('button', { name: 'Delete “notes.txt”' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this file?' });
    await confirm.getByRole('button', { name: 'Delete file' }).click();
    await page.getByText('“notes.txt” deleted.').waitFor();
    await expect.poll(names).toEqual(['lamp.png']);

    // Dropped onto the zone: a DataTransfer holding a File, as the browser builds it.
    const drop = async (name: string, size: number) => {
      // A string: the test's TypeScript has no DOM types, the page has DataTransfer and File.
      const transfer = await page.evaluateHandle(`(() => {
        const data = new DataTransfer();
        data.items.add(new File(['x'.repeat(${size})], ${JSON.stringify(name)}, { type: 'text/plain' }));
        return data;
      })()`);
      const zone = page.locator('.attachments-drop');
      await zone.dispatchEvent('dragover', { dataTransfer: transfer });
      await zone.dispatchEvent('drop', { dataTransfer: transfer });
    };
    await drop('dropped.txt', 100);
    await expect.poll(names).toEqual(['dropped.txt', 'lamp.png']);

    await drop('huge.txt', 3000);
    await files()
      .getByRole('alert')
      .filter({ hasText: 'This file is too large: attachments are at most 2 kB.' })
      .waitFor();
    await expect.poll(names).toEqual(['dropped.txt', 'lamp.png']);
    expect(problems.filter((p) => !p.includes('413'))).toEqual([]);
  });
});
