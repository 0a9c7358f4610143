import { useTestApi } from '../support/local-api';
import { dataOrg, ingest, minutesAgo, type DataOrg } from '../support/data-api';

/**
 * Replays what public Clarity v2 clients send (headers, bodies, query parameters; see the
 * research notes) with only the base URL changed, and checks the shapes they parse.
 */

const api = useTestApi();
let org: DataOrg;
beforeAll(async () => {
  org = await dataOrg(api, 2);
  for (const datasourceId of org.datasources) {
    await ingest(api, org, datasourceId, [
      { time: minutesAgo(3), metrics: { pm2_5ConcMass: 7.5, pm10ConcMass: 9 } },
      { time: minutesAgo(70), metrics: { pm2_5ConcMass: 8.5, pm10ConcMass: 10 } },
    ]);
  }
});

/** A client's raw request: its own headers, as it sends them. */
async function send(path: string, headers: Record<string, string>, body?: unknown) {
  const response = await fetch(`${api.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'x-api-key': org.keys.observer, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = response.headers.get('content-type') ?? '';
  return { response, body: type.startsWith('text/csv') ? await response.text() : ((await response.json()) as any) };
}

describe('Clarity v2 clients, base URL changed only', () => {
  it('the documented example bodies: recent query (hour) and its continuation', async () => {
    const first = await send(
      '/v2/recent-datasource-measurements-query',
      { 'Content-Type': 'application/json' },
      {
        org: org.orgId,
        datasourceIds: org.datasources,
        outputFrequency: 'hour',
      },
    );
    expect(first.response.status).toBe(200);
    expect(Object.keys(first.body).sort()).toEqual(['data', 'locations', 'request']);
    expect(first.body.data[0]).toMatchObject({
      datasourceId: expect.any(String),
      time: expect.any(String),
      metric: expect.stringMatching(/1HourMean$/),
      value: expect.any(Number),
    });
  });

  it('a2gov/clarityio: gzip, deflate, br; datasources and details with params {org}; continuation token in the header', async () => {
    const headers = { 'Accept-Encoding': 'gzip, deflate, br' };
    const list = await send(`/v2/datasources?org=${org.orgId}`, headers);
    expect(list.body.datasources[0]).toMatchObject({
      datasourceId: expect.any(String),
      sourceType: expect.any(String),
      orgAnnotations: { name: expect.any(String), tags: expect.any(Array) },
    });
    const details = await send(`/v2/datasources/${org.datasources[0]}?org=${org.orgId}`, headers);
    expect(details.body.datasourceId).toBe(org.datasources[0]);
    const recent = await send(
      '/v2/recent-datasource-measurements-query',
      { ...headers, 'Content-Type': 'application/json' },
      {
        org: org.orgId,
        outputFrequency: 'hour',
        format: 'json-long',
        allDatasources: true,
        metricSelect: 'only pm2_5ConcMass1HourMean',
        qcAssessment: true,
        qcFlags: true,
        replyWithContinuationToken: true,
      },
    );
    expect(recent.body.data.every((row: { metric: string }) => row.metric === 'pm2_5ConcMass1HourMean')).toBe(true);
    const token = recent.response.headers.get('x-clarity-continuation-token');
    const next = await send(
      '/v2/recent-datasource-measurements-continuation',
      { ...headers, 'Content-Type': 'application/json' },
      { org: org.orgId, continuationToken: token },
    );
    expect(next.response.status).toBe(200);
    expect(next.response.headers.get('x-clarity-continuation-token')).toEqual(expect.any(String));
  });

  it('healthyregions pipeline: Accept: application/json with csv-wide, nulls and locationRounding', async () => {
    const csv = await send(
      '/v2/recent-datasource-measurements-query',
      {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'Accept-Encoding': 'gzip',
      },
      {
        org: org.orgId,
        allDatasources: true,
        replyWithContinuationToken: false,
        outputFrequency: 'minute',
        locationRounding: 4,
        format: 'csv-wide',
        startTime: null,
        metricSelect: 'only :pm25',
        qcAssessment: false,
        qcFlags: false,
      },
    );
    expect(csv.response.status).toBe(200);
    const header = (csv.body as string).split('\n')[0]!.split(',');
    for (const column of ['datasourceId', 'sourceType', 'locationLatitude', 'locationLongitude', 'pm2_5ConcMass'])
      expect(header).toContain(column);
    expect(header).not.toContain('pm10ConcMass');
  });

  it('TS and JS dashboards: minute json-long with qcAssessment, reading locations and value ?? raw', async () => {
    const answer = await send(
      '/v2/recent-datasource-measurements-query',
      { 'Accept-Encoding': 'gzip', 'Content-Type': 'application/json', Accept: 'application/json' },
      {
        allDatasources: true,
        org: org.orgId,
        outputFrequency: 'minute',
        qcAssessment: true,
        replyWithContinuationToken: false,
        metricSelect: 'only pm2_5* + pm10*',
      },
    );
    const { data, locations } = answer.body;
    expect(locations).toHaveLength(2);
    expect(locations[0]).toEqual({ datasourceId: expect.any(String), lat: expect.any(Number), lon: expect.any(Number) });
    const pm25 = data.filter((row: { metric: string }) => row.metric === 'pm2_5ConcMass');
    expect(pm25.map((row: { value?: number; raw: number }) => row.value ?? row.raw)).toEqual([7.5, 7.5, 8.5, 8.5]);
    expect(new Set(data.map((row: { metric: string }) => row.metric))).toEqual(new Set(['pm2_5ConcMass', 'pm10ConcMass']));
  });

  it('R dashboard and demo script: "none + a" and a comma list select metrics; a non-list datasourceIds is 400', async () => {
    const none = await send(
      '/v2/recent-datasource-measurements-query',
      { 'Content-Type': 'application/json' },
      {
        org: org.orgId,
        allDatasources: true,
        outputFrequency: 'hour',
        qcAssessment: true,
        metricSelect: 'none + pm2_5ConcMass1HourMean',
      },
    );
    expect(new Set(none.body.data.map((row: { metric: string }) => row.metric))).toEqual(new Set(['pm2_5ConcMass1HourMean']));
    const commas = await send(
      '/v2/recent-datasource-measurements-query',
      { 'Content-Type': 'application/json' },
      {
        org: org.orgId,
        datasourceIds: [org.datasources[0]],
        outputFrequency: 'hour',
        metricSelect: 'pm10ConcMass1HourMean,pm2_5ConcMass1HourMean',
        format: 'json-long',
      },
    );
    expect(new Set(commas.body.data.map((row: { metric: string }) => row.metric))).toEqual(
      new Set(['pm10ConcMass1HourMean', 'pm2_5ConcMass1HourMean']),
    );
    const notAList = await send(
      '/v2/recent-datasource-measurements-query',
      { 'Content-Type': 'application/json' },
      { org: org.orgId, datasourceIds: org.datasources[0] },
    );
    expect(notAList.response.status).toBe(400);
    expect(notAList.body).toMatchObject({ message: expect.any(String), code: 'validation_error' });
  });
});
