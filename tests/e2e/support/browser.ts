// Debian's Chromium driven by playwright-core, plus the checks every screen gets: axe-core and
// screenshots (desktop and 360 px phone, light and dark) into test-results/screenshots/.
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { repoRoot } from '../../support/process.js';

export const CHROMIUM = '/usr/bin/chromium';
export const screenshotDir = path.join(repoRoot, 'test-results', 'screenshots');

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export const DESKTOP = { width: 1360, height: 860 };
export const PHONE = { width: 360, height: 740 };

export async function newContext(
  browser: Browser,
  baseURL: string,
  options: { locale?: string; colorScheme?: 'light' | 'dark'; viewport?: typeof DESKTOP } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    locale: options.locale ?? 'en-US',
    colorScheme: options.colorScheme ?? 'light',
    viewport: options.viewport ?? DESKTOP,
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(10_000);
  return context;
}

/** Collects what must never happen on a page: CSP violations, uncaught errors, dialogs. */
export function watchPage(page: Page): { problems: string[] } {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`unexpected dialog: ${dialog.type()} ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy|Refused to (execute|apply|load)/i.test(text)) {
      problems.push(`CSP: ${text}`);
    }
  });
  return { problems };
}

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core in the page (evaluated through the DevTools protocol, so the page's CSP stays
 * strict) and returns the serious and critical violations.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // Runs in the page: only what axe-core returns crosses back.
    const page = globalThis as unknown as {
      document: unknown;
      axe: {
        run: (
          context: unknown,
          options: object,
        ) => Promise<{
          violations: {
            id: string;
            impact: string | null;
            help: string;
            nodes: { target: unknown[]; failureSummary?: string }[];
          }[];
        }>;
      };
    };
    const result = await page.axe.run(page.document, {
      resultTypes: ['violations'],
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes
        .slice(0, 5)
        .map((n) => `${JSON.stringify(n.target)}: ${n.failureSummary ?? ''}`),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Writes `<name>-<desktop|phone>-<light|dark>.png` for the page as it is now: the whole page, or
 * the screen only (`fullPage: false`, e.g. a long column that shows only the cards near it).
 */
export async function screenshotAllWays(
  page: Page,
  name: string,
  { fullPage = true }: { fullPage?: boolean } = {},
): Promise<string[]> {
  mkdirSync(screenshotDir, { recursive: true });
  const written: string[] = [];
  const original = page.viewportSize() ?? DESKTOP;
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    for (const scheme of ['light', 'dark'] as const) {
      await setColorScheme(page, scheme);
      // A full-page shot of a scrolled page would paint the sticky header mid-page.
      await page.evaluate(() =>
        (globalThis as unknown as { scrollTo: (x: number, y: number) => void }).scrollTo(0, 0),
      );
      await nextFrame(page);
      if (scheme === 'light') await expectNoSidewaysScroll(page, `${name} (${size})`);
      const file = path.join(screenshotDir, `${name}-${size}-${scheme}.png`);
      await page.screenshot({ path: file, fullPage });
      written.push(file);
    }
  }
  await page.setViewportSize(original);
  await setColorScheme(page, 'light');
  return written;
}

/**
 * Every screen fits its width: the page never scrolls sideways (wide content scrolls inside its
 * own box). Names the elements that stick out otherwise.
 */
export async function expectNoSidewaysScroll(page: Page, what: string): Promise<void> {
  const report = await page.evaluate(() => {
    const doc = (globalThis as unknown as { document: any; innerWidth: number }).document;
    const width = doc.documentElement.clientWidth as number;
    if ((doc.documentElement.scrollWidth as number) <= width) return undefined;
    const out: string[] = [];
    for (const el of doc.querySelectorAll('body *') as Iterable<any>) {
      const rect = el.getBoundingClientRect();
      // The outermost ones only: a child of an element that sticks out sticks out too.
      if (rect.right > width + 1 && !(el.parentElement.getBoundingClientRect().right > width + 1))
        out.push(
          `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} right=${Math.round(rect.right)}`,
        );
    }
    return { scrollWidth: doc.documentElement.scrollWidth as number, width, out: out.slice(0, 8) };
  });
  if (report)
    throw new Error(
      `${what}: the page is ${report.scrollWidth} px wide on a ${report.width} px screen; ` +
        `sticking out: ${report.out.join(', ')}`,
    );
}

/** Waits for the page to paint (after a media or viewport change). */
export async function nextFrame(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) =>
        (
          globalThis as unknown as { requestAnimationFrame: (cb: () => void) => void }
        ).requestAnimationFrame(() => resolve()),
      ),
  );
}

interface PageGlobals {
  document: { activeElement: { id: string } | null };
  navigator: { clipboard: { readText: () => Promise<string> } };
}

/** The id of the focused element. */
export function focusedId(page: Page): Promise<string | undefined> {
  return page.evaluate(
    () => (globalThis as unknown as PageGlobals).document.activeElement?.id ?? undefined,
  );
}

export function readClipboard(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).navigator.clipboard.readText());
}

/**
 * Switches the emulated colour scheme and waits until the page has restyled: Chromium answers
 * matchMedia at once but recomputes styles a moment later.
 */
export async function setColorScheme(page: Page, scheme: 'light' | 'dark'): Promise<void> {
  await page.emulateMedia({ colorScheme: scheme });
  // A function, not a string: the page's CSP forbids eval, which string predicates need.
  await page.waitForFunction((dark) => {
    const g = globalThis as unknown as {
      document: { body: unknown };
      getComputedStyle: (el: unknown) => { color: string };
    };
    const [r = 0, gr = 0, b = 0] = (
      g.getComputedStyle(g.document.body).color.match(/\d+/g) ?? []
    ).map(Number);
    const lightText = (r + gr + b) / 3 > 128;
    return dark ? lightText : !lightText;
  }, scheme === 'dark');
  await nextFrame(page);
}
