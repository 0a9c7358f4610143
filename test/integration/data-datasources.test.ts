import { useTestApi } from '../support/local-api';
import { dataOrg, ingest, minutesAgo, ROLE_NAMES, type DataOrg } from '../support/data-api';
import { connect, createApplication, createDatasource, createOrg, signIn } from '../support/scenario';

/** GET and PATCH of /v2/datasources: visibility per grant, and who may edit annotations. */

const api = useTestApi();
let org: DataOrg;
beforeAll(async () => {
  org = await dataOrg(api);
});

describe('v2 datasources', () => {
  it("lists the org's datasources in Clarity's shape; a guest sees only its list", async () => {
    const listed = await api.call('GET', `/v2/datasources?org=${org.orgId}&unknownOption=1`, { key: org.keys.observer });
    expect(listed.status).toBe(200);
    expect(listed.body.subscribingOrg).toBe(org.orgId);
    expect(listed.body.datasources.map((d: { datasourceId: string }) => d.datasourceId).sort()).toEqual(
      [...org.datasources].sort(),
    );
    const first = listed.body.datasources[0];
    expect(first).toEqual({
      datasourceId: expect.stringMatching(/^ds_/),
      currentSubscriptionId: expect.stringMatching(/^sub_/),
      currentSourceId: expect.stringMatching(/^src_/),
      sourceType: 'CLARITY_NODE',
      orgAnnotations: { name: expect.any(String), group: 'North', tags: ['t'] },
    });
    // Datagate's own, stable values: the same in every answer, different per datasource.
    const again = await api.call('GET', `/v2/datasources?org=${org.orgId}`, { key: org.keys.admin });
    expect(again.body.datasources.find((d: { datasourceId: string }) => d.datasourceId === first.datasourceId)).toEqual(first);
    expect(new Set(listed.body.datasources.map((d: { currentSourceId: string }) => d.currentSourceId)).size).toBe(
      listed.body.datasources.length,
    );
    const guest = await api.call('GET', `/v2/datasources?org=${org.orgId}`, { key: org.keys.guest });
    expect(guest.body.datasources.map((d: { datasourceId: string }) => d.datasourceId)).toEqual([org.datasources[0]]);
  });

  it('always shows orgAnnotations.group, null for a datasource created without one (list, get and PATCH), as Clarity does', async () => {
    const datasourceId = await createDatasource(api, org.orgId, org.admin, 'No group');
    const listed = await api.call('GET', `/v2/datasources?org=${org.orgId}`, { key: org.keys.observer });
    expect(listed.body.datasources.find((d: { datasourceId: string }) => d.datasourceId === datasourceId)).toMatchObject({
      datasourceId,
      sourceType: 'CLARITY_NODE',
      orgAnnotations: { name: 'No group', group: null, tags: [] },
    });
    const one = await api.call('GET', `/v2/datasources/${datasourceId}?org=${org.orgId}`, { key: org.keys.observer });
    expect(one.body.datasource.orgAnnotations).toEqual([{ org: org.orgId, name: 'No group', group: null, tags: [] }]);
    const patched = await api.call('PATCH', `/v2/datasources/${datasourceId}?org=${org.orgId}`, {
      key: org.keys.analyst,
      body: { orgAnnotations: { tags: ['roof'] } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.orgAnnotations).toEqual({ name: 'No group', group: null, tags: ['roof'] });
  });

  it("reads one datasource in the shape of Clarity's per-datasource details (with location and createdAt); 404 outside the grant or the org", async () => {
    const one = await api.call('GET', `/v2/datasources/${org.datasources[1]}?org=${org.orgId}`, { key: org.keys.analyst });
    expect(one.status).toBe(200);
    const listed = await api.call('GET', `/v2/datasources?org=${org.orgId}`, { key: org.keys.analyst });
    const summary = listed.body.datasources.find((d: { datasourceId: string }) => d.datasourceId === org.datasources[1]);
    const createdAt = one.body.datasource.createdAt;
    expect(one.body).toEqual({
      datasource: {
        datasourceId: org.datasources[1],
        sourceType: 'CLARITY_NODE',
        currentSourceId: summary.currentSourceId,
        currentSubscriptionId: summary.currentSubscriptionId,
        openData: { isOpen: false },
        orgAnnotations: [{ org: org.orgId, name: 'Site 1', group: 'North', tags: ['t'] }],
        sourceHistory: [{ sourceId: summary.currentSourceId, startTime: createdAt }],
        accessToMeasurements: [{ startTime: createdAt }],
        subscriptionHistory: [{ subscriptionId: summary.currentSubscriptionId, subscriptionType: 'licensed', timePeriodStart: createdAt }],
        location: { lat: 51, lon: 5 },
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    });
    expect(
      (await api.call('GET', `/v2/datasources/${org.datasources[1]}?org=${org.orgId}`, { key: org.keys.guest })).status,
    ).toBe(404);
    expect(
      (await api.call('GET', `/v2/datasources/${org.datasources[0]}?org=${org.orgId}`, { key: org.keys.guest })).status,
    ).toBe(200);
    const other = await dataOrg(api, 1);
    expect(
      (await api.call('GET', `/v2/datasources/${other.datasources[0]}?org=${org.orgId}`, { key: org.keys.admin })).status,
    ).toBe(404);
    expect((await api.call('GET', `/v2/datasources/nonsense?org=${org.orgId}`, { key: org.keys.admin })).status).toBe(404);
  });

  it('requires org (400) and a connection to it (403)', async () => {
    expect((await api.call('GET', '/v2/datasources', { key: org.keys.admin })).status).toBe(400);
    expect((await api.call('GET', `/v2/datasources/${org.datasources[0]}`, { key: org.keys.admin })).status).toBe(400);
    const stranger = await signIn(api, 'stranger');
    const elsewhere = await createOrg(api, stranger, 'Elsewhere');
    const unconnected = await createApplication(api, elsewhere, stranger, 'Unconnected');
    expect((await api.call('GET', `/v2/datasources?org=${org.orgId}`, { key: unconnected.key })).status).toBe(403);
    expect(
      (await api.call('GET', `/v2/datasources/${org.datasources[0]}?org=${org.orgId}`, { key: unconnected.key })).status,
    ).toBe(403);
  });

  it.each(ROLE_NAMES)('PATCH of annotations by a %s grant', async (role) => {
    const answer = await api.call('PATCH', `/v2/datasources/${org.datasources[0]}?org=${org.orgId}`, {
      key: org.keys[role],
      body: { orgAnnotations: { name: `Renamed by ${role}`, tags: [role] }, ignored: true },
    });
    if (['admin', 'technician', 'analyst'].includes(role)) {
      expect(answer.status).toBe(200);
      expect(answer.body.orgAnnotations).toEqual({ name: `Renamed by ${role}`, group: 'North', tags: [role] });
    } else {
      expect(answer.status).toBe(403);
    }
  });

  it('PATCH refuses an empty change (400) and an unknown datasource (404), and is audited with the application as actor', async () => {
    const path = `/v2/datasources/${org.datasources[1]}?org=${org.orgId}`;
    expect((await api.call('PATCH', path, { key: org.keys.admin, body: { orgAnnotations: {} } })).status).toBe(400);
    const other = await dataOrg(api, 1);
    const foreign = await api.call('PATCH', `/v2/datasources/${other.datasources[0]}?org=${org.orgId}`, {
      key: org.keys.admin,
      body: { orgAnnotations: { name: 'x' } },
    });
    expect(foreign.status).toBe(404);
    expect((await api.call('PATCH', path, { key: org.keys.admin, body: { orgAnnotations: { group: 'South' } } })).status).toBe(
      200,
    );
    const audit = await api.call('GET', `/admin/orgs/${org.orgId}/audit-events`, { token: org.admin.token });
    expect(audit.body.events[0]).toMatchObject({
      action: 'datasource.update',
      actor: { type: 'application' },
      target: org.datasources[1],
    });
  });

  it('a retired datasource leaves the admin listing and the data API at once; retiring is audited (extension)', async () => {
    const datasourceId = await createDatasource(api, org.orgId, org.admin);
    const guest = await createApplication(api, org.orgId, org.admin, 'Retire guest');
    await connect(api, org.orgId, org.admin, guest.applicationId, ['guest'], [datasourceId]);
    const v2 = (key: string) => api.call('GET', `/v2/datasources/${datasourceId}?org=${org.orgId}`, { key });
    expect((await v2(org.keys.observer)).status).toBe(200);
    expect((await v2(guest.key)).status).toBe(200);
    await ingest(api, org, datasourceId, [{ time: minutesAgo(1), metrics: { pm2_5ConcMass: 3 } }]);

    const path = `/admin/orgs/${org.orgId}/datasources/${datasourceId}`;
    expect((await api.call('DELETE', path, { token: org.admin.token })).status).toBe(204);
    expect((await api.call('DELETE', path, { token: org.admin.token })).status).toBe(404);

    const listed = await api.call('GET', `/admin/orgs/${org.orgId}/datasources?limit=1000`, { token: org.admin.token });
    expect(listed.body.datasources.map((d: { datasourceId: string }) => d.datasourceId)).not.toContain(datasourceId);
    expect((await v2(org.keys.observer)).status).toBe(404);
    expect((await v2(guest.key)).status).toBe(404);
    const guestList = await api.call('GET', `/v2/datasources?org=${org.orgId}`, { key: guest.key });
    expect(guestList.body.datasources).toEqual([]);
    const upload = await api.call('POST', `/v2/datasources/${datasourceId}/measurements?org=${org.orgId}`, {
      key: org.keys.technician,
      body: { measurements: [{ time: minutesAgo(0), metrics: { pm2_5ConcMass: 4 } }] },
    });
    expect(upload.status).toBe(404);
    const audit = await api.call('GET', `/admin/orgs/${org.orgId}/audit-events`, { token: org.admin.token });
    expect(audit.body.events[0]).toMatchObject({ action: 'datasource.retire', target: datasourceId, actor: { type: 'person' } });
  });
});
