import type { Datasource } from '../../functions/core/datasources/datasources';
import type { RecentQuery, Row } from '../../functions/core/measurements/measurement-windows';
import { recentAnswerChunks, type AnswerRows } from '../../functions/core/clarity/recent-answer';

/**
 * The streamed renderer writes by hand what JSON.stringify and the csv-wide writer would: these
 * pin its text to theirs (the answer's shape, the readings as stored, quoting), chunk by chunk.
 */

const datasource = (id: string, location?: { lat: number; lon: number }): Datasource => ({
  datasourceId: id,
  orgId: 'org_000000000000000000000001',
  sourceType: 'CLARITY_NODE, "outdoor"',
  name: 'x',
  tags: [],
  ...(location ? { location } : {}),
  createdAt: '2026-01-01T00:00:00.000Z',
});
const A = 'ds_00000000000000000000000a';
const B = 'ds_00000000000000000000000b';
const rows: Row[] = [
  { datasourceId: A, time: '2026-12-05T10:01:00.000Z', metrics: { pm2_5ConcMassIndividual: 7.25, no2ConcIndividual: -0.5 } },
  {
    datasourceId: B,
    time: '2026-12-05T10:01:00.000Z',
    // A reading as a gateway sends it: calibration missing, QC of its own.
    metrics: {
      pm2_5ConcMassIndividual: { raw: 9, value: null, status: 'calibration-missing', qcAssessment: 'invalid', qcFlags: ['a,b'] },
    } as unknown as Row['metrics'],
  },
  { datasourceId: A, time: '2026-12-05T10:00:00.000Z', metrics: { pm2_5ConcMassIndividual: 1e21 } },
];
const answer = (metrics?: string[]): AnswerRows => ({
  datasources: [datasource(A, { lat: 50.123456, lon: 4.5 }), datasource(B)],
  ...(metrics ? { metrics } : {}),
  async *slices() {
    yield rows.slice(0, 2);
    yield rows.slice(2);
  },
});
const query = (format: RecentQuery['format'], qc = false): RecentQuery => ({
  allDatasources: false,
  datasourceIds: [A, B],
  outputFrequency: 'minute',
  format,
  locationRounding: 2,
  ...(qc ? { qcAssessment: true, qcFlags: true } : {}),
});

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let all = '';
  for await (const chunk of chunks) all += chunk;
  return all;
}

test('json-long is the JSON of the answer: one entry per metric (sorted), readings as stored, then the locations', async () => {
  const request = { org: 'org_1', note: 'a "quoted" text' };
  const parsed = JSON.parse(await text(recentAnswerChunks(answer(), query('json-long', true), request)));
  expect(parsed.request).toEqual(request);
  expect(parsed.data).toEqual([
    {
      datasourceId: A,
      time: rows[0]!.time,
      metric: 'no2ConcIndividual',
      value: -0.5,
      raw: -0.5,
      status: 'sensor-ready',
      qcAssessment: 'valid',
      qcFlags: [],
    },
    {
      datasourceId: A,
      time: rows[0]!.time,
      metric: 'pm2_5ConcMassIndividual',
      value: 7.25,
      raw: 7.25,
      status: 'sensor-ready',
      qcAssessment: 'valid',
      qcFlags: [],
    },
    {
      datasourceId: B,
      time: rows[1]!.time,
      metric: 'pm2_5ConcMassIndividual',
      value: null,
      raw: 9,
      status: 'calibration-missing',
      qcAssessment: 'invalid',
      qcFlags: ['a,b'],
    },
    {
      datasourceId: A,
      time: rows[2]!.time,
      metric: 'pm2_5ConcMassIndividual',
      value: 1e21,
      raw: 1e21,
      status: 'sensor-ready',
      qcAssessment: 'valid',
      qcFlags: [],
    },
  ]);
  expect(parsed.locations).toEqual([{ datasourceId: A, lat: 50.12, lon: 4.5 }]);
  const plain = JSON.parse(await text(recentAnswerChunks(answer(), query('json-long'), {})));
  expect(Object.keys(plain.data[0])).toEqual(['datasourceId', 'time', 'metric', 'value', 'raw', 'status']);
});

test('csv-wide: the header from the known metrics, quoted free text, empty cells for a metric a row lacks', async () => {
  const csv = await text(
    recentAnswerChunks(answer(['no2ConcIndividual', 'pm2_5ConcMassIndividual']), query('csv-wide', true), {}),
  );
  expect(csv.split('\n')).toEqual([
    'datasourceId,sourceId,sourceType,outputFrequency,time,locationLatitude,locationLongitude,' +
      'no2ConcIndividual.qcAssessment,no2ConcIndividual.qcFlags,no2ConcIndividual.raw,no2ConcIndividual.status,no2ConcIndividual.value,' +
      'pm2_5ConcMassIndividual.qcAssessment,pm2_5ConcMassIndividual.qcFlags,pm2_5ConcMassIndividual.raw,pm2_5ConcMassIndividual.status,pm2_5ConcMassIndividual.value',
    `${A},src_00000000000000000000000a,"CLARITY_NODE, ""outdoor""",minute,${rows[0]!.time},50.12,4.5,valid,[],-0.5,sensor-ready,-0.5,valid,[],7.25,sensor-ready,7.25`,
    `${B},src_00000000000000000000000b,"CLARITY_NODE, ""outdoor""",minute,${rows[1]!.time},,,,,,,,invalid,"[""a,b""]",9,calibration-missing,`,
    `${A},src_00000000000000000000000a,"CLARITY_NODE, ""outdoor""",minute,${rows[2]!.time},50.12,4.5,,,,,,valid,[],1e+21,sensor-ready,1e+21`,
    '',
  ]);
  // Without known metrics (a continuation's rows), the header is made from the rows.
  expect(await text(recentAnswerChunks(answer(), query('csv-wide', true), {}))).toBe(csv);
});

test('a csv-wide row with a metric its header does not name breaks the answer off instead of dropping it', async () => {
  await expect(text(recentAnswerChunks(answer(['pm2_5ConcMassIndividual']), query('csv-wide'), {}))).rejects.toThrow(
    /no2ConcIndividual/,
  );
});

test('a large answer comes in chunks of whole rows, each well under 128 KiB (V8 large strings), that make the same text', async () => {
  // A day of one datasource's minutes, five metrics: about 1.1 MB of json-long.
  const day: Row[] = Array.from({ length: 1441 }, (_unused, minute) => ({
    datasourceId: A,
    time: new Date(Date.UTC(2026, 11, 5) - minute * 60_000).toISOString(),
    metrics: {
      pm1ConcMassIndividual: minute / 7,
      pm2_5ConcMassIndividual: minute / 3,
      pm10ConcMassIndividual: minute,
      relHumidInternalIndividual: 40.5,
      temperatureInternalIndividual: -3.25,
    },
  }));
  const large: AnswerRows = {
    datasources: [datasource(A)],
    async *slices() {
      yield day.slice(0, 1000);
      yield day.slice(1000);
    },
  };
  for (const format of ['json-long', 'csv-wide'] as const) {
    const chunks: string[] = [];
    for await (const chunk of recentAnswerChunks(large, query(format), {})) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(format === 'json-long' ? 20 : 5);
    for (const chunk of chunks) expect(chunk.length).toBeLessThan(64 * 1024);
    const whole = chunks.join('');
    if (format === 'json-long') {
      expect(JSON.parse(whole).data).toHaveLength(1441 * 5);
    } else {
      // Every csv-wide chunk ends a row: no row is split across chunks.
      for (const chunk of chunks) expect(chunk.endsWith('\n')).toBe(true);
      expect(whole.split('\n')).toHaveLength(1 + 1441 + 1);
    }
  }
});
