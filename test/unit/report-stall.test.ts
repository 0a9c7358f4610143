import { asOf, REPORT_STALL_MINUTES, STALLED_MESSAGE, type Report } from '../../functions/core/reports/report-records';

const created = '2026-01-01T10:00:00.000Z';
const report: Report = {
  reportId: 'r',
  orgId: 'o',
  applicationId: 'a',
  report: 'datasource-measurements',
  reportStatus: 'in-progress',
  message: 'The report is being prepared.',
  query: {
    allDatasources: true,
    outputFrequency: 'hour',
    startTime: created,
    endTime: created,
    fileFormat: 'csv-wide',
  },
  createdAt: created,
  progressAt: created,
  stage: 'parts',
};
const after = (minutes: number) => new Date(Date.parse(created) + minutes * 60_000);

describe('a report that stops making progress', () => {
  it('is still in progress up to REPORT_STALL_MINUTES after its last step', () => {
    expect(asOf(report, after(REPORT_STALL_MINUTES))).toBe(report);
  });

  it('is failed, with a message to request it again, once it has not moved for longer', () => {
    expect(asOf(report, after(REPORT_STALL_MINUTES + 1))).toEqual({
      ...report,
      reportStatus: 'failed',
      message: STALLED_MESSAGE,
      stage: 'done',
    });
  });

  it('counts from its last step, not from its creation', () => {
    const moving = { ...report, progressAt: after(REPORT_STALL_MINUTES).toISOString() };
    expect(asOf(moving, after(REPORT_STALL_MINUTES + 1))).toBe(moving);
  });

  it('leaves a finished report as it is, however old', () => {
    const done = { ...report, reportStatus: 'succeeded' as const, stage: 'done' as const };
    expect(asOf(done, after(10 * REPORT_STALL_MINUTES))).toBe(done);
  });
});
