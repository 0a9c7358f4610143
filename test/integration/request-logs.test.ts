import { useTestApi } from '../support/local-api';
import { captureOutput, metricValue, type CapturedOutput } from '../support/captured-output';
import { connect, createApplication, createDatasource, createOrg, signIn, type Member } from '../support/scenario';

const api = useTestApi();

describe('what a request writes, through the local runtime', () => {
  let admin: Member;
  let orgId: string;
  let app: { applicationId: string; key: string; keyId: string };
  let datasourceId: string;
  let output: CapturedOutput | undefined;

  beforeAll(async () => {
    admin = await signIn(api, 'logs-admin');
    orgId = await createOrg(api, admin, 'Logs');
    app = await createApplication(api, orgId, admin, 'Logged app');
    await connect(api, orgId, admin, app.applicationId, ['technician']);
    datasourceId = await createDatasource(api, orgId, admin, 'Logged site');
  });
  afterEach(() => output?.restore());

  test('a /v2 call: the authorizer line and the handler line share the request id, carry the ids, and never the key', async () => {
    output = captureOutput();
    const answer = await api.call('GET', `/v2/datasources?org=${orgId}`, {
      key: app.key,
      headers: { 'X-Correlation-Id': 'dash-poll-1' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-correlation-id')).toBe('dash-poll-1');

    const [authorizer] = output.logs('authorizer');
    const [request] = output.logs('request');
    expect(request).toMatchObject({
      level: 'INFO',
      route: 'v2ListDatasources',
      status: 200,
      org: orgId,
      applicationId: app.applicationId,
      keyId: app.keyId,
      correlationId: 'dash-poll-1',
      latencyMs: expect.any(Number),
      requestId: expect.any(String),
    });
    expect(authorizer).toMatchObject({
      route: 'api-key-authorizer',
      decision: 'allow',
      applicationId: app.applicationId,
      requestId: request!.requestId,
    });
    expect(['hit', 'miss']).toContain(authorizer!.outcome);
    expect(output.text()).not.toContain(app.key);
  });

  test('an /admin call names the person by sub, and the token appears nowhere', async () => {
    output = captureOutput();
    const answer = await api.call('GET', `/admin/orgs/${orgId}`, { token: admin.token });
    expect(answer.status).toBe(200);
    const [request] = output.logs('request');
    expect(request).toMatchObject({ route: 'getOrg', status: 200, org: orgId, sub: expect.any(String) });
    expect(request!.applicationId).toBeUndefined();
    expect(answer.headers.get('x-correlation-id')).toBe(request!.correlationId);
    expect(output.text()).not.toContain(admin.token);
    expect(output.text()).not.toContain(admin.token.split('.')[2]!);
  });

  test('an ingest counts its measurements; a refused grant and an unknown key are counted too', async () => {
    output = captureOutput();
    const now = Math.floor(Date.now() / 60_000) * 60_000;
    const measurements = [1, 2, 3].map((minutes) => ({
      time: new Date(now - minutes * 60_000).toISOString(),
      metrics: { pm2_5ConcMass: minutes },
    }));
    const ingest = await api.call('POST', `/v2/datasources/${datasourceId}/measurements`, {
      key: app.key,
      body: { org: orgId, measurements },
    });
    expect(ingest.status).toBe(202);
    const ingestMetrics = output.metrics().find((emf) => emf.route === 'v2IngestMeasurements');
    expect(metricValue(ingestMetrics!, 'MeasurementsIngested')).toBe(3);

    const otherAdmin = await signIn(api, 'logs-other');
    const otherOrg = await createOrg(api, otherAdmin, 'Other');
    const refused = await api.call('GET', `/v2/datasources?org=${otherOrg}`, { key: app.key });
    expect(refused.status).toBe(403);
    const refusedMetrics = output.metrics().find((emf) => emf.route === 'v2ListDatasources' && emf.statusClass === '4xx');
    expect(metricValue(refusedMetrics!, 'GrantsRefused')).toBe(1);

    const unknown = await api.call('GET', `/v2/whoami`, { key: 'dgk_not_a_real_key' });
    expect(unknown.status).toBe(401);
    const verification = output
      .metrics()
      .filter((emf) => metricValue(emf, 'Verifications') === 1)
      .map((emf) => emf.outcome);
    expect(verification).toContain('badChecksum');
  });

  test('continuation tokens issued and refused are counted', async () => {
    output = captureOutput();
    const query = await api.call('POST', '/v2/recent-datasource-measurements-query', {
      key: app.key,
      body: { org: orgId, allDatasources: true, replyWithContinuationToken: true },
    });
    expect(query.status).toBe(200);
    const refused = await api.call('POST', '/v2/recent-datasource-measurements-continuation', {
      key: app.key,
      body: { org: orgId, continuationToken: `${query.headers.get('x-clarity-continuation-token')}x` },
    });
    expect(refused.status).toBe(400);
    const byRoute = (route: string) => output!.metrics().find((emf) => emf.route === route)!;
    expect(metricValue(byRoute('v2QueryRecentMeasurements'), 'ContinuationTokensIssued')).toBe(1);
    expect(metricValue(byRoute('v2ContinueRecentMeasurements'), 'ContinuationTokensRefused')).toBe(1);
  });
});
