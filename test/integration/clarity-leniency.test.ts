import { useTestApi } from '../support/local-api';
import { dataOrg, ingest, type DataOrg } from '../support/data-api';
import { expectStatus } from '../support/scenario';

/**
 * What Clarity clients send that a strict reading would refuse, and what must stay refused:
 * naive timestamps are UTC, booleans also come as "true"/"false", a parameter given twice with
 * different values is 400, and a metric name no catalogue knows is 400 naming it.
 */

const api = useTestApi();
let org: DataOrg;
const HOUR_MS = 3_600_000;

beforeAll(async () => {
  org = await dataOrg(api, 2);
});

/** An ISO time without its zone, as Python's `datetime.isoformat()` writes a naive datetime. */
const naive = (millis: number) => new Date(millis).toISOString().replace(/\.\d{3}Z$/, '');

test('a timestamp without a zone is UTC: an ingest stores it at that UTC time, and startTime narrows by it', async () => {
  const datasourceId = org.datasources[0]!;
  const at = Date.now() - 2 * HOUR_MS;
  const second = Math.floor(at / 1000) * 1000;
  await ingest(api, org, datasourceId, [{ time: naive(second), metrics: { pm2_5ConcMassIndividual: 4 } }] as never);
  await ingest(api, org, datasourceId, [{ time: naive(second - HOUR_MS), metrics: { pm2_5ConcMassIndividual: 5 } }] as never);
  const answer = await api.call('POST', '/v2/recent-datasource-measurements-query', {
    key: org.keys.observer,
    body: { org: org.orgId, datasourceIds: [datasourceId], startTime: naive(second - 60_000) },
  });
  expectStatus(answer, 200);
  expect(answer.body.data.map((row: { time: string }) => row.time)).toEqual([new Date(second).toISOString()]);
  expect(answer.body.request.startTime).toBe(new Date(second - 60_000).toISOString());
});

test('booleans also come as the strings "true" and "false"', async () => {
  const answer = await api.call('POST', '/v2/recent-datasource-measurements-query', {
    key: org.keys.observer,
    body: { org: org.orgId, allDatasources: 'true', qcAssessment: 'false', replyWithContinuationToken: 'true' },
  });
  expectStatus(answer, 200);
  expect(answer.headers.get('x-clarity-continuation-token')).toBeTruthy();
  expect(answer.body.data.every((row: object) => !('qcAssessment' in row))).toBe(true);
  const report = await api.call('POST', '/v2/report-requests', {
    key: org.keys.observer,
    body: {
      org: org.orgId,
      report: 'datasource-measurements',
      allDatasources: 'true',
      outputFrequency: 'hour',
      startTime: naive(Date.now() - 24 * HOUR_MS),
      endTime: naive(Date.now()),
    },
  });
  expectStatus(report, 200);
  const refused = await api.call('POST', '/v2/recent-datasource-measurements-query', {
    key: org.keys.observer,
    body: { org: org.orgId, allDatasources: 'yes' },
  });
  expectStatus(refused, 400);
});

test('a query parameter given twice with different values is 400; the same value twice is that value', async () => {
  const other = await dataOrg(api, 1);
  const twice = await api.call('GET', `/v2/datasources?org=${org.orgId}&org=${other.orgId}`, { key: org.keys.observer });
  expectStatus(twice, 400);
  expect(twice.body.details).toEqual([expect.objectContaining({ path: 'query.org' })]);
  const same = await api.call('GET', `/v2/datasources?org=${org.orgId}&org=${org.orgId}`, { key: org.keys.observer });
  expectStatus(same, 200);
  expect(same.body.subscribingOrg).toBe(org.orgId);
});

test('a metric name in metricSelect that no catalogue knows is 400 naming it; globs, categories and other frequencies pass', async () => {
  const query = (metricSelect: string) =>
    api.call('POST', '/v2/recent-datasource-measurements-query', {
      key: org.keys.observer,
      body: { org: org.orgId, allDatasources: true, metricSelect },
    });
  const typo = await query('only fooBar, pm2_5ConcMassIndividual');
  expectStatus(typo, 400);
  expect(JSON.stringify(typo.body.details)).toContain('fooBar');
  expect(JSON.stringify(typo.body.details)).not.toContain('pm2_5ConcMassIndividual');
  for (const fine of ['only *nowcast*', 'default - *aqi*', 'only :no2', 'only pm2_5ConcMass1HourMean', 'PM2_5CONCMASSINDIVIDUAL'])
    expectStatus(await query(fine), 200);
  const report = await api.call('POST', '/v2/report-requests', {
    key: org.keys.observer,
    body: {
      org: org.orgId,
      report: 'datasource-measurements',
      allDatasources: true,
      outputFrequency: 'hour',
      startTime: naive(Date.now() - 24 * HOUR_MS),
      endTime: naive(Date.now()),
      metricSelect: 'only pm25Typo',
    },
  });
  expectStatus(report, 400);
  expect(JSON.stringify(report.body.details)).toContain('pm25Typo');
});
