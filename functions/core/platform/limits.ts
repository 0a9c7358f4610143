/**
 * Limits of the API that its prose states as numbers (route descriptions, README, docs): the
 * route table builds its text from these, so the words cannot drift from what is enforced.
 * Imports nothing. Measurement windows and answer sizes are in measurement-windows.ts.
 */

/** The most items an admin listing answers at once when the caller asks for no `limit`. */
export const MAX_UNPAGED_ITEMS = 10_000;

/** Keys one application may hold; it keeps every grant-snapshot refresh within one transaction. */
export const MAX_KEYS_PER_APPLICATION = 20;

/** A revocation (key deleted, disabled or expired; connection narrowed or removed) reaches the data API within this. */
export const REVOCATION_SECONDS = 10;

/** Values in one recent-measurements answer unless `MAX_VALUES_PER_ANSWER` says otherwise (config.ts). */
export const DEFAULT_MAX_VALUES_PER_ANSWER = 8000;

/**
 * The most values (json-long `data` entries, or csv-wide metric cells) one streamed recent answer
 * holds unless `MAX_VALUES_PER_STREAMED_ANSWER` says otherwise (config.ts); a query over it is
 * refused up front (413). Set from measurement (docs/performance.md, "Whole answers"): an answer
 * near the former limit of 1,500,000 (43 datasources x 1,441 minutes x all 24 minute metrics,
 * 1,487,112 values, DynamoDB Local, December 2026) was 244,432,096 bytes of json-long, 164 bytes a
 * value (long metric names, two-decimal values), over Lambda's 200 MB for a streamed response;
 * 14.8 MB gzipped; 29 s to plan, read, render and gzip on a loaded 2-core machine (first byte
 * after 9 s), well within STREAMED_ROUTE_TIMEOUT_SECONDS. So 900,000: about 148 MB at 164 bytes a
 * value, and about 180 MB with both QC attributes (`,"qcAssessment":"valid","qcFlags":[]` adds
 * 36 bytes a value).
 */
export const DEFAULT_MAX_VALUES_PER_STREAMED_ANSWER = 900_000;

/** json-long's bytes a value as measured (docs/performance.md, "Whole answers"): what the limit above is set from. */
export const JSON_LONG_BYTES_PER_VALUE = 164;

/** Lambda's most bytes in one streamed response. */
export const STREAMED_RESPONSE_MAX_BYTES = 200_000_000;

/** A streamed route's function and integration timeout: the time a whole answer at the limit above may take. */
export const STREAMED_ROUTE_TIMEOUT_SECONDS = 300;
/** The timeout of every other function (handlers and authorizers), seconds. */
export const DEFAULT_FUNCTION_TIMEOUT_SECONDS = 10;

/** The continuation settle lag unless `CONTINUATION_SETTLE_MS` says otherwise (config.ts). */
export const DEFAULT_CONTINUATION_SETTLE_MS = 5000;

/** A continuation token is good for this long. */
export const CONTINUATION_TOKEN_LIFETIME_SECONDS = 24 * 3600;

/** An application's limits unless its owner's admin set others, or the stack's `DEFAULT_*` settings (config.ts). */
export const DEFAULT_APPLICATION_LIMITS = { requestsPerSecond: 10, burst: 20, requestsPerDay: 100_000 } as const;

/** The most an admin may set: API Gateway's account default rate is 10,000 requests a second. */
export const MAX_APPLICATION_LIMITS = { requestsPerSecond: 10_000, burst: 5_000, requestsPerDay: 1_000_000_000 } as const;
/** Candidates in one secret scanner report: GitHub batches its findings; the bound keeps one request's work small. */
export const MAX_LEAKED_KEY_CANDIDATES = 1000;
/** Rows in one report file unless REPORT_ROWS_PER_FILE says otherwise (about 100 MB of CSV for ten metrics). */
export const DEFAULT_REPORT_ROWS_PER_FILE = 1_000_000;

/**
 * `10000` as `10,000`, for prose. Not `toLocaleString`: its first call loads the ICU locale data,
 * a few milliseconds of every cold start of a route whose prose states a number at import.
 */
export const withThousands = (value: number): string => String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** The most orgs an application's `listed` connect policy names besides its owner. */
export const MAX_ALLOWED_ORGS = 1000;

/** Distinct datasources a guest grant (a connection's or a person's) may list. */
export const MAX_GUEST_DATASOURCES = 100;

/** An org's report requests a UTC day (Clarity's limit), shared by its connected applications. */
export const REPORTS_PER_ORG_PER_DAY = 30;

/**
 * How many of them one connected application may use, unless the org's admins set its
 * connection's `reportShare` (0 to REPORTS_PER_ORG_PER_DAY): so one application cannot take the
 * org's whole quota from the others.
 * @alias the whole quota by another name, on purpose (Knip's duplicate-export check skips it)
 */
export const DEFAULT_REPORT_SHARE = REPORTS_PER_ORG_PER_DAY;

/** Who may connect an application (its owner's choice; applications/connect-policy.ts applies it). */
export const CONNECT_POLICIES = ['anyone', 'listed', 'owner-only'] as const;
export type ConnectPolicy = (typeof CONNECT_POLICIES)[number];

/**
 * An ingest that has not finished after this long answers 503 with `Retry-After` (its writes go
 * on and are safe to send again), unless `INGEST_DEADLINE_MS` says otherwise (config.ts): under
 * the functions' 10-second timeout, which would otherwise end it with API Gateway's 5xx and no
 * `Retry-After`.
 */
export const DEFAULT_INGEST_DEADLINE_MS = 8_000;

/** The `Retry-After` (seconds) of an ingest that did not finish in time. */
export const INGEST_RETRY_AFTER_SECONDS = 2;
