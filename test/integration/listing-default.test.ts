import { useTestApi } from '../support/local-api';
import { createDatasource, createOrg, signIn } from '../support/scenario';

/**
 * What the OpenAPI descriptions of the admin listings say (issue 15: they used to promise a
 * default page of 100): without `limit` a listing answers the whole list, past 100 items.
 */

const api = useTestApi();

describe('an admin listing without limit', () => {
  it('answers all of 101 datasources, without a nextToken; with limit=100 it pages', async () => {
    const admin = await signIn(api, 'lister');
    const orgId = await createOrg(api, admin, 'Busy Org');
    for (let index = 0; index < 101; index++) await createDatasource(api, orgId, admin, `Site ${index}`);
    const whole = await api.call('GET', `/admin/orgs/${orgId}/datasources`, { token: admin.token });
    expect(whole.status).toBe(200);
    expect(whole.body.datasources).toHaveLength(101);
    expect(whole.body).not.toHaveProperty('nextToken');
    const page = await api.call('GET', `/admin/orgs/${orgId}/datasources?limit=100`, { token: admin.token });
    expect(page.body.datasources).toHaveLength(100);
    expect(typeof page.body.nextToken).toBe('string');
  });
});
