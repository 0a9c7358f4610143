import * as z from '../platform/zod';
import { metricSelectInputSchema } from './metric-select-schema';
import {
  applicationLimitsSchema,
  datasourceAnnotationFields,
  idSchema,
  isoTimeSchema,
  timestampInputSchema,
  booleanInputSchema,
  storableNumberSchema,
} from '../http/common-schemas';
import { MAX_FUTURE_MS, RETENTION_MS } from '../measurements/measurement-windows';
import { DAY_MS } from '../platform/time';
import { roleSchema } from '../orgs/roles';
import { ingestName } from '../air-quality/catalogue';
import { READING_STATUSES, readingFromInput, readingProblem, storedReadingOf } from '../air-quality/readings';
import { CONTINUATION_TOKEN_LIFETIME_SECONDS } from '../platform/limits';

/**
 * Schemas of the data API (Clarity v2 compatible). Objects are not strict: Clarity v2 clients
 * send options this API may not implement, and unknown fields are ignored (contract section 4).
 */

export const orgQuerySchema = z.object({ org: idSchema('org') });

/** As Clarity v2 answers them: `group` is always present, `null` when the datasource has none. */
export const orgAnnotationsSchema = z.object({
  name: z.string(),
  group: z.nullable(z.string()),
  tags: z.array(z.string()),
});

export const v2DatasourceSummarySchema = z.object({
  datasourceId: z.string(),
  currentSubscriptionId: z.string().check(z.meta({ description: 'Datagate: `sub_` and the datasource id body; stable.' })),
  currentSourceId: z.string().check(z.meta({ description: 'Datagate: `src_` and the datasource id body; stable.' })),
  sourceType: z.string(),
  orgAnnotations: orgAnnotationsSchema,
});
export type V2DatasourceSummary = z.infer<typeof v2DatasourceSummarySchema>;

export const v2DatasourceListSchema = z.object({
  subscribingOrg: z.string(),
  datasources: z.array(v2DatasourceSummarySchema),
});

export const whoamiSchema = z.object({
  applicationId: z.string(),
  name: z.string(),
  ownerOrgId: z.string(),
  keyId: z.string(),
  orgs: z.array(z.object({ org: z.string(), roles: z.array(roleSchema), datasourceIds: z.optional(z.array(z.string())) })),
  limits: applicationLimitsSchema,
});

// Datasources

export const datasourceParamsSchema = z.object({ datasourceId: idSchema('datasource') });

const locationSchema = z.object({ lat: z.number(), lon: z.number() });

export const v2DatasourceSchema = z.extend(v2DatasourceSummarySchema, {
  location: z.optional(locationSchema),
  createdAt: isoTimeSchema,
});
export type V2Datasource = z.infer<typeof v2DatasourceSchema>;

/** Clarity's per-datasource details, under `datasource`; `location` and `createdAt` are Datagate's. */
export const v2DatasourceDetailsSchema = z.object({
  datasource: z.object({
    datasourceId: z.string(),
    sourceType: z.string(),
    currentSourceId: z.string(),
    currentSubscriptionId: z.string(),
    openData: z.object({ isOpen: z.boolean() }),
    orgAnnotations: z.array(z.extend(orgAnnotationsSchema, { org: z.string() })),
    sourceHistory: z.optional(
      z.array(z.object({ sourceId: z.string(), startTime: z.string(), endTime: z.optional(z.string()) })),
    ),
    accessToMeasurements: z.optional(z.array(z.object({ startTime: z.string(), endTime: z.optional(z.string()) }))),
    subscriptionHistory: z.optional(
      z.array(
        z.object({
          subscriptionId: z.string(),
          subscriptionType: z.string(),
          timePeriodStart: z.string(),
          timePeriodEnd: z.optional(z.string()),
        }),
      ),
    ),
    location: z.optional(locationSchema),
    createdAt: isoTimeSchema,
  }),
});
export type V2DatasourceDetails = z.infer<typeof v2DatasourceDetailsSchema>;

export const updateAnnotationsBodySchema = z.object({
  orgAnnotations: z.object(datasourceAnnotationFields).check(
    z.refine((annotations) => Object.values(annotations).some((value) => value !== undefined), {
      message: 'Send name, group or tags.',
    }),
  ),
});

// Measurements: ingest

/**
 * A metric name of the catalogue (`GET /v2/metrics`): a minute name (`pm2_5ConcMassIndividual`)
 * or its base name (`pm2_5ConcMass`, stored as the minute name). Anything else is refused, so a
 * typo never creates a metric no query selects.
 */
const UNKNOWN_METRIC = 'Not a metric of the catalogue (GET /v2/metrics): send a minute metric such as pm2_5ConcMassIndividual.';

/** A QC assessment or flag as a sender words it (Clarity: `valid`, `invalid`, flag names). */
const qcWordSchema = z.string().check(z.minLength(1), z.maxLength(64));

/**
 * A metric's reading with its attributes (Clarity's "Metrics in measurements"): what a gateway
 * that calibrates, or that has the values of a Clarity node, sends.
 */
export const readingObjectSchema = z
  .object({
    raw: storableNumberSchema.check(z.meta({ description: 'The value as the sensor measured it.' })),
    value: z.optional(z.nullable(storableNumberSchema)).check(
      z.meta({
        description:
          'The value to use: the calibrated one for a cloud-calibrated metric, `null` while there is none (`calibration-missing`, `calibration-processing`). Default: `raw` for `sensor-ready`, else null.',
      }),
    ),
    status: z.optional(z.enum(READING_STATUSES)).check(
      z.meta({
        description:
          'As Clarity writes it. Default: `sensor-ready` when `value` is absent or equal to `raw`, `calibration-missing` when it is null, `calibrated-ready` otherwise.',
      }),
    ),
    qcAssessment: z.optional(qcWordSchema).check(z.meta({ description: "The sender's QC assessment, e.g. `valid`." })),
    qcFlags: z.optional(z.array(qcWordSchema).check(z.maxLength(20))).check(z.meta({ description: "The sender's QC flags." })),
  })
  .check(
    z.superRefine((input, context) => {
      const problem = readingProblem(readingFromInput(input));
      if (problem) context.addIssue({ code: 'custom', path: [problem.attribute], message: problem.message });
    }),
    z.meta({
      description:
        'A reading with its attributes. Means, NowCasts and AQIs use `value` and skip readings whose value is null; answers carry `raw`, `value`, `status` and the QC attributes as sent.',
    }),
  );

/** A metric's reading: a number (raw = value, status `sensor-ready`) or the reading object. */
export const readingInputSchema = z.union([storableNumberSchema, readingObjectSchema], {
  error: 'Send a number, or a reading object {raw, value?, status?, qcAssessment?, qcFlags?}.',
});

/** One measurement; times too far ahead or past the retention are refused (checked against the clock). */
export const measurementSchema = z
  .object({
    time: timestampInputSchema,
    metrics: z.pipe(
      z.record(z.string(), readingInputSchema).check(
        z.refine((metrics) => Object.keys(metrics).length >= 1 && Object.keys(metrics).length <= 100, {
          message: 'Send 1 metric or more (each metric of the catalogue at most once).',
        }),
        z.superRefine((metrics, context) => {
          for (const name of Object.keys(metrics)) {
            if (ingestName(name) === undefined) context.addIssue({ code: 'custom', path: [name], message: UNKNOWN_METRIC });
          }
        }),
        z.refine((metrics) => new Set(Object.keys(metrics).map(ingestName)).size === Object.keys(metrics).length, {
          message: 'A metric is sent twice (under its minute name and its base name).',
        }),
      ),
      z.transform((metrics: Record<string, z.infer<typeof readingInputSchema>>) =>
        Object.fromEntries(
          Object.entries(metrics).map(([name, value]) => [ingestName(name)!, storedReadingOf(readingFromInput(value))]),
        ),
      ),
    ),
  })
  .check(
    z.superRefine((measurement, context) => {
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
    }),
  );

/**
 * `org` goes in the body of a POST (contract section 6); the query string is still read for
 * clients written before, and the handler refuses the two when they differ.
 */
export const ingestQuerySchema = z.object({ org: z.optional(idSchema('org')) });

export const ingestBodySchema = z.object({
  org: z.optional(idSchema('org')),
  measurements: z.array(measurementSchema).check(z.minLength(1), z.maxLength(500)),
});

export const ingestAnswerSchema = z.object({ accepted: z.number().check(z.int()) });

// Measurements: recent query and continuation

/** `datasourceIds` one query may name (lists longer than 100 travel in tokens as a stored set). */
export const MAX_QUERY_DATASOURCE_IDS = 1000;
/** `locationRounding`: decimal places kept (15 keeps a double's precision). */
const MAX_LOCATION_DECIMALS = 15;

/** Clients send `null` for options they leave unset. */
const optional = <T extends z.ZodMiniType>(schema: T) =>
  z.pipe(
    z.nullish(schema),
    z.transform((value: z.output<T> | null | undefined) => value ?? undefined),
  );

export const recentQueryBodySchema = z
  .object({
    org: idSchema('org'),
    datasourceIds: optional(z.array(idSchema('datasource')).check(z.minLength(1), z.maxLength(MAX_QUERY_DATASOURCE_IDS))),
    allDatasources: optional(booleanInputSchema),
    outputFrequency: z.pipe(
      optional(z.enum(['minute', 'hour', 'day'])),
      z.transform((value: 'minute' | 'hour' | 'day' | undefined) => value ?? 'minute'),
    ),
    format: z.pipe(
      optional(z.enum(['json-long', 'csv-wide'])),
      z.transform((value: 'json-long' | 'csv-wide' | undefined) => value ?? 'json-long'),
    ),
    startTime: optional(timestampInputSchema),
    metricSelect: optional(metricSelectInputSchema),
    replyWithContinuationToken: optional(booleanInputSchema),
    qcAssessment: optional(booleanInputSchema),
    qcFlags: optional(booleanInputSchema),
    locationRounding: optional(z.number().check(z.int(), z.gte(0), z.lte(MAX_LOCATION_DECIMALS))),
  })
  .check(
    z.refine((body) => body.allDatasources === true || body.datasourceIds !== undefined, {
      message: 'Send datasourceIds or allDatasources: true.',
      path: ['datasourceIds'],
    }),
  );

export const continuationBodySchema = z.object({
  org: idSchema('org'),
  continuationToken: z.string().check(z.minLength(1), z.maxLength(8192)),
});

export const recentMeasurementsSchema = z.object({
  request: z.record(z.string(), z.unknown()),
  data: z.array(
    z.object({
      datasourceId: z.string(),
      time: z.string(),
      metric: z.string(),
      value: z
        .nullable(z.number())
        .check(z.meta({ description: 'The value to use; null while a cloud-calibrated metric has no calibrated value.' })),
      raw: z.number(),
      status: z.string().check(
        z.meta({
          description: `As the reading was sent (${READING_STATUSES.map((status) => `\`${status}\``).join(', ')}); means: \`sensor-ready\`.`,
        }),
      ),
      qcAssessment: z.optional(z.string()).check(
        z.meta({
          description:
            'When the query asked `qcAssessment`: as the reading was sent, else `valid` (Datagate applies no QC flags of its own).',
        }),
      ),
      qcFlags: z
        .optional(z.array(z.string()))
        .check(z.meta({ description: 'When the query asked `qcFlags`: as the reading was sent, else empty.' })),
      startOfPeriod: z.optional(z.string()),
      endOfPeriod: z.optional(z.string()),
    }),
  ),
  locations: z.array(z.object({ datasourceId: z.string(), lat: z.number(), lon: z.number() })),
});

/** `format: "csv-wide"` answers as `text/csv`. */
export const recentMeasurementsCsvSchema = z.string().check(
  z.meta({
    description:
      'As Clarity writes it: one row per datasource and time; columns `datasourceId, sourceId, sourceType, outputFrequency, time` (means: `startOfPeriod, endOfPeriod`), `locationLatitude, locationLongitude`, then per metric (alphabetical) `<metric>.qcAssessment, <metric>.qcFlags` (when asked), `<metric>.raw, <metric>.status, <metric>.value`; empty cells where a row lacks a metric.',
  }),
);

/** The response header that carries a continuation token (Clarity's name). */
export const CONTINUATION_HEADER = 'x-clarity-continuation-token';

export const continuationTokenHeaderSchema = z.string().check(
  z.meta({
    description: `Send it back as \`continuationToken\` to the continuation route; good for ${CONTINUATION_TOKEN_LIFETIME_SECONDS / 3600} hours.`,
  }),
);

// Metric catalogue

export const metricCatalogueSchema = z.object({
  metrics: z.array(
    z.object({
      metric: z.string(),
      base: z.string().check(z.meta({ description: 'The sensed metric, without aggregation suffix.' })),
      outputFrequency: z.enum(['minute', 'hour', 'day']),
      description: z.string(),
      unit: z.string(),
      categories: z.array(z.string()).check(z.meta({ description: '`metricSelect` categories (`:name`).' })),
      isAqi: z.boolean(),
      inDefault: z.boolean().check(z.meta({ description: 'In the `default` metricSelect set.' })),
      calibrated: z.boolean().check(
        z.meta({
          description:
            'Cloud-calibrated: a reading may carry a calibrated `value` apart from `raw`, or none yet (`calibration-missing`); means and AQIs use `value`.',
        }),
      ),
      hasAqi: z.boolean().check(z.meta({ description: 'A US EPA AQI is answered for this metric (under `<metric>UsEpaAqi`).' })),
    }),
  ),
  categories: z.array(z.string()),
});
export type MetricCatalogue = z.infer<typeof metricCatalogueSchema>;

/** The answer of `POST /v2/keys/revoke`. */
export const revokedKeySchema = z.object({
  applicationId: z.string(),
  keyId: z.string(),
  enabled: z.literal(false),
  revokedAt: isoTimeSchema,
});
