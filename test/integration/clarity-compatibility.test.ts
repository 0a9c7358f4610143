import { useTestApi } from '../support/local-api';
import { dataOrg, ingest, minutesAgo, type DataOrg } from '../support/data-api';

/**
 * Replays what public Clarity v2 clients send (headers, bodies, query parameters; see the
 * research notes) with only the base URL changed, and checks the shapes they parse.
 */

const api = useTestApi();
let org: DataOrg;
/** One minute in each of the last 20 hours (7.5 the newest), so rolling means (18 of 24 hours) and NowCasts exist. */
const HOURS = 20;
const HOUR_MS = 3_600_000;
/**
 * A time inside the UTC hour `hour` hours before the current one, whatever the clock says: the
 * middle of each earlier hour, and for the current hour the middle of what has passed of it
 * (never in the future). Fixed offsets from now skipped an hour in the first minutes of an hour.
 */
function inHourBefore(hour: number): string {
  const now = Date.now();
  const start = now - (now % HOUR_MS);
  return new Date(hour === 0 ? start + Math.floor((now - start) / 2) : start - hour * HOUR_MS + HOUR_MS / 2).toISOString();
}
beforeAll(async () => {
  org = await dataOrg(api, 2);
  for (const datasourceId of org.datasources) {
    await ingest(
      api,
      org,
      datasourceId,
      Array.from({ length: HOURS }, (_, hour) => ({
        time: inHourBefore(hour),
        metrics:
          hour === 0
            ? {
                pm2_5ConcMassIndividual: 7.5,
                pm10ConcMassIndividual: 9,
                temperatureInternalIndividual: 21,
                no2ConcIndividual: 20,
              }
            : {
                pm2_5ConcMassIndividual: 8.5,
                pm10ConcMassIndividual: 10,
                temperatureInternalIndividual: 20,
                no2ConcIndividual: 20,
              },
      })),
    );
  }
  await new Promise((resolve) => setTimeout(resolve, 400)); // the settle lag (0.3 s in tests)
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
    // Pipelines select currentSourceId and currentSubscriptionId from the listing.
    expect(list.body.datasources[0]).toEqual({
      datasourceId: expect.any(String),
      currentSourceId: expect.any(String),
      currentSubscriptionId: expect.any(String),
      sourceType: 'CLARITY_NODE',
      orgAnnotations: { name: expect.any(String), group: 'North', tags: ['t'] },
    });
    // clarityio reads the details under `datasource`.
    const details = await send(`/v2/datasources/${org.datasources[0]}?org=${org.orgId}`, headers);
    expect(details.body.datasource).toMatchObject({
      datasourceId: org.datasources[0],
      sourceType: 'CLARITY_NODE',
      currentSourceId: expect.any(String),
      orgAnnotations: [{ org: org.orgId, name: 'Site 0', group: 'North', tags: ['t'] }],
    });
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
    const [headerLine, ...lines] = (csv.body as string).trim().split('\n');
    // Exactly the columns a csv-wide reader looks up, in Clarity's order.
    expect(headerLine!.split(',')).toEqual([
      'datasourceId',
      'sourceId',
      'sourceType',
      'outputFrequency',
      'time',
      'locationLatitude',
      'locationLongitude',
      'pm2_5ConcMassIndividual.raw',
      'pm2_5ConcMassIndividual.status',
      'pm2_5ConcMassIndividual.value',
    ]);
    expect(lines).toHaveLength(2 * HOURS);
    const listed = await send(`/v2/datasources?org=${org.orgId}`, {});
    const sourceIds = new Map(
      listed.body.datasources.map((d: { datasourceId: string; currentSourceId: string }) => [d.datasourceId, d.currentSourceId]),
    );
    for (const line of lines) {
      const [datasourceId, sourceId, sourceType, frequency, time, lat, lon, raw, status, value] = line.split(',');
      expect(sourceId).toBe(sourceIds.get(datasourceId));
      expect([sourceType, frequency, status]).toEqual(['CLARITY_NODE', 'minute', 'sensor-ready']);
      expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Number(lat)).toBeGreaterThanOrEqual(50);
      expect(Number(lon)).toBeGreaterThanOrEqual(4);
      expect(value).toBe(raw);
    }
  });

  it('csv-wide with qcAssessment and qcFlags: the qc columns come first in each metric, as in a real Clarity export', async () => {
    const csv = await send(
      '/v2/recent-datasource-measurements-query',
      { 'Content-Type': 'application/json' },
      {
        org: org.orgId,
        datasourceIds: [org.datasources[0]],
        format: 'csv-wide',
        metricSelect: 'only pm2_5ConcMassIndividual',
        qcAssessment: true,
        qcFlags: true,
        locationRounding: 0,
      },
    );
    const [headerLine, first] = (csv.body as string).trim().split('\n');
    expect(headerLine!.split(',').slice(7)).toEqual([
      'pm2_5ConcMassIndividual.qcAssessment',
      'pm2_5ConcMassIndividual.qcFlags',
      'pm2_5ConcMassIndividual.raw',
      'pm2_5ConcMassIndividual.status',
      'pm2_5ConcMassIndividual.value',
    ]);
    expect(first!.split(',').slice(5)).toEqual(['50', '4', 'valid', '[]', '7.5', 'sensor-ready', '7.5']);
  });

  it('city dashboards: hour answers with `only pm2_5ConcMass24HourRollingMean`, `only *nowcast*` and the AQIs', async () => {
    const hourly = (metricSelect: string) =>
      send(
        '/v2/recent-datasource-measurements-query',
        { 'Content-Type': 'application/json' },
        { org: org.orgId, datasourceIds: [org.datasources[0]], outputFrequency: 'hour', metricSelect },
      );
    const rolling = await hourly('only pm2_5ConcMass24HourRollingMean');
    expect(new Set(rolling.body.data.map((row: { metric: string }) => row.metric))).toEqual(
      new Set(['pm2_5ConcMass24HourRollingMean']),
    );
    // The newest hour: 19 hours of 8.5 and one of 7.5.
    expect(rolling.body.data[0].value).toBeCloseTo((19 * 8.5 + 7.5) / 20, 10);
    const nowcasts = await hourly('only *nowcast*');
    expect(new Set(nowcasts.body.data.map((row: { metric: string }) => row.metric))).toEqual(
      new Set(['pm2_5ConcMassNowcast', 'pm2_5ConcMassNowcastUsEpaAqi', 'pm10ConcMassNowcast', 'pm10ConcMassNowcastUsEpaAqi']),
    );
    const newest = nowcasts.body.data.filter((row: { time: string }) => row.time === nowcasts.body.data[0].time);
    const value = (metric: string) => newest.find((row: { metric: string }) => row.metric === metric)?.value;
    // w = 7.5/8.5 > 0.5: NowCast = Σ w^i c_i / Σ w^i over 12 hours; its AQI from the truncated value.
    const w = 7.5 / 8.5;
    const weights = Array.from({ length: 12 }, (_, i) => w ** i);
    const nowcast = (7.5 + 8.5 * weights.slice(1).reduce((a, b) => a + b, 0)) / weights.reduce((a, b) => a + b, 0);
    expect(value('pm2_5ConcMassNowcast')).toBeCloseTo(nowcast, 10);
    expect(value('pm2_5ConcMassNowcastUsEpaAqi')).toBe(Math.round(((50 / 9) * Math.trunc(nowcast * 10)) / 10));
    const gases = await hourly('only :no2');
    expect(new Set(gases.body.data.map((row: { metric: string }) => row.metric))).toEqual(
      new Set(['no2Conc1HourMean', 'no2Conc1HourMeanUsEpaAqi', 'no2Conc24HourRollingMean']),
    );
    expect(gases.body.data.find((row: { metric: string }) => row.metric === 'no2Conc1HourMeanUsEpaAqi').value).toBe(19); // 50/53 × 20
    const internal = await hourly('only :internal');
    expect(new Set(internal.body.data.map((row: { metric: string }) => row.metric))).toEqual(
      new Set(['temperatureInternal1HourMean', 'temperatureInternal24HourRollingMean']),
    );
    const daily = await send(
      '/v2/recent-datasource-measurements-query',
      { 'Content-Type': 'application/json' },
      { org: org.orgId, datasourceIds: [org.datasources[0]], outputFrequency: 'day', metricSelect: 'only :pm25' },
    );
    expect(new Set(daily.body.data.map((row: { metric: string }) => row.metric))).toEqual(
      new Set(['pm2_5ConcMass24HourMean', 'pm2_5ConcMass24HourMeanUsEpaAqi']),
    );
  });

  it('the metric catalogue: GET /v2/metrics names what every frequency answers', async () => {
    const catalogue = await send('/v2/metrics', {});
    expect(catalogue.response.status).toBe(200);
    const names = catalogue.body.metrics.map((entry: { metric: string }) => entry.metric);
    for (const name of [
      'pm2_5ConcMassIndividual',
      'pm2_5ConcMassNowcastUsEpaAqi',
      'pm2_5ConcMass24HourRollingMean',
      'no2Conc1HourMeanUsEpaAqi',
    ])
      expect(names).toContain(name);
    expect(catalogue.body.metrics.find((entry: { metric: string }) => entry.metric === 'pm2_5ConcMassIndividual')).toMatchObject({
      outputFrequency: 'minute',
      unit: 'µg/m³',
      hasAqi: false,
      categories: expect.arrayContaining(['pm25', 'pollutant']),
    });
    expect(catalogue.body.categories).toEqual(
      expect.arrayContaining(['pm25', 'pm10', 'pm1', 'no2', 'o3', 'internal', 'pollutant']),
    );
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
    const pm25 = data.filter((row: { metric: string }) => row.metric === 'pm2_5ConcMassIndividual');
    expect(pm25.slice(0, 4).map((row: { value?: number; raw: number }) => row.value ?? row.raw)).toEqual([7.5, 7.5, 8.5, 8.5]);
    expect(pm25[0]).toMatchObject({ qcAssessment: 'valid', status: 'sensor-ready' });
    expect(new Set(data.map((row: { metric: string }) => row.metric))).toEqual(
      new Set(['pm2_5ConcMassIndividual', 'pm10ConcMassIndividual']),
    );
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

  // Last: it adds a datasource to the org the tests above count.
  it('locationRounding rounds the coordinates of json-long locations and csv-wide rows to that many decimals', async () => {
    const created = await api.call('POST', `/admin/orgs/${org.orgId}/datasources`, {
      token: org.admin.token,
      body: { name: 'Precise site', location: { lat: 51.507351, lon: -0.127758 } },
    });
    const datasourceId = created.body.datasourceId as string;
    await ingest(api, org, datasourceId, [{ time: minutesAgo(2), metrics: { pm2_5ConcMassIndividual: 3 } }]);
    const ask = (format: string, locationRounding?: number) =>
      send(
        '/v2/recent-datasource-measurements-query',
        { 'Content-Type': 'application/json' },
        {
          org: org.orgId,
          datasourceIds: [datasourceId],
          format,
          ...(locationRounding === undefined ? {} : { locationRounding }),
        },
      );
    expect((await ask('json-long', 2)).body.locations).toEqual([{ datasourceId, lat: 51.51, lon: -0.13 }]);
    expect((await ask('json-long')).body.locations).toEqual([{ datasourceId, lat: 51.507351, lon: -0.127758 }]);
    const row = ((await ask('csv-wide', 3)).body as string).trim().split('\n')[1]!.split(',');
    expect(row.slice(5, 7)).toEqual(['51.507', '-0.128']);
    const refused = await ask('json-long', -1);
    expect(refused.response.status).toBe(400);
  });
});
