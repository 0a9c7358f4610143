import { attachLocalUsagePlans, type ApplicationLimits } from '../../functions/core/applications';
import { useTestApi } from '../support/local-api';
import { connect, createApplication, createOrg, signIn, type Member } from '../support/scenario';

/**
 * The usage-plan protocol through HTTP: the admin routes that create an application, set its
 * limits and delete it each make one call into the domain, which applies or removes the
 * application's plan through the port (here the local router's limiter, as under `npm start`;
 * API Gateway in AWS) and rolls a creation back when the plan cannot be made.
 */

const api = useTestApi();

type PlanCall = ['apply', string, ApplicationLimits] | ['remove', string];

describe('the usage-plan protocol (one call per route, the rollback in the domain)', () => {
  let admin: Member;
  let orgId: string;
  const calls: PlanCall[] = [];
  let failApply = false;
  let detach: () => void;

  beforeAll(async () => {
    admin = await signIn(api, 'plans-admin');
    orgId = await createOrg(api, admin, 'Plans');
    // A second limiter beside the router's: it records what the protocol asks of the port.
    detach = attachLocalUsagePlans({
      apply: (applicationId, limits) => {
        if (failApply) return Promise.reject(new Error('the gateway refused'));
        calls.push(['apply', applicationId, limits]);
        return Promise.resolve();
      },
      remove: (applicationId) => {
        calls.push(['remove', applicationId]);
        return Promise.resolve();
      },
    });
  });
  afterAll(() => detach());
  beforeEach(() => {
    calls.length = 0;
    failApply = false;
  });

  test('creating an application applies its plan with the default limits; setting limits applies the new ones, and the local limiter enforces them at once', async () => {
    const app = await createApplication(api, orgId, admin, 'Planned');
    expect(calls).toEqual([['apply', app.applicationId, { requestsPerSecond: 1000, burst: 2000, requestsPerDay: 100000000 }]]);

    const limits = { requestsPerSecond: 2, burst: 2, requestsPerDay: 100000 };
    const set = await api.call('PUT', `/admin/orgs/${orgId}/applications/${app.applicationId}/limits`, {
      token: admin.token,
      body: limits,
    });
    expect(set.status).toBe(200);
    expect(calls.at(-1)).toEqual(['apply', app.applicationId, limits]);

    await connect(api, orgId, admin, app.applicationId, ['observer']);
    const answers = await Promise.all(Array.from({ length: 3 }, () => api.call('GET', '/v2/whoami', { key: app.key })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 429]);
  });

  test('deleting an application removes its plan', async () => {
    const app = await createApplication(api, orgId, admin, 'Short-lived');
    const deleted = await api.call('DELETE', `/admin/orgs/${orgId}/applications/${app.applicationId}`, { token: admin.token });
    expect(deleted.status).toBe(204);
    expect(calls.at(-1)).toEqual(['remove', app.applicationId]);
  });

  test('when the plan cannot be made, the creation is 503 and leaves no application and no plan behind', async () => {
    failApply = true;
    const answer = await api.call('POST', `/admin/orgs/${orgId}/applications`, { token: admin.token, body: { name: 'Refused' } });
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    expect(answer.headers.get('retry-after')).toBe('1');
    const listing = await api.call('GET', `/admin/orgs/${orgId}/applications`, { token: admin.token });
    expect(listing.status).toBe(200);
    expect(listing.body.applications.map((item: { name: string }) => item.name)).not.toContain('Refused');
    // What was made of the plan is removed too, for the application that was deleted again.
    expect(calls).toEqual([['remove', expect.stringMatching(/^app_/)]]);
  });
});
