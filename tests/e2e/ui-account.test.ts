// The web UI in a real browser against the real built service on SQLite, part 2 of issue 3's
// journey: the account (API tokens, password), managing projects, long lists, keyboard shortcuts,
// languages and theme (kept with the account), error states and the end of a session. Part 1 (the board): ui-board.test.ts. This
// part starts from an account and a project made through the API, then signs in like a person.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../support/tools.js';
import { ApiClient } from '../support/http.js';
import {
  CHROMIUM,
  focusedId,
  launchChromium,
  newContext,
  readClipboard,
  screenshotDir,
  watchPage,
} from './support/browser.js';
import { card, checkScreen, OWNER, signIn, submitSignIn } from './support/ui.js';
import { startService, type Service } from '../support/service.js';

const chromium = requireTool(CHROMIUM, 'apt-get install chromium');

describe.skipIf(chromium.skipReason)('web UI in Chromium: account and beyond the board', () => {
  let service: Service;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let projectUrl = '';
  let api: ApiClient;

  beforeAll(async () => {
    service = await startService({ from: 'built' });
    api = new ApiClient(service.url);
    await api.register(OWNER.email, OWNER.password, OWNER.name);
    const { body: project } = await api.ok<{ id: string }>('POST', '/api/v1/projects', {
      name: 'Apollo launch',
    });
    projectUrl = `/projects/${project.id}`;
    await api.ok('POST', `/api/v1/projects/${project.id}/tasks`, { title: 'Book the venue' });
    await api.ok('POST', `/api/v1/projects/${project.id}/tasks`, {
      title: 'Draft the budget',
      status: 'done',
    });
    browser = await launchChromium(chromium.path ?? CHROMIUM);
    context = await newContext(browser, service.url);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: service.url });
    page = await context.newPage();
    problems = watchPage(page).problems;
    console.log(`screenshots: ${screenshotDir}`);
    await signIn(page, OWNER);
    await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  it('creates an API token (password asked, 90 days by default) shown once with a copy button, and revokes it', async () => {
    await page.getByRole('link', { name: 'Account', exact: true }).click();
    await page.getByRole('heading', { name: 'Account', level: 1 }).waitFor();
    await page.getByLabel('Token name').fill('CI export');
    expect(await page.getByLabel('Expires after').inputValue()).toBe('90');
    // Without the password the button stays off; a wrong one is refused.
    expect(await page.getByRole('button', { name: 'Create token' }).isDisabled()).toBe(true);
    await page.getByLabel('Your password').fill('not my password at all');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByText('The current password is incorrect', { exact: false }).waitFor();
    await page.getByLabel('Your password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Create token' }).click();
    const tokenField = page.getByLabel('New token');
    await tokenField.waitFor();
    const token = await tokenField.inputValue();
    expect(token.length).toBeGreaterThan(20);
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await readClipboard(page)).toBe(token);
    // The token works for scripts.
    const viaToken = await fetch(`${service.url}/api/v1/projects`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(viaToken.status).toBe(200);
    await page.getByText(/expires /).waitFor();
    await checkScreen(page, 'account');
    await page.getByRole('button', { name: 'I have stored it' }).click();
    expect(await page.getByLabel('New token').count()).toBe(0);
    await page.getByRole('button', { name: 'Revoke token CI export' }).click();
    await page
      .getByRole('dialog', { name: 'Revoke this token?' })
      .getByRole('button', { name: 'Revoke' })
      .click();
    await page.getByText('Token “CI export” revoked.').waitFor();
    const revoked = await fetch(`${service.url}/api/v1/projects`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(revoked.status).toBe(401);
  });

  it('gives a calendar app a secret address of a project’s due tasks, shown once, and revokes it', async () => {
    const projectId = projectUrl.split('/').pop()!;
    await api.ok('POST', `/api/v1/projects/${projectId}/tasks`, {
      title: 'Rehearse the launch',
      dueAt: '2030-05-06T21:59:59.000Z',
    });
    await page.getByRole('link', { name: 'Account', exact: true }).click();
    await page.getByRole('heading', { name: 'Calendar feeds' }).waitFor();
    await page.getByLabel('Tasks of').selectOption({ label: 'Apollo launch' });
    await page.getByRole('button', { name: 'Create calendar address' }).click();
    const field = page.getByLabel('Calendar address');
    await field.waitFor();
    const url = await field.inputValue();
    await field.scrollIntoViewIfNeeded();
    await checkScreen(page, 'account-calendar-feed');
    expect(url).toMatch(new RegExp(`^${service.url}/api/v1/ical/[A-Za-z0-9_-]{43}\\.ics$`));
    // What a calendar app reads: no cookie, the address only; parsed by a real iCalendar parser.
    const feed = await fetch(url);
    expect(feed.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const calendar = new ICAL.Component(ICAL.parse(await feed.text()));
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('Apollo launch');
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.map((e) => [e.summary, e.startDate.toJSDate().toISOString()])).toEqual([
      ['Rehearse the launch', '2030-05-06T21:59:59.000Z'],
    ]);
    await page.getByRole('button', { name: 'I have subscribed' }).click();
    expect(await page.getByLabel('Calendar address').count()).toBe(0);
    await page.getByRole('button', { name: 'Revoke calendar feed Apollo launch' }).click();
    await page
      .getByRole('dialog', { name: 'Revoke this calendar feed?' })
      .getByRole('button', { name: 'Revoke' })
      .click();
    await page.getByText('Calendar feed “Apollo launch” revoked.').waitFor();
    expect((await fetch(url)).status).toBe(404);
  });

  it('changes the password after saying that sessions and tokens end, and they do', async () => {
    await page.getByLabel('Your password').fill(OWNER.password);
    await page.getByLabel('Token name').fill('Nightly');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = await page.getByLabel('New token').inputValue();
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByText('revokes all your API tokens', { exact: false }).waitFor();

    await page.getByLabel('Current password').fill(OWNER.password);
    await page.getByLabel('New password', { exact: true }).fill('an even better passphrase 7');
    await page.getByLabel('Repeat the new password').fill('an even better passphrase 7');
    await page.getByRole('button', { name: 'Change password' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change your password?' });
    await dialog.getByText('every API token revoked', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed.', { exact: false }).waitFor();
    OWNER.password = 'an even better passphrase 7';
    const revoked = await fetch(`${service.url}/api/v1/projects`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(revoked.status).toBe(401);
    // The list of tokens on the page follows.
    await page.getByText('No tokens yet.').waitFor();
  });

  it('renames and deletes a project, asking first', async () => {
    await page.getByRole('link', { name: 'Projects' }).first().click();
    await page.getByRole('button', { name: 'New project' }).first().click();
    let dialog = page.getByRole('dialog', { name: 'New project' });
    await dialog.getByLabel('Name').fill('Scratch');
    await dialog.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('heading', { name: 'Scratch', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Projects' }).first().click();
    await page.getByRole('button', { name: 'Rename Scratch' }).click();
    dialog = page.getByRole('dialog', { name: 'Rename project' });
    await dialog.getByLabel('Name').fill('Scratch pad');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('link', { name: 'Scratch pad', exact: true }).waitFor();
    await checkScreen(page, 'projects');
    await page.getByRole('button', { name: 'Delete Scratch pad' }).click();
    dialog = page.getByRole('dialog', { name: 'Delete this project?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('link', { name: 'Scratch pad', exact: true }).count()).toBe(1);
    await page.getByRole('button', { name: 'Delete Scratch pad' }).click();
    await dialog.getByRole('button', { name: 'Delete project' }).click();
    await page.getByText('Project “Scratch pad” deleted.').waitFor();
    expect(await page.getByRole('link', { name: 'Scratch pad', exact: true }).count()).toBe(0);
  });

  it('loads more of a long list through the cursor', async () => {
    const api = new ApiClient(service.url);
    await api.login(OWNER.email, OWNER.password);
    const { body: bulk } = await api.ok<{ id: string }>('POST', '/api/v1/projects', {
      name: 'Bulk',
    });
    for (let i = 1; i <= 60; i++) {
      await api.ok('POST', `/api/v1/projects/${bulk.id}/tasks`, { title: `Bulk task ${i}` });
    }
    await page.goto(`/projects/${bulk.id}/list`);
    const rows = page.locator('table.table tbody tr');
    await expect.poll(() => rows.count()).toBe(50);
    await page.getByText('50 tasks shown').waitFor();
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rows.count()).toBe(60);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    const titles = await rows.locator('td.cell-title').allTextContents();
    expect(new Set(titles).size).toBe(60);
  });

  it('has keyboard shortcuts: ? for help, / to search, n for a new task', async () => {
    await page.goto(projectUrl);
    await card(page, 'Book the venue').waitFor();
    await page.locator('body').press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });
    await page.locator('body').press('/');
    await expect.poll(() => focusedId(page)).toBe('board-filter');
    await page.keyboard.type('venue');
    await expect.poll(() => page.locator('li.task-card').count()).toBe(1);
    await page.keyboard.press('Escape');
    await page.locator('#board-filter').fill('');
    await page.locator('#board-filter').blur();
    await page.locator('body').press('n');
    // The quick-add of the first "to do" column (its id is the column's).
    const quickAdd = await page.getByLabel('New task title for To do').getAttribute('id');
    await expect.poll(() => focusedId(page)).toBe(quickAdd);
  });

  it('switches to Spanish and remembers it', async () => {
    await page.getByLabel('Language').selectOption('es');
    await page.getByRole('heading', { name: 'Por hacer' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'En curso' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    await page.getByRole('link', { name: 'Proyectos' }).first().click();
    await page.getByRole('heading', { name: 'Proyectos', level: 1 }).waitFor();
    await checkScreen(page, 'projects-es');
    await page.getByLabel('Idioma').selectOption('en');
    await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
  });

  it('follows the browser language on a first visit, with nothing red in the console', async () => {
    const spanish = await newContext(browser, service.url, { locale: 'es-ES' });
    try {
      const p = await spanish.newPage();
      const errors: string[] = [];
      p.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      await p.goto('/');
      await p.getByRole('heading', { name: 'Iniciar sesión' }).waitFor();
      // Asking who is signed in is not an error when nobody is (no "401" before sign-in).
      expect(errors).toEqual([]);
    } finally {
      await spanish.close();
    }
  });

  it('keeps language and theme with the account: another browser signs in to them', async () => {
    await page.goto('/account');
    await page.getByLabel('Theme').selectOption('dark');
    await expect.poll(() => page.getAttribute('html', 'data-theme')).toBe('dark');
    await page.getByLabel('Language').first().selectOption('es');
    await page.getByRole('heading', { name: 'Cuenta', level: 1 }).waitFor();
    mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: path.join(screenshotDir, 'account-theme-dark-es.png') });
    // A browser that never saw these choices (English, system theme) gets them at sign-in.
    const elsewhere = await newContext(browser, service.url);
    try {
      const other = await elsewhere.newPage();
      await signIn(other, OWNER);
      await other.getByRole('heading', { name: 'Proyectos', level: 1 }).waitFor();
      expect(await other.getAttribute('html', 'data-theme')).toBe('dark');
      expect(await other.getAttribute('html', 'lang')).toBe('es');
    } finally {
      await elsewhere.close();
    }
    await page.getByLabel('Tema').selectOption('system');
    await expect.poll(() => page.getAttribute('html', 'data-theme')).toBeNull();
    await page.getByLabel('Idioma').first().selectOption('en');
    await page.getByRole('heading', { name: 'Account', level: 1 }).waitFor();
  });

  it('shows an error state for a project that is not there', async () => {
    await page.goto('/projects/00000000-0000-0000-0000-000000000000');
    await page.getByRole('alert').filter({ hasText: 'It does not exist' }).waitFor();
    await page.getByRole('button', { name: 'Try again' }).waitFor();
  });

  it('returns an expired session to sign-in with a message, then to the wanted page', async () => {
    await page.goto(`${projectUrl}/list?status=done`);
    await page.locator('table.table tbody tr').first().waitFor();
    await context.clearCookies();
    await page.getByRole('link', { name: 'Board' }).click();
    await page.getByText('Your session has ended.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/signin');
    await submitSignIn(page, OWNER);
    await page
      .getByRole('heading', { name: 'Por hacer' })
      .or(page.getByRole('heading', { name: 'To do' }))
      .waitFor();
    expect(new URL(page.url()).pathname).toBe(projectUrl);
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.goto('/');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/signin');
    expect(problems).toEqual([]);
  });
});
