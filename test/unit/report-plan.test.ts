import { planFiles, planParts, readSpan, type ReportQuery } from '../../functions/core/reports/report-query';

const query = (overrides: Partial<ReportQuery>): ReportQuery => ({
  allDatasources: false,
  outputFrequency: 'minute',
  startTime: '2026-01-15T10:30:00.000Z',
  endTime: '2026-03-02T00:00:00.000Z',
  fileFormat: 'csv-wide',
  ...overrides,
});

describe('splitting a report', () => {
  it('reads the window itself for minutes, and whole periods that overlap it for means', () => {
    expect(readSpan(query({}))).toEqual({ from: Date.parse('2026-01-15T10:30:00Z'), to: Date.parse('2026-03-02T00:00:00Z') });
    expect(readSpan(query({ outputFrequency: 'hour', endTime: '2026-03-01T23:10:00Z' }))).toEqual({
      from: Date.parse('2026-01-15T10:00:00Z'),
      to: Date.parse('2026-03-02T00:00:00Z'),
    });
    expect(readSpan(query({ outputFrequency: 'day' })).from).toBe(Date.parse('2026-01-15T00:00:00Z'));
  });

  it('makes one part per datasource and UTC calendar month of the window, covering it without gaps or overlaps', () => {
    const parts = planParts(query({}), ['ds_a', 'ds_b']);
    expect(parts.map(({ datasourceId, from, to }) => [datasourceId, from, to])).toEqual([
      ['ds_a', '2026-01-15T10:30:00.000Z', '2026-02-01T00:00:00.000Z'],
      ['ds_a', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
      ['ds_a', '2026-03-01T00:00:00.000Z', '2026-03-02T00:00:00.000Z'],
      ['ds_b', '2026-01-15T10:30:00.000Z', '2026-02-01T00:00:00.000Z'],
      ['ds_b', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
      ['ds_b', '2026-03-01T00:00:00.000Z', '2026-03-02T00:00:00.000Z'],
    ]);
    expect(parts.map((part) => part.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('a year of minutes for 100 datasources is 1,200 parts', () => {
    const ids = Array.from({ length: 100 }, (_, index) => `ds_${index}`);
    expect(planParts(query({ startTime: '2025-01-01T00:00:00Z', endTime: '2026-01-01T00:00:00Z' }), ids)).toHaveLength(1200);
  });

  it('cuts the rows into files of at most the row limit, in order; an empty report is one empty file', () => {
    expect(planFiles(250, 100)).toEqual([
      { index: 0, firstRow: 0, endRow: 100 },
      { index: 1, firstRow: 100, endRow: 200 },
      { index: 2, firstRow: 200, endRow: 250 },
    ]);
    expect(planFiles(0, 100)).toEqual([{ index: 0, firstRow: 0, endRow: 0 }]);
  });
});
