import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import axe, { type AxeResults } from 'axe-core';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * The browser of the console tests: Debian's Chromium driven by playwright-core, one instance,
 * in a new empty profile. No browser is no test: a missing or broken Chromium fails the suite
 * with what to do, never a silent skip.
 */

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(process.cwd(), 'test-output', 'console');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Starts Chromium with a new, empty user data dir (Playwright passes it as --user-data-dir). */
export async function startBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No browser for the console tests: ${CHROMIUM} does not exist. Install Debian's Chromium (apt-get install -y chromium; .ci/run does it), or set CHROMIUM_PATH.`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'datagate-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1280, height: 800 },
      locale: 'en-GB',
      timezoneId: 'UTC',
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(
      `No browser could be started from ${CHROMIUM}: ${error instanceof Error ? error.message : String(error)}. Check that Debian's chromium package is installed and runs (chromium --headless --no-sandbox --version).`,
      { cause: error },
    );
  }
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/**
 * The serious and critical accessibility violations axe-core finds on the page as it is now.
 * axe-core goes into each document once and runs there on every later scan of that document (a
 * screen the console renders without loading a page): AxeBuilder injected its 600 kB again for
 * every scan and finished each in a new tab, which cost more CPU than the scan itself. A page with
 * frames is scanned by AxeBuilder, which injects axe into each frame.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  let results: AxeResults;
  if (page.frames().length > 1) {
    results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  } else {
    if (!(await page.evaluate<boolean>('typeof window.axe?.run === "function"'))) await page.evaluate(axe.source);
    results = await page.evaluate<AxeResults>(
      `window.axe.run(document, ${JSON.stringify({ runOnly: { type: 'tag', values: AXE_TAGS } })})`,
    );
  }
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
}
