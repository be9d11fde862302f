// The web UI of account management (issue 11, finding 5) in a real browser against the real
// built service with REGISTRATION=closed, as staging and production run: the first admin made
// with `taskmanager user create --admin` (the built CLI, as in the image), an invite link into a
// project opened by a new person in another browser, disabling that person (their session ends
// at once, sign-in refused), and a forced password reset through its link. Screenshots of every
// screen go to test-results/screenshots.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/http.js';
import { repoRoot } from '../support/process.js';
import { startService, type Service } from '../support/service.js';
import { requireTool } from '../support/tools.js';
import {
  CHROMIUM,
  launchChromium,
  newContext,
  readClipboard,
  screenshotDir,
  watchPage,
} from './support/browser.js';
import { checkScreen, OWNER, signIn, submitSignIn, VIEWER } from './support/ui.js';

const chromium = requireTool(CHROMIUM, 'apt-get install chromium');

describe.skipIf(chromium.skipReason)('web UI in Chromium: administration of accounts', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'taskmanager-e2e-admin-'));
  const databaseUrl = `sqlite:${path.join(dataDir, 'taskmanager.db')}`;
  let service: Service;
  let browser: Browser;
  let adminContext: BrowserContext;
  let guestContext: BrowserContext;
  let admin: Page;
  let guest: Page;
  let watched: { problems: string[] }[] = [];
  let projectId = '';
  let inviteLink = '';

  beforeAll(async () => {
    service = await startService({
      from: 'built',
      env: { DATABASE_URL: databaseUrl, REGISTRATION: 'closed' },
    });
    // The first admin of a closed instance, as an operator makes it (password on stdin).
    const created = spawnSync(
      process.execPath,
      [
        'dist/server/cli/index.js',
        'user',
        'create',
        '--admin',
        '--email',
        OWNER.email,
        '--name',
        OWNER.name,
      ],
      {
        cwd: repoRoot,
        env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl },
        input: `${OWNER.password}\n`,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(created.stderr).toBe('');
    expect(created.status).toBe(0);
    const api = new ApiClient(service.url);
    expect((await api.login(OWNER.email, OWNER.password)).status).toBe(200);
    projectId = (await api.ok<{ id: string }>('POST', '/api/v1/projects', { name: 'Launch' })).body
      .id;
    await api.ok('POST', `/api/v1/projects/${projectId}/tasks`, { title: 'Book the venue' });

    browser = await launchChromium(chromium.path ?? CHROMIUM);
    adminContext = await newContext(browser, service.url);
    await adminContext.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: service.url,
    });
    guestContext = await newContext(browser, service.url);
    admin = await adminContext.newPage();
    guest = await guestContext.newPage();
    watched = [watchPage(admin), watchPage(guest)];
    console.log(`screenshots: ${screenshotDir}`);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the admin signs in and finds the Admin page with every account', async () => {
    await signIn(admin, OWNER);
    await admin.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
    await admin.getByRole('link', { name: 'Admin', exact: true }).click();
    await admin.getByRole('heading', { name: 'Admin', level: 1 }).waitFor();
    const row = admin.getByRole('row', { name: new RegExp(OWNER.name) });
    await row.getByText('Admin', { exact: true }).waitFor();
    // One's own row offers nothing to change.
    expect(await row.getByRole('button').count()).toBe(0);
    await admin.getByText('No invites yet.').waitFor();
    await checkScreen(admin, 'admin');
  });

  it('creates an invite link into a project and copies it', async () => {
    await admin.getByLabel('For whom (optional)').fill('Grace');
    await admin.getByLabel('Join project').selectOption({ label: 'Launch' });
    await admin.getByLabel('Role').selectOption('viewer');
    await admin.getByRole('button', { name: 'Create invite link' }).click();
    const field = admin.getByLabel('Invite link');
    await field.waitFor();
    inviteLink = await field.inputValue();
    expect(inviteLink).toMatch(new RegExp(`^${service.url}/invite#tmi_[\\w-]{40,}$`));
    await admin.getByRole('button', { name: 'Copy' }).click();
    await admin.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await readClipboard(admin)).toBe(inviteLink);
    await admin.getByText(/valid until/).waitFor();
    await checkScreen(admin, 'admin-invite-created');
    await admin.getByRole('button', { name: 'I have stored it' }).click();
  });

  it('sign-up is closed, but the invite link lets the new person in, into the project', async () => {
    await guest.goto('/signup');
    await guest.getByLabel('Name').fill(VIEWER.name);
    await guest.getByLabel('Email').fill('gate-crasher@example.com');
    await guest.getByLabel('Password').fill(VIEWER.password);
    await guest.getByRole('button', { name: 'Create account' }).click();
    await guest.getByText('Registration is closed', { exact: false }).waitFor();

    await guest.goto(inviteLink);
    await guest.getByRole('heading', { name: 'Join TaskManager', level: 1 }).waitFor();
    await checkScreen(guest, 'invite');
    await guest.getByLabel('Name').fill(VIEWER.name);
    await guest.getByLabel('Email').fill(VIEWER.email);
    await guest.getByLabel('Password').fill(VIEWER.password);
    await guest.getByRole('button', { name: 'Create account' }).click();
    await guest.getByRole('heading', { name: 'Launch', level: 1 }).waitFor();
    expect(new URL(guest.url()).pathname).toBe(`/projects/${projectId}`);
    await guest.getByRole('link', { name: 'Book the venue' }).waitFor();

    // Used once: the same link again is refused.
    const second = await guestContext.browser()!.newContext({ baseURL: service.url });
    try {
      const p = await second.newPage();
      await p.goto(inviteLink);
      await p.getByLabel('Name').fill('Someone else');
      await p.getByLabel('Email').fill('someone.else@example.com');
      await p.getByLabel('Password').fill('another strong passphrase 9');
      await p.getByRole('button', { name: 'Create account' }).click();
      await p.getByText('This invite link is not valid', { exact: false }).waitFor();
    } finally {
      await second.close();
    }

    await admin.reload();
    await admin.getByText(`used by ${VIEWER.name}`, { exact: false }).waitFor();
    await admin.getByRole('row', { name: new RegExp(VIEWER.name) }).waitFor();
  });

  it('disabling the person ends their session at once and refuses their sign-in', async () => {
    await admin.getByRole('button', { name: `Disable ${VIEWER.name}` }).click();
    const dialog = admin.getByRole('dialog', { name: `Disable ${VIEWER.name}?` });
    await dialog.getByText('Every session and API token', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Disable' }).click();
    await admin.getByText(`${VIEWER.name} is disabled`, { exact: false }).waitFor();
    const row = admin.getByRole('row', { name: new RegExp(VIEWER.name) });
    await row.getByText('Disabled', { exact: true }).waitFor();
    await checkScreen(admin, 'admin-disabled');

    // Their next request finds the session gone: back to sign-in, where they are refused.
    await guest.getByRole('link', { name: 'Projects' }).first().click();
    await guest.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
    await submitSignIn(guest, VIEWER);
    await guest.getByText('This account is disabled', { exact: false }).waitFor();
    await checkScreen(guest, 'signin-disabled');
  });

  it('enabling and forcing a password reset: the link sets a new password and signs in', async () => {
    await admin.getByRole('button', { name: `Enable ${VIEWER.name}` }).click();
    await admin.getByText(`${VIEWER.name} can sign in again.`).waitFor();
    await admin.getByRole('button', { name: `Reset password: ${VIEWER.name}` }).click();
    const dialog = admin.getByRole('dialog', { name: `Reset the password of ${VIEWER.name}?` });
    await dialog.getByRole('button', { name: 'Reset password' }).click();
    const field = admin.getByLabel('Reset link');
    await field.waitFor();
    const resetLink = await field.inputValue();
    expect(resetLink).toMatch(new RegExp(`^${service.url}/reset-password#tmr_[\\w-]{40,}$`));
    await admin.getByText('Must set a new password', { exact: false }).waitFor();
    await checkScreen(admin, 'admin-reset-link');

    // The old password no longer works.
    await guest.getByLabel('Password').fill(VIEWER.password);
    await guest.getByRole('button', { name: 'Sign in' }).click();
    await guest.getByRole('alert').filter({ hasText: 'Please sign in again.' }).waitFor();

    await guest.goto(resetLink);
    await guest.getByRole('heading', { name: 'Set a new password', level: 1 }).waitFor();
    await checkScreen(guest, 'reset-password');
    await guest.getByLabel('New password', { exact: true }).fill('a brand new passphrase 1906');
    await guest.getByRole('button', { name: 'Set password and sign in' }).click();
    await guest.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
    await guest.getByRole('link', { name: 'Launch' }).first().waitFor();
    // No admin link for someone who is not one, and the admin page is not theirs.
    expect(await guest.getByRole('link', { name: 'Admin', exact: true }).count()).toBe(0);
    await guest.goto('/admin');
    await guest.getByRole('heading', { name: 'Page not found' }).waitFor();
  });

  it('left no CSP violation, page error or unexpected dialog', () => {
    expect(watched.flatMap((w) => w.problems)).toEqual([]);
  });
});
