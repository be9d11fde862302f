// Single sign-on in a real browser: the built service with OIDC_* pointing at a real OpenID
// Connect provider (oidc-provider, started here on 127.0.0.1), the "Sign in with SSO" button,
// the provider's sign-in page and back into the app; and the ways it ends on the sign-in page
// with an explanation instead (a foreign or replayed callback, an unverified email, the
// provider gone).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/http.js';
import { startTestProvider, type TestProvider } from '../support/oidc-provider.js';
import { freePort } from '../support/process.js';
import { startService, type Service } from '../support/service.js';
import { requireTool } from '../support/tools.js';
import {
  CHROMIUM,
  launchChromium,
  newContext,
  screenshotAllWays,
  screenshotDir,
  watchPage,
} from './support/browser.js';
import { checkScreen } from './support/ui.js';

const chromium = requireTool(CHROMIUM, 'apt-get install chromium');

const SSO_USER = { email: 'grace.sso@example.com', name: 'Grace SSO' };
const PASSWORD_USER = {
  email: 'has.password@example.com',
  password: 'correct horse battery staple',
  name: 'Has Password',
};

/** On the provider's page: sign in as `account`. */
async function atProviderPage(page: Page, account: string) {
  await page.getByRole('heading', { name: 'Test provider' }).waitFor();
  await page.getByLabel('Account').fill(account);
  await page.getByRole('button', { name: 'Continue to TaskManager' }).click();
}

/** The client secret as the service takes it: a file. */
function secretFileOf(provider: TestProvider): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'sso-e2e-')), 'secret');
  writeFileSync(file, provider.clientSecret);
  return file;
}

describe.skipIf(chromium.skipReason)('web UI in Chromium: single sign-on', () => {
  let provider: TestProvider;
  let service: Service;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const problems: string[][] = [];

  async function freshPage(): Promise<Page> {
    const context = await newContext(browser, service.url);
    contexts.push(context);
    const page = await context.newPage();
    problems.push(watchPage(page).problems);
    return page;
  }

  beforeAll(async () => {
    const port = await freePort();
    provider = await startTestProvider([`http://127.0.0.1:${port}/api/v1/auth/oidc/callback`]);
    service = await startService({
      from: 'built',
      env: {
        PORT: String(port),
        OIDC_ISSUER: provider.issuer,
        OIDC_CLIENT_ID: provider.clientId,
        OIDC_CLIENT_SECRET_FILE: secretFileOf(provider),
        OIDC_REDIRECT_URL: `http://127.0.0.1:${port}/api/v1/auth/oidc/callback`,
      },
    });
    await new ApiClient(service.url).register(
      PASSWORD_USER.email,
      PASSWORD_USER.password,
      PASSWORD_USER.name,
    );
    provider.accounts.set('grace', { ...SSO_USER, email_verified: true });
    provider.accounts.set('claims-someone-else', {
      email: PASSWORD_USER.email,
      email_verified: false,
      name: 'Not The Owner',
    });
    browser = await launchChromium(chromium.path ?? CHROMIUM);
    console.log(`screenshots: ${screenshotDir}`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await provider?.stop();
  });

  let callbackUrl = '';

  it('signs in through the provider with the "Sign in with SSO" button', async () => {
    const page = await freshPage();
    await page.goto('/signin');
    const sso = page.getByRole('link', { name: 'Sign in with SSO' });
    await sso.waitFor();
    // The password form stays (AUTH_MODE is not oidc here).
    await expect(page.getByLabel('Password').count()).resolves.toBe(1);
    await checkScreen(page, 'sso-signin');

    const callback = page.waitForRequest((request) =>
      request.url().includes('/api/v1/auth/oidc/callback'),
    );
    await sso.click();
    await atProviderPage(page, 'grace');
    callbackUrl = (await callback).url();
    await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    const me = await page.evaluate(async () => {
      const response = await fetch('/api/v1/auth/me');
      return (await response.json()) as { user: { email: string; name: string } };
    });
    expect(me.user).toMatchObject(SSO_USER);
    await screenshotAllWays(page, 'sso-signed-in');
  });

  it('explains a callback that is replayed or belongs to another browser', async () => {
    expect(callbackUrl).toContain('code=');
    const page = await freshPage();
    await page.goto(callbackUrl);
    await page
      .getByRole('alert')
      .filter({ hasText: 'That sign-in expired or was already used. Start again.' })
      .waitFor();
    expect(new URL(page.url()).search).toBe('?error=sso_state');
    await screenshotAllWays(page, 'sso-error-state');
  });

  it('does not hand an existing account to an unverified email', async () => {
    const page = await freshPage();
    await page.goto('/signin');
    await page.getByRole('link', { name: 'Sign in with SSO' }).click();
    await atProviderPage(page, 'claims-someone-else');
    await page
      .getByRole('alert')
      .filter({ hasText: 'An account with this email already exists' })
      .waitFor();
    expect(new URL(page.url()).search).toBe('?error=sso_email_unverified');
    // Still signed out, and the owner's password still works.
    await page.getByLabel('Email').fill(PASSWORD_USER.email);
    await page.getByLabel('Password').fill(PASSWORD_USER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
  });

  it('explains a provider that went down during the sign-in', async () => {
    const page = await freshPage();
    // The provider is gone as the browser comes back: the code cannot be exchanged.
    provider.goDownOnNextReturn();
    await page.goto('/signin');
    await page.getByRole('link', { name: 'Sign in with SSO' }).click();
    await atProviderPage(page, 'grace');
    await page
      .getByRole('alert')
      .filter({ hasText: 'The single sign-on provider cannot be reached' })
      .waitFor();
    expect(new URL(page.url()).search).toBe('?error=sso_unavailable');
    await screenshotAllWays(page, 'sso-error-unavailable');
    expect(problems.flat()).toEqual([]);
  });
});

describe.skipIf(chromium.skipReason)('web UI in Chromium: AUTH_MODE=oidc', () => {
  let provider: TestProvider;
  let service: Service;
  let browser: Browser;

  beforeAll(async () => {
    const port = await freePort();
    const callback = `http://127.0.0.1:${port}/api/v1/auth/oidc/callback`;
    provider = await startTestProvider([callback]);
    provider.accounts.set('only-sso', { email: 'only.sso@example.com', email_verified: true });
    service = await startService({
      from: 'built',
      env: {
        PORT: String(port),
        AUTH_MODE: 'oidc',
        OIDC_ISSUER: provider.issuer,
        OIDC_CLIENT_ID: provider.clientId,
        OIDC_CLIENT_SECRET_FILE: secretFileOf(provider),
        OIDC_REDIRECT_URL: callback,
      },
    });
    browser = await launchChromium(chromium.path ?? CHROMIUM);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await provider?.stop();
  });

  it('shows only the SSO button, which signs in', async () => {
    const context = await newContext(browser, service.url);
    const page = await context.newPage();
    const { problems } = watchPage(page);
    await page.goto('/signin');
    const sso = page.getByRole('link', { name: 'Sign in with SSO' });
    await sso.waitFor();
    expect(await page.getByLabel('Password').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Create an account' }).count()).toBe(0);
    await checkScreen(page, 'sso-only-signin');
    await sso.click();
    await atProviderPage(page, 'only-sso');
    await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
    expect(problems).toEqual([]);
  });

  it('accepts an invite through the provider: the account joins the project of the invite', async () => {
    // The admin (the first account, signed in above in its own browser) invites into a project.
    const admin = await newContext(browser, service.url);
    const adminPage = await admin.newPage();
    await adminPage.goto('/signin');
    await adminPage.getByRole('link', { name: 'Sign in with SSO' }).click();
    await atProviderPage(adminPage, 'only-sso');
    await adminPage.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
    const { csrfToken } = (await (await adminPage.request.get('/api/v1/auth/session')).json()) as {
      csrfToken: string;
    };
    const headers = { 'x-csrf-token': csrfToken };
    const project = (await (
      await adminPage.request.post('/api/v1/projects', { data: { name: 'Invited into' }, headers })
    ).json()) as { id: string };
    const invite = await adminPage.request.post('/api/v1/admin/invites', {
      data: { project: { id: project.id, role: 'editor' } },
      headers,
    });
    expect(invite.status()).toBe(201);
    const { path: invitePath } = (await invite.json()) as { path: string };

    provider.accounts.set('invited-sso', {
      email: 'invited.sso@example.com',
      email_verified: true,
    });
    const context = await newContext(browser, service.url);
    const page = await context.newPage();
    const { problems } = watchPage(page);
    await page.goto(invitePath);
    const accept = page.getByRole('link', { name: 'Accept with single sign-on' });
    await accept.waitFor();
    // No password to choose: the provider keeps it.
    expect(await page.getByLabel('Password').count()).toBe(0);
    await checkScreen(page, 'sso-only-invite');
    await accept.click();
    await atProviderPage(page, 'invited-sso');
    await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Invited into' }).first().waitFor();

    // Used: the same link signs nobody else up.
    provider.accounts.set('late-sso', { email: 'late.sso@example.com', email_verified: true });
    const late = await (await newContext(browser, service.url)).newPage();
    await late.goto(invitePath);
    await late.getByRole('link', { name: 'Accept with single sign-on' }).click();
    await atProviderPage(late, 'late-sso');
    await late.getByText('This invite link is not valid').waitFor();
    expect(problems).toEqual([]);
  });
});
