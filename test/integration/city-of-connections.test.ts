import { datasourceKey } from '../../functions/core/datasources/datasources';
import { keyLookupKey, digestApiKey, MAX_GRANT_SNAPSHOT_BYTES } from '../../functions/core/applications';
import { newId } from '../../functions/core/platform/ids';
import { batchPutEach, getNow } from '../../functions/core/store/table';
import { useTestApi } from '../support/local-api';
import { createApplication, createOrg, eventually, expectStatus, signIn } from '../support/scenario';

/**
 * No org can exhaust what another's application holds, through HTTP: an application connected by
 * a city's worth of orgs (100, each as a guest of 100 datasources: grants far beyond what one
 * key's snapshot holds) is connected by one more org, and reads each org's data, its own list
 * there and nothing else; a disconnection still reaches the data API within 10 seconds.
 *
 * The 10,100 datasources are written straight to the table (an HTTP create each would take
 * minutes on a loaded machine); orgs, connections and every read go through HTTP.
 */

const api = useTestApi();
const ORGS = 100;
const PER_ORG = 100;

jest.setTimeout(600_000);

describe('an application connected by a city of orgs', () => {
  let key: string;
  let applicationId: string;
  let city: { email: string; token: string };
  const orgs: { orgId: string; datasourceIds: string[] }[] = [];

  async function orgWithDatasources(name: string) {
    const orgId = await createOrg(api, city, name);
    const datasourceIds = Array.from({ length: PER_ORG }, () => newId('datasource'));
    const createdAt = new Date().toISOString();
    const { failure } = await batchPutEach(
      datasourceIds,
      (datasourceId) => ({
        ...datasourceKey(orgId, datasourceId),
        type: 'datasource',
        datasourceId,
        orgId,
        sourceType: 'CLARITY_NODE',
        name: `Site ${datasourceId.slice(-4)}`,
        tags: [],
        createdAt,
      }),
      { concurrency: 4 },
    );
    expect(failure).toBeUndefined();
    return { orgId, datasourceIds };
  }

  const connectAsGuest = (org: { orgId: string; datasourceIds: string[] }) =>
    api.call('POST', `/admin/orgs/${org.orgId}/connections`, {
      token: city.token,
      body: { applicationId, roles: ['guest'], datasourceIds: org.datasourceIds },
    });

  beforeAll(async () => {
    const owner = await signIn(api, 'vendor');
    const ownerOrg = await createOrg(api, owner, 'Vendor');
    ({ key, applicationId } = await createApplication(api, ownerOrg, owner, 'City dashboard'));
    city = await signIn(api, 'city');
    for (let index = 0; index < ORGS; index++) {
      const org = await orgWithDatasources(`District ${index}`);
      expectStatus(await connectAsGuest(org), 201);
      orgs.push(org);
    }
  });

  it('is connected by one more org: its keys no longer carry the grants, each request reads its org’s', async () => {
    const another = await orgWithDatasources('One more district');
    const connected = await connectAsGuest(another);
    expectStatus(connected, 201);
    expect(connected.body.datasourceIds).toHaveLength(PER_ORG);
    orgs.push(another);
    // The key's lookup is small: the grants outgrew the snapshot, which says so instead.
    const lookup = await getNow(keyLookupKey(digestApiKey(key)), { consistent: true });
    expect(lookup).toMatchObject({ grants: {}, grantsPerOrg: true });
    expect(JSON.stringify(lookup).length).toBeLessThan(MAX_GRANT_SNAPSHOT_BYTES / 10);
  });

  it("reads each org's data: exactly the datasources of its guest list there", async () => {
    expect(orgs).toHaveLength(ORGS + 1);
    for (const org of orgs) {
      const answer = await api.call('GET', `/v2/datasources?org=${org.orgId}`, { key });
      expectStatus(answer, 200);
      const ids = answer.body.datasources.map((datasource: { datasourceId: string }) => datasource.datasourceId).sort();
      expect({ org: org.orgId, ids }).toEqual({ org: org.orgId, ids: [...org.datasourceIds].sort() });
    }
    const detail = await api.call('GET', `/v2/datasources/${orgs[5]!.datasourceIds[7]}?org=${orgs[5]!.orgId}`, { key });
    expectStatus(detail, 200);
    // Another org's datasource named under this org's grant is not there.
    const crossed = await api.call('GET', `/v2/datasources/${orgs[6]!.datasourceIds[0]}?org=${orgs[5]!.orgId}`, { key });
    expect(crossed.status).toBe(404);
  });

  it('is refused where it is not connected, and a disconnection reaches the data API within 10 seconds', async () => {
    const stranger = await createOrg(api, city, 'Not connected');
    const refused = await api.call('GET', `/v2/datasources?org=${stranger}`, { key });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ message: expect.any(String), code: 'forbidden' });

    const leaving = orgs[42]!;
    expectStatus(await api.call('GET', `/v2/datasources?org=${leaving.orgId}`, { key }), 200);
    expectStatus(
      await api.call('DELETE', `/admin/orgs/${leaving.orgId}/connections/${applicationId}`, { token: city.token }),
      204,
    );
    await eventually(async () => (await api.call('GET', `/v2/datasources?org=${leaving.orgId}`, { key })).status === 403, 10_000);
    // The others still read.
    expectStatus(await api.call('GET', `/v2/datasources?org=${orgs[43]!.orgId}`, { key }), 200);
  });
});
