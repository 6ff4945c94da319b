import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * The console in a real browser: Debian's chromium (installed by .ci/run when missing; never a
 * browser download), driven by playwright-core, headless. As root, Chromium needs --no-sandbox.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * The pictures of docs/console.md are rewritten only on request (`UPDATE_SCREENSHOTS=1`): a PNG
 * of the same screen differs by a few pixels each run, and npm test must leave the tree clean.
 */
export const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS
  ? join(import.meta.dirname, '../../docs/console')
  : mkdtempSync(join(tmpdir(), 'oms-console-'));

export const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };
export const DESKTOP = { viewport: { width: 1280, height: 860 } };

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}

/** A fresh tab (its own session storage), signed in as one of the local demo people. */
export async function signedIn(
  browser: Browser,
  url: string,
  sub: string,
  device = DESKTOP,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(device);
  // Waits, never timing assertions: on a loaded machine a screen may take seconds to answer.
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  lastPage.page = page;
  page.on('pageerror', (error) => console.error(`console page error: ${error.stack}`));
  if (process.env.CONSOLE_DEBUG) {
    page.on('response', (r) => console.log('response', r.status(), r.request().method(), r.url()));
  }
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${url}/console/`);
  await page.getByRole('button', { name: new RegExp(`^${sub}\\b`) }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  expect(errors).toEqual([]);
  return { context, page };
}

const lastPage: { page?: Page } = {};

/** What the browser showed when a test failed, to see why; outside the repository. */
export async function screenshotOnFailure(testName: string): Promise<void> {
  const path = join(tmpdir(), `console-failed-${testName.replace(/\W+/g, '-').slice(0, 60)}.png`);
  await lastPage.page?.screenshot({ path, fullPage: true }).catch(() => undefined);
  console.error(`The console as it was when "${testName}" failed: ${path}`);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * axe-core's serious and critical findings on the page as it is. Evaluated through the DevTools
 * protocol, which the page's content security policy does not govern, so the policy stays on.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
}

/** A main screen: its picture for docs/console.md, and no serious accessibility problem on it. */
export async function checkScreen(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  expect(await seriousAccessibilityViolations(page), name).toEqual([]);
}
