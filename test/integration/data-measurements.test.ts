import { SignJWT } from 'jose';
import { useTestApi } from '../support/local-api';
import { dataOrg, ingest, minutesAgo, ROLE_NAMES, type DataOrg, type Metrics } from '../support/data-api';

/**
 * Ingest, the recent-measurements query (every option) and continuations, through HTTP against
 * DynamoDB Local. Means are checked against an independent computation.
 */

const api = useTestApi();
let org: DataOrg;
beforeAll(async () => {
  org = await dataOrg(api);
});

const query = (key: string, body: Record<string, unknown>, headers?: Record<string, string>) =>
  api.call('POST', '/v2/recent-datasource-measurements-query', { key, body: { org: org.orgId, ...body }, headers });
const continuation = (key: string, token: string, orgId = org.orgId) =>
  api.call('POST', '/v2/recent-datasource-measurements-continuation', { key, body: { org: orgId, continuationToken: token } });
const TOKEN = 'x-clarity-continuation-token';

describe('ingest', () => {
  it.each(ROLE_NAMES)('a %s grant', async (role) => {
    const answer = await api.call('POST', `/v2/datasources/${org.datasources[0]}/measurements?org=${org.orgId}`, {
      key: org.keys[role],
      body: { measurements: [{ time: minutesAgo(2000), metrics: { temperatureInternalIndividual: 1 } }] },
    });
    expect(answer.status).toBe(['admin', 'technician'].includes(role) ? 202 : 403);
    if (answer.status === 202) expect(answer.body).toEqual({ accepted: 1 });
  });

  it('is all or nothing: one bad item writes nothing; future, too old, empty and oversized batches are refused', async () => {
    const fresh = await dataOrg(api, 1);
    const path = `/v2/datasources/${fresh.datasources[0]}/measurements?org=${fresh.orgId}`;
    const good = { time: minutesAgo(5), metrics: { pm2_5ConcMass: 3 } };
    for (const bad of [
      { time: minutesAgo(-10), metrics: { windSpeedIndividual: 1 } },
      { time: minutesAgo(11 * 1440), metrics: { windSpeedIndividual: 1 } },
      { time: 'yesterday', metrics: { windSpeedIndividual: 1 } },
      { time: minutesAgo(1), metrics: { windSpeedIndividual: 'high' } },
      { time: minutesAgo(1), metrics: {} },
      { time: minutesAgo(1), metrics: { co2: 1 } }, // not a metric of the catalogue
      { time: minutesAgo(1), metrics: { pm2_5ConcMass: 1, pm2_5ConcMassIndividual: 2 } }, // the same metric twice
    ]) {
      const answer = await api.call('POST', path, { key: fresh.keys.admin, body: { measurements: [good, bad] } });
      expect(answer.status).toBe(400);
      expect(answer.body.details[0].path).toMatch(/^measurements\.1\./);
    }
    const tooMany = Array.from({ length: 501 }, (_, index) => ({ time: minutesAgo(index), metrics: { windSpeedIndividual: 1 } }));
    expect((await api.call('POST', path, { key: fresh.keys.admin, body: { measurements: tooMany } })).status).toBe(400);
    expect((await api.call('POST', path, { key: fresh.keys.admin, body: { measurements: [] } })).status).toBe(400);
    const read = await api.call('POST', '/v2/recent-datasource-measurements-query', {
      key: fresh.keys.admin,
      body: { org: fresh.orgId, allDatasources: true },
    });
    expect(read.body.data).toEqual([]);
  });

  it('writes 500 at once, and the same time sent again overwrites instead of duplicating', async () => {
    const fresh = await dataOrg(api, 1);
    const [datasourceId] = fresh.datasources as [string];
    const now = Date.now();
    const batch = Array.from({ length: 500 }, (_, index) => ({
      time: minutesAgo(index + 1, now),
      metrics: { windSpeedIndividual: index },
    }));
    await ingest(api, fresh, datasourceId, batch);
    await ingest(api, fresh, datasourceId, [{ time: minutesAgo(1, now), metrics: { windSpeedIndividual: 42 } }]);
    const read = await api.call('POST', '/v2/recent-datasource-measurements-query', {
      key: fresh.keys.admin,
      body: { org: fresh.orgId, datasourceIds: [datasourceId] },
    });
    expect(read.body.data).toHaveLength(500);
    expect(read.body.data[0]).toMatchObject({ time: minutesAgo(1, now), metric: 'windSpeedIndividual', value: 42 });
  });

  it('takes org in the body (the contract) or, as before, in the query string; both differing or neither is 400', async () => {
    const fresh = await dataOrg(api, 1);
    const path = `/v2/datasources/${fresh.datasources[0]}/measurements`;
    const measurements = [{ time: minutesAgo(3), metrics: { windSpeedIndividual: 1 } }];
    const send = (url: string, body: Record<string, unknown>) => api.call('POST', url, { key: fresh.keys.technician, body });
    const inBody = await send(path, { org: fresh.orgId, measurements });
    expect(inBody.status).toBe(202);
    expect(inBody.body).toEqual({ accepted: 1 });
    expect((await send(`${path}?org=${fresh.orgId}`, { measurements })).status).toBe(202);
    expect((await send(`${path}?org=${fresh.orgId}`, { org: fresh.orgId, measurements })).status).toBe(202);
    const differ = await send(`${path}?org=${org.orgId}`, { org: fresh.orgId, measurements });
    expect(differ.status).toBe(400);
    expect(differ.body).toMatchObject({ code: 'validation_error', details: [{ path: 'org', message: expect.any(String) }] });
    const missing = await send(path, { measurements });
    expect(missing.status).toBe(400);
    expect(missing.body.details).toEqual([{ path: 'org', message: expect.any(String) }]);
    expect((await send(path, { org: 'not-an-org', measurements })).status).toBe(400);
  });

  it('ignores body fields it does not know (contract section 4 for /v2), at the top and in each measurement', async () => {
    const fresh = await dataOrg(api, 1);
    const answer = await api.call('POST', `/v2/datasources/${fresh.datasources[0]}/measurements`, {
      key: fresh.keys.technician,
      body: {
        org: fresh.orgId,
        source: 'gateway-7',
        measurements: [
          { time: minutesAgo(2), metrics: { windSpeedIndividual: 5 }, qcFlags: ['none'], location: { lat: 1, lon: 2 } },
        ],
      },
    });
    expect(answer.status).toBe(202);
    const read = await query(fresh.keys.admin, { org: fresh.orgId, allDatasources: true });
    expect(read.body.data).toEqual([expect.objectContaining({ metric: 'windSpeedIndividual', value: 5 })]);
  });

  it('answers 404 for a datasource of another org', async () => {
    const other = await dataOrg(api, 1);
    const answer = await api.call('POST', `/v2/datasources/${other.datasources[0]}/measurements?org=${org.orgId}`, {
      key: org.keys.admin,
      body: { measurements: [{ time: minutesAgo(1), metrics: { windSpeedIndividual: 1 } }] },
    });
    expect(answer.status).toBe(404);
  });
});

describe('recent-datasource-measurements-query', () => {
  let fresh: DataOrg;
  const sent: { datasourceId: string; time: string; metrics: Metrics }[] = [];
  const now = Date.now();

  beforeAll(async () => {
    fresh = await dataOrg(api, 2);
    // Every 7 minutes over 3 days, two datasources, values that do not average to round numbers.
    for (const [index, datasourceId] of fresh.datasources.entries()) {
      const measurements = [];
      for (let minute = 1; minute < 3 * 1440; minute += 7) {
        const metrics = { pm2_5ConcMass: ((minute * 37 + index * 11) % 101) / 3, temperatureInternal: 20 + (minute % 13) / 7 };
        measurements.push({ time: minutesAgo(minute, now), metrics });
        sent.push({ datasourceId, time: minutesAgo(minute, now), metrics });
      }
      for (let start = 0; start < measurements.length; start += 500) {
        await ingest(api, fresh, datasourceId, measurements.slice(start, start + 500));
      }
    }
  });

  /** Independent computation of the means: plain sums per UTC period. */
  function expectedMeans(periodMs: number, windowStart: number) {
    const sums = new Map<string, { sum: number; count: number }>();
    for (const { datasourceId, time, metrics } of sent) {
      const start = Math.floor(Date.parse(time) / periodMs) * periodMs;
      if (start < windowStart) continue;
      for (const [metric, value] of Object.entries(metrics)) {
        const key = `${datasourceId}|${new Date(start).toISOString()}|${metric}`;
        const entry = sums.get(key) ?? { sum: 0, count: 0 };
        entry.sum += value;
        entry.count += 1;
        sums.set(key, entry);
      }
    }
    return sums;
  }

  it('minute (the default): json-long, newest first, the last 24 hours, with locations and the request echoed', async () => {
    const answer = await query(fresh.keys.observer, {
      org: fresh.orgId,
      allDatasources: true,
      qcAssessment: true,
      locationRounding: 4,
      startTime: null,
    });
    expect(answer.status).toBe(200);
    const { data, locations, request } = answer.body;
    expect(request).toMatchObject({ org: fresh.orgId, allDatasources: true, outputFrequency: 'minute', format: 'json-long' });
    const inWindow = sent.filter((m) => Date.parse(m.time) >= now - 86_400_000);
    expect(data).toHaveLength(inWindow.length * 2);
    const times = data.map((row: { time: string }) => row.time);
    expect([...times].sort().reverse()).toEqual(times);
    expect(data[0]).toEqual({
      datasourceId: expect.any(String),
      time: minutesAgo(1, now),
      metric: 'pm2_5ConcMassIndividual',
      value: expect.any(Number),
      raw: expect.any(Number),
      status: 'sensor-ready',
      qcAssessment: 'valid',
    });
    expect(locations).toEqual(
      expect.arrayContaining([
        { datasourceId: fresh.datasources[0], lat: 50, lon: 4 },
        { datasourceId: fresh.datasources[1], lat: 51, lon: 5 },
      ]),
    );
  });

  it('hour: the 1-hour means of the last 48 hours, correct to the value', async () => {
    const hour = 3_600_000;
    const answer = await query(fresh.keys.admin, {
      org: fresh.orgId,
      datasourceIds: fresh.datasources,
      outputFrequency: 'hour',
      metricSelect: 'only *1HourMean',
    });
    const expected = expectedMeans(hour, Math.floor(now / hour) * hour - 47 * hour);
    expect(answer.body.data).toHaveLength(expected.size);
    for (const row of answer.body.data) {
      expect(row.metric).toMatch(/1HourMean$/);
      const entry = expected.get(`${row.datasourceId}|${row.time}|${row.metric.replace(/1HourMean$/, '')}`)!;
      expect(row.value).toBeCloseTo(entry.sum / entry.count, 10);
      expect(Date.parse(row.endOfPeriod) - Date.parse(row.startOfPeriod)).toBe(hour);
    }
  });

  it('day: the 24-hour means of the last 10 days, correct to the value', async () => {
    const day = 86_400_000;
    const answer = await query(fresh.keys.admin, {
      org: fresh.orgId,
      allDatasources: true,
      outputFrequency: 'day',
      metricSelect: 'only *24HourMean',
    });
    const expected = expectedMeans(day, Math.floor(now / day) * day - 9 * day);
    expect(answer.body.data).toHaveLength(expected.size);
    for (const row of answer.body.data) {
      const entry = expected.get(`${row.datasourceId}|${row.time}|${row.metric.replace(/24HourMean$/, '')}`)!;
      expect(row.value).toBeCloseTo(entry.sum / entry.count, 10);
    }
  });

  it('metricSelect and startTime narrow the answer', async () => {
    const answer = await query(fresh.keys.admin, {
      org: fresh.orgId,
      allDatasources: true,
      outputFrequency: 'hour',
      metricSelect: 'only pm2_5ConcMass1HourMean',
      startTime: minutesAgo(180, now),
    });
    expect(new Set(answer.body.data.map((row: { metric: string }) => row.metric))).toEqual(new Set(['pm2_5ConcMass1HourMean']));
    const oldest = Math.floor((now - 180 * 60_000) / 3_600_000) * 3_600_000;
    expect(answer.body.data.every((row: { time: string }) => Date.parse(row.time) >= oldest)).toBe(true);
    const wildcard = await query(fresh.keys.admin, { org: fresh.orgId, allDatasources: true, metricSelect: 'all - pm2_5*' });
    expect(new Set(wildcard.body.data.map((row: { metric: string }) => row.metric))).toEqual(
      new Set(['temperatureInternalIndividual']),
    );
  });

  it('csv-wide: text/csv, one row per datasource and time, one column per metric holding its value', async () => {
    const answer = await query(fresh.keys.admin, {
      org: fresh.orgId,
      datasourceIds: [fresh.datasources[0]],
      format: 'csv-wide',
      startTime: minutesAgo(30, now),
    });
    expect(answer.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...lines] = (answer.body as string).trim().split('\n');
    expect(header).toBe(
      'datasourceId,sourceId,sourceType,outputFrequency,time,locationLatitude,locationLongitude,' +
        'pm2_5ConcMassIndividual.raw,pm2_5ConcMassIndividual.status,pm2_5ConcMassIndividual.value,' +
        'temperatureInternalIndividual.raw,temperatureInternalIndividual.status,temperatureInternalIndividual.value',
    );
    const listed = await api.call('GET', `/v2/datasources?org=${fresh.orgId}`, { key: fresh.keys.admin });
    const sourceId = listed.body.datasources.find(
      (d: { datasourceId: string }) => d.datasourceId === fresh.datasources[0],
    ).currentSourceId;
    const expected = sent.filter((m) => m.datasourceId === fresh.datasources[0] && Date.parse(m.time) >= now - 30 * 60_000);
    expect(lines).toEqual(
      expected.map(({ time, metrics }) => {
        const pm = metrics.pm2_5ConcMass;
        const temperature = metrics.temperatureInternal;
        return `${fresh.datasources[0]},${sourceId},CLARITY_NODE,minute,${time},50,4,${pm},sensor-ready,${pm},${temperature},sensor-ready,${temperature}`;
      }),
    );
    const hourly = await query(fresh.keys.admin, {
      org: fresh.orgId,
      allDatasources: true,
      format: 'csv-wide',
      outputFrequency: 'hour',
    });
    expect((hourly.body as string).split('\n')[0]).toMatch(
      /^datasourceId,sourceId,sourceType,outputFrequency,startOfPeriod,endOfPeriod,locationLatitude,locationLongitude,/,
    );
  });

  it('gzips the answer for Accept-Encoding: gzip', async () => {
    const response = await fetch(`${api.url}/v2/recent-datasource-measurements-query`, {
      method: 'POST',
      headers: { 'x-api-key': fresh.keys.admin, 'Content-Type': 'application/json', 'Accept-Encoding': 'gzip' },
      body: JSON.stringify({ org: fresh.orgId, allDatasources: true }),
    });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(((await response.json()) as { data: unknown[] }).data.length).toBeGreaterThan(100); // fetch inflates it
  });

  it('a guest reads only its datasources; others it names are 400; datasourceIds or allDatasources is required', async () => {
    const all = await query(fresh.keys.guest, { org: fresh.orgId, allDatasources: true });
    expect(new Set(all.body.data.map((row: { datasourceId: string }) => row.datasourceId))).toEqual(
      new Set([fresh.datasources[0]]),
    );
    expect((await query(fresh.keys.guest, { org: fresh.orgId, datasourceIds: [fresh.datasources[1]] })).status).toBe(400);
    expect((await query(fresh.keys.admin, { org: fresh.orgId })).status).toBe(400);
    expect((await query(fresh.keys.admin, { org: fresh.orgId, datasourceIds: fresh.datasources[0] })).status).toBe(400);
    expect(
      (
        await api.call('POST', '/v2/recent-datasource-measurements-query', {
          key: fresh.keys.admin,
          body: { allDatasources: true },
        })
      ).status,
    ).toBe(400);
    expect((await query(org.keys.admin, { allDatasources: true, org: fresh.orgId })).status).toBe(403);
  });
});

describe('continuations', () => {
  it('deliver every measurement exactly once, including one ingested late with an old time', async () => {
    const fresh = await dataOrg(api, 2);
    const [a, b] = fresh.datasources as [string, string];
    const delivered = new Map<string, number>();
    const collect = (data: { datasourceId: string; time: string; metric: string; value: number }[]) => {
      for (const row of data) {
        const key = `${row.datasourceId}|${row.time}|${row.value}`;
        delivered.set(key, (delivered.get(key) ?? 0) + 1);
      }
    };
    const expected = new Set<string>();
    const send = async (datasourceId: string, minutes: number, value: number) => {
      await ingest(api, fresh, datasourceId, [{ time: minutesAgo(minutes), metrics: { windSpeedIndividual: value } }]);
      expected.add(`${datasourceId}|${minutesAgo(minutes).slice(0, 16)}|${value}`);
    };
    await send(a, 10, 1);
    await send(b, 9, 2);

    const first = await query(fresh.keys.observer, { org: fresh.orgId, allDatasources: true, replyWithContinuationToken: true });
    expect(first.status).toBe(200);
    collect(first.body.data);
    let token = first.headers.get(TOKEN)!;
    expect(token).toEqual(expect.any(String));

    await send(a, 5, 3);
    await send(b, 60, 4); // older than everything in the first answer, ingested after it
    let polls = 0;
    const pollUntilAllDelivered = async () => {
      const started = Date.now();
      while ([...delivered.keys()].length < expected.size && Date.now() - started < 10_000) {
        const next = await continuation(fresh.keys.observer, token, fresh.orgId);
        expect(next.status).toBe(200);
        collect(next.body.data);
        token = next.headers.get(TOKEN)!;
        polls++;
        if (polls === 2) await send(a, 1, 5); // ingested while polling
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    await pollUntilAllDelivered();
    await new Promise((resolve) => setTimeout(resolve, 500));
    collect((await continuation(fresh.keys.observer, token, fresh.orgId)).body.data);

    const normalised = [...delivered].map(([key, count]) => [key.replace(/:\d\d\.\d{3}Z/, ''), count]);
    expect(new Set(normalised.map(([key]) => key))).toEqual(expected);
    expect(normalised.every(([, count]) => count === 1)).toBe(true);
  });

  it('keep the query: csv-wide hourly continuations answer csv with the changed period recomputed', async () => {
    const fresh = await dataOrg(api, 1);
    const [datasourceId] = fresh.datasources as [string];
    await ingest(api, fresh, datasourceId, [{ time: minutesAgo(1), metrics: { windSpeedIndividual: 2 } }]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const first = await query(fresh.keys.admin, {
      org: fresh.orgId,
      allDatasources: true,
      outputFrequency: 'hour',
      format: 'csv-wide',
      replyWithContinuationToken: true,
    });
    expect((first.body as string).split('\n')[0]).toMatch(/,windSpeed1HourMean\.value$/);
    await ingest(api, fresh, datasourceId, [{ time: minutesAgo(0.5), metrics: { windSpeedIndividual: 4 } }]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const next = await continuation(fresh.keys.admin, first.headers.get(TOKEN)!, fresh.orgId);
    expect(next.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (next.body as string).trim().split('\n');
    expect(lines).toHaveLength(2);
    // Within one hour both values count (or, across an hour boundary, the new period holds 4 alone).
    expect(lines[1]).toMatch(/,(3|4)$/);
  });

  it("keep the query's startTime: a measurement ingested later with an older time is not delivered", async () => {
    const fresh = await dataOrg(api, 1);
    const [datasourceId] = fresh.datasources as [string];
    const first = await query(fresh.keys.observer, {
      org: fresh.orgId,
      allDatasources: true,
      startTime: minutesAgo(60),
      replyWithContinuationToken: true,
    });
    expect(first.body.data).toEqual([]);
    await ingest(api, fresh, datasourceId, [
      { time: minutesAgo(180), metrics: { windSpeedIndividual: 1 } },
      { time: minutesAgo(10), metrics: { windSpeedIndividual: 2 } },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const next = await continuation(fresh.keys.observer, first.headers.get(TOKEN)!, fresh.orgId);
    expect(next.status).toBe(200);
    expect(next.body.data.map((row: { value: number }) => row.value)).toEqual([2]);
  });

  it('leave out a datasource retired mid-chain: its measurements still in the table are not delivered', async () => {
    const fresh = await dataOrg(api, 2);
    const [retired, kept] = fresh.datasources as [string, string];
    const first = await query(fresh.keys.observer, { org: fresh.orgId, allDatasources: true, replyWithContinuationToken: true });
    await ingest(api, fresh, retired, [{ time: minutesAgo(2), metrics: { windSpeedIndividual: 1 } }]);
    const retire = await api.call('DELETE', `/admin/orgs/${fresh.orgId}/datasources/${retired}`, { token: fresh.admin.token });
    expect(retire.status).toBe(204);
    await ingest(api, fresh, kept, [{ time: minutesAgo(1), metrics: { windSpeedIndividual: 2 } }]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const next = await continuation(fresh.keys.observer, first.headers.get(TOKEN)!, fresh.orgId);
    expect(next.status).toBe(200);
    expect(next.body.data).toEqual([expect.objectContaining({ datasourceId: kept, value: 2 })]);
    expect(next.body.locations).toEqual([{ datasourceId: kept, lat: 51, lon: 5 }]);
  });

  it('refuse altered, foreign, other-org and expired tokens with 400', async () => {
    const fresh = await dataOrg(api, 1);
    const first = await query(fresh.keys.admin, { org: fresh.orgId, allDatasources: true, replyWithContinuationToken: true });
    const token = first.headers.get(TOKEN)!;
    expect((await continuation(fresh.keys.admin, token, fresh.orgId)).status).toBe(200);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const altered = JSON.parse(Buffer.from(payload, 'base64url').toString());
    altered.query.outputFrequency = 'day';
    const alteredToken = `${header}.${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${signature}`;
    expect((await continuation(fresh.keys.admin, alteredToken, fresh.orgId)).status).toBe(400);
    expect((await continuation(fresh.keys.observer, token, fresh.orgId)).status).toBe(400); // another application
    expect((await continuation(org.keys.admin, token, org.orgId)).status).toBe(400); // another org
    expect((await continuation(fresh.keys.admin, 'not-a-token', fresh.orgId)).status).toBe(400);
    const secret = new TextEncoder().encode(process.env.CONTINUATION_SECRET);
    const expired = await new SignJWT({ ...altered, query: { ...altered.query, outputFrequency: 'minute' } })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 1)
      .sign(secret);
    expect((await continuation(fresh.keys.admin, expired, fresh.orgId)).status).toBe(400);
  });
});

describe('answer size (MAX_VALUES_PER_ANSWER, lowered to 40 here)', () => {
  const CAP = 40;
  const metricsOf = (value: number) => ({
    bcAllSourcesIndividual: value,
    bcBiomassIndividual: value + 0.1,
    bcFossilFuelIndividual: value + 0.2,
    relHumidAmbientIndividual: value + 0.3,
  });
  let fresh: DataOrg;
  let one: string;
  let other: string;
  const now = Date.now();

  beforeAll(async () => {
    process.env.MAX_VALUES_PER_ANSWER = String(CAP);
    fresh = await dataOrg(api, 2);
    [one, other] = fresh.datasources as [string, string];
    // 15 measurements of 4 metrics (60 values) in `one`; in `other`, 15 of 2 other metrics.
    await ingest(
      api,
      fresh,
      one,
      Array.from({ length: 15 }, (_, index) => ({ time: minutesAgo(index + 1, now), metrics: metricsOf(index + 1) })),
    );
    await ingest(
      api,
      fresh,
      other,
      Array.from({ length: 15 }, (_, index) => ({
        time: minutesAgo(index + 1, now),
        metrics: { windDirectionIndividual: index, windSpeedIndividual: index },
      })),
    );
  });
  afterAll(() => {
    delete process.env.MAX_VALUES_PER_ANSWER;
  });

  it("the query is whole whatever the continuations' cap: every value of the window in one answer, without a token", async () => {
    const answer = await query(fresh.keys.observer, { org: fresh.orgId, allDatasources: true });
    expect(answer.body.data).toHaveLength(15 * 4 + 15 * 2);
    expect(answer.headers.get(TOKEN)).toBeNull();
    expect(answer.headers.get('x-datagate-incomplete')).toBeNull();
    const csv = await query(fresh.keys.observer, { org: fresh.orgId, allDatasources: true, format: 'csv-wide' });
    const [header, ...lines] = (csv.body as string).trim().split('\n');
    expect(lines).toHaveLength(30);
    expect(header!.split(',').slice(7)).toHaveLength(6 * 3);
  });

  it('a query beyond MAX_VALUES_PER_STREAMED_ANSWER is refused up front with 413 naming the limit; csv-wide counts cells', async () => {
    process.env.MAX_VALUES_PER_STREAMED_ANSWER = '89';
    try {
      const over = await query(fresh.keys.observer, { org: fresh.orgId, allDatasources: true });
      expect(over.status).toBe(413);
      expect(over.body).toMatchObject({ code: 'payload_too_large', message: expect.stringContaining('at most 89') });
      expect(over.body.message).toContain('about 90 json-long values');
      expect(over.headers.get('content-type')).toMatch(/^application\/json/);
      // One metric fewer fits; csv-wide counts cells: 30 rows x 6 metrics x 3 cells = 540.
      const selected = await query(fresh.keys.observer, {
        org: fresh.orgId,
        allDatasources: true,
        metricSelect: 'default - bcAllSourcesIndividual',
      });
      expect(selected.status).toBe(200);
      expect(selected.body.data).toHaveLength(75);
      const csv = await query(fresh.keys.observer, { org: fresh.orgId, datasourceIds: [other], format: 'csv-wide' });
      expect(csv.status).toBe(413);
      expect(csv.body.message).toContain('csv-wide cells');
    } finally {
      delete process.env.MAX_VALUES_PER_STREAMED_ANSWER;
    }
  });

  it('a continuation that has more sends what fits and hands the rest on, each measurement exactly once', async () => {
    const chain = await dataOrg(api, 1);
    const [datasourceId] = chain.datasources as [string];
    const first = await query(chain.keys.observer, { org: chain.orgId, allDatasources: true, replyWithContinuationToken: true });
    let token = first.headers.get(TOKEN)!;
    const sent = Array.from({ length: 25 }, (_, index) => ({ time: minutesAgo(100 - index), metrics: metricsOf(index) }));
    await ingest(api, chain, datasourceId, sent);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const sizes: number[] = [];
    const delivered: string[] = [];
    for (let poll = 0; poll < 5; poll++) {
      const next = await continuation(chain.keys.observer, token, chain.orgId);
      expect(next.status).toBe(200);
      sizes.push(next.body.data.length);
      delivered.push(...new Set<string>(next.body.data.map((row: { time: string }) => row.time)));
      token = next.headers.get(TOKEN)!;
    }
    expect(sizes).toEqual([40, 40, 20, 0, 0]);
    expect(delivered.sort()).toEqual(sent.map(({ time }) => time).sort());
  });

  it('hourly means: periods beyond the room of one continuation follow in the next, computed whole', async () => {
    const chain = await dataOrg(api, 1);
    const [datasourceId] = chain.datasources as [string];
    const first = await query(chain.keys.observer, {
      org: chain.orgId,
      allDatasources: true,
      outputFrequency: 'hour',
      format: 'csv-wide',
      metricSelect: 'only *1HourMean',
      replyWithContinuationToken: true,
    });
    let token = first.headers.get(TOKEN)!;
    // One measurement in each of 12 different hours: 12 periods of 4 metrics, 12 cells each, 3 a continuation.
    const sent = Array.from({ length: 12 }, (_, index) => ({ time: minutesAgo(60 * index + 65), metrics: metricsOf(index) }));
    // One ingest each, newest first: each receipt changes its own hour and the (newer) hours already sent.
    for (const measurement of sent) await ingest(api, chain, datasourceId, [measurement]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const answers: string[][] = [];
    for (let poll = 0; poll < 40; poll++) {
      const next = await continuation(chain.keys.observer, token, chain.orgId);
      const lines = (next.body as string).trim().split('\n').slice(1);
      token = next.headers.get(TOKEN)!;
      if (lines.length === 0) break;
      answers.push(lines);
    }
    expect(answers.length).toBeGreaterThan(1); // more than one answer's room
    // A period is sent again when a later receipt changes the hours after it (rolling means, NowCasts); the
    // last row of each period holds its means. Columns: 8 leading ones, then raw, status, value per metric.
    const byPeriod = new Map(
      answers.flat().map((line) => {
        const cells = line.split(',');
        return [
          cells[4],
          cells
            .slice(8)
            .filter((_cell, index) => index % 3 === 2)
            .map(Number),
        ];
      }),
    );
    expect(byPeriod.size).toBe(12);
    for (const [index, { time }] of sent.entries()) {
      const start = new Date(Math.floor(Date.parse(time) / 3_600_000) * 3_600_000).toISOString();
      expect(byPeriod.get(start)).toEqual(Object.values(metricsOf(index)));
    }
  });
});
