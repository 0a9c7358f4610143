import { updateNow } from '../../functions/core/store/table';
import { useTestApi } from '../support/local-api';
import {
  connect,
  createApplication,
  createDatasource,
  createOrg,
  eventually,
  expectStatus,
  signIn,
  type Member,
} from '../support/scenario';

const api = useTestApi();

let owner: Member;
let partner: Member;
let ownerOrg: string;
let partnerOrg: string;
let applicationId: string;
let key: string;

const status = async (org: string) => (await api.call('GET', `/v2/datasources?org=${org}`, { key })).status;
const visible = async (org: string) =>
  (await api.call('GET', `/v2/datasources?org=${org}`, { key })).body.datasources
    ?.map((d: { datasourceId: string }) => d.datasourceId)
    .sort();

beforeEach(async () => {
  owner = await signIn(api, 'owner');
  partner = await signIn(api, 'partner');
  ownerOrg = await createOrg(api, owner, 'Owner Org');
  partnerOrg = await createOrg(api, partner, 'Partner Org');
  ({ applicationId, key } = await createApplication(api, ownerOrg, owner, 'Shared Dashboard'));
});

describe('applications', () => {
  it('the listing carries what the Applications table shows: key count and connected orgs by name, for 50 applications', async () => {
    await connect(api, partnerOrg, partner, applicationId, ['observer']);
    await connect(api, ownerOrg, owner, applicationId, ['observer']);
    expectStatus(
      await api.call('POST', `/admin/orgs/${ownerOrg}/applications/${applicationId}/keys`, { token: owner.token, body: {} }),
      201,
    );
    for (let index = 1; index < 50; index++) await createApplication(api, ownerOrg, owner, `App ${index}`);
    const answer = await api.call('GET', `/admin/orgs/${ownerOrg}/applications`, { token: owner.token });
    expectStatus(answer, 200);
    expect(answer.body.applications).toHaveLength(50);
    const shared = answer.body.applications.find(
      (application: { applicationId: string }) => application.applicationId === applicationId,
    );
    expect(shared).toMatchObject({ name: 'Shared Dashboard', keyCount: 2 });
    expect(
      [...shared.connections].sort((a: { orgName: string }, b: { orgName: string }) => a.orgName.localeCompare(b.orgName)),
    ).toEqual([
      { orgId: ownerOrg, orgName: 'Owner Org' },
      { orgId: partnerOrg, orgName: 'Partner Org' },
    ]);
    const others = answer.body.applications.filter(
      (application: { applicationId: string }) => application.applicationId !== applicationId,
    );
    expect(
      others.every(
        (application: { keyCount: number; connections: unknown[] }) =>
          application.keyCount === 1 && application.connections.length === 0,
      ),
    ).toBe(true);
    // A page of it carries the same.
    const page = await api.call('GET', `/admin/orgs/${ownerOrg}/applications?limit=10`, { token: owner.token });
    expect(page.body.applications).toHaveLength(10);
    expect(page.body.applications.every((application: { keyCount: number }) => application.keyCount >= 1)).toBe(true);
  });

  it("the owner org's admins see the application with its keys and the orgs that connected it", async () => {
    await connect(api, partnerOrg, partner, applicationId, ['observer']);
    const detail = await api.call('GET', `/admin/orgs/${ownerOrg}/applications/${applicationId}`, { token: owner.token });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ applicationId, name: 'Shared Dashboard', ownerOrgId: ownerOrg });
    expect(detail.body.keys).toEqual([expect.objectContaining({ hint: expect.stringMatching(/^dgk_\.\.\./), enabled: true })]);
    expect(detail.body.connections).toEqual([
      {
        orgId: partnerOrg,
        orgName: 'Partner Org',
        roles: ['observer'],
        connectedAt: expect.any(String),
        connectedBy: partner.email.toLowerCase(),
      },
    ]);
    // The connecting org is not the owner: it cannot read or change the application itself.
    expect(
      (await api.call('GET', `/admin/orgs/${partnerOrg}/applications/${applicationId}`, { token: partner.token })).status,
    ).toBe(404);
    expect(
      (await api.call('DELETE', `/admin/orgs/${partnerOrg}/applications/${applicationId}`, { token: partner.token })).status,
    ).toBe(404);
  });

  it('renaming shows in every org that connected it', async () => {
    await connect(api, partnerOrg, partner, applicationId, ['observer']);
    const renamed = await api.call('PATCH', `/admin/orgs/${ownerOrg}/applications/${applicationId}`, {
      token: owner.token,
      body: { name: 'Air Board' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Air Board');
    const connections = await api.call('GET', `/admin/orgs/${partnerOrg}/connections`, { token: partner.token });
    expect(connections.body.connections[0].applicationName).toBe('Air Board');
  });

  it("the connected applications' listing names the org that created each one (an extension), as it is named now", async () => {
    await connect(api, partnerOrg, partner, applicationId, ['observer']);
    const listed = async () =>
      (await api.call('GET', `/admin/orgs/${partnerOrg}/connections`, { token: partner.token })).body.connections[0];
    const ownerName = (await api.call('GET', `/admin/orgs/${ownerOrg}`, { token: owner.token })).body.name;
    expect(await listed()).toMatchObject({ ownerOrgId: ownerOrg, ownerOrgName: ownerName });
    expect(
      (await api.call('PATCH', `/admin/orgs/${ownerOrg}`, { token: owner.token, body: { name: 'Renamed Owner' } })).status,
    ).toBe(200);
    expect(await listed()).toMatchObject({ ownerOrgId: ownerOrg, ownerOrgName: 'Renamed Owner' });
  });

  it('deleting an application stops every key and removes it from every org it was connected to', async () => {
    await connect(api, ownerOrg, owner, applicationId, ['analyst']);
    await connect(api, partnerOrg, partner, applicationId, ['observer']);
    const second = await api.call('POST', `/admin/orgs/${ownerOrg}/applications/${applicationId}/keys`, {
      token: owner.token,
      body: {},
    });
    expect(await status(partnerOrg)).toBe(200);

    expect(
      (await api.call('DELETE', `/admin/orgs/${ownerOrg}/applications/${applicationId}`, { token: owner.token })).status,
    ).toBe(204);
    await eventually(async () => (await status(partnerOrg)) === 401, 10_000);
    expect((await api.call('GET', '/v2/whoami', { key: second.body.key })).status).toBe(401);
    for (const [org, admin] of [
      [ownerOrg, owner],
      [partnerOrg, partner],
    ] as const) {
      expect((await api.call('GET', `/admin/orgs/${org}/connections`, { token: admin.token })).body.connections).toEqual([]);
    }
    expect((await api.call('GET', `/admin/orgs/${ownerOrg}/applications`, { token: owner.token })).body.applications).toEqual([]);
    expect((await api.call('GET', `/admin/orgs/${ownerOrg}/applications/${applicationId}`, { token: owner.token })).status).toBe(
      404,
    );
    expect(
      (
        await api.call('POST', `/admin/orgs/${partnerOrg}/connections`, {
          token: partner.token,
          body: { applicationId, roles: ['guest'] },
        })
      ).status,
    ).toBe(404);
  });

  it('a deletion interrupted after its first step leaves nothing visible, and deleting again completes it', async () => {
    await connect(api, partnerOrg, partner, applicationId, ['observer']);
    // Simulate a crash right after step 1's tombstone (the keys are still there in this simulation).
    await updateNow(
      { PK: `APP#${applicationId}`, SK: 'APP' },
      { set: { deletedAt: new Date().toISOString() }, remove: ['GSI1PK', 'GSI1SK'] },
    );
    expect((await api.call('GET', `/admin/orgs/${partnerOrg}/connections`, { token: partner.token })).body.connections).toEqual(
      [],
    );
    expect((await api.call('GET', `/admin/orgs/${ownerOrg}/applications`, { token: owner.token })).body.applications).toEqual([]);
    expect(
      (await api.call('DELETE', `/admin/orgs/${ownerOrg}/applications/${applicationId}`, { token: owner.token })).status,
    ).toBe(204);
    await eventually(async () => (await status(partnerOrg)) === 401, 10_000);
    expect(
      (await api.call('DELETE', `/admin/orgs/${ownerOrg}/applications/${applicationId}`, { token: owner.token })).status,
    ).toBe(404);
    const events = (await api.call('GET', `/admin/orgs/${partnerOrg}/audit-events`, { token: partner.token })).body.events;
    expect(events[0]).toMatchObject({
      action: 'connection.delete',
      target: applicationId,
      details: { reason: 'application deleted' },
    });
  });
});

describe('connections', () => {
  it('two admins connecting the same application at once get one 201 and one 409', async () => {
    const second = await signIn(api, 'second');
    expectStatus(
      await api.call('POST', `/admin/orgs/${partnerOrg}/people`, {
        token: partner.token,
        body: { email: second.email, roles: ['admin'] },
      }),
      201,
    );
    expectStatus(await api.call('POST', `/admin/orgs/${partnerOrg}/people/accept`, { token: second.token }), 200);
    const answers = await Promise.all(
      [partner, second].map((admin) =>
        api.call('POST', `/admin/orgs/${partnerOrg}/connections`, {
          token: admin.token,
          body: { applicationId, roles: ['observer'] },
        }),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
    expect(
      (await api.call('GET', `/admin/orgs/${partnerOrg}/connections`, { token: partner.token })).body.connections,
    ).toHaveLength(1);
  });

  it("narrowing a connection to a guest's list takes effect within 10 s, and so does widening it", async () => {
    const listed = await createDatasource(api, partnerOrg, partner, 'Listed');
    const other = await createDatasource(api, partnerOrg, partner, 'Other');
    await connect(api, partnerOrg, partner, applicationId, ['observer']);
    expect(await visible(partnerOrg)).toEqual([listed, other].sort());

    const narrowed = await api.call('PATCH', `/admin/orgs/${partnerOrg}/connections/${applicationId}`, {
      token: partner.token,
      body: { roles: ['guest'], datasourceIds: [listed] },
    });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body).toMatchObject({ roles: ['guest'], datasourceIds: [listed] });
    await eventually(async () => JSON.stringify(await visible(partnerOrg)) === JSON.stringify([listed]), 10_000);

    const widened = await api.call('PATCH', `/admin/orgs/${partnerOrg}/connections/${applicationId}`, {
      token: partner.token,
      body: { roles: ['analyst'] },
    });
    expect(widened.body.datasourceIds).toBeUndefined();
    await eventually(async () => (await visible(partnerOrg))?.length === 2, 10_000);

    const invalid = await api.call('PATCH', `/admin/orgs/${partnerOrg}/connections/${applicationId}`, {
      token: partner.token,
      body: { datasourceIds: [listed] },
    });
    expect(invalid.status).toBe(400);
  });

  it('disconnecting ends access to that org within 10 s, and only to that org', async () => {
    await connect(api, ownerOrg, owner, applicationId, ['observer']);
    await connect(api, partnerOrg, partner, applicationId, ['observer']);
    expect(await status(partnerOrg)).toBe(200);
    expect(
      (await api.call('DELETE', `/admin/orgs/${partnerOrg}/connections/${applicationId}`, { token: partner.token })).status,
    ).toBe(204);
    await eventually(async () => (await status(partnerOrg)) === 403, 10_000);
    expect(await status(ownerOrg)).toBe(200);
    expect(
      (await api.call('DELETE', `/admin/orgs/${partnerOrg}/connections/${applicationId}`, { token: partner.token })).status,
    ).toBe(404);
    const detail = await api.call('GET', `/admin/orgs/${ownerOrg}/applications/${applicationId}`, { token: owner.token });
    expect(detail.body.connections.map((c: { orgId: string }) => c.orgId)).toEqual([ownerOrg]);
  });

  it('a key created after a connection carries it, and a connection made after a key reaches it', async () => {
    await connect(api, partnerOrg, partner, applicationId, ['observer']);
    const later = await api.call('POST', `/admin/orgs/${ownerOrg}/applications/${applicationId}/keys`, {
      token: owner.token,
      body: {},
    });
    expect((await api.call('GET', `/v2/datasources?org=${partnerOrg}`, { key: later.body.key })).status).toBe(200);
    const whoami = await api.call('GET', '/v2/whoami', { key: later.body.key });
    expect(whoami.body.orgs).toEqual([{ org: partnerOrg, roles: ['observer'] }]);
  });
});

describe('listings', () => {
  it('answer the whole list without limit; with limit they page by nextToken, which cannot cross orgs', async () => {
    for (const name of ['Second', 'Third']) {
      const created = await createApplication(api, ownerOrg, owner, name);
      await connect(api, partnerOrg, partner, created.applicationId, ['observer']);
    }
    await connect(api, partnerOrg, partner, applicationId, ['observer']);
    for (const [orgId, admin, path, field] of [
      [ownerOrg, owner, 'applications', 'applications'],
      [partnerOrg, partner, 'connections', 'connections'],
    ] as const) {
      const base = `/admin/orgs/${orgId}/${path}`;
      const whole = await api.call('GET', base, { token: admin.token });
      expect(whole.body[field]).toHaveLength(3);
      expect(whole.body).not.toHaveProperty('nextToken');

      const first = await api.call('GET', `${base}?limit=2`, { token: admin.token });
      expect(first.body[field]).toHaveLength(2);
      expect(first.body.nextToken).toEqual(expect.any(String));
      const second = await api.call('GET', `${base}?limit=2&nextToken=${encodeURIComponent(first.body.nextToken)}`, {
        token: admin.token,
      });
      expect(second.body[field]).toHaveLength(1);
      expect(second.body).not.toHaveProperty('nextToken');
      const ids = [...first.body[field], ...second.body[field]].map((item: { applicationId: string }) => item.applicationId);
      expect(new Set(ids).size).toBe(3);

      expect((await api.call('GET', `${base}?limit=0`, { token: admin.token })).status).toBe(400);
      expect((await api.call('GET', `${base}?limit=2&nextToken=garbage`, { token: admin.token })).status).toBe(400);
    }
    // A token of the partner's connections, replayed against the owner org's connections, is refused.
    const partnerPage = await api.call('GET', `/admin/orgs/${partnerOrg}/connections?limit=1`, { token: partner.token });
    await connect(api, ownerOrg, owner, applicationId, ['observer']);
    const crossed = await api.call(
      'GET',
      `/admin/orgs/${ownerOrg}/connections?limit=1&nextToken=${encodeURIComponent(partnerPage.body.nextToken)}`,
      { token: owner.token },
    );
    expect(crossed.status).toBe(400);
  });
});
