import type { Role } from '../../functions/core/orgs/roles';
import type { TestApi } from './local-api';
import { connect, createApplication, expectStatus, signIn, createOrg, type Member } from './scenario';

/**
 * Builders for data API tests: an org with located datasources and one connected application
 * per role, and helpers to ingest and query through HTTP.
 */

export interface DataOrg {
  orgId: string;
  admin: Member;
  datasources: string[];
  /** API key of an application connected with exactly that role (the guest lists datasources[0]). */
  keys: Record<Role, string>;
}

export const ROLE_NAMES: Role[] = ['admin', 'technician', 'analyst', 'observer', 'guest'];

export async function dataOrg(api: TestApi, datasourceCount = 2): Promise<DataOrg> {
  const admin = await signIn(api, 'admin');
  const orgId = await createOrg(api, admin, 'Data org');
  const datasources: string[] = [];
  for (let index = 0; index < datasourceCount; index++) {
    const answer = await api.call('POST', `/admin/orgs/${orgId}/datasources`, {
      token: admin.token,
      body: { name: `Site ${index}`, group: 'North', tags: ['t'], location: { lat: 50 + (index % 40), lon: 4 + (index % 170) } },
    });
    expectStatus(answer, 201);
    datasources.push(answer.body.datasourceId);
  }
  const keys = {} as Record<Role, string>;
  for (const role of ROLE_NAMES) {
    const app = await createApplication(api, orgId, admin, `${role} app`);
    await connect(api, orgId, admin, app.applicationId, [role], role === 'guest' ? [datasources[0]!] : undefined);
    keys[role] = app.key;
  }
  return { orgId, admin, datasources, keys };
}

export type Metrics = Record<string, number>;

export async function ingest(
  api: TestApi,
  org: DataOrg,
  datasourceId: string,
  measurements: { time: string; metrics: Metrics }[],
) {
  const answer = await api.call('POST', `/v2/datasources/${datasourceId}/measurements`, {
    key: org.keys.technician,
    body: { org: org.orgId, measurements },
  });
  expectStatus(answer, 202);
}

export const minutesAgo = (minutes: number, now = Date.now()) => new Date(now - minutes * 60_000).toISOString();
