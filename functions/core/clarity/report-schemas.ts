import * as z from '../platform/zod';
import { idSchema, isoTimeSchema } from '../http/common-schemas';
import { DAY_MS } from '../platform/time';

/** Schemas of the report routes (Clarity's historical measurements). */

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
    report: z.literal('datasource-measurements', {
      error: 'report must be "datasource-measurements" (node and reference-site reports are not offered).',
    }),
    outputFrequency: z.enum(['minute', 'hour', 'day']),
    startTime: isoTimeSchema.check(z.meta({ description: 'Inclusive.' })),
    endTime: isoTimeSchema.check(z.meta({ description: 'Exclusive.' })),
    datasourceIds: optional(z.array(idSchema('datasource')).check(z.minLength(1), z.maxLength(100))),
    allDatasources: optional(z.boolean()),
    metricSelect: optional(z.string().check(z.maxLength(1000))),
    fileFormat: optional(fileFormatSchema),
    format: optional(fileFormatSchema).check(z.meta({ description: 'Alias of fileFormat.' })),
    metricLabelStyle: optional(z.literal('canonical', { error: 'Only the canonical metricLabelStyle is offered.' })),
    qcAssessment: optional(z.boolean()),
    qcFlags: optional(z.boolean()),
  })
  .check(
    z.refine((body) => body.allDatasources === true || body.datasourceIds !== undefined, {
      message: 'Send datasourceIds or allDatasources: true.',
      path: ['datasourceIds'],
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

export const reportQueryEchoSchema = z.object({
  allDatasources: z.boolean(),
  datasourceIds: z.optional(z.array(z.string())),
  outputFrequency: z.enum(['minute', 'hour', 'day']),
  startTime: z.string(),
  endTime: z.string(),
  metricSelect: z.optional(z.string()),
  fileFormat: z.enum(['csv-wide', 'parquet-wide']),
  qcAssessment: z.optional(z.boolean()),
  qcFlags: z.optional(z.boolean()),
});

export const reportRecordSchema = z.object({
  reportId: idSchema('report'),
  reportStatus: z.enum(['in-progress', 'succeeded', 'failed']),
  message: z.string(),
  report: z.literal('datasource-measurements'),
  query: reportQueryEchoSchema,
  urls: z.optional(z.array(z.string())).check(
    z.meta({
      description: 'Time-limited download links (S3 pre-signed), one per file, in order; empty until the report succeeded.',
    }),
  ),
  urlsExpireAt: z.optional(isoTimeSchema),
});
export type ReportRecord = z.infer<typeof reportRecordSchema>;
