import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { SCREENSHOT_DIR, seriousViolations } from './browser';

/**
 * What a console test does with its page, as a person would: find buttons, dialogs and rows by
 * role and accessible name, sign in and out through the local issuer, check a screen with axe
 * and photograph it, check that it fits a phone's width. `page` and `url` are read when a helper
 * runs, so the helpers can be made before the browser and the API start (in `beforeAll`).
 */
export function consolePage(getPage: () => Page, url: () => string) {
  const button = (name: string | RegExp) => getPage().getByRole('button', { name, exact: typeof name === 'string' });
  return {
    button,
    dialog: (name: string | RegExp) => getPage().getByRole('dialog', { name }),
    row: (table: Locator, name: string | RegExp) =>
      table.getByRole('row').filter({ has: getPage().getByRole('rowheader', { name }) }),
    /** axe-core finds nothing serious or critical, and the screen is photographed. */
    checkScreen: async (name: string): Promise<void> => {
      expect(await seriousViolations(getPage())).toEqual([]);
      await getPage().screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
    },
    /**
     * Nothing to scroll sideways to: the page is no wider than the screen, and no table (nor
     * anything else in a region) is wider than its frame.
     */
    checkFits: async (name: string): Promise<void> => {
      const widths = await getPage().evaluate<{ what: string; scrollWidth: number; clientWidth: number }[]>(`[
        { what: 'page', scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth },
        ...[...document.querySelectorAll('[role=region], .table-wrap')].map((box) => ({
          what: box.getAttribute('aria-label') || document.getElementById(box.getAttribute('aria-labelledby') || '')?.textContent || box.className,
          scrollWidth: box.scrollWidth,
          clientWidth: box.clientWidth,
        })),
      ]`);
      // The screen's name and the widths that do not fit are in the failure message.
      expect({ screen: name, tooWide: widths.filter((box) => box.scrollWidth > box.clientWidth) }).toEqual({
        screen: name,
        tooWide: [],
      });
    },
    /** Signs in from the console's start page (its "Sign in" button) through the local issuer's sign-in page. */
    signIn: async (email: string): Promise<void> => {
      const page = getPage();
      await button('Sign in').click();
      await page.getByRole('heading', { name: 'Sign in to Datagate' }).waitFor();
      await page.getByLabel('Email').fill(email);
      await button('Sign in').click();
      await button('Sign out').waitFor();
      await page.getByText(email.toLowerCase(), { exact: true }).first().waitFor();
    },
    /** Signs out; the issuer is asked to send the browser back by OIDC's name and by Cognito's. */
    signOut: async (): Promise<void> => {
      const logout = getPage().waitForRequest((request) => new URL(request.url()).pathname === '/local/logout');
      await button('Sign out').click();
      const params = new URL((await logout).url()).searchParams;
      expect(params.get('post_logout_redirect_uri')).toBe(`${url()}/`);
      expect(params.get('logout_uri')).toBe(`${url()}/`);
      await button('Sign in').waitFor();
    },
    /**
     * Waits until `locator` has the focus (the console moves it in an effect, after the event
     * that asked for it); fails after the page's default timeout if it never gets it.
     */
    focused: async (locator: Locator): Promise<void> => {
      await locator.and(getPage().locator(':focus')).waitFor();
    },
    openMenuItem: async (menuLabel: string | RegExp, item: string): Promise<void> => {
      await getPage().getByRole('button', { name: menuLabel }).click();
      await getPage().getByRole('menuitem', { name: item }).click();
    },
  };
}

/**
 * The steps of one story (a test file's `it`s that build on each other): once one fails, the
 * later ones fail at once, saying where the story broke, with a screenshot of that moment
 * (`failureShot`), instead of each waiting out its timeouts.
 */
export function storySteps(getPage: () => Page, failureShot: string) {
  let brokenAt: string | undefined;
  return (name: string, run: () => Promise<void>, timeout?: number): void => {
    it(
      name,
      async () => {
        if (brokenAt) throw new Error(`Not run: the story broke at "${brokenAt}".`);
        try {
          await run();
        } catch (error) {
          brokenAt = name;
          await getPage()
            .screenshot({ path: join(SCREENSHOT_DIR, `${failureShot}.png`), fullPage: true })
            .catch(() => undefined);
          throw error;
        }
      },
      timeout,
    );
  };
}
