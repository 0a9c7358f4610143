import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvWideHeader, toCsvWide, type MetricCell, type WideRow } from '../../functions/core/air-quality/csv-wide';
import { parseCsvLine } from '../support/csv';

/**
 * The csv-wide writer against a real Clarity export (test/fixtures/clarity-csv-wide-minute-sample.csv,
 * minute frequency, qcAssessment and qcFlags asked): the rows are read back into WideRows and
 * written again; header and cells must come out as Clarity wrote them.
 */

const FIXTURE = join(__dirname, '..', 'fixtures', 'clarity-csv-wide-minute-sample.csv');
const fixture = readFileSync(FIXTURE, 'utf8').replace(/\r\n/g, '\n');

const lines = fixture.trim().split('\n');
const header = parseCsvLine(lines[0]!);
const metricNames = [...new Set(header.slice(7).map((column) => column.slice(0, column.lastIndexOf('.'))))];

function rowOf(cells: string[]): WideRow {
  const at = (column: string) => cells[header.indexOf(column)]!;
  const metrics: Record<string, MetricCell> = {};
  for (const metric of metricNames) {
    const status = at(`${metric}.status`);
    if (status === '') continue;
    const number = (text: string) => (text === '' ? null : Number(text));
    metrics[metric] = {
      raw: number(at(`${metric}.raw`)),
      value: number(at(`${metric}.value`)),
      status,
      qcAssessment: at(`${metric}.qcAssessment`),
      qcFlags: JSON.parse(at(`${metric}.qcFlags`)) as string[],
    };
  }
  return {
    datasourceId: at('datasourceId'),
    sourceId: at('sourceId'),
    sourceType: at('sourceType'),
    outputFrequency: 'minute',
    time: at('time'),
    latitude: Number(at('locationLatitude')),
    longitude: Number(at('locationLongitude')),
    metrics,
  };
}

describe('csv-wide as Clarity writes it', () => {
  it('the header of the real export: leading columns, metrics alphabetical, qc columns before raw/status/value', () => {
    expect(csvWideHeader(metricNames, { outputFrequency: 'minute', qcAssessment: true, qcFlags: true })).toEqual(header);
  });

  it('rows read from the real export are written back cell for cell (empty cells where a row lacks a metric)', () => {
    const rows = lines.slice(1).map((line) => rowOf(parseCsvLine(line)));
    const written = toCsvWide(rows, { outputFrequency: 'minute', qcAssessment: true, qcFlags: true, metrics: metricNames });
    expect(written.trim().split('\n')).toEqual(lines);
  });

  it('without qc options there are three columns per metric; means have startOfPeriod and endOfPeriod', () => {
    const row: WideRow = {
      datasourceId: 'ds_1',
      sourceId: 'src_1',
      sourceType: 'CLARITY_NODE',
      outputFrequency: 'hour',
      time: '2026-11-28T10:00:00.000Z',
      endOfPeriod: '2026-11-28T11:00:00.000Z',
      latitude: 51.5,
      longitude: -0.12,
      metrics: {
        pm2_5ConcMass1HourMean: { raw: 7.5, value: 7.5, status: 'sensor-ready' },
        no2Conc1HourMean: { raw: 20, value: 20, status: 'sensor-ready' },
      },
    };
    const other: WideRow = {
      ...row,
      datasourceId: 'ds_2',
      metrics: { pm2_5ConcMass1HourMean: { raw: 1, value: 1, status: 'sensor-ready' } },
    };
    expect(toCsvWide([row, other], { outputFrequency: 'hour' }).split('\n')).toEqual([
      'datasourceId,sourceId,sourceType,outputFrequency,startOfPeriod,endOfPeriod,locationLatitude,locationLongitude,' +
        'no2Conc1HourMean.raw,no2Conc1HourMean.status,no2Conc1HourMean.value,' +
        'pm2_5ConcMass1HourMean.raw,pm2_5ConcMass1HourMean.status,pm2_5ConcMass1HourMean.value',
      'ds_1,src_1,CLARITY_NODE,hour,2026-11-28T10:00:00.000Z,2026-11-28T11:00:00.000Z,51.5,-0.12,20,sensor-ready,20,7.5,sensor-ready,7.5',
      'ds_2,src_1,CLARITY_NODE,hour,2026-11-28T10:00:00.000Z,2026-11-28T11:00:00.000Z,51.5,-0.12,,,,1,sensor-ready,1',
      '',
    ]);
  });

  it('quotes a qcFlags list with more than one flag', () => {
    const row: WideRow = {
      datasourceId: 'ds_1',
      outputFrequency: 'minute',
      time: '2026-11-28T10:00:00.000Z',
      metrics: {
        pm2_5ConcMassIndividual: {
          raw: 1,
          value: 1,
          status: 'sensor-ready',
          qcAssessment: 'invalid',
          qcFlags: ['QC.I.OOB.001', 'QC.I.OOB.002'],
        },
      },
    };
    const [, line] = toCsvWide([row], { outputFrequency: 'minute', qcFlags: true }).split('\n');
    expect(line).toBe('ds_1,,,minute,2026-11-28T10:00:00.000Z,,,"[""QC.I.OOB.001"",""QC.I.OOB.002""]",1,sensor-ready,1');
  });
});
