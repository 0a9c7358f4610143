import { useTestApi } from '../support/local-api';
import { connect, createApplication, createOrg, signIn, type Member } from '../support/scenario';

const api = useTestApi();

describe('application limits (requests a second, burst, requests a day)', () => {
  let admin: Member;
  let orgId: string;
  let app: { applicationId: string; key: string };
  const limitsPath = () => `/admin/orgs/${orgId}/applications/${app.applicationId}/limits`;
  const whoami = () => api.call('GET', '/v2/whoami', { key: app.key });

  beforeAll(async () => {
    admin = await signIn(api, 'limits-admin');
    orgId = await createOrg(api, admin, 'Limits');
    app = await createApplication(api, orgId, admin, 'Limited');
    await connect(api, orgId, admin, app.applicationId, ['observer']);
  });

  test('a new application has the deployment defaults, visible in GET /v2/whoami', async () => {
    const answer = await whoami();
    expect(answer.status).toBe(200);
    expect(answer.body.limits).toEqual({ requestsPerSecond: 1000, burst: 2000, requestsPerDay: 100000000 });
  });

  test('limited to 5 a second, the sixth request at once is 429 with Retry-After in the contract body; raising the limit takes effect', async () => {
    const set = await api.call('PUT', limitsPath(), {
      token: admin.token,
      body: { requestsPerSecond: 5, burst: 5, requestsPerDay: 100000 },
    });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ requestsPerSecond: 5, burst: 5, requestsPerDay: 100000 });

    // Six at once, as a client bursting would: the bucket holds five.
    const answers = await Promise.all(Array.from({ length: 6 }, () => whoami()));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 200, 200, 200, 429]);
    const sixth = answers.find((answer) => answer.status === 429)!;
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(sixth.body).toEqual({ message: expect.any(String), code: 'throttled' });
    expect(answers.find((answer) => answer.status === 200)!.body.limits).toEqual({
      requestsPerSecond: 5,
      burst: 5,
      requestsPerDay: 100000,
    });

    const raised = await api.call('PUT', limitsPath(), {
      token: admin.token,
      body: { requestsPerSecond: 50, burst: 50, requestsPerDay: 100000 },
    });
    expect(raised.status).toBe(200);
    const after = await Promise.all(Array.from({ length: 10 }, () => whoami()));
    expect(after.map((answer) => answer.status)).toEqual(Array(10).fill(200));
  });

  test("the application's detail shows its limits in force and whether they are the deployment's defaults", async () => {
    const fresh = await createApplication(api, orgId, admin, 'Detailed');
    const detailPath = `/admin/orgs/${orgId}/applications/${fresh.applicationId}`;
    const before = await api.call('GET', detailPath, { token: admin.token });
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({
      limits: { requestsPerSecond: 1000, burst: 2000, requestsPerDay: 100000000 },
      limitsAreDefaults: true,
    });
    const limits = { requestsPerSecond: 7, burst: 9, requestsPerDay: 4321 };
    expect((await api.call('PUT', `${detailPath}/limits`, { token: admin.token, body: limits })).status).toBe(200);
    const after = await api.call('GET', detailPath, { token: admin.token });
    expect(after.body).toMatchObject({ limits, limitsAreDefaults: false });
    // Limits equal to the defaults, once set, are the application's own: a later change of the defaults leaves them.
    const asDefaults = { requestsPerSecond: 1000, burst: 2000, requestsPerDay: 100000000 };
    expect((await api.call('PUT', `${detailPath}/limits`, { token: admin.token, body: asDefaults })).status).toBe(200);
    expect((await api.call('GET', detailPath, { token: admin.token })).body).toMatchObject({
      limits: asDefaults,
      limitsAreDefaults: false,
    });
  });

  test('over its requests a day an application gets 429 with Retry-After', async () => {
    const daily = await createApplication(api, orgId, admin, 'Daily');
    const set = await api.call('PUT', `/admin/orgs/${orgId}/applications/${daily.applicationId}/limits`, {
      token: admin.token,
      body: { requestsPerSecond: 100, burst: 100, requestsPerDay: 3 },
    });
    expect(set.status).toBe(200);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await api.call('GET', '/v2/whoami', { key: daily.key }));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
    expect(Number(answers[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(answers[3]!.body.code).toBe('throttled');
  });

  test('only an admin of the owner org may set or read limits; bad limits are 400', async () => {
    const stranger = await signIn(api, 'limits-stranger');
    const strangerOrg = await createOrg(api, stranger, 'Elsewhere');
    const foreign = await api.call('PUT', `/admin/orgs/${strangerOrg}/applications/${app.applicationId}/limits`, {
      token: stranger.token,
      body: { requestsPerSecond: 1000, burst: 1000, requestsPerDay: 1000 },
    });
    expect(foreign.status).toBe(404);
    const notMember = await api.call('PUT', limitsPath(), {
      token: stranger.token,
      body: { requestsPerSecond: 1, burst: 1, requestsPerDay: 1 },
    });
    expect(notMember.status).toBe(404);
    // Nor may they read them: the detail that carries the limits is the owner's admins' only.
    for (const path of [`/admin/orgs/${strangerOrg}/applications/${app.applicationId}`, limitsPath().replace(/\/limits$/, '')]) {
      const read = await api.call('GET', path, { token: stranger.token });
      expect(read.status).toBe(404);
      expect(JSON.stringify(read.body)).not.toContain('requestsPerSecond');
    }
    const bad = await api.call('PUT', limitsPath(), {
      token: admin.token,
      body: { requestsPerSecond: 0, burst: 5, requestsPerDay: 10 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_error');
  });

  test('setting limits writes an audit event', async () => {
    const events = await api.call('GET', `/admin/orgs/${orgId}/audit-events?limit=100`, { token: admin.token });
    expect(
      events.body.events.filter((event: { action: string }) => event.action === 'application.limits').length,
    ).toBeGreaterThanOrEqual(2);
  });
});
