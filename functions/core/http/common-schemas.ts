import * as z from '../platform/zod';
import { idPattern, type IdKind } from '../platform/ids';
import { ERROR_CODES } from '../platform/errors';
import { MAX_APPLICATION_LIMITS, MAX_GUEST_DATASOURCES, MAX_UNPAGED_ITEMS, withThousands } from '../platform/limits';

/** An id of the server's own shape; anything else never reaches the database. */
export const idSchema = (kind: IdKind) =>
  z
    .string()
    .check(
      z.regex(new RegExp(idPattern(kind)), `Not a valid ${kind} id.`),
      z.meta({ description: `A server-issued ${kind} id.` }),
    );

/**
 * The datasources a guest grant lists (a connection's or a person's): repeats count once (they are
 * dropped), and at most MAX_GUEST_DATASOURCES distinct ids, so no list can repeat one id to fill
 * what an application's grants hold.
 */
export const guestDatasourcesSchema = z.array(idSchema('datasource')).check(
  z.overwrite((ids: string[]) => [...new Set(ids)]),
  z.maxLength(MAX_GUEST_DATASOURCES, `At most ${MAX_GUEST_DATASOURCES} distinct datasources.`),
  z.meta({
    description: `The datasources the guest role sees; at most ${MAX_GUEST_DATASOURCES} distinct ids (a repeat counts once and is dropped).`,
  }),
);

/** The contract's error body (section 4). */
export const errorBodySchema = z
  .object({
    message: z.string(),
    code: z.enum(ERROR_CODES).check(
      z.meta({
        description:
          "validation_error is a 400 with `details`; bad_request a 400 without. connection_not_allowed (403): the application's owner does not let this org connect it (its `connectPolicy`).",
      }),
    ),
    details: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
  })
  .check(z.meta({ id: 'Error' }));
export type ErrorBody = z.infer<typeof errorBodySchema>;

/**
 * Paging for listings, an extension: without `limit` a listing answers the whole list, as the
 * contract's shapes do (up to MAX_UNPAGED_ITEMS, then a `nextToken`); with `limit` it answers
 * one page of at most that many and a `nextToken` when there is more.
 */
/** How the admin listings answer, for their route descriptions. */
export const PAGED_LISTING_DESCRIPTION = `Without \`limit\`, the whole list, as the contract shows it (up to ${withThousands(MAX_UNPAGED_ITEMS)} items, then a \`nextToken\` for the rest). Paged (extension): with \`limit\` (1 to 1000), one page of at most that many and a \`nextToken\` when there is more; pass it back as \`nextToken\`.`;

export const pageQuerySchema = z.object({
  limit: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(1000))).check(
    z.meta({
      description: `Extension: page size. Without it the whole list is answered (up to ${withThousands(MAX_UNPAGED_ITEMS)} items).`,
    }),
  ),
  nextToken: z
    .optional(z.string().check(z.minLength(1), z.maxLength(4096)))
    .check(z.meta({ description: 'Extension: the `nextToken` of the previous page.' })),
});

/**
 * A number DynamoDB can store: finite, and zero or of a magnitude between 1e-130 and 1e126
 * (DynamoDB's number range). Anything else would pass validation and then be refused by
 * DynamoDB, a 500 instead of a 400 (found by the fuzz tests: a latitude of 3.5e-323).
 */
export const storableNumberSchema = z
  .number()
  .check(
    z.refine(
      (value) => Number.isFinite(value) && (value === 0 || (Math.abs(value) >= 1e-130 && Math.abs(value) < 1e126)),
      'Must be a finite number, zero or of a magnitude between 1e-130 and 1e126.',
    ),
  );

export const isoTimeSchema = z.iso.datetime({ offset: true });

/**
 * A timestamp a client sends: ISO 8601 with a zone (`Z`, `+02:00`), or without one
 * (`2026-12-05T00:00:00`, what Python's `datetime.isoformat()` writes for a naive datetime, as
 * the Clarity clients send it), which is UTC. Normalised to UTC with milliseconds
 * (`2026-12-05T00:00:00.000Z`), so no later `Date.parse` can read a naive time in the server's zone.
 */
export const timestampInputSchema = z
  .pipe(
    z.iso.datetime({ offset: true, local: true }),
    z.transform((time: string) => new Date(/(Z|[+-]\d\d(:?\d\d)?)$/i.test(time) ? time : `${time}Z`).toISOString()),
  )
  .check(
    z.meta({
      description: "ISO 8601; a time without a zone (`2026-12-05T00:00:00`, as Python's `isoformat()` writes it) is UTC.",
    }),
  );

/**
 * A boolean a client sends: `true`/`false`, or the strings `"true"`/`"false"` (clients built on
 * form-style settings send those, e.g. `allDatasources: "true"`).
 */
export const booleanInputSchema = z
  .pipe(
    z.union([z.boolean(), z.enum(['true', 'false'])]),
    z.transform((value: boolean | 'true' | 'false') => value === true || value === 'true'),
  )
  .check(z.meta({ description: 'A boolean; the strings `"true"` and `"false"` are accepted too.' }));

/** A name: trimmed, 1 to 200 characters. */
export const nameSchema = z.string().check(z.trim(), z.minLength(1, 'name must not be empty.'), z.maxLength(200));

export const tagsSchema = z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))).check(z.maxLength(50));

/**
 * A datasource's editable annotations, shared by the admin API and the data API (which nests them
 * under `orgAnnotations`). Here rather than in either API's schemas, so neither bundle builds the other's.
 */
export const datasourceAnnotationFields = {
  name: z.optional(nameSchema),
  group: z.optional(z.string().check(z.trim(), z.maxLength(200))),
  tags: z.optional(tagsSchema),
};

/** An application's limits (section 7 of the contract): set by an admin of its owner org, shown by `GET /v2/whoami`. */
export const applicationLimitsSchema = z
  .strictObject({
    requestsPerSecond: z.number().check(z.int(), z.gte(1), z.lte(MAX_APPLICATION_LIMITS.requestsPerSecond)),
    burst: z.number().check(z.int(), z.gte(1), z.lte(MAX_APPLICATION_LIMITS.burst)),
    requestsPerDay: z.number().check(z.int(), z.gte(1), z.lte(MAX_APPLICATION_LIMITS.requestsPerDay)),
  })
  .check(z.meta({ description: 'Requests a second (steady rate), burst, and requests a UTC day.' }));
