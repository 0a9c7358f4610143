import { useTestApi } from '../support/local-api';
import {
  addMember,
  connect,
  createApplication,
  createOrg,
  eventually,
  expectStatus,
  signIn,
  type Member,
} from '../support/scenario';

/**
 * Usage per application (contract section 11) through the HTTP API of `npm start`'s router:
 * data API requests are counted in memory and flushed to the table (every second in the
 * integration suite, every 10 s under npm start), then read back per UTC day by the owner org
 * (every org's share) and by a connected org (its own share).
 */

const api = useTestApi();

let ownerAdmin: Member;
let partnerAdmin: Member;
let ownerOrg: string;
let partnerOrg: string;
let strangerOrg: string;
let app: { applicationId: string; key: string };
let ownerUsagePath: string;
let partnerUsagePath: string;
const today = () => new Date().toISOString().slice(0, 10);

const v2 = (path: string) => api.call('GET', path, { key: app.key });

beforeAll(async () => {
  ownerAdmin = await signIn(api, 'usage-owner');
  partnerAdmin = await signIn(api, 'usage-partner');
  const stranger = await signIn(api, 'usage-stranger');
  ownerOrg = await createOrg(api, ownerAdmin, 'Usage owner');
  partnerOrg = await createOrg(api, partnerAdmin, 'Usage partner');
  strangerOrg = await createOrg(api, stranger, 'Usage stranger');
  app = await createApplication(api, ownerOrg, ownerAdmin, 'Metered');
  await connect(api, ownerOrg, ownerAdmin, app.applicationId, ['observer']);
  await connect(api, partnerOrg, partnerAdmin, app.applicationId, ['observer']);
  ownerUsagePath = `/admin/orgs/${ownerOrg}/applications/${app.applicationId}/usage`;
  partnerUsagePath = `/admin/orgs/${partnerOrg}/connections/${app.applicationId}/usage`;
});

describe('usage per application', () => {
  it("counts every data API request per UTC day, with each org's share, and the throttled ones", async () => {
    // 3 into the owner org, 2 into the partner, 1 naming no org (whoami), 1 into an org the
    // application is not connected to (403: counted, but no org gets a share).
    for (let index = 0; index < 3; index++) expectStatus(await v2(`/v2/datasources?org=${ownerOrg}`), 200);
    for (let index = 0; index < 2; index++) expectStatus(await v2(`/v2/datasources?org=${partnerOrg}`), 200);
    expectStatus(await v2('/v2/whoami'), 200);
    expectStatus(await v2(`/v2/datasources?org=${strangerOrg}`), 403);

    // Throttled at the gateway: one request a second, burst 1; a burst of 4 gets at least 3 429s.
    expectStatus(
      await api.call('PUT', `/admin/orgs/${ownerOrg}/applications/${app.applicationId}/limits`, {
        token: ownerAdmin.token,
        body: { requestsPerSecond: 1, burst: 1, requestsPerDay: 100000 },
      }),
      200,
    );
    const burst = await Promise.all(Array.from({ length: 4 }, () => v2('/v2/whoami')));
    const throttled = burst.filter((answer) => answer.status === 429).length;
    expect(throttled).toBeGreaterThanOrEqual(3);
    await api.call('PUT', `/admin/orgs/${ownerOrg}/applications/${app.applicationId}/limits`, {
      token: ownerAdmin.token,
      body: { requestsPerSecond: 1000, burst: 2000, requestsPerDay: 100000 },
    });

    const expected = { date: today(), requests: 7 + 4, throttled, byOrg: { [ownerOrg]: 3, [partnerOrg]: 2 } };
    let usage: any;
    await eventually(async () => {
      usage = await api.call('GET', `${ownerUsagePath}?days=7`, { token: ownerAdmin.token });
      return usage.status === 200 && usage.body.days[0].requests === expected.requests;
    }, 10_000);
    expect(usage.body.applicationId).toBe(app.applicationId);
    expect(usage.body.days[0]).toEqual(expected);
    // Seven UTC days, newest first, one after the other, zeros on quiet days.
    expect(usage.body.days).toHaveLength(7);
    const dates = usage.body.days.map((day: { date: string }) => day.date);
    expect(dates).toEqual(
      Array.from({ length: 7 }, (_unused, index) =>
        new Date(Date.parse(today()) - index * 86_400_000).toISOString().slice(0, 10),
      ),
    );
    expect(usage.body.days[6]).toEqual({ date: dates[6], requests: 0, throttled: 0, byOrg: {} });

    // The partner org's admin sees only the requests into the partner org.
    const partner = await api.call('GET', `${partnerUsagePath}?days=1`, { token: partnerAdmin.token });
    expect(partner.status).toBe(200);
    expect(partner.body).toEqual({
      applicationId: app.applicationId,
      days: [{ date: today(), requests: 2, throttled: 0, byOrg: { [partnerOrg]: 2 } }],
    });
  });

  it('days defaults to 30 and takes 1 to 90; anything else is 400', async () => {
    const fallback = await api.call('GET', ownerUsagePath, { token: ownerAdmin.token });
    expect(fallback.status).toBe(200);
    expect(fallback.body.days).toHaveLength(30);
    expect((await api.call('GET', `${ownerUsagePath}?days=90`, { token: ownerAdmin.token })).body.days).toHaveLength(90);
    for (const days of ['0', '91', 'abc', '1.5']) {
      const refused = await api.call('GET', `${ownerUsagePath}?days=${days}`, { token: ownerAdmin.token });
      expect(refused.status).toBe(400);
      expect(refused.body.details[0].path).toBe('query.days');
    }
  });

  it('only admins read usage: a non-admin member is 403, a non-member 404, the wrong side 404', async () => {
    const observer = await signIn(api, 'usage-observer');
    await addMember(api, ownerOrg, ownerAdmin, observer, ['observer']);
    expect((await api.call('GET', ownerUsagePath, { token: observer.token })).status).toBe(403);
    expect((await api.call('GET', ownerUsagePath, { token: partnerAdmin.token })).status).toBe(404);
    expect((await api.call('GET', partnerUsagePath, { token: ownerAdmin.token })).status).toBe(404);
    // The partner's admin cannot read the owner's view through its own org...
    const ownerViewFromPartner = `/admin/orgs/${partnerOrg}/applications/${app.applicationId}/usage`;
    expect((await api.call('GET', ownerViewFromPartner, { token: partnerAdmin.token })).status).toBe(404);
    // ...nor the usage of an application not connected to it.
    const other = await createApplication(api, ownerOrg, ownerAdmin, 'Unconnected');
    const notConnected = `/admin/orgs/${partnerOrg}/connections/${other.applicationId}/usage`;
    expect((await api.call('GET', notConnected, { token: partnerAdmin.token })).status).toBe(404);
    // An API key is no credential for /admin.
    expect((await api.call('GET', ownerUsagePath, { key: app.key })).status).toBe(401);
  });
});
