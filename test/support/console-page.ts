import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { SCREENSHOT_DIR, seriousViolations } from './browser';

/**
 * What a console test does with its page, as a person would: find buttons, dialogs and rows by
 * role and accessible name, sign in through the local issuer's page, check a screen with axe
 * and photograph it, and check that it fits a phone's width.
 */
export function consolePage(page: Page, url: () => string) {
  const button = (name: string | RegExp) => page.getByRole('button', { name, exact: typeof name === 'string' });
  const dialog = (name: string | RegExp) => page.getByRole('dialog', { name });
  const row = (table: Locator, name: string | RegExp) =>
    table.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });
  return {
    button,
    dialog,
    row,
    /** axe-core finds nothing serious or critical, and the screen is photographed. */
    async checkScreen(name: string): Promise<void> {
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
    },
    /** The page is no wider than the screen: nothing to scroll sideways to. */
    async checkFits(name: string): Promise<void> {
      const [scrollWidth, clientWidth] = await page.evaluate<number[]>(
        '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
      );
      // The screen's name and widths are in the failure message.
      expect({ screen: name, scrollWidth, clientWidth, fits: scrollWidth! <= clientWidth! }).toMatchObject({ fits: true });
    },
    /** Signs in at the console's start page through the local issuer's sign-in page. */
    async signIn(email: string): Promise<void> {
      await page.goto(`${url()}/`);
      await button('Sign in').click();
      await page.getByRole('heading', { name: 'Sign in to Datagate' }).waitFor();
      await page.getByLabel('Email').fill(email);
      await button('Sign in').click();
      await button('Sign out').waitFor();
    },
    async signOut(): Promise<void> {
      await button('Sign out').click();
      await button('Sign in').waitFor();
    },
    async openMenuItem(menuLabel: string | RegExp, item: string): Promise<void> {
      await page.getByRole('button', { name: menuLabel }).click();
      await page.getByRole('menuitem', { name: item }).click();
    },
  };
}
