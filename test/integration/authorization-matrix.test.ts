import { routes, type RouteName } from '../../functions/routes';
import { allows, type Role } from '../../functions/core/orgs/roles';
import type { PersonRoute } from '../../functions/core/http/route';
import { startTestApi, type TestApi } from '../support/local-api';
import {
  connect,
  createApplication,
  createDatasource,
  createOrg,
  expectStatus,
  orgWithPeople,
  signIn,
  type Member,
  type OrgWithPeople,
} from '../support/scenario';

/**
 * Who may call what: for every /admin route, each of the five roles, an admin of another org,
 * a pending invitee and an anonymous caller, the expected status. The expectations are generated
 * from each route row's declared `permission` and success status; this file only says how to
 * call each route. The first test fails if a route of the route table has no call.
 */

type Caller = 'admin' | 'technician' | 'analyst' | 'observer' | 'guest' | 'otherOrgAdmin' | 'pendingInvitee' | 'anonymous';
const CALLERS: Caller[] = ['admin', 'technician', 'analyst', 'observer', 'guest', 'otherOrgAdmin', 'pendingInvitee', 'anonymous'];

interface Context {
  org: OrgWithPeople;
  applicationId: string;
  keyId: string;
  datasourceId: string;
}

interface Call {
  path: string;
  body?: unknown;
  /** Call as someone else than the row's caller (the accept row needs a fresh invitee each time). */
  as?: Member;
}

interface Row {
  /** Only where the row's permission cannot say it all (an invitation's acceptance). */
  expect?: Record<Caller, number>;
  call: (context: Context, caller: Caller) => Promise<Call> | Call;
}

const ROLES: Role[] = ['admin', 'technician', 'analyst', 'observer', 'guest'];

/** What the route row declares, as statuses: its permission decides each caller's answer. */
function expected(route: PersonRoute): Record<Caller, number> {
  const success = Number(Object.keys(route.responses).find((status) => Number(status) < 300));
  const { permission } = route;
  if (permission === 'invitee') throw new Error(`${route.operationId}: an invitee route needs explicit expectations`);
  if (permission === 'signedIn') {
    return { ...Object.fromEntries(CALLERS.map((caller) => [caller, success])), anonymous: 401 } as Record<Caller, number>;
  }
  return {
    ...(Object.fromEntries(ROLES.map((role) => [role, allows([role], permission) ? success : 403])) as Record<Role, number>),
    otherOrgAdmin: 404,
    pendingInvitee: 403,
    anonymous: 401,
  };
}

let api: TestApi;
const fresh = {
  email: () => `fresh.${Math.random().toString(36).slice(2, 10)}@example.org`,
  application: async ({ org }: Context) => createApplication(api, org.orgId, org.admin, 'Fresh'),
  invitation: async ({ org }: Context) => {
    const email = fresh.email();
    expectStatus(
      await api.call('POST', `/admin/orgs/${org.orgId}/people`, { token: org.admin.token, body: { email, roles: ['guest'] } }),
      201,
    );
    return email;
  },
};

const o = (context: Context) => `/admin/orgs/${context.org.orgId}`;
const app = (context: Context, applicationId = context.applicationId) => `${o(context)}/applications/${applicationId}`;

const MATRIX: Partial<Record<RouteName, Row>> = {
  listInvitations: { call: () => ({ path: '/admin/invitations' }) },
  createOrg: { call: () => ({ path: '/admin/orgs', body: { name: 'Matrix' } }) },
  listOrgs: { call: () => ({ path: '/admin/orgs' }) },
  getOrg: { call: (c) => ({ path: o(c) }) },
  updateOrg: { call: (c) => ({ path: o(c), body: { name: 'Matrix Org' } }) },
  listPeople: { call: (c) => ({ path: `${o(c)}/people` }) },
  invitePerson: {
    call: (c) => ({ path: `${o(c)}/people`, body: { email: fresh.email(), roles: ['observer'] } }),
  },
  acceptInvitation: {
    // Members have nothing to accept (409); a stranger has no invitation (404).
    expect: {
      admin: 409,
      technician: 409,
      analyst: 409,
      observer: 409,
      guest: 409,
      otherOrgAdmin: 404,
      pendingInvitee: 200,
      anonymous: 401,
    },
    call: async (c, caller) => {
      if (caller !== 'pendingInvitee') return { path: `${o(c)}/people/accept` };
      const email = await fresh.invitation(c);
      return { path: `${o(c)}/people/accept`, as: { email, token: await api.tokenFor(email) } };
    },
  },
  updatePerson: {
    call: async (c) => ({
      path: `${o(c)}/people/${encodeURIComponent(await fresh.invitation(c))}`,
      body: { roles: ['analyst'] },
    }),
  },
  removePerson: {
    call: async (c) => ({ path: `${o(c)}/people/${encodeURIComponent(await fresh.invitation(c))}` }),
  },
  createApplication: { call: (c) => ({ path: `${o(c)}/applications`, body: { name: 'Matrix App' } }) },
  listApplications: { call: (c) => ({ path: `${o(c)}/applications` }) },
  getApplication: { call: (c) => ({ path: app(c) }) },
  updateApplication: { call: (c) => ({ path: app(c), body: { name: 'Renamed' } }) },
  deleteApplication: {
    call: async (c) => ({ path: app(c, (await fresh.application(c)).applicationId) }),
  },
  setApplicationLimits: {
    call: async (c) => ({
      path: `${app(c, (await fresh.application(c)).applicationId)}/limits`,
      body: { requestsPerSecond: 1000, burst: 2000, requestsPerDay: 100000000 },
    }),
  },
  listKeys: { call: (c) => ({ path: `${app(c)}/keys` }) },
  getApplicationUsage: { call: (c) => ({ path: `${app(c)}/usage` }) },
  createKey: {
    call: async (c) => ({ path: `${app(c, (await fresh.application(c)).applicationId)}/keys`, body: {} }),
  },
  regenerateKey: {
    call: async (c) => {
      const { applicationId, keyId } = await fresh.application(c);
      return { path: `${app(c, applicationId)}/keys/${keyId}/regenerate`, body: {} };
    },
  },
  updateKey: { call: (c) => ({ path: `${app(c)}/keys/${c.keyId}`, body: { label: 'matrix' } }) },
  deleteKey: {
    call: async (c) => {
      const { applicationId, keyId } = await fresh.application(c);
      return { path: `${app(c, applicationId)}/keys/${keyId}` };
    },
  },
  createConnection: {
    call: async (c) => ({
      path: `${o(c)}/connections`,
      body: { applicationId: (await fresh.application(c)).applicationId, roles: ['observer'] },
    }),
  },
  listConnections: { call: (c) => ({ path: `${o(c)}/connections` }) },
  getConnectionUsage: { call: (c) => ({ path: `${o(c)}/connections/${c.applicationId}/usage` }) },
  updateConnection: {
    call: (c) => ({ path: `${o(c)}/connections/${c.applicationId}`, body: { roles: ['observer'], reportShare: 10 } }),
  },
  endConnection: {
    call: async (c) => {
      const { applicationId } = await fresh.application(c);
      await connect(api, c.org.orgId, c.org.admin, applicationId, ['observer']);
      return { path: `${app(c, applicationId)}/connections/${c.org.orgId}` };
    },
  },
  deleteConnection: {
    call: async (c) => {
      const { applicationId } = await fresh.application(c);
      await connect(api, c.org.orgId, c.org.admin, applicationId, ['observer']);
      return { path: `${o(c)}/connections/${applicationId}` };
    },
  },
  createDatasource: {
    call: (c) => ({ path: `${o(c)}/datasources`, body: { name: 'Matrix Site' } }),
  },
  listDatasources: { call: (c) => ({ path: `${o(c)}/datasources` }) },
  updateDatasource: {
    call: (c) => ({ path: `${o(c)}/datasources/${c.datasourceId}`, body: { tags: ['matrix'] } }),
  },
  getDatasourceReadings: {
    // The guest's list is empty: its permission lets it in, the datasource is not on its list.
    expect: {
      admin: 200,
      technician: 200,
      analyst: 200,
      observer: 200,
      guest: 404,
      otherOrgAdmin: 404,
      pendingInvitee: 403,
      anonymous: 401,
    },
    call: (c) => ({ path: `${o(c)}/datasources/${c.datasourceId}/readings` }),
  },
  retireDatasource: {
    call: async (c) => ({ path: `${o(c)}/datasources/${await createDatasource(api, c.org.orgId, c.org.admin)}` }),
  },
  listAuditEvents: { call: (c) => ({ path: `${o(c)}/audit-events` }) },
};

const adminRoutes = (Object.keys(routes) as RouteName[]).filter((name) => routes[name].path.startsWith('/admin'));

let context: Context;
const tokens = {} as Record<Caller, string | undefined>;

beforeAll(async () => {
  api = await startTestApi();
  const org = await orgWithPeople(api, 'Matrix');
  const { applicationId, keyId } = await createApplication(api, org.orgId, org.admin, 'Matrix App');
  await connect(api, org.orgId, org.admin, applicationId, ['observer']);
  const datasourceId = await createDatasource(api, org.orgId, org.admin);
  context = { org, applicationId, keyId, datasourceId };

  const outsider = await signIn(api, 'outsider');
  await createOrg(api, outsider, 'Outsider Org');
  const pending = await signIn(api, 'pending');
  expectStatus(
    await api.call('POST', `/admin/orgs/${org.orgId}/people`, {
      token: org.admin.token,
      body: { email: pending.email, roles: ['admin'] },
    }),
    201,
  );
  for (const role of ['admin', 'technician', 'analyst', 'observer', 'guest'] as const) tokens[role] = org.members[role].token;
  tokens.otherOrgAdmin = outsider.token;
  tokens.pendingInvitee = pending.token;
  tokens.anonymous = undefined;
}, 60_000);

afterAll(async () => {
  await api?.stop();
});

describe('the authorization matrix of the admin API', () => {
  it('has a row for every /admin route of the route table', () => {
    expect(Object.keys(MATRIX).sort()).toEqual([...adminRoutes].sort());
  });

  describe.each(adminRoutes)('%s', (name) => {
    it.each(CALLERS)('as %s', async (caller) => {
      const row = MATRIX[name];
      if (!row) throw new Error(`no matrix row for ${name}`);
      const call = await row.call(context, caller);
      const token = call.as?.token ?? tokens[caller];
      const answer = await api.call(routes[name].method, call.path, {
        token,
        ...(call.body !== undefined ? { body: call.body } : {}),
      });
      const status = row.expect?.[caller] ?? expected(routes[name] as PersonRoute)[caller];
      expect({ route: name, caller, status: answer.status }).toEqual({ route: name, caller, status });
      if (answer.status >= 400)
        expect(answer.body).toEqual(expect.objectContaining({ message: expect.any(String), code: expect.any(String) }));
    });
  });
});
