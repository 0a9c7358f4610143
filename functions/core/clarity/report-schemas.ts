import * as z from '../platform/zod';
import { metricSelectInputSchema } from './metric-select-schema';
import { booleanInputSchema, idSchema, isoTimeSchema, timestampInputSchema } from '../http/common-schemas';
import { DAY_MS } from '../platform/time';

/** Schemas of the report routes (Clarity's historical measurements). */

/**
 * The reports of the guide's "Historical measurements - Request report"
 * (https://api-guide.clarity.io/v2/measurements/report-request): by datasource (`datasourceIds`
 * or `allDatasources`), by node (`nodeIds`), by reference site (`refSiteIds`).
 */
export const REPORT_KINDS = ['datasource-measurements', 'node-measurements', 'reference-site-measurements'] as const;
/** The guide's metric label styles (same page): `canonical` (the default), `english`, `legacy`. */
export const METRIC_LABEL_STYLES = ['canonical', 'english', 'legacy'] as const;

/** A report covers at most this many days (three years of minutes for 100 datasources is 3,600 parts). */
export const MAX_REPORT_DAYS = 1096;

/** Clients send `null` for options they leave unset. */
const optional = <T extends z.ZodMiniType>(schema: T) =>
  z.pipe(
    z.nullish(schema),
    z.transform((value: z.output<T> | null | undefined) => value ?? undefined),
  );

const fileFormatSchema = z.enum(['csv-wide', 'csv', 'parquet-wide', 'parquet']);
/** `csv`, `csv-wide` or nothing → `csv-wide`; `parquet`, `parquet-wide` → `parquet-wide`. */
export const normalFormat = (format: z.infer<typeof fileFormatSchema> | undefined) =>
  format === 'parquet' || format === 'parquet-wide' ? ('parquet-wide' as const) : ('csv-wide' as const);

export const reportRequestBodySchema = z
  .object({
    org: idSchema('org'),
    report: z.enum(REPORT_KINDS, {
      error: 'report must be "datasource-measurements", "node-measurements" or "reference-site-measurements".',
    }),
    outputFrequency: z.enum(['minute', 'hour', 'day']),
    startTime: timestampInputSchema.check(z.meta({ description: 'Inclusive; without a zone, UTC.' })),
    endTime: timestampInputSchema.check(z.meta({ description: 'Exclusive; without a zone, UTC.' })),
    datasourceIds: optional(z.array(idSchema('datasource')).check(z.minLength(1), z.maxLength(100))),
    nodeIds: optional(z.array(z.string().check(z.minLength(1), z.maxLength(100))).check(z.minLength(1), z.maxLength(100))).check(
      z.meta({
        description: 'For `node-measurements`: node (device) ids, as `currentSourceId` of `GET /v2/datasources` names them.',
      }),
    ),
    refSiteIds: optional(
      z.array(z.string().check(z.minLength(1), z.maxLength(100))).check(z.minLength(1), z.maxLength(100)),
    ).check(
      z.meta({
        description:
          'For `reference-site-measurements`: reference site ids, the `currentSourceId` of datasources whose `sourceType` is `REFERENCE_SITE`.',
      }),
    ),
    allDatasources: optional(booleanInputSchema),
    metricSelect: optional(metricSelectInputSchema),
    fileFormat: optional(fileFormatSchema),
    format: optional(fileFormatSchema).check(z.meta({ description: 'Alias of fileFormat.' })),
    metricLabelStyle: optional(z.enum(METRIC_LABEL_STYLES)).check(
      z.meta({ description: 'How the files label metric columns: `canonical` (default), `english`, `legacy`.' }),
    ),
    qcAssessment: optional(booleanInputSchema),
    qcFlags: optional(booleanInputSchema),
  })
  .check(
    z.refine(
      (body) => body.report !== 'datasource-measurements' || body.allDatasources === true || body.datasourceIds !== undefined,
      {
        message: 'Send datasourceIds or allDatasources: true.',
        path: ['datasourceIds'],
      },
    ),
    z.refine((body) => body.report !== 'node-measurements' || body.nodeIds !== undefined, {
      message: 'A node-measurements report needs nodeIds.',
      path: ['nodeIds'],
    }),
    z.refine((body) => body.report !== 'reference-site-measurements' || body.refSiteIds !== undefined, {
      message: 'A reference-site-measurements report needs refSiteIds.',
      path: ['refSiteIds'],
    }),
    z.refine((body) => Date.parse(body.startTime) < Date.parse(body.endTime), {
      message: 'endTime must be after startTime (startTime is inclusive, endTime exclusive).',
      path: ['endTime'],
    }),
    z.refine((body) => Date.parse(body.endTime) - Date.parse(body.startTime) <= MAX_REPORT_DAYS * DAY_MS, {
      message: `A report covers at most ${MAX_REPORT_DAYS} days; request several.`,
      path: ['endTime'],
    }),
    z.refine((body) => !body.fileFormat || !body.format || normalFormat(body.fileFormat) === normalFormat(body.format), {
      message: 'fileFormat and format (its alias) name different formats.',
      path: ['format'],
    }),
  );
export type ReportRequestBody = z.infer<typeof reportRequestBodySchema>;

export const reportParamsSchema = z.object({ reportId: idSchema('report') });
export const reportPollQuerySchema = z.object({
  org: z
    .optional(idSchema('org'))
    .check(z.meta({ description: "The report's org; optional (Clarity's poll sends none), but when sent it must match." })),
});

/**
 * `query` of a report record, as Clarity echoes it (a Clarity answer quoted by
 * healthyregions/clarity-aq-pipeline: `{datasourceIds, endTime, outputFrequency, startTime,
 * format, metricLabelStyle, qcAssessment, qcFlags}`, and the guide's poll example,
 * https://api-guide.clarity.io/v2/measurements/report-request-poll: `refSiteIds` for a
 * reference-site report): the ids the report covers (`allDatasources` resolved to the
 * datasources it named when requested), the file format as `format`, the label style.
 */
export const reportQueryEchoSchema = z.object({
  datasourceIds: z.optional(z.array(z.string())),
  nodeIds: z.optional(z.array(z.string())),
  refSiteIds: z.optional(z.array(z.string())),
  outputFrequency: z.enum(['minute', 'hour', 'day']),
  startTime: z.string(),
  endTime: z.string(),
  metricSelect: z.optional(z.string()),
  format: z.enum(['csv-wide', 'parquet-wide']),
  metricLabelStyle: z.enum(METRIC_LABEL_STYLES),
  qcAssessment: z.optional(z.boolean()),
  qcFlags: z.optional(z.boolean()),
});

export const reportRecordSchema = z.object({
  reportId: idSchema('report'),
  reportStatus: z.enum(['in-progress', 'succeeded', 'failed']),
  message: z.string().check(
    z.meta({
      description:
        'As Clarity words it: `Processing` while in progress, `Ready` once succeeded; for a failed report, why (also in `detail`).',
    }),
  ),
  detail: z.string().check(z.meta({ description: "Extension: Datagate's own account of the report's progress or outcome." })),
  report: z.enum(REPORT_KINDS),
  query: reportQueryEchoSchema,
  urls: z.optional(z.array(z.string())).check(
    z.meta({
      description: 'Time-limited download links (S3 pre-signed), one per file, in order; empty until the report succeeded.',
    }),
  ),
  urlsExpireAt: z.optional(isoTimeSchema),
});
export type ReportRecord = z.infer<typeof reportRecordSchema>;
