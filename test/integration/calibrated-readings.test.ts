import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTestApi } from '../support/local-api';
import { dataOrg, type DataOrg } from '../support/data-api';
import { expectStatus } from '../support/scenario';
import { parseCsv } from '../support/csv';

/**
 * Calibrated readings through HTTP: the real Clarity csv-wide export of test/fixtures/ (rows with
 * `calibrated-ready`, `calibration-missing` and `sensor-ready` readings, QC attributes) is
 * ingested as a gateway would send it, read back as json-long and csv-wide, and compared with the
 * export cell by cell; means use `value` and skip readings without one.
 */

const api = useTestApi();
const HOUR_MS = 3_600_000;

interface FixtureRow {
  datasourceId: string;
  time: string;
  /** Per metric, its attribute cells as the export has them (`raw`, `status`, `value`, `qcAssessment`, `qcFlags`). */
  cells: Record<string, Record<string, string>>;
}

function fixtureRows(): FixtureRow[] {
  const [header, ...rows] = parseCsv(readFileSync(join(__dirname, '../fixtures/clarity-csv-wide-minute-sample.csv'), 'utf8'));
  return rows.map((row) => {
    const byColumn = Object.fromEntries(header!.map((name, index) => [name, row[index] ?? '']));
    const cells: Record<string, Record<string, string>> = {};
    for (const [column, text] of Object.entries(byColumn)) {
      const [metric, attribute] = column.split('.');
      if (!attribute || byColumn[`${metric}.raw`] === '') continue;
      (cells[metric!] ??= {})[attribute] = text;
    }
    return { datasourceId: byColumn.datasourceId!, time: byColumn.time!, cells };
  });
}

/** The reading a gateway sends for a metric's cells. */
const readingOf = (cells: Record<string, string>) => ({
  raw: Number(cells.raw),
  value: cells.value === '' ? null : Number(cells.value),
  status: cells.status,
  qcAssessment: cells.qcAssessment,
  qcFlags: JSON.parse(cells.qcFlags!) as string[],
});

const mean = (values: number[]) => values.reduce((total, value) => total + value, 0) / values.length;

describe('calibrated readings (a real Clarity export)', () => {
  let org: DataOrg;
  let rows: FixtureRow[];
  /** The export's datasource ids → this org's. */
  const datasourceOf = new Map<string, string>();
  /** The export's times moved to a few hours ago by whole hours, so each stays in the same hour of its day. */
  let shift: number;
  const shifted = (time: string) => new Date(Date.parse(time) + shift).toISOString();

  beforeAll(async () => {
    org = await dataOrg(api, 2);
    rows = fixtureRows();
    const exportIds = [...new Set(rows.map((row) => row.datasourceId))];
    exportIds.forEach((id, index) => datasourceOf.set(id, org.datasources[index]!));
    const newest = Math.max(...rows.map((row) => Date.parse(row.time)));
    shift = Math.floor((Date.now() - 3 * HOUR_MS - newest) / HOUR_MS) * HOUR_MS;
    for (const exportId of exportIds) {
      const measurements = rows
        .filter((row) => row.datasourceId === exportId)
        .map((row) => ({
          time: shifted(row.time),
          metrics: Object.fromEntries(Object.entries(row.cells).map(([metric, cells]) => [metric, readingOf(cells)])),
        }));
      const answer = await api.call('POST', `/v2/datasources/${datasourceOf.get(exportId)}/measurements`, {
        key: org.keys.technician,
        body: { org: org.orgId, measurements },
      });
      expectStatus(answer, 202);
    }
  });

  const query = (body: Record<string, unknown>) =>
    api.call('POST', '/v2/recent-datasource-measurements-query', {
      key: org.keys.analyst,
      body: { org: org.orgId, datasourceIds: org.datasources, metricSelect: 'all', qcAssessment: true, qcFlags: true, ...body },
    });

  // The streamed csv-wide header comes from the hourly aggregates, which count readings without a
  // value too (`nulls_<metric>`): a metric whose readings all wait for calibration still has its columns.
  it('csv-wide answers each reading as the export has it: raw, status, value (empty when calibration is missing), QC', async () => {
    const answer = await query({ format: 'csv-wide' });
    expectStatus(answer, 200);
    const [header, ...lines] = parseCsv(answer.body as string);
    const answered = lines.map((line) => Object.fromEntries(header!.map((name, index) => [name, line[index] ?? ''])));
    expect(answered).toHaveLength(rows.length);
    let compared = 0;
    for (const row of rows) {
      const line = answered.find(
        (candidate) => candidate.time === shifted(row.time) && candidate.datasourceId === datasourceOf.get(row.datasourceId),
      );
      expect(line).toBeDefined();
      for (const [metric, cells] of Object.entries(row.cells)) {
        for (const [attribute, text] of Object.entries(cells)) {
          expect({ column: `${metric}.${attribute}`, text: line![`${metric}.${attribute}`] }).toEqual({
            column: `${metric}.${attribute}`,
            text,
          });
          compared += 1;
        }
      }
    }
    // 5 rows of 8 to 9 metrics with 5 attributes each: every cell of the export was compared.
    expect(compared).toBeGreaterThan(200);
    expect(rows.some((row) => Object.values(row.cells).some((cells) => cells.status === 'calibrated-ready'))).toBe(true);
    expect(rows.some((row) => Object.values(row.cells).some((cells) => cells.value === ''))).toBe(true);
  });

  it('json-long answers the same readings: value null where calibration is missing', async () => {
    const answer = await query({ format: 'json-long' });
    expectStatus(answer, 200);
    const data = answer.body.data as Record<string, unknown>[];
    for (const row of rows) {
      for (const [metric, cells] of Object.entries(row.cells)) {
        const entry = data.find(
          (candidate) =>
            candidate.time === shifted(row.time) &&
            candidate.datasourceId === datasourceOf.get(row.datasourceId) &&
            candidate.metric === metric,
        );
        expect(entry).toEqual(expect.objectContaining(readingOf(cells)));
      }
    }
    expect(data).toContainEqual(
      expect.objectContaining({ metric: 'no2ConcIndividual', raw: -5.45, value: 12.64, status: 'calibrated-ready' }),
    );
    expect(data).toContainEqual(
      expect.objectContaining({ metric: 'pm10ConcMassIndividual', value: null, status: 'calibration-missing' }),
    );
  });

  it('means and AQIs use value and skip readings without one', async () => {
    const hour = await query({ outputFrequency: 'hour', qcAssessment: false, qcFlags: false });
    const day = await query({ outputFrequency: 'day', qcAssessment: false, qcFlags: false });
    expectStatus(hour, 200);
    expectStatus(day, 200);
    for (const [exportId, datasourceId] of datasourceOf) {
      const own = rows.filter((row) => row.datasourceId === exportId);
      const values = (metric: string) =>
        own.flatMap((row) => (row.cells[metric] && row.cells[metric].value !== '' ? [Number(row.cells[metric].value)] : []));
      const answered = (answer: typeof hour, metric: string) =>
        (answer.body.data as Record<string, unknown>[]).find(
          (entry) => entry.datasourceId === datasourceId && entry.metric === metric,
        );
      // The calibrated values, not the raw ones (no2 raw is negative, its value is not).
      expect(answered(hour, 'no2Conc1HourMean')?.value).toBeCloseTo(mean(values('no2ConcIndividual')), 10);
      expect(answered(hour, 'pm2_5ConcMass1HourMean')?.value).toBeCloseTo(mean(values('pm2_5ConcMassIndividual')), 10);
      expect(answered(day, 'pm2_5ConcMass24HourMean')?.value).toBeCloseTo(mean(values('pm2_5ConcMassIndividual')), 10);
      expect(answered(hour, 'no2Conc1HourMeanUsEpaAqi')).toBeDefined();
      // PM10 mass has no calibrated value at all: no mean, no AQI, where a raw mean would have been.
      expect(values('pm10ConcMassIndividual')).toEqual([]);
      expect(answered(hour, 'pm10ConcMass1HourMean')).toBeUndefined();
      expect(answered(day, 'pm10ConcMass24HourMean')).toBeUndefined();
      expect(answered(day, 'pm10ConcMass24HourMeanUsEpaAqi')).toBeUndefined();
    }
  });

  it('counts only readings with a value: a later calibrated PM10 minute is the whole mean', async () => {
    const [exportId, datasourceId] = [...datasourceOf][0]!;
    const time = new Date(Date.parse(shifted(rows.find((row) => row.datasourceId === exportId)!.time)) + 60_000).toISOString();
    const answer = await api.call('POST', `/v2/datasources/${datasourceId}/measurements`, {
      key: org.keys.technician,
      body: { org: org.orgId, measurements: [{ time, metrics: { pm10ConcMassIndividual: { raw: 40, value: 21.5 } } }] },
    });
    expectStatus(answer, 202);
    const hour = await query({ outputFrequency: 'hour', datasourceIds: [datasourceId], qcAssessment: false, qcFlags: false });
    const entry = (hour.body.data as Record<string, unknown>[]).find((candidate) => candidate.metric === 'pm10ConcMass1HourMean');
    expect(entry?.value).toBe(21.5);
    const minute = await query({ datasourceIds: [datasourceId], qcAssessment: false, qcFlags: false });
    expect(minute.body.data).toContainEqual(
      expect.objectContaining({ time, metric: 'pm10ConcMassIndividual', raw: 40, value: 21.5, status: 'calibrated-ready' }),
    );
  });
});

describe('readings as sent', () => {
  let org: DataOrg;
  beforeAll(async () => {
    org = await dataOrg(api, 1);
  });
  const send = (metrics: Record<string, unknown>) =>
    api.call('POST', `/v2/datasources/${org.datasources[0]}/measurements`, {
      key: org.keys.technician,
      body: {
        org: org.orgId,
        measurements: [
          { time: new Date(Date.now() - 120_000).toISOString(), metrics: { temperatureInternalIndividual: 20 } },
          { time: new Date(Date.now() - 60_000).toISOString(), metrics },
        ],
      },
    });

  it.each([
    [
      'an unknown status',
      { no2ConcIndividual: { raw: 1, value: 2, status: 'calibrated' } },
      'measurements.1.metrics.no2ConcIndividual.status',
    ],
    ['a raw that is not a number', { no2ConcIndividual: { raw: '1', value: 2 } }, 'measurements.1.metrics.no2ConcIndividual.raw'],
    [
      'a value that is not a number',
      { no2ConcIndividual: { raw: 1, value: 'n/a' } },
      'measurements.1.metrics.no2ConcIndividual.value',
    ],
    ['no raw', { no2ConcIndividual: { value: 2 } }, 'measurements.1.metrics.no2ConcIndividual.raw'],
    [
      'a reading that is neither a number nor an object',
      { no2ConcIndividual: 'high' },
      'measurements.1.metrics.no2ConcIndividual',
    ],
    [
      'a null value with a calibrated status',
      { no2ConcIndividual: { raw: 1, value: null, status: 'calibrated-ready' } },
      'measurements.1.metrics.no2ConcIndividual.status',
    ],
    [
      'a sensor-ready value other than raw',
      { no2ConcIndividual: { raw: 1, value: 2, status: 'sensor-ready' } },
      'measurements.1.metrics.no2ConcIndividual.value',
    ],
    [
      'QC flags that are not a list',
      { no2ConcIndividual: { raw: 1, qcFlags: 'none' } },
      'measurements.1.metrics.no2ConcIndividual.qcFlags',
    ],
  ])('%s is 400 naming the field, and nothing is written', async (_what, metrics, path) => {
    const answer = await send(metrics);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    expect(answer.body.details).toContainEqual(expect.objectContaining({ path }));
    const read = await api.call('POST', '/v2/recent-datasource-measurements-query', {
      key: org.keys.analyst,
      body: { org: org.orgId, allDatasources: true },
    });
    expect(read.body.data).toEqual([]);
  });

  it('fills in what a reading leaves out: a number is sensor-ready; a value alone is calibrated-ready; a null value calibration-missing', async () => {
    expectStatus(
      await send({
        temperatureInternalIndividual: 21.5,
        relHumidInternalIndividual: { raw: 40 },
        no2ConcIndividual: { raw: -3, value: 11 },
        pm2_5ConcMassIndividual: { raw: 30, value: null },
        pm1ConcMassIndividual: { raw: 9, value: null, status: 'calibration-processing' },
        pm10ConcMassIndividual: {
          raw: 12,
          value: 10,
          status: 'calibrated-reprocessing',
          qcAssessment: 'invalid',
          qcFlags: ['pm-out-of-range'],
        },
      }),
      202,
    );
    const read = await api.call('POST', '/v2/recent-datasource-measurements-query', {
      key: org.keys.analyst,
      body: {
        org: org.orgId,
        allDatasources: true,
        metricSelect: 'all',
        qcAssessment: true,
        qcFlags: true,
        startTime: new Date(Date.now() - 90_000).toISOString(),
      },
    });
    const byMetric = Object.fromEntries((read.body.data as Record<string, unknown>[]).map((entry) => [entry.metric, entry]));
    expect(byMetric).toMatchObject({
      temperatureInternalIndividual: { raw: 21.5, value: 21.5, status: 'sensor-ready', qcAssessment: 'valid', qcFlags: [] },
      relHumidInternalIndividual: { raw: 40, value: 40, status: 'sensor-ready' },
      no2ConcIndividual: { raw: -3, value: 11, status: 'calibrated-ready' },
      pm2_5ConcMassIndividual: { raw: 30, value: null, status: 'calibration-missing' },
      pm1ConcMassIndividual: { raw: 9, value: null, status: 'calibration-processing' },
      pm10ConcMassIndividual: {
        raw: 12,
        value: 10,
        status: 'calibrated-reprocessing',
        qcAssessment: 'invalid',
        qcFlags: ['pm-out-of-range'],
      },
    });
  });

  it('the metric catalogue says which metrics are cloud-calibrated', async () => {
    const answer = await api.call('GET', '/v2/metrics', { key: org.keys.analyst });
    expectStatus(answer, 200);
    const calibrated = (metric: string) =>
      (answer.body.metrics as { metric: string; calibrated: boolean }[]).find((entry) => entry.metric === metric)?.calibrated;
    expect(calibrated('pm2_5ConcMassIndividual')).toBe(true);
    expect(calibrated('no2ConcIndividual')).toBe(true);
    expect(calibrated('pm2_5ConcMass1HourMean')).toBe(true);
    expect(calibrated('temperatureInternalIndividual')).toBe(false);
    expect(calibrated('pm2_5ConcNumIndividual')).toBe(false);
  });
});
