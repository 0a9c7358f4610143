import { gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { documentClient } from '../../functions/core/store/table';
import { useTestApi } from '../support/local-api';
import { dataOrg, ingest, type DataOrg } from '../support/data-api';
import { expectStatus } from '../support/scenario';

/**
 * Whole answers at a real network's size (contract section 10): 60 datasources reporting every
 * 15 minutes for a day, asked as a city pipeline asks, answer every row of the window in one
 * streamed answer (json-long, csv-wide, gzip), with or without a token; the minute-by-minute case
 * read in several slices; the token's meaning (what is new since the answer); the 413. And the
 * minute answer of a few datasources, read whole at once without the hourly aggregates.
 */

const api = useTestApi();
const DATASOURCES = 60;
const QUARTER = 15 * 60_000;
const READINGS = 96; // a day of quarter hours
let org: DataOrg;
let times: string[];

beforeAll(async () => {
  const admin = await dataOrg(api, 1);
  org = admin;
  for (let index = 1; index < DATASOURCES; index++) {
    const answer = await api.call('POST', `/admin/orgs/${org.orgId}/datasources`, {
      token: org.admin.token,
      body: { name: `Node ${index}`, location: { lat: 41.8 + index / 1000, lon: -87.6 } },
    });
    expectStatus(answer, 201);
    org.datasources.push(answer.body.datasourceId);
  }
  // The newest reading a minute in the past, on a whole minute but not on a quarter hour: the oldest
  // is then 14 minutes inside the 24 hours whenever seeding starts (on a quarter hour, a run that
  // crossed the next quarter found the oldest readings gone from the window).
  const newest = Math.floor((Date.now() - 60_000) / 60_000) * 60_000;
  times = Array.from({ length: READINGS }, (_, index) => new Date(newest - index * QUARTER).toISOString());
  for (const [index, datasourceId] of org.datasources.entries()) {
    await ingest(
      api,
      org,
      datasourceId,
      times.map((time, minute) => ({
        time,
        metrics: { pm2_5ConcMassIndividual: index + minute / 100, temperatureInternalIndividual: 20 + (minute % 7) },
      })),
    );
  }
  await new Promise((resolve) => setTimeout(resolve, 400)); // the settle lag (0.3 s in tests)
}, 300_000);

const everyRow = () => org.datasources.flatMap((datasourceId) => times.map((time) => `${datasourceId}|${time}`)).sort();

/** POSTs a query and answers the raw bytes, without any decoding, and the headers. */
function rawPost(path: string, body: unknown, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; bytes: Buffer }>(
    (resolve, reject) => {
      const url = new URL(`${api.url}${path}`);
      const call = request(
        url,
        { method: 'POST', headers: { 'Content-Type': 'application/json', 'x-api-key': org.keys.observer, ...headers } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode!, headers: response.headers, bytes: Buffer.concat(chunks) }),
          );
          response.on('error', reject);
        },
      );
      call.on('error', reject);
      call.end(JSON.stringify(body));
    },
  );
}

describe('a 60-datasource network, every 15 minutes for a day', () => {
  it('json-long, without a token (as clarityio 0.3 asks): every reading of every datasource in one answer, newest first', async () => {
    const answer = await api.call('POST', '/v2/recent-datasource-measurements-query', {
      key: org.keys.observer,
      body: { org: org.orgId, allDatasources: true, outputFrequency: 'minute', format: 'json-long' },
    });
    expectStatus(answer, 200);
    const data = answer.body.data as { datasourceId: string; time: string; metric: string; value: number }[];
    expect(data).toHaveLength(DATASOURCES * READINGS * 2);
    const pm = data.filter((entry) => entry.metric === 'pm2_5ConcMassIndividual');
    expect(pm.map((entry) => `${entry.datasourceId}|${entry.time}`).sort()).toEqual(everyRow());
    for (let index = 1; index < data.length; index++) expect(data[index - 1]!.time >= data[index]!.time).toBe(true);
    expect(answer.body.locations).toHaveLength(DATASOURCES);
    expect(answer.headers.get('x-datagate-incomplete')).toBeNull();
  });

  it('csv-wide: 5,760 rows, each datasource and time once', async () => {
    const answer = await api.call('POST', '/v2/recent-datasource-measurements-query', {
      key: org.keys.observer,
      body: { org: org.orgId, datasourceIds: org.datasources, format: 'csv-wide', replyWithContinuationToken: true },
    });
    expectStatus(answer, 200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...lines] = (answer.body as string).trimEnd().split('\n');
    expect(header!.split(',').slice(7)).toEqual([
      'pm2_5ConcMassIndividual.raw',
      'pm2_5ConcMassIndividual.status',
      'pm2_5ConcMassIndividual.value',
      'temperatureInternalIndividual.raw',
      'temperatureInternalIndividual.status',
      'temperatureInternalIndividual.value',
    ]);
    expect(
      lines
        .map((line) => line.split(','))
        .map(([id, , , , time]) => `${id}|${time}`)
        .sort(),
    ).toEqual(everyRow());
    // With a token too: the token is for what comes later, never for the rest of the window.
    expect(answer.headers.get('x-clarity-continuation-token')).toBeTruthy();
  });

  it('gzip: streamed, encoded by the function, and the same answer once decoded', async () => {
    const body = { org: org.orgId, allDatasources: true, format: 'csv-wide' };
    const zipped = await rawPost('/v2/recent-datasource-measurements-query', body, { 'Accept-Encoding': 'gzip' });
    const plain = await rawPost('/v2/recent-datasource-measurements-query', body, { 'Accept-Encoding': 'identity' });
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['transfer-encoding']).toBe('chunked'); // streamed: no length known up front
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(gunzipSync(zipped.bytes).toString('utf8')).toBe(plain.bytes.toString('utf8'));
    expect(zipped.bytes.length).toBeLessThan(plain.bytes.length / 3);
    expect(plain.bytes.toString('utf8').trimEnd().split('\n')).toHaveLength(DATASOURCES * READINGS + 1);
  });

  it("clarityio 1.x's call: python-requests headers, a naive isoformat startTime, hour means of the whole network", async () => {
    const start = new Date(Date.now() - 6 * 3_600_000);
    const answer = await rawPost(
      '/v2/recent-datasource-measurements-query',
      {
        org: org.orgId,
        allDatasources: true,
        outputFrequency: 'hour',
        format: 'json-long',
        startTime: start.toISOString().replace(/\.\d{3}Z$/, ''),
      },
      { 'User-Agent': 'python-requests/2.32.3', 'Accept-Encoding': 'gzip, deflate', Accept: '*/*', Connection: 'keep-alive' },
    );
    expect(answer.status).toBe(200);
    const parsed = JSON.parse(gunzipSync(answer.bytes).toString('utf8'));
    const hours = new Set(parsed.data.map((entry: { time: string }) => entry.time));
    expect(hours.size).toBeGreaterThanOrEqual(6);
    expect(new Set(parsed.data.map((entry: { datasourceId: string }) => entry.datasourceId)).size).toBe(DATASOURCES);
    expect(
      parsed.data.every(
        (entry: { time: string }) => Date.parse(entry.time) >= Math.floor(start.getTime() / 3_600_000) * 3_600_000,
      ),
    ).toBe(true);
  });

  it('the token means what is new since the answer: its continuation holds only a reading ingested after it', async () => {
    const first = await api.call('POST', '/v2/recent-datasource-measurements-query', {
      key: org.keys.observer,
      body: { org: org.orgId, allDatasources: true, replyWithContinuationToken: true },
    });
    expectStatus(first, 200);
    expect(first.body.data).toHaveLength(DATASOURCES * READINGS * 2);
    const late = new Date(Date.now() - 30_000).toISOString();
    await ingest(api, org, org.datasources[7]!, [{ time: late, metrics: { pm2_5ConcMassIndividual: 99 } }]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const next = await api.call('POST', '/v2/recent-datasource-measurements-continuation', {
      key: org.keys.observer,
      body: { org: org.orgId, continuationToken: first.headers.get('x-clarity-continuation-token') },
    });
    expectStatus(next, 200);
    expect(next.body.data).toEqual([expect.objectContaining({ datasourceId: org.datasources[7], time: late, value: 99 })]);
  });
});

describe('every minute, read in slices', () => {
  let minuteOrg: DataOrg;
  const MINUTES = 24 * 60;
  let seeded: string[] = [];

  beforeAll(async () => {
    minuteOrg = await dataOrg(api, 4);
    const newest = Math.floor((Date.now() - 60_000) / 60_000) * 60_000;
    seeded = Array.from({ length: MINUTES }, (_, minute) => new Date(newest - minute * 60_000).toISOString());
    for (const [index, datasourceId] of minuteOrg.datasources.entries()) {
      const all = Array.from({ length: MINUTES }, (_, minute) => ({
        time: new Date(newest - minute * 60_000).toISOString(),
        metrics: { pm2_5ConcMassIndividual: index * 1000 + minute, no2ConcIndividual: minute % 40 },
      }));
      for (let start = 0; start < all.length; start += 500)
        await ingest(api, minuteOrg, datasourceId, all.slice(start, start + 500));
    }
    await new Promise((resolve) => setTimeout(resolve, 400));
    process.env.RECENT_SLICE_ROWS = '500'; // about 2 hours of 4 datasources a slice: a dozen slices
  }, 300_000);
  afterAll(() => {
    delete process.env.RECENT_SLICE_ROWS;
  });

  it('a day of minutes of every datasource, every row once, newest first across the slices', async () => {
    const asked = Date.now();
    const answer = await api.call('POST', '/v2/recent-datasource-measurements-query', {
      key: minuteOrg.keys.observer,
      body: { org: minuteOrg.orgId, allDatasources: true, format: 'csv-wide', metricSelect: 'only pm2_5ConcMassIndividual' },
    });
    expectStatus(answer, 200);
    const lines = (answer.body as string).trimEnd().split('\n').slice(1);
    const keys = lines.map((line) => line.split(',')).map(([id, , , , time]) => `${id}|${time}`);
    expect(new Set(keys).size).toBe(keys.length);
    // The window is 24 hours back from when it was asked: every seeded minute still inside it (seeding a
    // loaded machine takes minutes, so the oldest ones have left it), and at most one more that left meanwhile.
    const inWindow = seeded.filter((time) => Date.parse(time) >= asked - 24 * 3_600_000).length;
    expect(keys.length).toBeGreaterThanOrEqual(4 * inWindow);
    expect(keys.length).toBeLessThanOrEqual(4 * (inWindow + 1));
    const times = lines.map((line) => line.split(',')[4]!);
    for (let index = 1; index < times.length; index++) expect(times[index - 1]! >= times[index]!).toBe(true);
  });

  it('read whole at once (4 datasources fit in one slice), the same day answers the same bytes as read in slices', async () => {
    // A window both answers share: from a seeded minute 12 hours back (the oldest minutes leave a 24-hour window meanwhile).
    const body = { org: minuteOrg.orgId, allDatasources: true, format: 'csv-wide', startTime: seeded[720] };
    const sliced = await api.call('POST', '/v2/recent-datasource-measurements-query', { key: minuteOrg.keys.observer, body });
    delete process.env.RECENT_SLICE_ROWS;
    let whole;
    try {
      whole = await api.call('POST', '/v2/recent-datasource-measurements-query', { key: minuteOrg.keys.observer, body });
    } finally {
      process.env.RECENT_SLICE_ROWS = '500';
    }
    expectStatus(sliced, 200);
    expectStatus(whole, 200);
    expect((whole.body as string).trimEnd().split('\n')).toHaveLength(4 * 721 + 1);
    expect(whole.body).toEqual(sliced.body);
  });

  it('a startTime years ahead answers 200 and no reading, at every frequency (the fuzz suite found a 500)', async () => {
    for (const outputFrequency of ['minute', 'hour', 'day']) {
      const answer = await api.call('POST', '/v2/recent-datasource-measurements-query', {
        key: minuteOrg.keys.observer,
        body: { org: minuteOrg.orgId, allDatasources: true, outputFrequency, startTime: '5304-02-29T22:20:11.855Z' },
      });
      expect({ outputFrequency, status: answer.status, data: answer.body?.data }).toEqual({
        outputFrequency,
        status: 200,
        data: [],
      });
    }
  });

  it('a query beyond the answer limit is 413 before anything is sent, naming the limit', async () => {
    process.env.MAX_VALUES_PER_STREAMED_ANSWER = '10000';
    try {
      const answer = await api.call('POST', '/v2/recent-datasource-measurements-query', {
        key: minuteOrg.keys.observer,
        body: { org: minuteOrg.orgId, allDatasources: true },
      });
      expect(answer.status).toBe(413);
      expect(answer.body).toMatchObject({ code: 'payload_too_large', message: expect.stringContaining('at most 10000') });
    } finally {
      delete process.env.MAX_VALUES_PER_STREAMED_ANSWER;
    }
  });
});

describe('a few datasources, read whole at once', () => {
  let few: DataOrg;
  const query = (body: Record<string, unknown>, key = few.keys.observer) =>
    api.call('POST', '/v2/recent-datasource-measurements-query', { key, body: { org: few.orgId, ...body } });
  const minuteTimes = (count: number, newest: number) =>
    Array.from({ length: count }, (_, minute) => new Date(newest - minute * 60_000).toISOString());

  beforeAll(async () => {
    few = await dataOrg(api, 3);
  }, 60_000);

  it('an ingest caught between its minutes and its aggregates: its rows and its new metric are answered (csv-wide, json-long)', async () => {
    const datasourceId = few.datasources[0]!;
    const newest = Math.floor((Date.now() - 60_000) / 60_000) * 60_000;
    const recent = minuteTimes(30, newest);
    await ingest(
      api,
      few,
      datasourceId,
      recent.map((time, minute) => ({ time, metrics: { pm2_5ConcMassIndividual: minute } })),
    );
    // Three hours earlier, a metric the datasource never sent: its aggregates' writes are held back
    // once its minutes are written, as a slow ingest leaves them for a moment.
    const earlier = minuteTimes(30, newest - 3 * 3_600_000);
    const client = documentClient();
    let written = 0;
    let minutesWritten = false;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const command = String(context.commandName);
        const touches = JSON.stringify(args.input).includes(datasourceId);
        if (touches && minutesWritten && /TransactWriteItems|UpdateItem/.test(command)) await held;
        const result = await next(args);
        // Every one of the 30 minutes written (in BatchWriteItems of up to 25, several in flight).
        if (touches && /BatchWriteItem/.test(command)) {
          const requests = Object.values((args.input as { RequestItems: Record<string, unknown[]> }).RequestItems);
          minutesWritten = (written += requests.flat().length) >= earlier.length;
        }
        return result;
      },
      { step: 'initialize', name: 'holdAggregates' },
    );
    let csv, json;
    let ingesting: Promise<unknown> | undefined;
    try {
      ingesting = ingest(
        api,
        few,
        datasourceId,
        earlier.map((time, minute) => ({ time, metrics: { pm2_5ConcMassIndividual: minute, no2ConcIndividual: 7 } })),
      );
      for (let waited = 0; !minutesWritten && waited < 20_000; waited += 20)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(minutesWritten).toBe(true);
      csv = await query({ datasourceIds: [datasourceId], format: 'csv-wide' });
      json = await query({ datasourceIds: [datasourceId] });
    } finally {
      release();
      await ingesting;
      client.middlewareStack.remove('holdAggregates');
    }
    expectStatus(csv, 200);
    const [header, ...lines] = (csv.body as string).trimEnd().split('\n');
    expect(header!.split(',').slice(7)).toEqual([
      'no2ConcIndividual.raw',
      'no2ConcIndividual.status',
      'no2ConcIndividual.value',
      'pm2_5ConcMassIndividual.raw',
      'pm2_5ConcMassIndividual.status',
      'pm2_5ConcMassIndividual.value',
    ]);
    expect(lines.map((line) => line.split(',')[4])).toEqual([...recent, ...earlier]);
    expectStatus(json, 200);
    expect(json.body.data).toHaveLength(30 + 2 * 30);
  }, 60_000);

  it('the limit counts the values read: at the limit 200, one value over it 413', async () => {
    const datasourceId = few.datasources[1]!;
    const times = minuteTimes(40, Math.floor((Date.now() - 60_000) / 60_000) * 60_000);
    await ingest(
      api,
      few,
      datasourceId,
      times.map((time, minute) => ({ time, metrics: { pm2_5ConcMassIndividual: minute, no2ConcIndividual: 1 } })),
    );
    try {
      process.env.MAX_VALUES_PER_STREAMED_ANSWER = '80';
      const atLimit = await query({ datasourceIds: [datasourceId] });
      expectStatus(atLimit, 200);
      expect(atLimit.body.data).toHaveLength(80);
      process.env.MAX_VALUES_PER_STREAMED_ANSWER = '79';
      const over = await query({ datasourceIds: [datasourceId] });
      expect(over.status).toBe(413);
      expect(over.body).toMatchObject({ code: 'payload_too_large', message: expect.stringContaining('at most 79') });
    } finally {
      delete process.env.MAX_VALUES_PER_STREAMED_ANSWER;
    }
  });

  it('a datasource reporting more often than once a minute (every 20 s, 1,620 readings) is answered whole, newest first', async () => {
    const datasourceId = few.datasources[2]!;
    const newest = Math.floor((Date.now() - 60_000) / 60_000) * 60_000;
    const times = Array.from({ length: 1620 }, (_, index) => new Date(newest - index * 20_000).toISOString());
    for (let start = 0; start < times.length; start += 500)
      await ingest(
        api,
        few,
        datasourceId,
        times.slice(start, start + 500).map((time, index) => ({ time, metrics: { pm2_5ConcMassIndividual: start + index } })),
      );
    const answer = await query({ datasourceIds: [datasourceId] });
    expectStatus(answer, 200);
    expect(answer.body.data.map((entry: { time: string }) => entry.time)).toEqual(times);
  }, 120_000);

  it('with a token, the continuation holds only what was ingested after the answer', async () => {
    const datasourceId = few.datasources[1]!;
    const first = await query({ datasourceIds: [datasourceId], replyWithContinuationToken: true });
    expectStatus(first, 200);
    expect(first.body.data).toHaveLength(80);
    const late = new Date(Date.now() - 30_000).toISOString();
    await ingest(api, few, datasourceId, [{ time: late, metrics: { pm2_5ConcMassIndividual: 99 } }]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const next = await api.call('POST', '/v2/recent-datasource-measurements-continuation', {
      key: few.keys.observer,
      body: { org: few.orgId, continuationToken: first.headers.get('x-clarity-continuation-token') },
    });
    expectStatus(next, 200);
    expect(next.body.data).toEqual([expect.objectContaining({ datasourceId, time: late, value: 99 })]);
  });
});
