// Shared steps of the web UI journeys (ui-board.test.ts, ui-account.test.ts): the people, the
// locators of the board, keyboard moves and the per-screen checks (axe + screenshots).
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { screenshotAllWays, seriousViolations, setColorScheme } from './browser.js';

export const OWNER = {
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  password: 'correct horse battery 42',
};
export const VIEWER = {
  name: 'Grace Hopper',
  email: 'grace@example.com',
  password: 'compilers are fun 1952',
};
/** Fills the sign-in form on the page shown and submits it. */
export async function submitSignIn(page: Page, user: { email: string; password: string }) {
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Opens the sign-in page and signs in as the user. */
export async function signIn(page: Page, user: { email: string; password: string }) {
  await page.goto('/signin');
  await submitSignIn(page, user);
}

export const XSS_SCRIPT = '<script>alert("xss-1")</script>';
export const XSS_IMG = '<img src=x onerror="alert(\'xss-2\')">';

export const column = (page: Page, status: 'todo' | 'in_progress' | 'done') =>
  page.locator(`section.column[data-status="${status}"]`);
export const card = (scope: Page | Locator, title: string) => {
  // The inner locator of `has` is relative to the card, so it must start from the page.
  const root = 'goto' in scope ? scope : scope.page();
  return scope
    .locator('li.task-card')
    .filter({ has: root.getByRole('link', { name: title, exact: true }) });
};

/**
 * With a card picked up from the keyboard, presses → until the live region says it is over the
 * column. (The sensor starts listening a tick after the pick-up, so a very early key can be lost.)
 */
export async function keyboardMoveTo(page: Page, columnName: string) {
  const liveRegion = page.locator('[id^="DndLiveRegion"]');
  for (let attempt = 0; attempt < 6; attempt++) {
    const before = (await liveRegion.textContent()) ?? '';
    if (before.includes(`is over ${columnName}`)) return;
    await page.keyboard.press('ArrowRight');
    await expect
      .poll(() => liveRegion.textContent(), { timeout: 1_500 })
      .not.toBe(before)
      .catch(() => undefined);
  }
  await expect.poll(() => liveRegion.textContent()).toContain(`is over ${columnName}`);
}

async function expectNoSeriousViolations(page: Page, screen: string) {
  const violations = await seriousViolations(page);
  expect(violations, `axe on ${screen}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
}

/** axe + the four screenshots of one screen. */
export async function checkScreen(page: Page, name: string, shots?: { fullPage?: boolean }) {
  // Judge the screen at rest, not whatever the pointer last hovered.
  await page.mouse.move(0, 0);
  await expectNoSeriousViolations(page, name);
  await screenshotAllWays(page, name, shots);
  // The same screen in dark mode must pass contrast checks too.
  await setColorScheme(page, 'dark');
  await expectNoSeriousViolations(page, `${name} (dark)`);
  await setColorScheme(page, 'light');
}
