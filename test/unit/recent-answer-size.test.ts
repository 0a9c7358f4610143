import { replyResult } from '../../functions/core/http/reply';
import type { ApplicationPrincipal } from '../../functions/core/identity/principal';
import {
  MAX_MEASUREMENTS_PER_ANSWER,
  fitAnswer,
  type RecentQuery,
  type Row,
} from '../../functions/core/measurements/measurement-windows';
import type { RecentAnswer } from '../../functions/core/measurements/recent-measurements';
import { recentMeasurementsReply } from '../../functions/core/clarity/recent-answer';

/**
 * The default answer cap against Lambda's 6 MB synchronous response limit: the largest answers
 * the cap lets through, with every name and number as long as the API allows, are rendered and
 * their Lambda result (the JSON envelope API Gateway receives) is measured.
 */

process.env.CONTINUATION_SECRET = 'unit-tests-continuation-secret-0123456789';
delete process.env.MAX_VALUES_PER_ANSWER; // the default, whatever a previous suite in this worker set

const LIMIT_BYTES = 4 * 1024 * 1024; // well inside the 6 MB (6,291,456 bytes) Lambda accepts
const LONGEST_NUMBER = -2.2250738585072014e-308; // 24 characters as JSON
const principal: ApplicationPrincipal = {
  type: 'application',
  applicationId: 'app_000000000000000000000000',
  keyId: 'key_000000000000000000000000',
  ownerOrgId: 'org_000000000000000000000000',
  grants: {},
};
const datasourceId = (index: number) => `ds_${String(index).padStart(24, '0')}`;
/** 64 characters (the longest a metric name can be), plus `24HourMean` as for daily means. */
const metricName = (index: number) => `m${String(index).padStart(63, 'x')}24HourMean`;
const query: RecentQuery = {
  allDatasources: false,
  datasourceIds: Array.from({ length: 100 }, (_, index) => datasourceId(index)),
  outputFrequency: 'day',
  format: 'json-long',
  metricSelect: `only ${'"'.repeat(995)}`,
};

function worstRows(count: number, metricsPerRow: number): Row[] {
  return Array.from({ length: count }, (_, index) => ({
    datasourceId: datasourceId(index),
    time: '2026-01-01T00:00:00.000Z',
    endOfPeriod: '2026-01-02T00:00:00.000Z',
    metrics: Object.fromEntries(Array.from({ length: metricsPerRow }, (_, metric) => [metricName(metric), LONGEST_NUMBER])),
  }));
}

async function lambdaBytes(rows: Row[], format: RecentQuery['format'], qc = false): Promise<number> {
  const answer: RecentAnswer = {
    rows,
    datasources: rows.map((row) => ({
      datasourceId: row.datasourceId,
      orgId: 'org_000000000000000000000000',
      sourceType: `"${','.repeat(62)}"`, // 64 characters that all need quoting in csv
      name: 'x',
      tags: [],
      location: { lat: LONGEST_NUMBER, lon: LONGEST_NUMBER },
      createdAt: '2026-01-01T00:00:00.000Z',
    })),
    mark: `${new Date().toISOString()}#~`,
  };
  const asked: RecentQuery = { ...query, format, ...(qc ? { qcAssessment: true, qcFlags: true } : {}) };
  const reply = await recentMeasurementsReply(principal, 'org_000000000000000000000000', asked, answer, {
    request: { org: 'org_000000000000000000000000', ...query, replyWithContinuationToken: true },
    withToken: true,
  });
  return Buffer.byteLength(JSON.stringify(replyResult(reply)));
}

describe('the default answer cap keeps the largest answers well inside Lambda 6 MB', () => {
  it.each([
    ['json-long', 'many rows of few metrics (a location per row)', 2 * MAX_MEASUREMENTS_PER_ANSWER, 2],
    ['json-long', 'few rows of 100 metrics', 1000, 100],
    ['csv-wide', 'many rows of few metrics', 2 * MAX_MEASUREMENTS_PER_ANSWER, 2],
    ['csv-wide', 'rows of 100 metrics', 1000, 100],
  ] as const)('%s, %s', async (format, _shape, count, metricsPerRow) => {
    for (const qc of [false, true]) {
      // With qcAssessment and qcFlags, json-long rows grow two fields and csv-wide metrics two columns.
      const rows = fitAnswer(worstRows(count, metricsPerRow), { format, qcAssessment: qc, qcFlags: qc });
      expect(rows.length).toBeLessThan(count); // the cap, not the test data, is what bounds the answer
      expect(await lambdaBytes(rows, format, qc)).toBeLessThan(LIMIT_BYTES);
    }
  });
});
