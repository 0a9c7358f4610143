import * as z from 'zod';
import { idSchema, isoTimeSchema } from '../core/http/common-schemas';

/** Schemas of the report routes (Clarity's historical measurements). */

/** A report covers at most this many days (three years of minutes for 100 datasources is 3,600 parts). */
export const MAX_REPORT_DAYS = 1096;
const DAY_MS = 86_400_000;

/** Clients send `null` for options they leave unset. */
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined);

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
    startTime: isoTimeSchema.meta({ description: 'Inclusive.' }),
    endTime: isoTimeSchema.meta({ description: 'Exclusive.' }),
    datasourceIds: optional(z.array(idSchema('datasource')).min(1).max(100)),
    allDatasources: optional(z.boolean()),
    metricSelect: optional(z.string().max(1000)),
    fileFormat: optional(fileFormatSchema),
    format: optional(fileFormatSchema).meta({ description: 'Alias of fileFormat.' }),
    metricLabelStyle: optional(z.literal('canonical', { error: 'Only the canonical metricLabelStyle is offered.' })),
    qcAssessment: optional(z.boolean()),
    qcFlags: optional(z.boolean()),
  })
  .refine((body) => body.allDatasources === true || body.datasourceIds !== undefined, {
    message: 'Send datasourceIds or allDatasources: true.',
    path: ['datasourceIds'],
  })
  .refine((body) => Date.parse(body.startTime) < Date.parse(body.endTime), {
    message: 'endTime must be after startTime (startTime is inclusive, endTime exclusive).',
    path: ['endTime'],
  })
  .refine((body) => Date.parse(body.endTime) - Date.parse(body.startTime) <= MAX_REPORT_DAYS * DAY_MS, {
    message: `A report covers at most ${MAX_REPORT_DAYS} days; request several.`,
    path: ['endTime'],
  })
  .refine((body) => !body.fileFormat || !body.format || normalFormat(body.fileFormat) === normalFormat(body.format), {
    message: 'fileFormat and format (its alias) name different formats.',
    path: ['format'],
  });
export type ReportRequestBody = z.infer<typeof reportRequestBodySchema>;

export const reportParamsSchema = z.object({ reportId: idSchema('report') });
export const reportPollQuerySchema = z.object({
  org: idSchema('org')
    .optional()
    .meta({ description: "The report's org; optional (Clarity's poll sends none), but when sent it must match." }),
});

export const reportQueryEchoSchema = z.object({
  allDatasources: z.boolean(),
  datasourceIds: z.array(z.string()).optional(),
  outputFrequency: z.enum(['minute', 'hour', 'day']),
  startTime: z.string(),
  endTime: z.string(),
  metricSelect: z.string().optional(),
  fileFormat: z.enum(['csv-wide', 'parquet-wide']),
  qcAssessment: z.boolean().optional(),
  qcFlags: z.boolean().optional(),
});

export const reportRecordSchema = z.object({
  reportId: idSchema('report'),
  reportStatus: z.enum(['in-progress', 'succeeded', 'failed']),
  message: z.string(),
  report: z.literal('datasource-measurements'),
  query: reportQueryEchoSchema,
  urls: z.array(z.string()).optional().meta({
    description: 'Time-limited download links (S3 pre-signed), one per file, in order; empty until the report succeeded.',
  }),
  urlsExpireAt: isoTimeSchema.optional(),
});
export type ReportRecord = z.infer<typeof reportRecordSchema>;
