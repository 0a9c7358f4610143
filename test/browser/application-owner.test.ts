import type { Page } from 'playwright-core';
import { ensureConsoleBuilt } from '../../lib/local/console-build';
import { startBrowser, type TestBrowser } from '../support/browser';
import { consolePage, storySteps } from '../support/console-page';
import { useTestApi } from '../support/local-api';
import { connect, createApplication, createOrg, eventually, expectStatus, signIn, type Member } from '../support/scenario';

/**
 * What an application's owner sees and decides in the console, in a real browser (Debian's
 * Chromium), each action driven through the real local API and checked there: the usage chart
 * of an application and of a connection, a key fenced by address (an existing one, and a new
 * one from "Add key"), a connection's report share, who may connect the application, and ending
 * another org's connection. The setup (orgs, the application, its connections and
 * its data API traffic) goes through the HTTP API; every step after it goes through the console,
 * found by role and accessible name, checked with axe, on laptops (1280 and 1024 px) and at 390 px wide.
 */

const api = useTestApi();
let browser: TestBrowser;
let page: Page;
const ui = consolePage(
  () => page,
  () => api.url,
);

const suffix = Math.random().toString(36).slice(2, 6);
const ownerOrgName = `Harbour ${suffix}`;
const partnerOrgName = `Upland ${suffix}`;
const APP = 'Air Map';
let owner: Member;
let partner: Member;
let ownerOrg: string;
let partnerOrg: string;
let app: { applicationId: string; key: string; keyId: string };
/** The data API requests the setup made, as the usage chart must count them. */
const traffic = { owner: 0, partner: 0, total: 0, throttled: 0 };

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 800 };
const LAPTOP_SMALL = { width: 1024, height: 768 };
/** Today's label in the charts' tables (the browser runs in en-GB, UTC). */
const todayLabel = new Date().toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

beforeAll(async () => {
  ensureConsoleBuilt({ quiet: true });
  owner = await signIn(api, 'owner');
  partner = await signIn(api, 'partner');
  ownerOrg = await createOrg(api, owner, ownerOrgName);
  partnerOrg = await createOrg(api, partner, partnerOrgName);
  app = await createApplication(api, ownerOrg, owner, APP);
  await connect(api, ownerOrg, owner, app.applicationId, ['observer']);
  await connect(api, partnerOrg, partner, app.applicationId, ['observer']);

  // Traffic: 3 requests into the owner org, 2 into the partner, then a burst over a limit of one
  // a second (burst 1), so some are throttled (429).
  const v2 = (path: string) => api.call('GET', path, { key: app.key });
  for (let index = 0; index < 3; index++) expectStatus(await v2(`/v2/datasources?org=${ownerOrg}`), 200);
  for (let index = 0; index < 2; index++) expectStatus(await v2(`/v2/datasources?org=${partnerOrg}`), 200);
  const limitsPath = `/admin/orgs/${ownerOrg}/applications/${app.applicationId}/limits`;
  expectStatus(
    await api.call('PUT', limitsPath, { token: owner.token, body: { requestsPerSecond: 1, burst: 1, requestsPerDay: 100000 } }),
    200,
  );
  const burst = await Promise.all(Array.from({ length: 4 }, () => v2('/v2/whoami')));
  traffic.owner = 3;
  traffic.partner = 2;
  traffic.total = 5 + burst.length;
  traffic.throttled = burst.filter((answer) => answer.status === 429).length;
  expect(traffic.throttled).toBeGreaterThan(0);
  expectStatus(
    await api.call('PUT', limitsPath, {
      token: owner.token,
      body: { requestsPerSecond: 1000, burst: 2000, requestsPerDay: 100000 },
    }),
    200,
  );
  // What npm start flushes every few seconds, written now.
  await api.runtime.usage.flush();

  browser = await startBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(15000);
}, 180000);

afterAll(async () => {
  await browser?.close();
});

/** The steps build on each other: once one fails, the later ones fail at once (console-page.ts). */
const step = storySteps(() => page, 'application-owner-failure');

/** The Applications screen of the signed-in person's first org, loaded. */
async function applicationsScreen(): Promise<void> {
  await page.getByRole('link', { name: 'Applications', exact: true }).click();
  await page.getByRole('heading', { name: 'Applications', exact: true, level: 1 }).waitFor();
}

const createdTable = () => page.getByRole('table', { name: 'Applications created by your organization' });
const connectedTable = () => page.getByRole('table', { name: 'Applications connected to your organization' });

describe('an application’s owner, in the console', () => {
  step('sees its application’s requests and throttled requests per day as a chart, the numbers as a table', async () => {
    await page.goto(`${api.url}/`);
    await ui.signIn(owner.email);
    await applicationsScreen();
    const title = `Requests of ${APP} per day, last 30 days (UTC)`;
    const chart = ui.row(createdTable(), APP).getByRole('img', {
      name: `${title}: ${traffic.total} requests, ${traffic.throttled} throttled; busiest day ${todayLabel} with ${traffic.total}`,
    });
    await chart.waitFor();
    await ui.row(createdTable(), APP).getByText('Numbers').click();
    const numbers = page.getByRole('table', { name: title });
    await numbers.getByRole('columnheader', { name: 'Throttled', exact: true }).waitFor();
    expect(await numbers.getByRole('rowheader').count()).toBe(30);
    const today = ui.row(numbers, todayLabel);
    expect(await today.getByRole('cell').allInnerTexts()).toEqual([String(traffic.total), String(traffic.throttled)]);

    // The connected org's view of the same application: the requests into this org only.
    const hereTitle = `Requests of ${APP} into this organization per day, last 30 days (UTC)`;
    await ui
      .row(connectedTable(), APP)
      .getByRole('img', { name: new RegExp(`^${escape(hereTitle)}: ${traffic.owner} requests, 0 throttled`) })
      .waitFor();
    await ui.checkScreen('application-usage');
  });

  step('a connected org sees the requests into itself, on a phone, without scrolling sideways', async () => {
    await ui.signOut();
    await page.setViewportSize(PHONE);
    await ui.signIn(partner.email);
    await applicationsScreen();
    const hereTitle = `Requests of ${APP} into this organization per day, last 30 days (UTC)`;
    const connection = ui.row(connectedTable(), APP);
    await connection.getByRole('img', { name: new RegExp(`^${escape(hereTitle)}: ${traffic.partner} requests`) }).waitFor();
    await connection.getByText('Numbers').click();
    const today = ui.row(page.getByRole('table', { name: hereTitle }), todayLabel);
    expect(await today.getByRole('cell').allInnerTexts()).toEqual([String(traffic.partner), '0']);
    await ui.checkFits('application-usage-phone');
    await ui.checkScreen('application-usage-phone');
    await page.setViewportSize(LAPTOP);
  });

  step(
    'fences a key by address on a phone: a bad range is explained next to the field, the data API enforces the saved ones',
    async () => {
      await ui.signOut();
      await page.setViewportSize(PHONE);
      await ui.signIn(owner.email);
      await applicationsScreen();
      await ui.openMenuItem(`Actions for ${APP}`, 'API Keys');
      const keys = page.getByRole('table', { name: `API keys of ${APP}` });
      const key = keys.getByRole('row').filter({ has: page.getByRole('rowheader') });
      await key.getByRole('cell', { name: 'any address' }).waitFor();
      await ui.openMenuItem(/^Actions for key /, 'Allowed addresses');
      const fence = ui.dialog(/^Allowed addresses of key dgk_/);
      const ranges = fence.getByLabel('Address ranges');
      await ranges.fill('10.0.0.0/8\n10.0.0.300/32');
      await fence.getByRole('button', { name: 'Save addresses' }).click();
      // The API's 400 names the bad range; the console says it next to the field and ties it to it.
      const refused = fence.getByText(/10\.0\.0\.300\/32/);
      await refused.waitFor();
      expect(await ranges.getAttribute('aria-describedby')).toContain(await refused.getAttribute('id'));
      expect(await ranges.getAttribute('aria-invalid')).toBe('true');
      await ui.checkFits('allowed-addresses-dialog-phone');
      await ui.checkScreen('allowed-addresses-dialog-phone');

      await ranges.fill('203.0.113.0/24\n2001:db8::/32');
      await fence.getByRole('button', { name: 'Save addresses' }).click();
      await fence.waitFor({ state: 'hidden' });
      await key.getByRole('cell', { name: '203.0.113.0/24, 2001:db8::/32' }).waitFor();
      await ui.checkFits('api-keys-fenced-phone');
      await ui.checkScreen('api-keys-fenced-phone');
      const keyPath = `/admin/orgs/${ownerOrg}/applications/${app.applicationId}/keys`;
      const listed = await api.call('GET', keyPath, { token: owner.token });
      expect(listed.body.keys.find((entry: { keyId: string }) => entry.keyId === app.keyId).allowedCidrs).toEqual([
        '203.0.113.0/24',
        '2001:db8::/32',
      ]);
      // This machine (127.0.0.1) is outside both ranges: the key is refused, within the 10 s bound.
      const whoami = () => api.call('GET', '/v2/whoami', { key: app.key });
      await eventually(async () => (await whoami()).status === 403, 10_000);
      expect((await whoami()).body.code).toBe('ip_not_allowed');

      // Emptied: any address again.
      await ui.openMenuItem(/^Actions for key /, 'Allowed addresses');
      await ranges.fill('');
      await fence.getByRole('button', { name: 'Save addresses' }).click();
      await key.getByRole('cell', { name: 'any address' }).waitFor();
      await eventually(async () => (await whoami()).status === 200, 10_000);
      await page.setViewportSize(LAPTOP);
    },
  );

  step(
    'adds a key fenced by address from “Add key” on a laptop (1024 px): a bad range is explained, the data API refuses the key from outside its ranges',
    async () => {
      await page.setViewportSize(LAPTOP_SMALL);
      await applicationsScreen();
      await ui.openMenuItem(`Actions for ${APP}`, 'API Keys');
      await ui.button('Add key').click();
      const add = ui.dialog('Add key');
      await add.getByLabel('Label').fill('field gateway');
      const ranges = add.getByLabel(/^Address ranges/);
      await ranges.fill('203.0.113.0/24\nnot-a-range');
      await add.getByRole('button', { name: 'Add key' }).click();
      const refused = add.getByText(/not-a-range/);
      await refused.waitFor();
      expect(await ranges.getAttribute('aria-describedby')).toContain(await refused.getAttribute('id'));
      await ui.checkFits('add-key-dialog-refused');
      await ui.checkScreen('add-key-dialog-refused');

      // The IPv6 loopback (::1) is inside the ranges, 127.0.0.1 outside them.
      await ranges.fill('203.0.113.0/24\n::1/128');
      await add.getByRole('button', { name: 'Add key' }).click();
      const shown = ui.dialog('New API key');
      const key = (await shown.getByText(/^dgk_/).innerText()).trim();
      await ui.checkScreen('add-key-fenced-new-key');
      await shown.getByRole('button', { name: 'Done' }).click();
      await shown.waitFor({ state: 'hidden' });
      const keys = page.getByRole('table', { name: `API keys of ${APP}` });
      const fenced = ui.row(keys, /^dgk_/).filter({ has: page.getByRole('cell', { name: 'field gateway', exact: true }) });
      await fenced.getByRole('cell', { name: '203.0.113.0/24, ::1/128' }).waitFor();
      await ui.checkFits('api-keys-fenced-laptop');
      await ui.checkScreen('api-keys-fenced-laptop');

      const listed = await api.call('GET', `/admin/orgs/${ownerOrg}/applications/${app.applicationId}/keys`, {
        token: owner.token,
      });
      const stored = listed.body.keys.find((entry: { label?: string }) => entry.label === 'field gateway');
      expect(stored.allowedCidrs).toEqual(['203.0.113.0/24', '::1/128']);
      const from = async (base: string) => {
        const answer = await fetch(`${base}/v2/datasources?org=${ownerOrg}`, { headers: { 'x-api-key': key } });
        return { status: answer.status, body: (await answer.json()) as { code?: string } };
      };
      const outside = await from(api.url);
      expect(outside).toEqual({ status: 403, body: { message: expect.any(String), code: 'ip_not_allowed' } });
      const v6 = api.runtime.server.urlV6;
      if (!v6) throw new Error('This machine has no IPv6 loopback: the key cannot be tried from inside its ranges.');
      expectStatus(await from(v6), 200);
      await page.setViewportSize(LAPTOP);
    },
  );

  step('sets the report share of a connected application (0 to 30) on a laptop and a phone; the API holds it', async () => {
    await applicationsScreen();
    const connection = ui.row(connectedTable(), APP);
    await connection.getByRole('cell', { name: '30 of 30 a day' }).waitFor();
    await ui.openMenuItem(`Actions for the connection of ${APP}`, 'Report share');
    const share = ui.dialog(`Report share of ${APP}`);
    const field = share.getByLabel('Report requests a day');
    expect(await field.inputValue()).toBe('30');
    await field.fill('31');
    await share.getByRole('button', { name: 'Save share' }).click();
    // The API's 400 is said next to the field and tied to it.
    const refused = share.locator('.error');
    await refused.waitFor();
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.getAttribute('aria-describedby')).toContain(await refused.getAttribute('id'));
    await ui.checkScreen('report-share-dialog-refused');
    await field.fill('4');
    await share.getByRole('button', { name: 'Save share' }).click();
    await share.waitFor({ state: 'hidden' });
    await connection.getByRole('cell', { name: '4 of 30 a day' }).waitFor();
    const listing = await api.call('GET', `/admin/orgs/${ownerOrg}/connections`, { token: owner.token });
    expect(
      listing.body.connections.find((entry: { applicationId: string }) => entry.applicationId === app.applicationId).reportShare,
    ).toBe(4);

    // On a phone, the same from the card: none at all.
    await page.setViewportSize(PHONE);
    await ui.openMenuItem(`Actions for the connection of ${APP}`, 'Report share');
    await field.fill('0');
    await ui.checkFits('report-share-dialog-phone');
    await share.getByRole('button', { name: 'Save share' }).click();
    await share.waitFor({ state: 'hidden' });
    await connection.getByRole('cell', { name: 'none' }).waitFor();
    await ui.checkFits('applications-report-share-phone');
    await ui.checkScreen('applications-report-share-phone');
    const after = await api.call('GET', `/admin/orgs/${ownerOrg}/connections`, { token: owner.token });
    expect(
      after.body.connections.find((entry: { applicationId: string }) => entry.applicationId === app.applicationId).reportShare,
    ).toBe(0);
    await page.setViewportSize(LAPTOP);
  });

  step('chooses who may connect the application, on a phone: a bad org ID is explained, an unlisted org is refused', async () => {
    await page.setViewportSize(PHONE);
    await applicationsScreen();
    const mine = ui.row(createdTable(), APP);
    await mine.getByRole('cell', { name: 'Any organization given its ID' }).waitFor();
    await ui.openMenuItem(`Actions for ${APP}`, 'Who may connect');
    const policy = ui.dialog(`Who may connect ${APP}`);
    await policy.getByRole('radio', { name: /^Your organization and the organizations you list/ }).check();
    const orgIds = policy.getByLabel('Organization IDs');
    await orgIds.fill('not-an-org');
    await policy.getByRole('button', { name: 'Save' }).click();
    const refused = policy.getByText('Not a valid org id');
    await refused.waitFor();
    expect(await orgIds.getAttribute('aria-describedby')).toContain(await refused.getAttribute('id'));
    await ui.checkFits('connect-policy-dialog-phone');
    await ui.checkScreen('connect-policy-dialog-phone');
    await orgIds.fill(partnerOrg);
    await policy.getByRole('button', { name: 'Save' }).click();
    await policy.waitFor({ state: 'hidden' });
    await mine.getByRole('cell', { name: 'This organization and 1 listed organization' }).waitFor();
    // The partner, connected before, stays connected.
    await mine.getByRole('cell', { name: new RegExp(partnerOrgName) }).waitFor();
    await ui.checkFits('applications-policy-phone');

    const detail = await api.call('GET', `/admin/orgs/${ownerOrg}/applications/${app.applicationId}`, { token: owner.token });
    expect(detail.body).toMatchObject({ connectPolicy: 'listed', allowedOrgs: [partnerOrg] });
    // An org not on the list cannot connect it.
    const outsider = await signIn(api, 'outsider');
    const outsiderOrg = await createOrg(api, outsider, `Outsider ${suffix}`);
    const attempt = await api.call('POST', `/admin/orgs/${outsiderOrg}/connections`, {
      token: outsider.token,
      body: { applicationId: app.applicationId, roles: ['observer'] },
    });
    expect(attempt.status).toBe(403);
    expect(attempt.body.code).toBe('connection_not_allowed');

    // Only the owner from now on: the list goes with the listed policy.
    await ui.openMenuItem(`Actions for ${APP}`, 'Who may connect');
    await policy.getByRole('radio', { name: /^Only your organization/ }).check();
    await policy.getByRole('button', { name: 'Save' }).click();
    await mine.getByRole('cell', { name: 'Only this organization' }).waitFor();
    const ownerOnly = await api.call('GET', `/admin/orgs/${ownerOrg}/applications/${app.applicationId}`, { token: owner.token });
    expect(ownerOnly.body.connectPolicy).toBe('owner-only');
    expect(ownerOnly.body.allowedOrgs).toBeUndefined();
    await page.setViewportSize(LAPTOP);
  });

  step(
    'ends another org’s connection from the “Orgs connected” list, after confirming; the data API and both audit logs show it',
    async () => {
      const mine = ui.row(createdTable(), APP);
      const end = mine.getByRole('button', { name: `End connection of ${partnerOrgName}` });
      // Asking first: Cancel keeps the connection.
      await end.click();
      const confirm = ui.dialog(`End the connection of ${partnerOrgName} to ${APP}?`);
      await confirm.getByText('stops reading the data of').waitFor();
      // Only the owner may connect it now: the dialog says the partner cannot come back.
      await confirm.getByText(`${partnerOrgName} cannot connect it again`).waitFor();
      await ui.checkScreen('end-connection-dialog');
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await confirm.waitFor({ state: 'hidden' });
      const readPartner = () => api.call('GET', `/v2/datasources?org=${partnerOrg}`, { key: app.key });
      expectStatus(await readPartner(), 200);

      await page.setViewportSize(PHONE);
      await end.click();
      await ui.checkFits('end-connection-dialog-phone');
      await confirm.getByRole('button', { name: 'End connection' }).click();
      await confirm.waitFor({ state: 'hidden' });
      await end.waitFor({ state: 'detached' });
      await mine.getByRole('cell', { name: new RegExp(ownerOrgName) }).waitFor();
      await ui.checkFits('applications-ended-phone');
      await ui.checkScreen('applications-ended-phone');
      await page.setViewportSize(LAPTOP);

      // The application reads the partner's data no more, within the 10 s bound.
      await eventually(async () => (await readPartner()).status === 403, 10_000);
      const partnerConnections = await api.call('GET', `/admin/orgs/${partnerOrg}/connections`, { token: partner.token });
      expect(partnerConnections.body.connections).toEqual([]);
      for (const [orgId, member] of [
        [ownerOrg, owner],
        [partnerOrg, partner],
      ] as const) {
        const events = (await api.call('GET', `/admin/orgs/${orgId}/audit-events`, { token: member.token })).body.events;
        expect(events).toContainEqual(
          expect.objectContaining({
            action: 'connection.delete',
            target: app.applicationId,
            details: expect.objectContaining({ orgId: partnerOrg, endedBy: 'owner' }),
          }),
        );
      }
    },
  );
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
