import { DEFAULT_USAGE_DAYS, MAX_USAGE_DAYS } from '../../functions/core/usage/usage-days';
import { buildOpenApiDocument } from '../../functions/core/http/openapi';
import { routeList } from '../../functions/routes';
import {
  JSON_LONG_BYTES_PER_VALUE,
  MAX_KEYS_PER_APPLICATION,
  MAX_UNPAGED_ITEMS,
  STREAMED_RESPONSE_MAX_BYTES,
} from '../../functions/core/platform/limits';
import {
  MAX_FUTURE_MS,
  MAX_MEASUREMENTS_PER_ANSWER,
  RETENTION_MS,
  WINDOW_MS,
} from '../../functions/core/measurements/measurement-windows';
import {
  getContinuationSettleMs,
  getKeyCacheTtlSeconds,
  getMaxValuesPerAnswer,
  getMaxValuesPerStreamedAnswer,
  getReportRowsPerFile,
  MAX_BODY_BYTES,
} from '../../functions/core/platform/config';
import { apiKeyHint, issueApiKey } from '../../functions/core/applications';
import { signContinuationToken, verifyContinuationToken } from '../../functions/core/measurements/continuation-tokens';
import { measurementSchema } from '../../functions/core/clarity/v2-schemas';
import { whoamiSchema } from '../../functions/core/clarity/v2-schemas';
import { metricsOf } from '../../functions/core/air-quality/catalogue';
import { ROLLING_HOURS } from '../../functions/core/air-quality/derived-metrics';
import { NOWCAST_HOURS, nowcast } from '../../functions/core/air-quality/nowcast';
import { AQI_TABLES, aqiOf } from '../../functions/core/air-quality/aqi';
import { REPORTS_PER_ORG_PER_DAY, REPORT_RETENTION_DAYS } from '../../functions/core/reports/report-limits';
import { DEFAULT_REPORT_SHARE } from '../../functions/core/platform/limits';
import { MAX_REPORT_DAYS } from '../../functions/core/clarity/report-schemas';
import { IDEMPOTENCY_WINDOW_SECONDS } from '../../functions/core/http/idempotency-key';

/**
 * Where the OpenAPI document states a number (a default, a range, a cap, a window), the number
 * is the one the API works with: each claim below reads the number from the description and
 * compares it with the schema the route validates with, or with the constant or behaviour of the
 * code. A number stated in a description that no claim covers fails the test: add a claim.
 */

type Json = any; // The OpenAPI document is plain JSON, walked by key.

const document = buildOpenApiDocument(routeList) as Json;
const HOUR = 3600_000;
const DAY = 24 * HOUR;

interface Operation {
  name: string;
  operation: Json;
  texts: string[];
}

function resolve(schema: Json): Json {
  if (schema?.$ref) return document.components.schemas[String(schema.$ref).split('/').pop()!];
  return schema;
}

const operations: Operation[] = Object.entries(document.paths as Record<string, Json>).flatMap(([path, methods]) =>
  Object.entries(methods as Record<string, Json>).map(([method, operation]) => ({
    name: `${method.toUpperCase()} ${path}`,
    operation,
    texts: [
      operation.summary,
      operation.description,
      ...(operation.parameters ?? []).map((parameter: Json) => parameter.schema?.description),
      ...Object.values(operation.responses ?? {}).map((response: Json) => response.description),
    ].filter((text): text is string => typeof text === 'string'),
  })),
);

const parameter = (operation: Json, name: string) =>
  (operation.parameters as Json[]).find((candidate) => candidate.name === name)!.schema;
const bodyProperty = (operation: Json, name: string) =>
  resolve(operation.requestBody.content['application/json'].schema).properties[name];
/** An array schema's bounds, also when it is wrapped (nullable, optional: anyOf). */
const arrayBounds = (schema: Json): [number, number] => {
  const array = [schema, ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].find((candidate: Json) => candidate.type === 'array');
  return [array?.minItems, array?.maxItems];
};

/** Whether a measurement with `count` metrics named `name(i)` passes the ingest schema. */
const acceptsMetrics = (count: number, name = (index: number) => metricsOf('minute')[index]!.metric) =>
  measurementSchema.safeParse({
    time: new Date().toISOString(),
    metrics: Object.fromEntries(Array.from({ length: count }, (_unused, index) => [name(index), 1])),
  }).success;

async function tokenLifetimeHours(): Promise<number> {
  process.env.CONTINUATION_SECRET ??= 'unit-tests-continuation-secret-0123456789abcdef';
  const issued = new Date(Date.now() - 24 * HOUR + 60_000);
  const token = await signContinuationToken('app_x', { org: 'org_x', query: {}, mark: 'm' }, issued);
  const stillGood = await verifyContinuationToken(token, 'app_x', 'org_x').then(
    () => true,
    () => false,
  );
  const older = await signContinuationToken(
    'app_x',
    { org: 'org_x', query: {}, mark: 'm' },
    new Date(Date.now() - 24 * HOUR - 60_000),
  );
  const expired = await verifyContinuationToken(older, 'app_x', 'org_x').then(
    () => false,
    () => true,
  );
  return stillGood && expired ? 24 : NaN;
}

interface Claim {
  /** What the number means, for the failure message. */
  about: string;
  /** Finds the statement; its groups are the numbers stated (commas allowed). */
  pattern: RegExp;
  /** The numbers the API works with, in the order of the groups. */
  actual: (operation: Json) => number[] | Promise<number[]>;
}

const CLAIMS: Claim[] = [
  {
    about: "candidates in a secret scanner's report",
    pattern: /(\d+) to (\d+) candidates/,
    actual: (operation) => {
      const schema = resolve(operation.requestBody.content['application/json'].schema);
      return [schema.minItems, schema.maxItems];
    },
  },
  {
    about: 'a listing without limit answers up to MAX_UNPAGED_ITEMS',
    pattern: /up to ([\d,]+) items/,
    actual: () => [MAX_UNPAGED_ITEMS],
  },
  {
    about: 'the page size range of a listing',
    pattern: /with `limit` \((\d+) to (\d+)\)/,
    actual: (operation) => [parameter(operation, 'limit').minimum, parameter(operation, 'limit').maximum],
  },
  {
    about: 'the audit page size range and default',
    pattern: /`limit` (\d+)-(\d+) \(default (\d+)\)/,
    actual: (operation) => {
      const limit = parameter(operation, 'limit');
      return [limit.minimum, limit.maximum, limit.default];
    },
  },
  {
    about: "the hours of a datasource's readings: range and default",
    pattern: /hour included \((\d+)-(\d+), default (\d+)\)/,
    actual: (operation) => {
      const hours = parameter(operation, 'hours');
      return [hours.minimum, hours.maximum, hours.default];
    },
  },
  { about: 'keys per application', pattern: /at most (\d+) keys/, actual: () => [MAX_KEYS_PER_APPLICATION] },
  {
    about: 'the longest grace period',
    pattern: /at most (\d+) days/,
    actual: (operation) => [bodyProperty(operation, 'graceSeconds').maximum / 86_400],
  },
  {
    about: "a guest's datasource list",
    pattern: /`datasourceIds` \(at most (\d+)\)/,
    actual: (operation) => [arrayBounds(bodyProperty(operation, 'datasourceIds'))[1]],
  },
  {
    about: 'datasources named in a query',
    pattern: /`datasourceIds` \((\d+) to (\d+)[;)]/,
    actual: (operation) => arrayBounds(bodyProperty(operation, 'datasourceIds')),
  },
  {
    about: 'measurements per ingest call',
    pattern: /Ingest (\d+) to (\d+) measurements/,
    actual: (operation) => arrayBounds(bodyProperty(operation, 'measurements')),
  },
  {
    about: 'metrics per measurement: at least one, each a distinct catalogue metric',
    pattern: /[Aa]t least (\d+) metric per measurement/,
    actual: () => [acceptsMetrics(0) ? 0 : acceptsMetrics(1) ? 1 : NaN],
  },
  {
    about: 'the decimal places of locationRounding',
    pattern: /decimal places of the locations, (\d+) to (\d+)/,
    actual: (operation) => {
      const schema = bodyProperty(operation, 'locationRounding');
      const integer = [schema, ...(schema.anyOf ?? [])].find((candidate: Json) => candidate.type === 'integer');
      return [integer?.minimum, integer?.maximum];
    },
  },
  { about: 'the rolling mean span', pattern: /the (\d+) hourly means ending/, actual: () => [ROLLING_HOURS] },
  { about: 'the hours a new minute reaches', pattern: /of the (\d+) hours after it/, actual: () => [ROLLING_HOURS - 1] },
  { about: 'the NowCast span', pattern: /NowCast over (\d+) hourly means/, actual: () => [NOWCAST_HOURS] },
  {
    about: 'the NowCast validity rule',
    pattern: /valid with (\d+) of the (\d+) most recent hours/,
    actual: () => {
      const two = nowcast([5, 5, undefined, 5]) !== undefined && nowcast([5, undefined, undefined, 5]) === undefined;
      return two ? [2, 3] : [NaN, NaN];
    },
  },
  {
    about: 'AQIs beyond the top breakpoint',
    pattern: /AQI over (\d+)/,
    actual: () => [AQI_TABLES.pm2_5.bands.at(-1)!.aqiHi],
  },
  {
    about: 'the top of the 1-hour SO2 table',
    pattern: /only up to (\d+) ppb/,
    actual: () => [aqiOf(AQI_TABLES.so2_1h, 304) !== undefined && aqiOf(AQI_TABLES.so2_1h, 305) === undefined ? 304 : NaN],
  },
  { about: 'how far ahead a measurement may be', pattern: /(\d+) minutes ahead/, actual: () => [MAX_FUTURE_MS / 60_000] },
  {
    about: 'the retention',
    pattern: /the (\d+) days measurements are kept|the (\d+)-day retention/,
    actual: () => [RETENTION_MS / DAY],
  },
  { about: 'the minute window', pattern: /of the last (\d+) hours/, actual: () => [WINDOW_MS.minute / HOUR] },
  { about: 'the hour window', pattern: /the (\d+) UTC hours/, actual: () => [WINDOW_MS.hour / HOUR] },
  { about: 'the day window', pattern: /the (\d+) UTC days/, actual: () => [WINDOW_MS.day / DAY] },
  {
    about: 'values in one answer',
    pattern: /at most (\d+) values|fits in (\d+) values|up to (\d+) values/,
    actual: () => {
      delete process.env.MAX_VALUES_PER_ANSWER;
      return [getMaxValuesPerAnswer()];
    },
  },
  {
    about: 'values in one streamed (whole) answer',
    pattern: /more than ([\d,]+) values/,
    actual: () => {
      delete process.env.MAX_VALUES_PER_STREAMED_ANSWER;
      return [getMaxValuesPerStreamedAnswer()];
    },
  },
  {
    about: "the size of a whole answer at that limit, and Lambda's most for a streamed response",
    pattern: /about (\d+) MB of json-long, near Lambda's (\d+) MB/,
    actual: () => [
      Math.round((getMaxValuesPerStreamedAnswer() * JSON_LONG_BYTES_PER_VALUE) / 1e6),
      STREAMED_RESPONSE_MAX_BYTES / 1e6,
    ],
  },
  {
    about: 'rows or measurements in one answer',
    pattern: /and (\d+) rows|and (\d+) measurements, taken/,
    actual: () => [MAX_MEASUREMENTS_PER_ANSWER],
  },
  { about: 'the continuation token lifetime', pattern: /good for (\d+) hours/, actual: async () => [await tokenLifetimeHours()] },
  {
    about: 'the settle lag of continuations',
    pattern: /the settle lag, (\d+) s/,
    actual: () => {
      delete process.env.CONTINUATION_SETTLE_MS;
      return [getContinuationSettleMs() / 1000];
    },
  },
  {
    // The in-function cache, and API Gateway's authorizer cache which the stack sets to the same.
    about: 'the revocation budget: two caches of KEY_CACHE_TTL_SECONDS',
    pattern: /within (?:the )?(\d+) seconds/,
    actual: () => [2 * getKeyCacheTtlSeconds()],
  },
  { about: 'the body limit', pattern: /over (\d+) MiB/, actual: () => [MAX_BODY_BYTES / 1024 / 1024] },
  {
    about: 'report requests per org and UTC day',
    pattern: /(\d+) report requests per org per UTC day/,
    actual: () => [REPORTS_PER_ORG_PER_DAY],
  },
  {
    about: "a connection's share of the org's report requests",
    pattern: /`reportShare` \((\d+) to (\d+), default (\d+)\) caps how many of the org's (\d+) daily report requests/,
    actual: () => [0, REPORTS_PER_ORG_PER_DAY, DEFAULT_REPORT_SHARE, REPORTS_PER_ORG_PER_DAY],
  },
  { about: 'the longest report window', pattern: /no more than (\d+) days/, actual: () => [MAX_REPORT_DAYS] },
  {
    about: 'rows in one report file',
    pattern: /one file \(([\d,]+) rows\)/,
    actual: () => {
      delete process.env.REPORT_ROWS_PER_FILE;
      return [getReportRowsPerFile()];
    },
  },
  {
    about: 'the days of a usage answer',
    pattern: /today included: (\d+) to (\d+) \(default (\d+)\)/,
    actual: () => [1, MAX_USAGE_DAYS, DEFAULT_USAGE_DAYS],
  },
  { about: 'how long reports are kept', pattern: /are kept (\d+) days/, actual: () => [REPORT_RETENTION_DAYS] },
  {
    about: 'how long an Idempotency-Key holds its request and answer',
    pattern: /in the last (\d+) hours \(`idempotency_key_reused`\)/,
    actual: () => [IDEMPOTENCY_WINDOW_SECONDS / 3600],
  },
  {
    about: "a key's hint",
    pattern: /the last (\d+) characters/,
    actual: () => {
      const { key } = issueApiKey();
      return [apiKeyHint(key).split('...')[1]!.length];
    },
  },
];

/** Statements of a quantity: a cap, a range, a default, or a number with a unit. */
const QUANTITY =
  /\b(?:default|at most|up to|within(?: the)?|over|last|the)\s+[\d,]*\d\b(?![-\w])|(?<![\w./-])\d[\d,]*\s*(?:to|-)\s*\d[\d,]*\b(?!-?[a-z])|\b\d[\d,]*\s*(?:items|keys|values|rows|metrics|measurements|days?|hours?|seconds|minutes|characters|MiB|s)\b/g;

const numbers = (match: RegExpExecArray) =>
  match
    .slice(1)
    .filter((group): group is string => group !== undefined)
    .map((group) => Number(group.replace(/,/g, '')));

describe('numbers in the OpenAPI descriptions', () => {
  it('every stated number is the one the API works with', async () => {
    const disagreements: string[] = [];
    let checked = 0;
    for (const { name, operation, texts } of operations) {
      for (const text of texts) {
        for (const claim of CLAIMS) {
          for (const match of text.matchAll(new RegExp(claim.pattern, 'g'))) {
            checked++;
            const stated = numbers(match);
            const actual = await claim.actual(operation);
            if (JSON.stringify(stated) !== JSON.stringify(actual))
              disagreements.push(`${name}: "${match[0]}" (${claim.about}) but the API works with ${actual.join(', ')}`);
          }
        }
      }
    }
    expect(disagreements).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(CLAIMS.length);
  });

  it('every number stated as a quantity is covered by a claim', () => {
    const uncovered: string[] = [];
    for (const { name, texts } of operations) {
      for (const text of texts) {
        const covered = CLAIMS.flatMap((claim) =>
          [...text.matchAll(new RegExp(claim.pattern, 'g'))].map((match) => [match.index, match.index + match[0].length]),
        );
        for (const quantity of text.matchAll(QUANTITY)) {
          const [start, end] = [quantity.index, quantity.index + quantity[0].length];
          if (!covered.some(([from, to]) => from! <= start && end <= to!))
            uncovered.push(`${name}: "${quantity[0]}" in "...${text.slice(Math.max(0, start - 60), end + 60)}..."`);
        }
      }
    }
    expect(uncovered).toEqual([]);
  });

  it('the listings no longer claim a default page of 100: without limit they answer the whole list', () => {
    for (const name of [
      'GET /admin/orgs/{orgId}/applications',
      'GET /admin/orgs/{orgId}/connections',
      'GET /admin/orgs/{orgId}/datasources',
    ]) {
      const { operation } = operations.find((candidate) => candidate.name === name)!;
      expect(operation.description).toContain('Without `limit`, the whole list');
      expect(parameter(operation, 'limit').default).toBeUndefined();
    }
  });

  it("whoami's description names every field of its answer", () => {
    const { operation } = operations.find((candidate) => candidate.name === 'GET /v2/whoami')!;
    const fields = [...Object.keys(whoamiSchema.shape), ...Object.keys(whoamiSchema.shape.orgs.def.element.shape)];
    expect(fields.filter((field) => !operation.description.includes(`\`${field}\``))).toEqual([]);
  });
});
