import {
  DEFAULT_CONTINUATION_SETTLE_MS,
  DEFAULT_MAX_VALUES_PER_ANSWER,
  DEFAULT_MAX_VALUES_PER_STREAMED_ANSWER,
  DEFAULT_REPORT_ROWS_PER_FILE,
  DEFAULT_APPLICATION_LIMITS,
  DEFAULT_INGEST_DEADLINE_MS,
  DEFAULT_FUNCTION_TIMEOUT_SECONDS,
} from './limits';

/**
 * Configuration, read from the environment once per container. A missing variable fails at
 * first use with a message that names it, instead of surfacing later as an odd DynamoDB error.
 */

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Configuration error: environment variable ${name} is not set.`);
  return value;
}

function numberOr(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`Configuration error: ${name} must be a non-negative number.`);
  return value;
}

let tableName: string | undefined;

/** The single DynamoDB table that holds every entity. */
export function getTableName(): string {
  tableName ??= required('TABLE_NAME');
  return tableName;
}

/** Person (OIDC) token verification settings. */
export interface OidcConfig {
  issuer: string;
  audience: string;
  jwksUrl: string;
}

export function getOidcConfig(): OidcConfig {
  return { issuer: required('OIDC_ISSUER'), audience: required('OIDC_AUDIENCE'), jwksUrl: required('OIDC_JWKS_URL') };
}

/** Seconds a verified key stays in the authorizer's in-process cache (revocation budget, see docs). */
export function getKeyCacheTtlSeconds(): number {
  return numberOr('KEY_CACHE_TTL_SECONDS', 5);
}

/**
 * Where the HMAC key that signs continuation tokens (HS256) is: in AWS, the ARN of the stack's
 * Secrets Manager secret (`CONTINUATION_SECRET_ARN`), read at run time (../store/secrets.ts); under
 * `npm start` and in the tests, its value (`CONTINUATION_SECRET`), which the local runtime sets.
 */
export function getContinuationSecretSource(): { arn: string } | { value: string } {
  const arn = process.env.CONTINUATION_SECRET_ARN;
  if (arn) return { arn };
  const value = process.env.CONTINUATION_SECRET;
  if (value) return { value };
  throw new Error('Configuration error: environment variable CONTINUATION_SECRET_ARN (or CONTINUATION_SECRET) is not set.');
}

/**
 * How far behind the clock a continuation reads receipts (milliseconds): a write stamped before
 * this lag must be committed and visible in GSI1 by then, or a poll could pass it by. See docs.
 */
export function getContinuationSettleMs(): number {
  return numberOr('CONTINUATION_SETTLE_MS', DEFAULT_CONTINUATION_SETTLE_MS);
}

/**
 * How long an ingest may take before it answers 503 with `Retry-After` (milliseconds): under the
 * functions' 10-second timeout by default. `npm start` sets it longer: its local server has no
 * such timeout, and on a busy machine DynamoDB Local on a file is slower than DynamoDB.
 */
export function getIngestDeadlineMs(): number {
  return numberOr('INGEST_DEADLINE_MS', DEFAULT_INGEST_DEADLINE_MS);
}

/**
 * At most this many values in one recent-measurements answer: json-long `data` entries (one per
 * selected metric of a measurement or period) or csv-wide cells (rows × metric columns). Read at
 * every call, not cached, so tests can lower it. The default keeps the largest answer possible
 * (longest names and numbers) near 3.4 MB, well inside Lambda's 6 MB; see docs/architecture.md.
 */
export function getMaxValuesPerAnswer(): number {
  const value = numberOr('MAX_VALUES_PER_ANSWER', DEFAULT_MAX_VALUES_PER_ANSWER);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error('Configuration error: MAX_VALUES_PER_ANSWER must be a whole number of at least 1.');
  }
  return value;
}

/**
 * The most values one streamed recent answer may hold (`MAX_VALUES_PER_STREAMED_ANSWER`, default
 * DEFAULT_MAX_VALUES_PER_STREAMED_ANSWER): a larger query is refused up front with 413. Read at
 * every call, so tests can lower it.
 */
export function getMaxValuesPerStreamedAnswer(): number {
  const value = numberOr('MAX_VALUES_PER_STREAMED_ANSWER', DEFAULT_MAX_VALUES_PER_STREAMED_ANSWER);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error('Configuration error: MAX_VALUES_PER_STREAMED_ANSWER must be a whole number of at least 1.');
  }
  return value;
}

/**
 * Rows the whole-window answer reads and holds at once (a slice), about 10 MB of rows;
 * `RECENT_SLICE_ROWS` makes slices smaller (tests: many slices from little data).
 */
export function getRecentSliceRows(): number {
  const value = numberOr('RECENT_SLICE_ROWS', 20_000);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error('Configuration error: RECENT_SLICE_ROWS must be a whole number of at least 1.');
  }
  return value;
}

/** The default published keys of the secret scanner: GitHub's secret scanning partner programme. */
export const GITHUB_SECRET_SCANNING_KEYS_URL = 'https://api.github.com/meta/public_keys/secret_scanning';

/**
 * Where the secret scanner publishes the public keys it signs leaked-key reports with
 * (`SECRET_SCANNER_KEYS_URL`; GitHub's by default). The local server points it at its own test scanner.
 */
export function getSecretScannerKeysUrl(): string {
  return process.env.SECRET_SCANNER_KEYS_URL || GITHUB_SECRET_SCANNING_KEYS_URL;
}

/** Largest request body accepted, in bytes (contract: 1 MiB). */
export const MAX_BODY_BYTES = 1024 * 1024;

let dataBucket: string | undefined;

/** The S3 bucket of the measurement archive (`archive/`) and of report files (`reports/`). */
export function getDataBucket(): string {
  dataBucket ??= required('DATA_BUCKET');
  return dataBucket;
}

/** The SQS queue that feeds the report worker (AWS). Locally the worker runs in-process instead. */
export function getReportQueueUrl(): string {
  return required('REPORT_QUEUE_URL');
}

/**
 * At most this many rows in one report file; a larger report is split into several files. Read
 * at every call so tests can lower it. The default keeps a minute file of 10 metrics near 100 MB
 * of CSV (about 15 MB gzipped).
 */
export function getReportRowsPerFile(): number {
  const value = numberOr('REPORT_ROWS_PER_FILE', DEFAULT_REPORT_ROWS_PER_FILE);
  if (!Number.isInteger(value) || value < 1)
    throw new Error('Configuration error: REPORT_ROWS_PER_FILE must be a whole number of at least 1.');
  return value;
}

/**
 * The limits of an application whose owner set none: the stack's `DEFAULT_REQUESTS_PER_SECOND`,
 * `DEFAULT_BURST` and `DEFAULT_REQUESTS_PER_DAY`, else DEFAULT_APPLICATION_LIMITS.
 */
export function getDefaultApplicationLimits(): { requestsPerSecond: number; burst: number; requestsPerDay: number } {
  return {
    requestsPerSecond: numberOr('DEFAULT_REQUESTS_PER_SECOND', DEFAULT_APPLICATION_LIMITS.requestsPerSecond),
    burst: numberOr('DEFAULT_BURST', DEFAULT_APPLICATION_LIMITS.burst),
    requestsPerDay: numberOr('DEFAULT_REQUESTS_PER_DAY', DEFAULT_APPLICATION_LIMITS.requestsPerDay),
  };
}

/**
 * Where the usage routes read usage per application: `cloudwatch` (AWS: the metrics the handlers
 * and the access log write; the stack sets it) or `table` (the counters the local runtime
 * flushes; the default, for `npm start` and the tests).
 */
export function getUsageSource(): 'cloudwatch' | 'table' {
  const source = process.env.USAGE_SOURCE || 'table';
  if (source !== 'cloudwatch' && source !== 'table')
    throw new Error('Configuration error: USAGE_SOURCE must be "cloudwatch" or "table".');
  return source;
}

/**
 * The OIDC issuer people sign in with, where only the document needs it (the OpenAPI route names
 * its discovery document); undefined when not configured.
 */
export function getOidcIssuer(): string | undefined {
  return process.env.OIDC_ISSUER || undefined;
}

/** How log lines are written (`DATAGATE_LOG`): JSON by default, `readable` under `npm start`, `silent` in tests. */
export function getLogFormat(): 'json' | 'readable' | 'silent' {
  const value = process.env.DATAGATE_LOG;
  return value === 'silent' || value === 'readable' ? value : 'json';
}

/** The region the function runs in (`AWS_REGION`), as the runtime sets it; `npm start` sets `local`. */
export function getAwsRegion(): string | undefined {
  return process.env.AWS_REGION;
}

/** DynamoDB Local's endpoint (`DYNAMODB_ENDPOINT`, set by `npm start` and the tests); undefined in AWS. */
export function getDynamoDbEndpoint(): string | undefined {
  return process.env.DYNAMODB_ENDPOINT;
}

/** The local S3 server's endpoint (`S3_ENDPOINT`, set by `npm start` and the tests); undefined in AWS. */
export function getS3Endpoint(): string | undefined {
  return process.env.S3_ENDPOINT;
}

/** The credentials Lambda hands a function (its role's), in the environment. */
export function getEnvironmentCredentials(): { accessKeyId?: string; secretAccessKey?: string; sessionToken?: string } {
  return {
    accessKeyId: process.env.AWS_ACCESS_KEY_ID,
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
    sessionToken: process.env.AWS_SESSION_TOKEN,
  };
}

/** The API Gateway stage whose usage plans meter applications (`GATEWAY_REST_API_ID`, `GATEWAY_STAGE`); undefined locally. */
export function getGatewayTarget(): { restApiId: string; stage: string } | undefined {
  const restApiId = process.env.GATEWAY_REST_API_ID;
  const stage = process.env.GATEWAY_STAGE;
  return restApiId && stage ? { restApiId, stage } : undefined;
}

/**
 * The time a function has, seconds: the stack's 10 s, unless the local router stretches it
 * (`LOCAL_FUNCTION_TIMEOUT_SECONDS`, 70 under `npm start`, whose DynamoDB Local on a busy machine is
 * far slower than DynamoDB). The SDK clients' waits are sized to it (sdk-timeouts.ts). Unset in AWS.
 */
export function getFunctionTimeoutSeconds(): number {
  return Math.max(DEFAULT_FUNCTION_TIMEOUT_SECONDS, numberOr('LOCAL_FUNCTION_TIMEOUT_SECONDS', DEFAULT_FUNCTION_TIMEOUT_SECONDS));
}

/** Where Lambda unpacked the function's bundle (`LAMBDA_TASK_ROOT`); undefined outside Lambda. */
export function getLambdaTaskRoot(): string | undefined {
  return process.env.LAMBDA_TASK_ROOT;
}
