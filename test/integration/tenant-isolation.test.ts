import { routeList } from '../../functions/routes';
import { useTestApi, type ApiAnswer } from '../support/local-api';
import { captureOutput } from '../support/captured-output';
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

/**
 * Isolation between tenants: every `/admin` and `/v2` route, called with credentials that have
 * no business there, is refused, and the refusal shows nothing of what it protects. The callers:
 * - another org's admin (on org A's routes), and the admin of an org that merely connected an
 *   application (on the owner-only application routes);
 * - an API key on `/admin`, a person's JWT on `/v2`;
 * - a disconnected application, an application connected as guest reaching a datasource not
 *   on its list or an org it is not connected to, a key of a deleted application, and a
 *   continuation token issued to another application.
 * The first test fails when a route of the route table has no case here.
 */

const api = useTestApi();

/** In the name of everything the outsiders must not see: no refusal may contain it. */
const MARK = `isolated${Math.random().toString(36).slice(2, 10)}`;

interface World {
  orgA: string;
  adminA: Member;
  orgB: string;
  adminB: Member;
  /** Owned by A, connected to A as admin: the legitimate caller the outsiders are compared with. */
  insider: { applicationId: string; key: string; keyId: string };
  /** Owned by B, connected to A as guest with only `listed` on its list. */
  guest: { applicationId: string; key: string; keyId: string };
  /** Owned by A, connected to A, then disconnected. */
  disconnected: { key: string };
  /** Owned by A, connected to A, then deleted. */
  deleted: { key: string };
  listed: string;
  unlisted: string;
  /** A continuation token issued to the insider. */
  insiderToken: string;
  /** A report requested by the insider. */
  insiderReport: string;
}

let world: World;

beforeAll(async () => {
  const adminA = await signIn(api, 'iso-a');
  const orgA = await createOrg(api, adminA, `A ${MARK}`);
  const adminB = await signIn(api, 'iso-b');
  const orgB = await createOrg(api, adminB, `B ${MARK}`);
  const listed = await createDatasource(api, orgA, adminA, `listed ${MARK}`);
  const unlisted = await createDatasource(api, orgA, adminA, `unlisted ${MARK}`);
  const insider = await createApplication(api, orgA, adminA, `insider ${MARK}`);
  await connect(api, orgA, adminA, insider.applicationId, ['admin']);
  const guest = await createApplication(api, orgB, adminB, `guest ${MARK}`);
  await connect(api, orgA, adminA, guest.applicationId, ['guest'], [listed]);
  const disconnected = await createApplication(api, orgA, adminA, `disconnected ${MARK}`);
  await connect(api, orgA, adminA, disconnected.applicationId, ['admin']);
  expectStatus(
    await api.call('DELETE', `/admin/orgs/${orgA}/connections/${disconnected.applicationId}`, { token: adminA.token }),
    204,
  );
  const deleted = await createApplication(api, orgA, adminA, `deleted ${MARK}`);
  await connect(api, orgA, adminA, deleted.applicationId, ['admin']);
  expectStatus(
    await api.call('DELETE', `/admin/orgs/${orgA}/applications/${deleted.applicationId}`, { token: adminA.token }),
    204,
  );
  const query = await api.call('POST', '/v2/recent-datasource-measurements-query', {
    key: insider.key,
    body: { org: orgA, allDatasources: true, replyWithContinuationToken: true },
  });
  expectStatus(query, 200);
  const report = await api.call('POST', '/v2/report-requests', {
    key: insider.key,
    body: { org: orgA, report: 'datasource-measurements', outputFrequency: 'hour', allDatasources: true, ...reportWindow() },
  });
  expectStatus(report, 200);
  world = {
    orgA,
    adminA,
    orgB,
    adminB,
    insider,
    guest,
    disconnected,
    deleted,
    listed,
    unlisted,
    insiderToken: query.headers.get('x-clarity-continuation-token')!,
    insiderReport: report.body.reportId,
  };
  // Revocations (disconnect, delete) reach the data API within the caches' bound.
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.KEY_CACHE_TTL_SECONDS ?? 5) * 1000 + 200));
});

interface Attempt {
  who: string;
  method: string;
  path: string;
  token?: string;
  key?: string;
  body?: unknown;
  /** The refusal expected. */
  status: 400 | 401 | 403 | 404;
  /** This attempt's answer must equal (status and body) the one of the attempt just before it. */
  sameAs?: 0;
}

/** The last day, as a report window. */
function reportWindow() {
  const endTime = new Date();
  return { startTime: new Date(endTime.getTime() - 86_400_000).toISOString(), endTime: endTime.toISOString() };
}

/** A report poll by callers other than the application that requested it. */
const reportPoll =
  (path: (w: World) => string): Cases =>
  (w) => [
    { who: 'another application connected to the org (as guest)', method: 'GET', path: path(w), key: w.guest.key, status: 404 },
    { who: 'a disconnected application', method: 'GET', path: path(w), key: w.disconnected.key, status: 404 },
    { who: 'a key of a deleted application', method: 'GET', path: path(w), key: w.deleted.key, status: 401 },
    { who: "a person's JWT on /v2", method: 'GET', path: path(w), token: w.adminA.token, status: 401 },
  ];

/** A datasource id of the server's shape that names nothing. */
const MADE_UP_DATASOURCE = 'ds_000000000000000000000000';

type Cases = (w: World) => Attempt[];

const A = (w: World) => `/admin/orgs/${w.orgA}`;
const outsiderAdmin = (w: World, method: string, path: string, body?: unknown): Attempt => ({
  who: "another org's admin",
  method,
  path,
  token: w.adminB.token,
  body,
  status: 404,
});
const keyOnAdmin = (w: World, method: string, path: string, body?: unknown): Attempt => ({
  who: 'an API key on /admin',
  method,
  path,
  key: w.insider.key,
  body,
  status: 401,
});
/** The connecting org's admin on an application it does not own, through its own org's path. */
const connectingAdmin = (w: World, method: string, suffix: string, body?: unknown): Attempt => ({
  who: 'the admin of an org that only connected the application',
  method,
  path: `/admin/orgs/${w.orgA}/applications/${w.guest.applicationId}${suffix}`,
  token: w.adminA.token,
  body,
  status: 404,
});
const orgRoute =
  (method: string, suffix: string, body?: unknown): Cases =>
  (w) => [outsiderAdmin(w, method, `${A(w)}${suffix}`, body), keyOnAdmin(w, method, `${A(w)}${suffix}`, body)];
const applicationRoute =
  (method: string, suffix: string, body?: unknown): Cases =>
  (w) => [
    outsiderAdmin(w, method, `${A(w)}/applications/${w.insider.applicationId}${suffix}`, body),
    // B's admin naming B's org but A's application: ownership is checked, not just membership.
    {
      ...outsiderAdmin(w, method, `/admin/orgs/${w.orgB}/applications/${w.insider.applicationId}${suffix}`, body),
      who: "another org's admin, through its own org",
    },
    connectingAdmin(w, method, suffix, body),
    keyOnAdmin(w, method, `${A(w)}/applications/${w.insider.applicationId}${suffix}`, body),
  ];

/** The application callers with no business in org A (or in that datasource), on a `/v2` call. */
function dataOutsiders(
  w: World,
  call: {
    method: string;
    path: (org: string, datasourceId: string) => string;
    body?: (org: string, datasourceId: string) => unknown;
  },
  guestRefusal: { status: 400 | 403 | 404 } | 'allowed',
  { otherOrg = 403, disconnected = 403 }: { otherOrg?: 400 | 403; disconnected?: 400 | 403 } = {},
): Attempt[] {
  const at = (
    who: string,
    key: string | undefined,
    org: string,
    datasourceId: string,
    status: Attempt['status'],
    token?: string,
  ): Attempt => ({
    who,
    method: call.method,
    path: call.path(org, datasourceId),
    key,
    token,
    body: call.body?.(org, datasourceId),
    status,
  });
  return [
    at('a disconnected application', w.disconnected.key, w.orgA, w.listed, disconnected),
    at('a key of a deleted application', w.deleted.key, w.orgA, w.listed, 401),
    at("a person's JWT on /v2", undefined, w.orgA, w.listed, 401, w.adminA.token),
    at('an application in an org it is not connected to (its own owner org)', w.guest.key, w.orgB, w.listed, otherOrg),
    ...(guestRefusal === 'allowed'
      ? []
      : [
          at('a guest reaching a datasource not on its list', w.guest.key, w.orgA, w.unlisted, guestRefusal.status),
          // The same answer as for a datasource that does not exist at all: nothing tells them apart.
          {
            ...at(
              'a guest naming a datasource that does not exist',
              w.guest.key,
              w.orgA,
              MADE_UP_DATASOURCE,
              guestRefusal.status,
            ),
            sameAs: 0 as const,
          },
        ]),
  ];
}

const CASES: Record<string, Cases> = {
  createOrg: (w) => [keyOnAdmin(w, 'POST', '/admin/orgs', { name: 'x' })],
  listOrgs: (w) => [keyOnAdmin(w, 'GET', '/admin/orgs')],
  // Every signed-in person lists their own invitations (the route reads the token's email); an API key is no person.
  listInvitations: (w) => [keyOnAdmin(w, 'GET', '/admin/invitations')],
  getOrg: orgRoute('GET', ''),
  updateOrg: orgRoute('PATCH', '', { name: 'taken over' }),
  listPeople: orgRoute('GET', '/people'),
  invitePerson: orgRoute('POST', '/people', { email: 'intruder@example.org', roles: ['admin'] }),
  acceptInvitation: orgRoute('POST', '/people/accept'),
  updatePerson: (w) => orgRoute('PATCH', `/people/${encodeURIComponent(w.adminA.email)}`, { roles: ['observer'] })(w),
  removePerson: (w) => orgRoute('DELETE', `/people/${encodeURIComponent(w.adminA.email)}`)(w),
  createApplication: orgRoute('POST', '/applications', { name: 'planted' }),
  listApplications: orgRoute('GET', '/applications'),
  getApplication: applicationRoute('GET', ''),
  updateApplication: applicationRoute('PATCH', '', { name: 'renamed' }),
  deleteApplication: applicationRoute('DELETE', ''),
  // Generous limits: a refusal that let them through would lift the insider's throttling.
  setApplicationLimits: applicationRoute('PUT', '/limits', { requestsPerSecond: 5000, burst: 5000, requestsPerDay: 1_000_000 }),
  listKeys: applicationRoute('GET', '/keys'),
  createKey: applicationRoute('POST', '/keys', {}),
  regenerateKey: (w) => applicationRoute('POST', `/keys/${w.insider.keyId}/regenerate`, {})(w),
  updateKey: (w) => applicationRoute('PATCH', `/keys/${w.insider.keyId}`, { enabled: false })(w),
  deleteKey: (w) => applicationRoute('DELETE', `/keys/${w.insider.keyId}`)(w),
  getApplicationUsage: applicationRoute('GET', '/usage'),
  // Only the owner ends a connection: the connected org itself (A, on B's guest application) is refused too.
  endConnection: (w) => applicationRoute('DELETE', `/connections/${w.orgA}`)(w),
  createConnection: (w) => orgRoute('POST', '/connections', { applicationId: w.insider.applicationId, roles: ['admin'] })(w),
  listConnections: orgRoute('GET', '/connections'),
  updateConnection: (w) => orgRoute('PATCH', `/connections/${w.insider.applicationId}`, { roles: ['guest'], reportShare: 0 })(w),
  deleteConnection: (w) => orgRoute('DELETE', `/connections/${w.insider.applicationId}`)(w),
  getConnectionUsage: (w) => orgRoute('GET', `/connections/${w.insider.applicationId}/usage`)(w),
  createDatasource: orgRoute('POST', '/datasources', { name: 'planted' }),
  listDatasources: orgRoute('GET', '/datasources'),
  updateDatasource: (w) => orgRoute('PATCH', `/datasources/${w.unlisted}`, { name: 'renamed' })(w),
  retireDatasource: (w) => orgRoute('DELETE', `/datasources/${w.unlisted}`)(w),
  getDatasourceReadings: (w) => orgRoute('GET', `/datasources/${w.listed}/readings`)(w),
  listAuditEvents: orgRoute('GET', '/audit-events'),

  v2ListDatasources: (w) => dataOutsiders(w, { method: 'GET', path: (org) => `/v2/datasources?org=${org}` }, 'allowed'),
  v2GetDatasource: (w) =>
    dataOutsiders(w, { method: 'GET', path: (org, ds) => `/v2/datasources/${ds}?org=${org}` }, { status: 404 }),
  v2UpdateDatasource: (w) =>
    dataOutsiders(
      w,
      {
        method: 'PATCH',
        path: (org, ds) => `/v2/datasources/${ds}?org=${org}`,
        body: () => ({ orgAnnotations: { name: 'renamed' } }),
      },
      { status: 403 },
    ),
  v2IngestMeasurements: (w) =>
    dataOutsiders(
      w,
      {
        method: 'POST',
        path: (_org, ds) => `/v2/datasources/${ds}/measurements`,
        body: (org) => ({ org, measurements: [{ time: new Date().toISOString(), metrics: { pm2_5ConcMass: 1 } }] }),
      },
      { status: 403 },
    ),
  v2QueryRecentMeasurements: (w) =>
    dataOutsiders(
      w,
      {
        method: 'POST',
        path: () => '/v2/recent-datasource-measurements-query',
        body: (org, ds) => ({ org, datasourceIds: [ds] }),
      },
      { status: 400 },
    ),
  v2ContinueRecentMeasurements: (w) => [
    ...dataOutsiders(
      w,
      {
        method: 'POST',
        path: () => '/v2/recent-datasource-measurements-continuation',
        body: (org) => ({ org, continuationToken: w.insiderToken }),
      },
      'allowed',
    ),
    {
      who: "an application presenting another application's continuation token",
      method: 'POST',
      path: '/v2/recent-datasource-measurements-continuation',
      key: w.guest.key,
      body: { org: w.orgA, continuationToken: w.insiderToken },
      status: 400,
    },
  ],
  // Revoking one's own key is every valid key's right; the outsiders are the keys that are not valid.
  v2RevokeKey: (w) => [
    { who: 'a key of a deleted application', method: 'POST', path: '/v2/keys/revoke', key: w.deleted.key, status: 401 },
    { who: "a person's JWT on /v2", method: 'POST', path: '/v2/keys/revoke', token: w.adminA.token, status: 401 },
  ],
  v2ListMetrics: (w) => [
    { who: 'a key of a deleted application', method: 'GET', path: '/v2/metrics', key: w.deleted.key, status: 401 },
    { who: "a person's JWT on /v2", method: 'GET', path: '/v2/metrics', token: w.adminA.token, status: 401 },
  ],
  v2RequestReport: (w) =>
    dataOutsiders(
      w,
      {
        method: 'POST',
        path: () => '/v2/report-requests',
        body: (org, ds) => ({
          org,
          report: 'datasource-measurements',
          outputFrequency: 'hour',
          datasourceIds: [ds],
          ...reportWindow(),
        }),
      },
      { status: 400 },
    ),
  v2GetReport: reportPoll((w) => `/v2/report-requests/${w.insiderReport}?org=${w.orgA}`),
  v2GetReportSingular: reportPoll((w) => `/v2/report-request/${w.insiderReport}`),
  v2Whoami: (w) => [
    { who: 'a key of a deleted application', method: 'GET', path: '/v2/whoami', key: w.deleted.key, status: 401 },
    { who: "a person's JWT on /v2", method: 'GET', path: '/v2/whoami', token: w.adminA.token, status: 401 },
  ],
};

const guarded = routeList.filter((route) => route.path.startsWith('/admin') || route.path.startsWith('/v2'));

describe('tenant isolation', () => {
  it('has outsider cases for every /admin and /v2 route of the route table', () => {
    const missing = guarded.map((route) => route.operationId).filter((name) => !(name in CASES));
    expect(missing).toEqual([]);
  });

  it.each(guarded.map((route) => [`${route.method} ${route.path}`, route.operationId] as const))(
    '%s refuses every outsider and shows none of what it protects',
    async (_name, operationId) => {
      const cases = CASES[operationId];
      if (!cases) throw new Error(`no isolation cases for ${operationId}`);
      const attempts = cases(world);
      expect(attempts.length).toBeGreaterThan(0);
      let previous: ApiAnswer | undefined;
      for (const attempt of attempts) {
        const answer: ApiAnswer = await api.call(attempt.method, attempt.path, {
          token: attempt.token,
          key: attempt.key,
          body: attempt.body,
        });
        const seen = {
          who: attempt.who,
          path: attempt.path,
          status: answer.status,
          leaks: JSON.stringify(answer.body ?? '').includes(MARK),
        };
        expect(seen).toEqual({ who: attempt.who, path: attempt.path, status: attempt.status, leaks: false });
        expect({ who: attempt.who, code: typeof answer.body?.code, message: typeof answer.body?.message }).toEqual({
          who: attempt.who,
          code: 'string',
          message: 'string',
        });
        if (attempt.sameAs === 0) {
          // Each answer may echo the id its caller sent; apart from that they must be identical.
          const echo = (body: unknown, id: string) => JSON.stringify(body ?? '').replaceAll(id, '<id>');
          expect({ who: attempt.who, status: answer.status, body: echo(answer.body, MADE_UP_DATASOURCE) }).toEqual({
            who: attempt.who,
            status: previous?.status,
            body: echo(previous?.body, world.unlisted),
          });
        }
        previous = answer;
      }
    },
  );
});

/** An org with its admin, made through the API. */
async function newOrg(name: string): Promise<{ orgId: string; admin: Member }> {
  const admin = await signIn(api, name);
  return { orgId: await createOrg(api, admin, `${name} ${MARK}`), admin };
}

const connectAs = (org: { orgId: string; admin: Member }, applicationId: string, roles = ['observer']) =>
  api.call('POST', `/admin/orgs/${org.orgId}/connections`, { token: org.admin.token, body: { applicationId, roles } });

describe("an application's owner decides who connects it", () => {
  it('owner-only: another org is refused (403 connection_not_allowed), the owner connects', async () => {
    const owner = await newOrg('policy-owner');
    const other = await newOrg('policy-other');
    const app = await createApplication(api, owner.orgId, owner.admin, 'Owner only');
    const changed = await api.call('PATCH', `/admin/orgs/${owner.orgId}/applications/${app.applicationId}`, {
      token: owner.admin.token,
      body: { connectPolicy: 'owner-only' },
    });
    expectStatus(changed, 200);
    expect(changed.body).toMatchObject({ connectPolicy: 'owner-only', name: 'Owner only' });
    const refused = await connectAs(other, app.applicationId);
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 403, code: 'connection_not_allowed' });
    expectStatus(await connectAs(owner, app.applicationId), 201);
    // The refusal wrote nothing: the other org lists no connection.
    const listed = await api.call('GET', `/admin/orgs/${other.orgId}/connections`, { token: other.admin.token });
    expect(listed.body.connections).toEqual([]);
  });

  it('listed: the listed orgs and the owner connect, any other is refused', async () => {
    const owner = await newOrg('listed-owner');
    const partner = await newOrg('listed-partner');
    const stranger = await newOrg('listed-stranger');
    const app = await createApplication(api, owner.orgId, owner.admin, 'Listed');
    const changed = await api.call('PATCH', `/admin/orgs/${owner.orgId}/applications/${app.applicationId}`, {
      token: owner.admin.token,
      body: { connectPolicy: 'listed', allowedOrgs: [partner.orgId, partner.orgId] },
    });
    expectStatus(changed, 200);
    expect(changed.body).toMatchObject({ connectPolicy: 'listed', allowedOrgs: [partner.orgId] });
    expectStatus(await connectAs(partner, app.applicationId), 201);
    expect((await connectAs(stranger, app.applicationId)).body.code).toBe('connection_not_allowed');
    expectStatus(await connectAs(owner, app.applicationId), 201);
    const detail = await api.call('GET', `/admin/orgs/${owner.orgId}/applications/${app.applicationId}`, {
      token: owner.admin.token,
    });
    expect(detail.body).toMatchObject({ connectPolicy: 'listed', allowedOrgs: [partner.orgId] });
  });

  it('refuses allowedOrgs without the listed policy, and a body that changes nothing', async () => {
    const owner = await newOrg('policy-bad');
    const app = await createApplication(api, owner.orgId, owner.admin, 'Bad policy');
    const path = `/admin/orgs/${owner.orgId}/applications/${app.applicationId}`;
    for (const body of [
      { connectPolicy: 'anyone', allowedOrgs: [owner.orgId] },
      { allowedOrgs: [owner.orgId] },
      { connectPolicy: 'everyone' },
      {},
    ]) {
      const answer = await api.call('PATCH', path, { token: owner.admin.token, body });
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
    }
  });

  it('a policy change leaves existing connections in place; the owner ends one, audited in both orgs, and the data API follows within 10 s', async () => {
    const owner = await newOrg('end-owner');
    const guest = await newOrg('end-guest');
    const app = await createApplication(api, owner.orgId, owner.admin, 'Ended');
    expectStatus(await connectAs(guest, app.applicationId), 201);
    expectStatus(
      await api.call('PATCH', `/admin/orgs/${owner.orgId}/applications/${app.applicationId}`, {
        token: owner.admin.token,
        body: { connectPolicy: 'owner-only' },
      }),
      200,
    );
    const read = () => api.call('GET', `/v2/datasources?org=${guest.orgId}`, { key: app.key });
    expectStatus(await read(), 200);
    // The connected org cannot end it through the owner's route, nor can it reconnect once ended.
    expectStatus(
      await api.call('DELETE', `/admin/orgs/${guest.orgId}/applications/${app.applicationId}/connections/${guest.orgId}`, {
        token: guest.admin.token,
      }),
      404,
    );
    expectStatus(
      await api.call('DELETE', `/admin/orgs/${owner.orgId}/applications/${app.applicationId}/connections/${guest.orgId}`, {
        token: owner.admin.token,
      }),
      204,
    );
    await eventually(async () => (await read()).status === 403);
    expect((await connectAs(guest, app.applicationId)).body.code).toBe('connection_not_allowed');
    for (const org of [owner, guest]) {
      const events = (await api.call('GET', `/admin/orgs/${org.orgId}/audit-events`, { token: org.admin.token })).body.events;
      expect(events).toContainEqual(
        expect.objectContaining({
          action: 'connection.delete',
          target: app.applicationId,
          actor: { type: 'person', id: owner.admin.email },
          details: expect.objectContaining({ orgId: guest.orgId, endedBy: 'owner' }),
        }),
      );
    }
    // Ended already: 404, and nothing else is written.
    expectStatus(
      await api.call('DELETE', `/admin/orgs/${owner.orgId}/applications/${app.applicationId}/connections/${guest.orgId}`, {
        token: owner.admin.token,
      }),
      404,
    );
  });
});

describe("no org can exhaust what another org's application holds", () => {
  it("a guest's datasourceIds hold each id once, and at most 100 distinct ids", async () => {
    const owner = await newOrg('dedupe-owner');
    const ds = await createDatasource(api, owner.orgId, owner.admin, `repeated ${MARK}`);
    const app = await createApplication(api, owner.orgId, owner.admin, 'Dedupe');
    const connected = await api.call('POST', `/admin/orgs/${owner.orgId}/connections`, {
      token: owner.admin.token,
      body: { applicationId: app.applicationId, roles: ['guest'], datasourceIds: Array.from({ length: 150 }, () => ds) },
    });
    expectStatus(connected, 201);
    expect(connected.body.datasourceIds).toEqual([ds]);
    const distinct = Array.from({ length: 101 }, (_, i) => `ds_${String(i).padStart(24, '0')}`);
    const refused = await api.call('PATCH', `/admin/orgs/${owner.orgId}/connections/${app.applicationId}`, {
      token: owner.admin.token,
      body: { datasourceIds: distinct },
    });
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 400, code: 'validation_error' });
  });
});

describe('hardening: headers, tokens, logs', () => {
  it('every answer carries nosniff and a correlation id, gateway refusals included', async () => {
    const answers: Record<string, ApiAnswer> = {
      'a handler answer': await api.call('GET', '/health'),
      'the OpenAPI document': await api.call('GET', '/openapi.json'),
      'no key on /v2 (401 from the gateway)': await api.call('GET', '/v2/whoami'),
      'a mistyped key (401 from the authorizer)': await api.call('GET', '/v2/whoami', { key: 'dgk_mistyped' }),
      'an unknown route (404 from the gateway)': await api.call('GET', '/no/such/route'),
      'a handler refusal': await api.call('GET', `/admin/orgs/${world.orgA}`, { token: world.adminB.token }),
    };
    for (const [name, answer] of Object.entries(answers)) {
      expect({ name, nosniff: answer.headers.get('x-content-type-options'), id: answer.headers.get('x-correlation-id') }).toEqual(
        {
          name,
          nosniff: 'nosniff',
          id: expect.stringMatching(/^[\w-]{8,}$/),
        },
      );
    }
    const echoed = await api.call('GET', '/v2/whoami', { headers: { 'X-Correlation-Id': 'caller-123' } });
    expect({ status: echoed.status, id: echoed.headers.get('x-correlation-id') }).toEqual({ status: 401, id: 'caller-123' });
  });

  it('a throttled request (429 from the usage plan) carries them too', async () => {
    const app = await createApplication(api, world.orgA, world.adminA, `throttled ${MARK}`);
    expectStatus(
      await api.call('PUT', `/admin/orgs/${world.orgA}/applications/${app.applicationId}/limits`, {
        token: world.adminA.token,
        body: { requestsPerSecond: 1, burst: 1, requestsPerDay: 1000 },
      }),
      200,
    );
    const answers = await Promise.all(Array.from({ length: 6 }, () => api.call('GET', '/v2/whoami', { key: app.key })));
    const throttled = answers.find((answer) => answer.status === 429);
    expect(throttled?.headers.get('x-content-type-options')).toBe('nosniff');
    expect(throttled?.headers.get('x-correlation-id')).toEqual(expect.any(String));
  });

  it('/docs forbids framing and anything but its own files (Content-Security-Policy)', async () => {
    const page = await fetch(`${api.url}/docs`);
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("default-src 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('an altered page token is 400, never 500', async () => {
    const token = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
    const A = `/admin/orgs/${world.orgA}`;
    const attempts = [
      `${A}/datasources?limit=1&nextToken=${token({ SK: 'A', PK: `ORG#${world.orgA}` })}`,
      `${A}/datasources?limit=1&nextToken=${token({ PK: `ORG#${world.orgA}`, SK: `CONN#${world.insider.applicationId}` })}`,
      `${A}/connections?limit=1&nextToken=${token({ PK: `ORG#${world.orgA}`, SK: '' })}`,
      `${A}/applications?limit=1&nextToken=${token({ GSI1PK: `OWNER#${world.orgA}`, GSI1SK: 'A' })}`,
      `${A}/audit-events?limit=1&nextToken=${token({ PK: `AUDIT#${world.orgA}`, SK: 'evt_x', GSI1PK: 'x' })}`,
      `${A}/audit-events?limit=1&nextToken=${token({ PK: `AUDIT#${world.orgB}`, SK: 'evt_x' })}`,
    ];
    for (const path of attempts) {
      const answer = await api.call('GET', path, { token: world.adminA.token });
      expect({ path, status: answer.status, code: answer.body.code }).toEqual({ path, status: 400, code: 'bad_request' });
    }
  });

  it("a person's JWT without exp is 401", async () => {
    const email = `endless.${MARK}@example.org`;
    const endless = await api.runtime.server.issuer.issueToken({ email, ttlSeconds: null });
    const answer = await api.call('GET', '/admin/orgs', { token: endless });
    expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 401, code: 'unauthorized' });
    expectStatus(await api.call('GET', '/admin/orgs', { token: await api.tokenFor(email) }), 200);
  });

  it('the leaked-key endpoint checks the signature before it reads the body: an unsigned body of any shape is 401', async () => {
    for (const rawBody of ['{"token":', '{"token":"x"}', '[]', 'not json at all']) {
      const answer = await api.call('POST', '/secret-scanning/leaked-keys', {
        rawBody,
        headers: { 'Content-Type': 'application/json' },
      });
      expect({ rawBody, status: answer.status }).toEqual({ rawBody, status: 401 });
    }
  });

  it('a key pasted into a URL, a query string or a correlation id never reaches a log line', async () => {
    const output = captureOutput();
    try {
      await api.call('GET', `/v2/datasources/${world.insider.key}?org=${world.orgA}&apiKey=${world.insider.key}`, {
        key: world.insider.key,
      });
      await api.call('GET', `/admin/orgs/${world.insider.key}`, { token: world.adminA.token });
      await api.call('GET', '/v2/whoami', { key: world.insider.key, headers: { 'X-Correlation-Id': world.insider.key } });
      await api.call('GET', `/no/route/${world.insider.key}`);
    } finally {
      output.restore();
    }
    expect(output.logs('request').length).toBeGreaterThan(0);
    expect(output.text()).not.toContain(world.insider.key.slice(4));
  });
});
