import { useTestApi, type TestApi } from '../support/local-api';
import { dataOrg, type DataOrg } from '../support/data-api';
import { addMember, connect, createApplication, createOrg, expectStatus, signIn } from '../support/scenario';

/**
 * A fair share of an org's report quota, through HTTP: two applications connected to one org;
 * the org's admins set one connection's `reportShare`, past which that application's report
 * requests are 429, while the other still requests until the org's 30 of the day are spent.
 */

const api = useTestApi();

function reportBody(org: string) {
  return {
    org,
    report: 'datasource-measurements',
    outputFrequency: 'day',
    allDatasources: true,
    startTime: new Date(Date.now() - 86_400_000).toISOString(),
    endTime: new Date().toISOString(),
  };
}

const requestReport = (api: TestApi, key: string, org: string) =>
  api.call('POST', '/v2/report-requests', { key, body: reportBody(org) });

describe("a connection's share of the org's report requests", () => {
  let org: DataOrg;
  let greedy: { applicationId: string; key: string };
  let modest: { applicationId: string; key: string };

  beforeAll(async () => {
    org = await dataOrg(api, 1);
    // Two applications of another org, both connected to this one.
    const vendor = await signIn(api, 'vendor');
    const vendorOrg = await createOrg(api, vendor, 'Vendor');
    greedy = await createApplication(api, vendorOrg, vendor, 'Greedy');
    modest = await createApplication(api, vendorOrg, vendor, 'Modest');
    await connect(api, org.orgId, org.admin, greedy.applicationId, ['observer']);
    const connected = await connect(api, org.orgId, org.admin, modest.applicationId, ['observer']);
    expect(connected.reportShare).toBe(30);
  });

  afterAll(async () => {
    await api.runtime.reports.idle();
  });

  it("is set by the connected org's admins, 0 to 30, and shown on the connection", async () => {
    for (const reportShare of [31, -1, 1.5, '3']) {
      const refused = await api.call('PATCH', `/admin/orgs/${org.orgId}/connections/${greedy.applicationId}`, {
        token: org.admin.token,
        body: { reportShare },
      });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ code: 'validation_error', details: [{ path: 'reportShare' }] });
    }
    const set = await api.call('PATCH', `/admin/orgs/${org.orgId}/connections/${greedy.applicationId}`, {
      token: org.admin.token,
      body: { reportShare: 3 },
    });
    expectStatus(set, 200);
    expect(set.body).toMatchObject({ roles: ['observer'], reportShare: 3 });
    const listing = await api.call('GET', `/admin/orgs/${org.orgId}/connections`, { token: org.admin.token });
    const shares = Object.fromEntries(
      listing.body.connections.map((connection: { applicationId: string; reportShare: number }) => [
        connection.applicationId,
        connection.reportShare,
      ]),
    );
    expect(shares).toMatchObject({ [greedy.applicationId]: 3, [modest.applicationId]: 30 });
    const audit = await api.call('GET', `/admin/orgs/${org.orgId}/audit-events`, { token: org.admin.token });
    expect(audit.body.events).toContainEqual(
      expect.objectContaining({
        action: 'connection.update',
        target: greedy.applicationId,
        details: expect.objectContaining({
          from: expect.objectContaining({ reportShare: 30 }),
          to: expect.objectContaining({ reportShare: 3 }),
        }),
      }),
    );
  });

  it("is not the application owner's to set, nor another member's", async () => {
    // The owner org's admin is no member of the connected org: 404, as for any org not theirs.
    const vendor = await signIn(api, 'vendor-again');
    const vendorOrg = await createOrg(api, vendor, 'Vendor 2');
    const own = await createApplication(api, vendorOrg, vendor, 'Own');
    await connect(api, org.orgId, org.admin, own.applicationId, ['observer']);
    const byOwner = await api.call('PATCH', `/admin/orgs/${org.orgId}/connections/${own.applicationId}`, {
      token: vendor.token,
      body: { reportShare: 30 },
    });
    expect(byOwner.status).toBe(404);
    const analyst = await signIn(api, 'analyst');
    await addMember(api, org.orgId, org.admin, analyst, ['analyst']);
    const byAnalyst = await api.call('PATCH', `/admin/orgs/${org.orgId}/connections/${greedy.applicationId}`, {
      token: analyst.token,
      body: { reportShare: 30 },
    });
    expect(byAnalyst.status).toBe(403);
    expect(byAnalyst.body).toMatchObject({ message: expect.any(String), code: 'forbidden' });
  });

  it('past its share an application is 429 in the error body; the other keeps requesting until the org has spent its 30', async () => {
    for (let count = 1; count <= 3; count++) expectStatus(await requestReport(api, greedy.key, org.orgId), 200);
    const overShare = await requestReport(api, greedy.key, org.orgId);
    expect(overShare.status).toBe(429);
    expect(overShare.body).toEqual({ message: expect.stringContaining('reportShare'), code: 'throttled' });
    const retryAfter = Number(overShare.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);

    // The refused request counted nowhere: the other application has the remaining 27.
    for (let count = 1; count <= 27; count++) expectStatus(await requestReport(api, modest.key, org.orgId), 200);
    const overOrg = await requestReport(api, modest.key, org.orgId);
    expect(overOrg.status).toBe(429);
    expect(overOrg.body).toEqual({
      message: expect.stringContaining('This org has requested 30 reports today'),
      code: 'throttled',
    });

    // A share of 0 stops an application at once, even on a fresh org's quota.
    const fresh = await dataOrg(api, 1);
    await connect(api, fresh.orgId, fresh.admin, greedy.applicationId, ['observer']);
    expectStatus(
      await api.call('PATCH', `/admin/orgs/${fresh.orgId}/connections/${greedy.applicationId}`, {
        token: fresh.admin.token,
        body: { reportShare: 0 },
      }),
      200,
    );
    expect((await requestReport(api, greedy.key, fresh.orgId)).status).toBe(429);
    expectStatus(await requestReport(api, fresh.keys.observer, fresh.orgId), 200);
  });
});
