// The namespace import lets the bundler keep only the parts of zod in use (the `z` export pulls in all of it).
import * as z from 'zod';
import { applicationLimitsSchema, datasourceAnnotationFields, idSchema, isoTimeSchema } from '../core/http/common-schemas';
import { DAY_MS, MAX_FUTURE_MS, RETENTION_MS } from '../core/measurement-windows';
import { roleSchema } from '../core/roles';
import { CONTINUATION_TOKEN_LIFETIME_SECONDS } from '../core/limits';

/**
 * Schemas of the data API (Clarity v2 compatible). Objects are not strict: Clarity v2 clients
 * send options this API may not implement, and unknown fields are ignored (contract section 4).
 */

export const orgQuerySchema = z.object({ org: idSchema('org') });

/** As Clarity v2 answers them: `group` is always present, `null` when the datasource has none. */
export const orgAnnotationsSchema = z.object({
  name: z.string(),
  group: z.string().nullable(),
  tags: z.array(z.string()),
});

export const v2DatasourceListSchema = z.object({
  subscribingOrg: z.string(),
  datasources: z.array(z.object({ datasourceId: z.string(), sourceType: z.string(), orgAnnotations: orgAnnotationsSchema })),
});

export const whoamiSchema = z.object({
  applicationId: z.string(),
  name: z.string(),
  ownerOrgId: z.string(),
  keyId: z.string(),
  orgs: z.array(z.object({ org: z.string(), roles: z.array(roleSchema), datasourceIds: z.array(z.string()).optional() })),
  limits: applicationLimitsSchema,
});

// Datasources

export const datasourceParamsSchema = z.object({ datasourceId: idSchema('datasource') });

export const v2DatasourceSchema = z.object({
  datasourceId: z.string(),
  sourceType: z.string(),
  orgAnnotations: orgAnnotationsSchema,
  location: z.object({ lat: z.number(), lon: z.number() }).optional(),
  createdAt: isoTimeSchema,
});
export type V2Datasource = z.infer<typeof v2DatasourceSchema>;

export const updateAnnotationsBodySchema = z.object({
  orgAnnotations: z
    .object(datasourceAnnotationFields)
    .refine((annotations) => Object.values(annotations).some((value) => value !== undefined), {
      message: 'Send name, group or tags.',
    }),
});
export type UpdateAnnotationsBody = z.infer<typeof updateAnnotationsBodySchema>;

// Measurements: ingest

const metricNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'A metric name is a letter, then letters, digits or _.');

/** One measurement; times too far ahead or past the retention are refused (checked against the clock). */
export const measurementSchema = z
  .object({
    time: isoTimeSchema.transform((time) => new Date(time).toISOString()),
    metrics: z
      .record(metricNameSchema, z.number().refine(Number.isFinite, 'Must be a finite number.'))
      .refine((metrics) => Object.keys(metrics).length >= 1 && Object.keys(metrics).length <= 100, {
        message: 'Send 1 to 100 metrics.',
      }),
  })
  .superRefine((measurement, context) => {
    const at = Date.parse(measurement.time);
    if (at > Date.now() + MAX_FUTURE_MS) {
      context.addIssue({
        code: 'custom',
        path: ['time'],
        message: `Too far in the future (more than ${MAX_FUTURE_MS / 60_000} minutes ahead).`,
      });
    } else if (at < Date.now() - RETENTION_MS) {
      context.addIssue({
        code: 'custom',
        path: ['time'],
        message: `Older than the ${RETENTION_MS / DAY_MS} days measurements are kept.`,
      });
    }
  });

/**
 * `org` goes in the body of a POST (contract section 6); the query string is still read for
 * clients written before, and the handler refuses the two when they differ.
 */
export const ingestQuerySchema = z.object({ org: idSchema('org').optional() });

export const ingestBodySchema = z.object({
  org: idSchema('org').optional(),
  measurements: z.array(measurementSchema).min(1).max(500),
});
export type IngestBody = z.infer<typeof ingestBodySchema>;

export const ingestAnswerSchema = z.object({ accepted: z.number().int() });

// Measurements: recent query and continuation

/** Clients send `null` for options they leave unset. */
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined);

export const recentQueryBodySchema = z
  .object({
    org: idSchema('org'),
    datasourceIds: optional(z.array(idSchema('datasource')).min(1).max(100)),
    allDatasources: optional(z.boolean()),
    outputFrequency: optional(z.enum(['minute', 'hour', 'day'])).transform((value) => value ?? 'minute'),
    format: optional(z.enum(['json-long', 'csv-wide'])).transform((value) => value ?? 'json-long'),
    startTime: optional(isoTimeSchema),
    metricSelect: optional(z.string().max(1000)),
    replyWithContinuationToken: optional(z.boolean()),
  })
  .refine((body) => body.allDatasources === true || body.datasourceIds !== undefined, {
    message: 'Send datasourceIds or allDatasources: true.',
    path: ['datasourceIds'],
  });
export type RecentQueryBody = z.infer<typeof recentQueryBodySchema>;

export const continuationBodySchema = z.object({ org: idSchema('org'), continuationToken: z.string().min(1).max(8192) });
export type ContinuationBody = z.infer<typeof continuationBodySchema>;

export const recentMeasurementsSchema = z.object({
  request: z.record(z.string(), z.unknown()),
  data: z.array(
    z.object({
      datasourceId: z.string(),
      time: z.string(),
      metric: z.string(),
      value: z.number(),
      raw: z.number(),
      status: z.string(),
      startOfPeriod: z.string().optional(),
      endOfPeriod: z.string().optional(),
    }),
  ),
  locations: z.array(z.object({ datasourceId: z.string(), lat: z.number(), lon: z.number() })),
});
export type RecentMeasurements = z.infer<typeof recentMeasurementsSchema>;

/** `format: "csv-wide"` answers as `text/csv`. */
export const recentMeasurementsCsvSchema = z.string().meta({
  description:
    'One row per datasource and time: datasourceId, sourceType, outputFrequency, time (means: startOfPeriod, endOfPeriod), locationLatitude, locationLongitude, then one column per metric holding its value.',
});

/** The response header that carries a continuation token (Clarity's name). */
export const CONTINUATION_HEADER = 'x-clarity-continuation-token';

export const continuationTokenHeaderSchema = z.string().meta({
  description: `Send it back as \`continuationToken\` to the continuation route; good for ${CONTINUATION_TOKEN_LIFETIME_SECONDS / 3600} hours.`,
});
