import { uniqueEmail, useTestApi } from '../support/local-api';

/**
 * The product's core story, end to end through the HTTP layer: an org admin creates an
 * application and gets its key; admins of two orgs connect it; the application lists the
 * datasources of every org it is connected to, and nothing else.
 */

const api = useTestApi();

describe('the seed flow', () => {
  let adaToken: string;
  let graceToken: string;
  let outsiderToken: string;
  let riverside: string;
  let northfield: string;
  let unconnected: string;
  let applicationId: string;
  let apiKey: string;
  const datasources: Record<string, string[]> = {};

  beforeAll(async () => {
    adaToken = await api.tokenFor(uniqueEmail('ada'));
    graceToken = await api.tokenFor(uniqueEmail('grace'));
    outsiderToken = await api.tokenFor(uniqueEmail('mallory'));
  });

  it('a signed-in person creates orgs and becomes their admin', async () => {
    const created = await api.call('POST', '/admin/orgs', { token: adaToken, body: { name: 'Riverside' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ orgId: expect.stringMatching(/^org_/), name: 'Riverside', createdAt: expect.any(String) });
    riverside = created.body.orgId;

    northfield = (await api.call('POST', '/admin/orgs', { token: graceToken, body: { name: 'Northfield' } })).body.orgId;
    unconnected = (await api.call('POST', '/admin/orgs', { token: graceToken, body: { name: 'Elsewhere' } })).body.orgId;

    const mine = await api.call('GET', '/admin/orgs', { token: adaToken });
    expect(mine.status).toBe(200);
    expect(mine.body.orgs).toEqual([{ orgId: riverside, name: 'Riverside', roles: ['admin'] }]);

    const org = await api.call('GET', `/admin/orgs/${riverside}`, { token: adaToken });
    expect(org.body).toMatchObject({ orgId: riverside, name: 'Riverside' });
  });

  it('admins add datasources to their orgs', async () => {
    for (const [orgId, token, names] of [
      [riverside, adaToken, ['High Street', 'Park']],
      [northfield, graceToken, ['North Gate']],
      [unconnected, graceToken, ['Hidden']],
    ] as const) {
      datasources[orgId] = [];
      for (const name of names) {
        const created = await api.call('POST', `/admin/orgs/${orgId}/datasources`, {
          token,
          body: { name, group: 'Centre', tags: ['traffic'], location: { lat: 51.5, lon: -0.12 } },
        });
        expect(created.status).toBe(201);
        expect(created.body).toMatchObject({ orgId, name, sourceType: 'CLARITY_NODE', tags: ['traffic'] });
        datasources[orgId].push(created.body.datasourceId);
      }
    }
    const listed = await api.call('GET', `/admin/orgs/${riverside}/datasources`, { token: adaToken });
    expect(listed.body.datasources.map((d: { datasourceId: string }) => d.datasourceId).sort()).toEqual(
      [...datasources[riverside]!].sort(),
    );
  });

  it('an admin creates an application and receives its first key once', async () => {
    const created = await api.call('POST', `/admin/orgs/${riverside}/applications`, {
      token: adaToken,
      body: { name: 'City Dashboard' },
    });
    expect(created.status).toBe(201);
    const { application, apiKey: issued } = created.body;
    expect(application).toMatchObject({
      name: 'City Dashboard',
      ownerOrgId: riverside,
      createdBy: expect.stringContaining('ada.'),
    });
    expect(issued.key).toMatch(/^dgk_/);
    expect(issued.hint).toBe(`dgk_...${issued.key.slice(-4)}`);
    applicationId = application.applicationId;
    apiKey = issued.key;

    const listed = await api.call('GET', `/admin/orgs/${riverside}/applications`, { token: adaToken });
    // The listing carries what the console's table shows: its key count and connections.
    expect(listed.body.applications).toEqual([{ ...application, keyCount: 1, connections: [] }]);
    expect(JSON.stringify(listed.body)).not.toContain(apiKey);
  });

  it('a new application is connected to no org, its own included', async () => {
    const whoami = await api.call('GET', '/v2/whoami', { key: apiKey });
    expect(whoami.status).toBe(200);
    expect(whoami.body.orgs).toEqual([]);
    expect((await api.call('GET', `/v2/datasources?org=${riverside}`, { key: apiKey })).status).toBe(403);
  });

  it('the owner org and another org connect the application with roles', async () => {
    const own = await api.call('POST', `/admin/orgs/${riverside}/connections`, {
      token: adaToken,
      body: { applicationId, roles: ['analyst'] },
    });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({
      applicationId,
      applicationName: 'City Dashboard',
      ownerOrgId: riverside,
      roles: ['analyst'],
    });

    const foreign = await api.call('POST', `/admin/orgs/${northfield}/connections`, {
      token: graceToken,
      body: { applicationId, roles: ['observer'] },
    });
    expect(foreign.status).toBe(201);

    const again = await api.call('POST', `/admin/orgs/${northfield}/connections`, {
      token: graceToken,
      body: { applicationId, roles: ['guest'] },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('conflict');

    const listed = await api.call('GET', `/admin/orgs/${northfield}/connections`, { token: graceToken });
    expect(listed.body.connections).toEqual([
      expect.objectContaining({ applicationId, applicationName: 'City Dashboard', roles: ['observer'] }),
    ]);
  });

  it('the application lists the datasources of each connected org, and whoami shows its grants', async () => {
    for (const orgId of [riverside, northfield]) {
      const listed = await api.call('GET', `/v2/datasources?org=${orgId}`, { key: apiKey });
      expect(listed.status).toBe(200);
      expect(listed.body.subscribingOrg).toBe(orgId);
      expect(listed.body.datasources.map((d: { datasourceId: string }) => d.datasourceId).sort()).toEqual(
        [...datasources[orgId]!].sort(),
      );
      expect(listed.body.datasources[0]).toEqual({
        datasourceId: expect.any(String),
        currentSourceId: expect.stringMatching(/^src_/),
        currentSubscriptionId: expect.stringMatching(/^sub_/),
        sourceType: 'CLARITY_NODE',
        orgAnnotations: { name: expect.any(String), group: 'Centre', tags: ['traffic'] },
      });
    }
    const whoami = await api.call('GET', '/v2/whoami', { key: apiKey });
    expect(whoami.body).toMatchObject({ applicationId, name: 'City Dashboard', ownerOrgId: riverside });
    expect(whoami.body.orgs).toEqual(
      expect.arrayContaining([
        { org: riverside, roles: ['analyst'] },
        { org: northfield, roles: ['observer'] },
      ]),
    );
  });

  describe('refusals', () => {
    it('an org the application is not connected to is 403', async () => {
      const refused = await api.call('GET', `/v2/datasources?org=${unconnected}`, { key: apiKey });
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({ message: expect.any(String), code: 'forbidden' });
    });

    it('a missing org is 400', async () => {
      const refused = await api.call('GET', '/v2/datasources', { key: apiKey });
      expect(refused.status).toBe(400);
      expect(refused.body.details).toEqual([expect.objectContaining({ path: 'query.org' })]);
    });

    it('a mistyped, unknown or missing key is 401', async () => {
      const typo = apiKey.slice(0, 12) + (apiKey[12] === 'A' ? 'B' : 'A') + apiKey.slice(13);
      const unknown = 'dgk_' + '0'.repeat(43);
      for (const key of [typo, unknown, 'not-a-key', undefined]) {
        const refused = await api.call('GET', `/v2/datasources?org=${riverside}`, { key });
        expect(refused.status).toBe(401);
        expect(refused.body.code).toBe('unauthorized');
      }
    });

    it('a JWT on /v2 is 401 and an API key on /admin is 401', async () => {
      expect((await api.call('GET', `/v2/datasources?org=${riverside}`, { token: adaToken })).status).toBe(401);
      expect((await api.call('GET', `/admin/orgs/${riverside}`, { key: apiKey })).status).toBe(401);
      expect((await api.call('GET', '/admin/orgs', { key: apiKey })).status).toBe(401);
    });

    it("another org's admin can neither read nor change an org they are not a member of", async () => {
      expect((await api.call('GET', `/admin/orgs/${riverside}`, { token: graceToken })).status).toBe(404);
      expect((await api.call('GET', `/admin/orgs/${riverside}/applications`, { token: graceToken })).status).toBe(404);
      expect((await api.call('GET', `/admin/orgs/${riverside}/datasources`, { token: outsiderToken })).status).toBe(404);
      const connect = await api.call('POST', `/admin/orgs/${riverside}/connections`, {
        token: graceToken,
        body: { applicationId, roles: ['admin'] },
      });
      expect(connect.status).toBe(404);
    });

    it('connecting an unknown application is 404 and a malformed one is 400', async () => {
      const unknownApp = 'app_' + '0'.repeat(24);
      expect(
        (
          await api.call('POST', `/admin/orgs/${riverside}/connections`, {
            token: adaToken,
            body: { applicationId: unknownApp, roles: ['guest'] },
          })
        ).status,
      ).toBe(404);
      const malformed = await api.call('POST', `/admin/orgs/${riverside}/connections`, {
        token: adaToken,
        body: { applicationId: 'DROP TABLE', roles: ['guest'] },
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body.details[0].path).toBe('applicationId');
    });

    it('a typo in an admin body field is 400 naming the field', async () => {
      const refused = await api.call('POST', `/admin/orgs/${northfield}/connections`, {
        token: graceToken,
        body: { applicationId, role: ['guest'] },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['role', 'roles']));
    });

    it('a role outside the five is 400', async () => {
      const refused = await api.call('POST', `/admin/orgs/${unconnected}/connections`, {
        token: graceToken,
        body: { applicationId, roles: ['owner'] },
      });
      expect(refused.status).toBe(400);
    });

    it('a token without a verified email cannot create an org', async () => {
      const unverified = await api.tokenFor(uniqueEmail('unverified'), { emailVerified: false });
      expect((await api.call('POST', '/admin/orgs', { token: unverified, body: { name: 'X' } })).status).toBe(403);
    });

    it('a body that is not JSON is 415 and one over 1 MiB is 413', async () => {
      const notJson = await api.call('POST', '/admin/orgs', {
        token: adaToken,
        rawBody: 'name=x',
        headers: { 'Content-Type': 'text/plain' },
      });
      expect(notJson.status).toBe(415);
      const big = await api.call('POST', '/admin/orgs', { token: adaToken, body: { name: 'x'.repeat(1024 * 1024) } });
      expect(big.status).toBe(413);
    });
  });
});
