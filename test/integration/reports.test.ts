import { parquetReadObjects } from 'hyparquet';
import { runArchiver } from '../../functions/core/archive/archiver';
import { measurementKey } from '../../functions/core/measurements/measurements';
import { deleteNow } from '../../functions/core/store/table';
import { getReport } from '../../functions/core/reports/report-records';
import { useTestApi, type TestApi } from '../support/local-api';
import { dataOrg, ingest, type DataOrg } from '../support/data-api';
import { connect, createApplication, eventually, expectStatus } from '../support/scenario';

/**
 * Historical reports end to end, through HTTP against DynamoDB Local and the local S3 API:
 * ingest, archive, request, poll, download with a plain GET, compare with the recent query.
 */

const api = useTestApi();
const MINUTE = 60_000;

/** Minutes of five metrics with noise, at two decimals, `from` minutes ago down to `to` (exclusive). */
function minutes(base: number, fromAgo: number, toAgo: number, now: number) {
  const start = Math.floor(now / MINUTE) * MINUTE;
  return Array.from({ length: fromAgo - toAgo }, (_, index) => {
    const ago = fromAgo - index;
    const wobble = Math.sin(ago / 5) * 3;
    const two = (value: number) => Math.round(value * 100) / 100;
    return {
      time: new Date(start - ago * MINUTE).toISOString(),
      metrics: {
        pm2_5ConcMass: two(base + wobble),
        pm10ConcMass: two(base * 2 + wobble),
        temperatureInternal: two(20 + wobble / 3),
        relHumidInternal: two(55 - wobble),
        no2Conc: two(12 + (ago % 7) * 0.37),
      },
    };
  });
}

async function requestReport(api: TestApi, key: string, body: Record<string, unknown>) {
  return api.call('POST', '/v2/report-requests', { key, body });
}

/** Polls until the report leaves in-progress; answers the last record. */
async function pollReport(api: TestApi, key: string, reportId: string, path = 'report-requests') {
  let record: any;
  await eventually(async () => {
    const answer = await api.call('GET', `/v2/${path}/${reportId}`, { key });
    expectStatus(answer, 200);
    record = answer.body;
    return record.reportStatus !== 'in-progress';
  }, 30_000);
  return record;
}

/** Downloads every URL with a plain GET; answers the CSV files' text. */
async function downloadCsv(urls: string[]): Promise<string[]> {
  return Promise.all(
    urls.map(async (url) => {
      const response = await fetch(url);
      if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
      expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(response.headers.get('content-encoding')).toBe('gzip');
      return response.text();
    }),
  );
}

/** The header of the first file and every data line of all files, in file order. */
function csvRows(files: string[]): { header: string; lines: string[] } {
  const split = files.map((file) => file.trimEnd().split('\n'));
  for (const lines of split) expect(lines[0]).toBe(split[0]![0]);
  return { header: split[0]![0]!, lines: split.flatMap((lines) => lines.slice(1)) };
}

async function recentCsv(api: TestApi, org: DataOrg, body: Record<string, unknown>) {
  const answer = await api.call('POST', '/v2/recent-datasource-measurements-query', {
    key: org.keys.observer,
    body: { org: org.orgId, format: 'csv-wide', ...body },
  });
  expectStatus(answer, 200);
  const [header, ...lines] = (answer.body as string).trimEnd().split('\n');
  return { header: header!, lines };
}

/** csv-wide rows by datasource then time, oldest first: the report's order. */
const byDatasourceThenTime = (lines: string[]) =>
  [...lines].sort((a, b) => {
    const [dsA, , , , timeA] = a.split(',');
    const [dsB, , , , timeB] = b.split(',');
    return dsA! < dsB! ? -1 : dsA! > dsB! ? 1 : timeA! < timeB! ? -1 : timeA! > timeB! ? 1 : 0;
  });

/** Equal cell by cell: text exactly, numbers to a relative 1e-12. */
function expectSameCells(actual: string[], expected: string[]) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((line, row) => {
    const [got, want] = [line.split(','), expected[row]!.split(',')];
    expect(got).toHaveLength(want.length);
    got.forEach((cell, column) => {
      const [a, b] = [Number(cell), Number(want[column])];
      if (cell !== '' && want[column] !== '' && Number.isFinite(a) && Number.isFinite(b)) {
        expect({ row, column, close: Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)) }).toEqual({ row, column, close: true });
      } else {
        expect({ row, column, cell }).toEqual({ row, column, cell: want[column] });
      }
    });
  });
}

describe('historical reports', () => {
  let org: DataOrg;
  let now: number;
  let window: { startTime: string; endTime: string };
  let firstReport: { header: string; lines: string[] };

  beforeAll(async () => {
    process.env.REPORT_ROWS_PER_FILE = '50';
    org = await dataOrg(api, 3);
    now = Date.now();
    // Older minutes: ingested, then archived.
    await ingest(api, org, org.datasources[0]!, minutes(8, 120, 60, now));
    await ingest(api, org, org.datasources[1]!, minutes(15, 120, 60, now));
    await new Promise((resolve) => setTimeout(resolve, 400)); // the archiver reads receipts older than the settle lag
    const firstRun = await runArchiver({ orgId: org.orgId });
    expect(firstRun.measurements).toBe(120);
    // A resent (corrected) older minute, and the newer minutes: not archived yet.
    const corrected = minutes(8, 100, 99, now)[0]!;
    await ingest(api, org, org.datasources[0]!, [
      { time: corrected.time, metrics: { ...corrected.metrics, pm2_5ConcMass: 99.99 } },
    ]);
    await ingest(api, org, org.datasources[0]!, minutes(8, 60, 0, now));
    await ingest(api, org, org.datasources[1]!, minutes(15, 60, 0, now));
    window = {
      startTime: new Date(Math.floor(now / MINUTE) * MINUTE - 120 * MINUTE).toISOString(),
      endTime: new Date(Math.floor(now / MINUTE) * MINUTE + MINUTE).toISOString(),
    };
  });

  afterAll(() => {
    delete process.env.REPORT_ROWS_PER_FILE;
  });

  it('a report over archived and recent data, downloaded with plain GETs, equals the recent query row by row', async () => {
    const requested = await requestReport(api, org.keys.observer, {
      org: org.orgId,
      report: 'datasource-measurements',
      outputFrequency: 'minute',
      datasourceIds: [org.datasources[0], org.datasources[1]],
      ...window,
    });
    expectStatus(requested, 200);
    expect(requested.body).toMatchObject({
      reportStatus: 'in-progress',
      report: 'datasource-measurements',
      message: 'Processing',
      query: {
        datasourceIds: [org.datasources[0], org.datasources[1]],
        outputFrequency: 'minute',
        format: 'csv-wide',
        metricLabelStyle: 'canonical',
        ...window,
      },
    });
    expect(requested.body.detail).toEqual(expect.any(String));

    const record = await pollReport(api, org.keys.observer, requested.body.reportId);
    expect(record.reportStatus).toBe('succeeded');
    // 240 rows at most 50 a file: several files, in order.
    expect(record.urls).toHaveLength(5);
    expect(Date.parse(record.urlsExpireAt)).toBeGreaterThan(Date.now());
    firstReport = csvRows(await downloadCsv(record.urls));

    const recent = await recentCsv(api, org, {
      datasourceIds: [org.datasources[0], org.datasources[1]],
      startTime: window.startTime,
    });
    expect(firstReport.header).toBe(recent.header);
    expect(firstReport.lines).toHaveLength(240);
    expect(firstReport.lines).toEqual(byDatasourceThenTime(recent.lines));
    expect(firstReport.lines.some((line) => line.includes(',99.99,'))).toBe(true);
  });

  it('hourly means of a report equal the recent query’s for the same hours', async () => {
    const hour = 3_600_000;
    const startTime = new Date(Math.floor((now - 3 * hour) / hour) * hour).toISOString();
    const requested = await requestReport(api, org.keys.analyst, {
      org: org.orgId,
      report: 'datasource-measurements',
      outputFrequency: 'hour',
      allDatasources: true,
      startTime,
      endTime: window.endTime,
      fileFormat: 'csv',
    });
    expectStatus(requested, 200);
    const record = await pollReport(api, org.keys.analyst, requested.body.reportId);
    expect(record.reportStatus).toBe('succeeded');
    const report = csvRows(await downloadCsv(record.urls));
    const recent = await recentCsv(api, org, { allDatasources: true, outputFrequency: 'hour', startTime });
    expect(report.header).toBe(recent.header);
    // The recent query sums each hour's minutes as they were ingested (rollups), the report sums
    // them in time order: the means agree to the last few bits of a double, not always to all.
    expectSameCells(report.lines, byDatasourceThenTime(recent.lines));
  });

  it('the archive alone serves minutes gone from DynamoDB, resent values included, once the archiver has run again', async () => {
    await new Promise((resolve) => setTimeout(resolve, 400));
    await runArchiver({ orgId: org.orgId });
    // As if DynamoDB's 10-day TTL had removed the older hour.
    for (const datasourceId of [org.datasources[0]!, org.datasources[1]!]) {
      for (const minute of minutes(0, 120, 60, now)) {
        await deleteNow(measurementKey(datasourceId, minute.time));
      }
    }
    const requested = await requestReport(api, org.keys.observer, {
      org: org.orgId,
      report: 'datasource-measurements',
      outputFrequency: 'minute',
      datasourceIds: [org.datasources[0], org.datasources[1]],
      ...window,
    });
    expectStatus(requested, 200);
    const record = await pollReport(api, org.keys.observer, requested.body.reportId, 'report-request');
    expect(record.reportStatus).toBe('succeeded');
    const again = csvRows(await downloadCsv(record.urls));
    expect(again).toEqual(firstReport);
  });

  it("the Python clarityio client's historical call works unchanged: its body, its poll with ?org=, its plain download", async () => {
    const hour = 3_600_000;
    // What get_historical_measurements sends: times from datetime.isoformat(), fileFormat "csv", metricLabelStyle.
    const isoformat = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
    const requested = await requestReport(api, org.keys.observer, {
      org: org.orgId,
      report: 'datasource-measurements',
      outputFrequency: 'hour',
      startTime: isoformat(Math.floor((now - 3 * hour) / hour) * hour),
      endTime: isoformat(Math.floor(now / hour) * hour + hour),
      fileFormat: 'csv',
      metricLabelStyle: 'canonical',
      allDatasources: true,
    });
    expectStatus(requested, 200);
    const record = await pollReport(api, org.keys.observer, `${requested.body.reportId}?org=${org.orgId}`);
    expect(record.reportStatus).toBe('succeeded');
    expect(record.urls.length).toBeGreaterThan(0);
    const [first] = await downloadCsv(record.urls);
    expect(first!.split('\n')[0]).toMatch(
      /^datasourceId,sourceId,sourceType,outputFrequency,startOfPeriod,endOfPeriod,locationLatitude,locationLongitude,/,
    );
  });

  it("healthyregions/clarity-aq-pipeline's poll loop: it waits while message is Processing and stops on Ready", async () => {
    // Its body (allDatasources as the string its notes send) and its loop, as written:
    // `while reportStatus == 'in-progress' and message == 'Processing'`, then `succeeded` and `Ready`.
    const requested = await requestReport(api, org.keys.observer, {
      org: org.orgId,
      report: 'datasource-measurements',
      allDatasources: 'true',
      outputFrequency: 'minute',
      format: 'csv-wide',
      qcAssessment: true,
      qcFlags: true,
      ...window,
    });
    expectStatus(requested, 200);
    expect(requested.body).toMatchObject({ reportStatus: 'in-progress', message: 'Processing', urls: [] });
    // Clarity's echo: allDatasources resolved to the datasources, format and metricLabelStyle.
    expect(requested.body.query).toEqual({
      datasourceIds: [...org.datasources].sort(),
      outputFrequency: 'minute',
      format: 'csv-wide',
      metricLabelStyle: 'canonical',
      qcAssessment: true,
      qcFlags: true,
      ...window,
    });
    let record = requested.body;
    let polls = 0;
    while (record.reportStatus === 'in-progress' && record.message === 'Processing') {
      expect(++polls).toBeLessThan(300);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const answer = await api.call('GET', `/v2/report-request/${record.reportId}`, { key: org.keys.observer });
      expectStatus(answer, 200);
      record = answer.body;
    }
    expect(record).toMatchObject({ reportStatus: 'succeeded', message: 'Ready' });
    expect(record.detail).toMatch(/rows? in \d+ files?/);
    expect(record.urls.length).toBeGreaterThan(0);
  });

  it('a node report (nodeIds: the currentSourceId of datasources) holds what the datasource report does; unknown ids are 400 naming them', async () => {
    const listed = await api.call('GET', `/v2/datasources?org=${org.orgId}`, { key: org.keys.observer });
    expectStatus(listed, 200);
    const nodeOf = new Map<string, string>(
      listed.body.datasources.map((d: { datasourceId: string; currentSourceId: string }) => [d.datasourceId, d.currentSourceId]),
    );
    const nodeIds = [nodeOf.get(org.datasources[0]!)!, nodeOf.get(org.datasources[1]!)!];
    const requested = await requestReport(api, org.keys.observer, {
      org: org.orgId,
      report: 'node-measurements',
      nodeIds,
      outputFrequency: 'minute',
      ...window,
    });
    expectStatus(requested, 200);
    expect(requested.body.report).toBe('node-measurements');
    expect(requested.body.query).toMatchObject({ nodeIds, format: 'csv-wide', metricLabelStyle: 'canonical' });
    const record = await pollReport(api, org.keys.observer, requested.body.reportId);
    expect(record.reportStatus).toBe('succeeded');
    expect(csvRows(await downloadCsv(record.urls))).toEqual(firstReport);

    const unknown = await requestReport(api, org.keys.observer, {
      org: org.orgId,
      report: 'node-measurements',
      nodeIds: [nodeIds[0], 'NOSUCHNODE'],
      outputFrequency: 'minute',
      ...window,
    });
    expectStatus(unknown, 400);
    expect(unknown.body.details).toEqual([
      expect.objectContaining({ path: 'nodeIds.1', message: expect.stringContaining('NOSUCHNODE') }),
    ]);
    // A node is no reference site: the same id as a refSiteId is refused.
    const notASite = await requestReport(api, org.keys.observer, {
      org: org.orgId,
      report: 'reference-site-measurements',
      refSiteIds: [nodeIds[0]],
      outputFrequency: 'minute',
      ...window,
    });
    expectStatus(notASite, 400);
    expect(notASite.body.details).toEqual([expect.objectContaining({ path: 'refSiteIds.0' })]);
  });

  it('a reference-site report names its sites by refSiteIds, and english labels are the catalogue words with the attribute', async () => {
    const site = await api.call('POST', `/admin/orgs/${org.orgId}/datasources`, {
      token: org.admin.token,
      body: { name: 'Reference', sourceType: 'REFERENCE_SITE', location: { lat: 51, lon: 5 } },
    });
    expectStatus(site, 201);
    const siteId: string = site.body.datasourceId;
    await ingest(api, org, siteId, minutes(11, 30, 0, now));
    const details = await api.call('GET', `/v2/datasources/${siteId}?org=${org.orgId}`, { key: org.keys.observer });
    expectStatus(details, 200);
    const refSiteId: string = details.body.datasource.currentSourceId;
    const requested = await requestReport(api, org.keys.observer, {
      org: org.orgId,
      report: 'reference-site-measurements',
      refSiteIds: [refSiteId],
      outputFrequency: 'hour',
      metricLabelStyle: 'english',
      startTime: new Date(now - 3_600_000).toISOString(),
      endTime: window.endTime,
    });
    expectStatus(requested, 200);
    expect(requested.body).toMatchObject({
      report: 'reference-site-measurements',
      query: { refSiteIds: [refSiteId], metricLabelStyle: 'english', format: 'csv-wide' },
    });
    const record = await pollReport(api, org.keys.observer, requested.body.reportId);
    expect(record).toMatchObject({ reportStatus: 'succeeded', message: 'Ready' });
    const { header, lines } = csvRows(await downloadCsv(record.urls));
    expect(header).toContain('"PM2.5 mass concentration, 1-hour mean raw"');
    expect(header).not.toContain('pm2_5ConcMass1HourMean.raw');
    expect(lines.length).toBeGreaterThan(0);
    expect(new Set(lines.map((line) => line.split(',')[0]))).toEqual(new Set([siteId]));
  });

  it('parquet-wide files read back with a Parquet reader hold the same rows as the CSV', async () => {
    const requested = await requestReport(api, org.keys.observer, {
      org: org.orgId,
      report: 'datasource-measurements',
      outputFrequency: 'minute',
      datasourceIds: [org.datasources[0], org.datasources[1]],
      format: 'parquet-wide',
      ...window,
    });
    expectStatus(requested, 200);
    const record = await pollReport(api, org.keys.observer, requested.body.reportId);
    expect(record.reportStatus).toBe('succeeded');
    const rows: Record<string, string | number | bigint | boolean | Date | null>[] = [];
    for (const url of record.urls) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      rows.push(...((await parquetReadObjects({ file: await response.arrayBuffer() })) as typeof rows));
    }
    const columns = firstReport.header.split(',');
    const asCsv = rows.map((row) =>
      columns
        .map((column) => {
          const value = row[column];
          return value instanceof Date ? value.toISOString() : value === null || value === undefined ? '' : String(value);
        })
        .join(','),
    );
    expect(asCsv).toEqual(firstReport.lines);
  });

  it("a guest's report holds only the datasources on its list, and naming another is refused", async () => {
    const requested = await requestReport(api, org.keys.guest, {
      org: org.orgId,
      report: 'datasource-measurements',
      outputFrequency: 'minute',
      allDatasources: true,
      ...window,
    });
    expectStatus(requested, 200);
    const record = await pollReport(api, org.keys.guest, requested.body.reportId);
    expect(record.reportStatus).toBe('succeeded');
    const report = csvRows(await downloadCsv(record.urls));
    expect(report.lines).toHaveLength(120);
    expect(new Set(report.lines.map((line) => line.split(',')[0]))).toEqual(new Set([org.datasources[0]]));

    const refused = await requestReport(api, org.keys.guest, {
      org: org.orgId,
      report: 'datasource-measurements',
      outputFrequency: 'minute',
      datasourceIds: [org.datasources[1]],
      ...window,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.details[0].path).toBe('datasourceIds.0');
  });

  it('what a guest may read is checked again when the report runs: a list narrowed in between narrows the report', async () => {
    const guest = await createApplication(api, org.orgId, org.admin, 'Narrowed guest');
    await connect(api, org.orgId, org.admin, guest.applicationId, ['guest'], [org.datasources[0]!, org.datasources[1]!]);
    api.runtime.reports.setCheckpoint(async (step) => {
      if (step !== 'plan-started') return;
      const narrowed = await api.call('PATCH', `/admin/orgs/${org.orgId}/connections/${guest.applicationId}`, {
        token: org.admin.token,
        body: { datasourceIds: [org.datasources[1]] },
      });
      expectStatus(narrowed, 200);
    });
    try {
      const requested = await requestReport(api, guest.key, {
        org: org.orgId,
        report: 'datasource-measurements',
        outputFrequency: 'minute',
        allDatasources: true,
        ...window,
      });
      expectStatus(requested, 200);
      const record = await pollReport(api, guest.key, requested.body.reportId);
      expect(record.reportStatus).toBe('succeeded');
      const report = csvRows(await downloadCsv(record.urls));
      expect(report.lines).toHaveLength(120);
      expect(new Set(report.lines.map((line) => line.split(',')[0]))).toEqual(new Set([org.datasources[1]]));
    } finally {
      api.runtime.reports.setCheckpoint(undefined);
    }
  });

  it('a worker that dies half-way is retried, and the report is complete and not duplicated', async () => {
    const died = new Set<string>();
    api.runtime.reports.setCheckpoint((step, message) => {
      const key = `${step}:${message.kind === 'part' ? message.part.index : message.kind === 'file' ? message.file.index : ''}`;
      if ((key === 'part-written:0' || key === 'file-written:1') && !died.has(key)) {
        died.add(key);
        throw new Error(`worker killed after ${key}`);
      }
    });
    try {
      const requested = await requestReport(api, org.keys.observer, {
        org: org.orgId,
        report: 'datasource-measurements',
        outputFrequency: 'minute',
        datasourceIds: [org.datasources[0], org.datasources[1]],
        ...window,
      });
      expectStatus(requested, 200);
      const record = await pollReport(api, org.keys.observer, requested.body.reportId);
      expect(died).toEqual(new Set(['part-written:0', 'file-written:1']));
      expect(record.reportStatus).toBe('succeeded');
      expect(csvRows(await downloadCsv(record.urls))).toEqual(firstReport);
      const stored = await getReport(requested.body.reportId);
      expect(stored).toMatchObject({ partsDone: stored!.partsTotal, filesDone: stored!.filesTotal, filesTotal: 5 });
    } finally {
      api.runtime.reports.setCheckpoint(undefined);
    }
  });

  it('refuses a window that ends before it starts, an org the application is not connected to, and other applications’ reports', async () => {
    const backwards = await requestReport(api, org.keys.observer, {
      org: org.orgId,
      report: 'datasource-measurements',
      outputFrequency: 'hour',
      allDatasources: true,
      startTime: window.endTime,
      endTime: window.startTime,
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body).toMatchObject({ code: 'validation_error', details: [{ path: 'endTime' }] });

    const stranger = await createApplication(api, org.orgId, org.admin, 'Not connected');
    const foreign = await requestReport(api, stranger.key, {
      org: org.orgId,
      report: 'datasource-measurements',
      outputFrequency: 'hour',
      allDatasources: true,
      ...window,
    });
    expect(foreign.status).toBe(403);

    const mine = await requestReport(api, org.keys.observer, {
      org: org.orgId,
      report: 'datasource-measurements',
      outputFrequency: 'day',
      allDatasources: true,
      ...window,
    });
    expectStatus(mine, 200);
    const peek = await api.call('GET', `/v2/report-requests/${mine.body.reportId}?org=${org.orgId}`, { key: org.keys.analyst });
    expect(peek.status).toBe(404);
    expect(peek.body.code).toBe('not_found');
  });

  it('the 31st report request of an org in a UTC day is 429 with Retry-After', async () => {
    const quiet = await dataOrg(api, 1);
    const body = {
      org: quiet.orgId,
      report: 'datasource-measurements',
      outputFrequency: 'day',
      allDatasources: true,
      startTime: new Date(Date.now() - 86_400_000).toISOString(),
      endTime: new Date().toISOString(),
    };
    for (let count = 1; count <= 30; count++) expectStatus(await requestReport(api, quiet.keys.observer, body), 200);
    const refused = await requestReport(api, quiet.keys.analyst, body);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('throttled');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    await api.runtime.reports.idle();
  });
});
