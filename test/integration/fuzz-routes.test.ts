import fc from 'fast-check';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { routeList } from '../../functions/routes';
import type { RouteDefinition } from '../../functions/core/http/route';
import { ensureTable, localClient } from '../../lib/local/dynamodb-local';
import { startTestApi, type TestApi } from '../support/local-api';
import { connect, createApplication, createDatasource, createOrg, addMember, expectStatus, signIn } from '../support/scenario';
import { hostileString, hostileValue, jsonSchemaOf, mutate, validFor } from '../support/schema-arbitraries';

/**
 * Hostile input for every route of the route table, generated from the route's own schemas:
 * wrong types, huge and deep JSON, unicode edge cases, `#` in every id, duplicated query
 * parameters, header variants, random bytes sent as JSON. Whatever arrives, the answer is never
 * a 5xx, every refusal carries the contract's error body, and a refused request writes nothing
 * (the whole table is scanned before and after; this file has a table of its own).
 *
 * Seeded and bounded: `FUZZ_SEED` replays a run (the seed is printed), `FUZZ_RUNS` (default 20)
 * and `FUZZ_MS` (default 2000) bound each route's share.
 */

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const TIME_LIMIT_MS = Number(process.env.FUZZ_MS ?? 2000);
const FUZZ_TABLE = 'datagate-fuzz';

interface Fixture {
  orgId: string;
  adminToken: string;
  /** The key each `/v2` route is fuzzed with (one per route, so a route that revokes its caller's key spoils no other). */
  callerKeys: Record<string, string>;
  known: string[];
}

let api: TestApi;
let fixture: Fixture;
let scanClient: DynamoDBDocumentClient;
let tableName: string | undefined;

beforeAll(async () => {
  // A table of its own, so the scans before and after a request see only this file's writes.
  tableName = process.env.TABLE_NAME;
  await ensureTable(process.env.DYNAMODB_ENDPOINT!, FUZZ_TABLE);
  process.env.TABLE_NAME = FUZZ_TABLE;
  api = await startTestApi();
  scanClient = DynamoDBDocumentClient.from(localClient(process.env.DYNAMODB_ENDPOINT!));
  const admin = await signIn(api, 'fuzz-admin');
  const orgId = await createOrg(api, admin, 'Fuzz');
  const technician = await signIn(api, 'fuzz-tech');
  await addMember(api, orgId, admin, technician, ['technician']);
  const datasourceId = await createDatasource(api, orgId, admin, 'Fuzz site');
  // A second one, so a page of one datasource has a nextToken to alter.
  await createDatasource(api, orgId, admin, 'Fuzz site 2');
  const caller = await createApplication(api, orgId, admin, 'Fuzz caller');
  await connect(api, orgId, admin, caller.applicationId, ['admin']);
  // A second application for the admin routes' path ids, so a fuzzed deletion cannot take the caller's key away.
  const target = await createApplication(api, orgId, admin, 'Fuzz target');
  await connect(api, orgId, admin, target.applicationId, ['guest'], [datasourceId]);
  const second = await api.call('POST', `/admin/orgs/${orgId}/applications/${target.applicationId}/keys`, {
    token: admin.token,
    body: { label: 'second' },
  });
  expectStatus(second, 201);
  const callerKeys: Record<string, string> = {};
  for (const route of routeList.filter((row) => row.credential === 'apiKey')) {
    const issued = await api.call('POST', `/admin/orgs/${orgId}/applications/${caller.applicationId}/keys`, {
      token: admin.token,
      body: { label: route.operationId },
    });
    expectStatus(issued, 201);
    callerKeys[route.operationId] = issued.body.key;
  }
  fixture = {
    orgId,
    adminToken: admin.token,
    callerKeys,
    known: [orgId, datasourceId, target.applicationId, target.keyId, second.body.keyId, technician.email, admin.email],
  };
  console.log(`fuzz: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} FUZZ_MS=${TIME_LIMIT_MS} (set them to replay this run)`);
});

afterAll(async () => {
  await api?.stop();
  scanClient?.destroy();
  process.env.TABLE_NAME = tableName;
});

/** Every item of the fuzz table by key; `lastUsedAt` (the authorizer's bookkeeping) left out. */
async function tableSnapshot(): Promise<Map<string, string>> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await scanClient.send(
      new ScanCommand({ TableName: FUZZ_TABLE, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  // Attributes sorted: DynamoDB returns an updated item's attributes in another order.
  const canonical = (value: unknown): string =>
    JSON.stringify(value, (_key, inner) =>
      inner && typeof inner === 'object' && !Array.isArray(inner)
        ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
        : inner,
    );
  // Usage counters are not the request's writes: npm start's counters are flushed on their own
  // schedule (every second in tests) and count refused requests too, as they should.
  const written = items.filter((item) => item.type !== 'usage');
  return new Map(written.map(({ lastUsedAt: _lastUsedAt, ...item }) => [JSON.stringify([item.PK, item.SK]), canonical(item)]));
}

/** The items a request added, removed or changed: empty when it wrote nothing. */
function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].flatMap((key) => {
    const [was, is] = [before.get(key), after.get(key)];
    if (was === is) return [];
    return [was === undefined ? `added ${is}` : is === undefined ? `removed ${was}` : `changed ${was} -> ${is}`];
  });
}

/**
 * Percent-encodes every byte that is not unreserved, after cutting the text to 300 characters:
 * a request line past Node's (and API Gateway's) header limits is refused before any route runs.
 */
const encode = (text: string) => encodeBytes(text.slice(0, 300));

/** Percent-encodes every byte that is not unreserved; lone surrogates become U+FFFD, as a client's UTF-8 would. */
const encodeBytes = (text: string) =>
  [...Buffer.from(text, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

/** A path segment: a valid id (the fixture's, when its shape fits), a hostile string, or broken percent-encoding. */
function segmentFor(route: RouteDefinition, name: string): fc.Arbitrary<string> {
  const schema = route.params ? jsonSchemaOf(route.params).properties?.[name] : undefined;
  const valid = schema ? validFor(schema, fixture.known).map((value) => encode(String(value))) : fc.constant('x');
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 2, arbitrary: fc.tuple(valid, hostileString).map(([id, tail]) => `${id}${encode(`#${tail}`)}`) },
    { weight: 2, arbitrary: hostileString.filter((text) => text.length > 0 && text.length < 1000).map(encode) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%FF', '%E0%80', '%C0%AF', '%00', '..', '%2F', '%23') },
  );
}

function pathFor(route: RouteDefinition): fc.Arbitrary<string> {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  if (names.length === 0) return fc.constant(route.path);
  return fc.tuple(...names.map((name) => segmentFor(route, name))).map((segments) => {
    let index = 0;
    return route.path.replace(/\{\w+\}/g, () => segments[index++]!);
  });
}

/** The query string: valid, mutated or hostile values from the route's query schema, some keys twice. */
function queryFor(route: RouteDefinition): fc.Arbitrary<string> {
  const schema = route.query ? jsonSchemaOf(route.query) : { type: 'object', properties: {} };
  const valid = validFor(schema, fixture.known);
  const fields = fc
    .oneof(valid, mutate(valid))
    .map((value) =>
      typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { q: value },
    );
  return fc
    .tuple(
      fields,
      fc.array(
        fc.tuple(fc.oneof(fc.constantFrom(...Object.keys(schema.properties ?? {}), 'org'), hostileString), hostileString),
        { maxLength: 3 },
      ),
    )
    .map(([record, duplicates]) => {
      const pairs: [string, string][] = Object.entries(record).map(([key, value]) => [
        key,
        typeof value === 'string' ? value : (JSON.stringify(value) ?? ''),
      ]);
      pairs.push(...duplicates);
      const text = pairs.map(([key, value]) => `${encode(key)}=${encode(value)}`).join('&');
      return text ? `?${text}` : '';
    });
}

interface Body {
  text?: string;
  contentType?: string;
}

const JSON_TYPES = [
  'application/json',
  'APPLICATION/JSON; charset=utf-8',
  'application/vnd.api+json',
  'application/json; charset=latin1',
];

/** JSON nested deeper than a recursive stringify can go, written as text: `{"a":{"a":...[1]...}}`. */
const deepJsonText = (depth: number) =>
  `${'{"a":'.repeat(depth / 2)}${'['.repeat(depth / 2)}1${']'.repeat(depth / 2)}${'}'.repeat(depth / 2)}`;

/** A body: valid or mutated from the route's body schema, the wrong JSON kind, huge, deep, or random bytes said to be JSON. */
function bodyFor(route: RouteDefinition): fc.Arbitrary<Body> {
  const valid = route.body ? validFor(jsonSchemaOf(route.body), fixture.known) : fc.constant({});
  const json = (value: fc.Arbitrary<unknown>) =>
    fc
      .tuple(value, fc.constantFrom(...JSON_TYPES))
      .map(([body, contentType]): Body => ({ text: JSON.stringify(body), contentType }));
  return fc.oneof(
    { weight: 3, arbitrary: json(valid) },
    { weight: 4, arbitrary: json(mutate(valid)) },
    { weight: 2, arbitrary: json(hostileValue) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(5_000, 100_000)
        .map((depth): Body => ({ text: deepJsonText(depth), contentType: 'application/json' })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(1024 * 1024 - 20, 1024 * 1024 + 1, 3 * 1024 * 1024)
        .map((size): Body => ({ text: JSON.stringify({ name: 'x'.repeat(size) }), contentType: 'application/json' })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...JSON_TYPES))
        .map(([bytes, contentType]): Body => ({ text: Buffer.from(bytes).toString('latin1'), contentType })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom<Body>(
        { text: '{"name": "x",}', contentType: 'application/json' },
        { text: 'name=x', contentType: 'application/x-www-form-urlencoded' },
        { text: '{"name":"x"}', contentType: 'text/plain' },
        { text: '{"name":"x"}' },
        { text: '', contentType: 'application/json' },
        { text: 'null', contentType: 'application/json' },
        { text: '{"__proto__":{"admin":true},"name":"x"}', contentType: 'application/json' },
        { text: '{"name":"x","name":"y"}', contentType: 'application/json' },
        {},
      ),
    },
  );
}

/** The route's own credential most of the time, otherwise a variant of it or none. */
function headersFor(route: RouteDefinition): fc.Arbitrary<Record<string, string>> {
  const callerKey = fixture.callerKeys[route.operationId] ?? Object.values(fixture.callerKeys)[0]!;
  const right: Record<string, string> =
    route.credential === 'person'
      ? { Authorization: `Bearer ${fixture.adminToken}` }
      : route.credential === 'apiKey'
        ? { 'x-api-key': callerKey }
        : {};
  const variants: Record<string, string>[] = [
    {},
    { Authorization: `bearer ${fixture.adminToken}` },
    { Authorization: `Bearer ${fixture.adminToken}, Bearer ${fixture.adminToken}` },
    { Authorization: `Bearer ${callerKey}` },
    { 'x-api-key': `${callerKey},${callerKey}` },
    { 'x-api-key': ` ${callerKey} ` },
    { 'x-api-key': callerKey.toUpperCase() },
    { 'X-API-KEY': callerKey, Authorization: `Bearer ${fixture.adminToken}` },
    { 'x-api-key': 'dgk_' },
    { Authorization: 'Bearer e30.e30.' },
  ];
  return fc.oneof({ weight: 6, arbitrary: fc.constant(right) }, { weight: 2, arbitrary: fc.constantFrom(...variants) });
}

const request = (route: RouteDefinition) =>
  fc.record({ path: pathFor(route), query: queryFor(route), body: bodyFor(route), headers: headersFor(route) });

function isErrorBody(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const { message, code, details, ...rest } = body as Record<string, unknown>;
  return (
    typeof message === 'string' &&
    message.length > 0 &&
    typeof code === 'string' &&
    (details === undefined ||
      (Array.isArray(details) &&
        details.every((problem) => typeof problem?.path === 'string' && typeof problem?.message === 'string'))) &&
    Object.keys(rest).length === 0
  );
}

/** A failure, short enough to read: the seed and path to replay it, the request with long strings cut, and the cause. */
function failureReport(details: fc.RunDetails<any>): string {
  const cut = (_key: string, value: unknown) =>
    typeof value === 'string' && value.length > 200 ? `${value.slice(0, 200)}... (${value.length} characters)` : value;
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  return [
    `FUZZ_SEED=${details.seed} failed after ${details.numRuns} runs (fast-check path ${details.counterexamplePath})`,
    `request: ${JSON.stringify(details.counterexample, cut)}`,
    `cause: ${cause.slice(0, 2000)}`,
  ].join('\n');
}

describe.each(routeList.map((route) => [`${route.method} ${route.path}`, route] as const))('fuzzing %s', (_name, route) => {
  it('hostile input is never a 5xx, always the error body when refused, and a refusal writes nothing', async () => {
    // The table after the last request, when that request was refused and wrote nothing: the
    // next request's "before" without scanning again (nothing else writes in between but usage
    // counters and lastUsedAt, which the snapshots leave out). Half the scans.
    let unchangedSince: Map<string, string> | undefined;
    const details = await fc.check(
      fc.asyncProperty(request(route), async ({ path, query, body, headers }) => {
        // A report request that was accepted goes on in the background (the in-process worker):
        // let it finish, so the scans compare only what this request wrote.
        await api.runtime.reports.idle();
        const before = unchangedSince ?? (await tableSnapshot());
        unchangedSince = undefined;
        const response = await fetch(`${api.url}${path}${query}`, {
          method: route.method,
          headers: { ...headers, ...(body.contentType ? { 'Content-Type': body.contentType } : {}) },
          body: route.method === 'GET' ? undefined : body.text,
        });
        const text = await response.text();
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
        const outcome = { status: response.status, body: typeof parsed === 'string' ? parsed.slice(0, 300) : parsed };
        expect(outcome.status).toBeLessThan(500);
        if (response.status >= 400) {
          expect({ status: response.status, errorBody: isErrorBody(parsed), body: outcome.body }).toEqual({
            status: response.status,
            errorBody: true,
            body: outcome.body,
          });
          const after = await tableSnapshot();
          expect(changes(before, after)).toEqual([]);
          unchangedSince = after;
        }
      }),
      { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false, endOnFailure: true },
    );
    if (details.failed) throw new Error(failureReport(details));
  });
});

/** The listings that page with `nextToken`, with the path to call them on (the fixture's org). */
const pagedListings = routeList.filter(
  (route) => route.method === 'GET' && route.query && jsonSchemaOf(route.query).properties?.nextToken !== undefined,
);

/** A token the route issued for one item of the fixture's org, and the path it was issued on. */
async function issuedToken(route: RouteDefinition): Promise<{ path: string; token: string }> {
  const path = route.path.replace('{orgId}', fixture.orgId);
  const answer = await api.call('GET', `${path}?limit=1`, { token: fixture.adminToken });
  expectStatus(answer, 200);
  if (typeof answer.body.nextToken !== 'string') throw new Error(`${route.operationId} issued no nextToken for a page of 1`);
  return { path, token: answer.body.nextToken };
}

const toToken = (value: unknown) => Buffer.from(JSON.stringify(value) ?? 'undefined').toString('base64url');

/** Alterations of a real token: its decoded key edited (values, attributes, types, sizes), its text edited, or another listing's token. */
function alteredToken(token: string, others: string[]): fc.Arbitrary<string> {
  const key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
  const names = Object.keys(key);
  // Cut: a request line past Node's (and API Gateway's) limits is refused before any route runs.
  const shortHostile = hostileString.map((text) => text.slice(0, 300));
  const someValue = fc.oneof(
    shortHostile,
    fc.constantFrom('', 'A', `ORG#${fixture.orgId}`, 'ORG#org_000000000000000000000000', 'DS#', 'CONN#', `${'x'.repeat(1100)}`),
    fc.constantFrom<unknown>(7, null, true, [], {}, { S: 'x' }),
  );
  return fc.oneof(
    fc.tuple(fc.constantFrom(...names), someValue).map(([name, value]) => toToken({ ...key, [name]: value })),
    fc.constantFrom(...names).map((name) => toToken(Object.fromEntries(Object.entries(key).filter(([other]) => other !== name)))),
    fc.tuple(shortHostile, someValue).map(([name, value]) => toToken({ ...key, [name || 'extra']: value })),
    fc.constantFrom<unknown>(null, [], 'text', 1, [key]).map(toToken),
    fc
      .tuple(fc.nat(token.length - 1), fc.constantFrom('A', '_', '-', '0', 'z'))
      .map(([at, char]) => token.slice(0, at) + char + token.slice(at + 1)),
    fc.nat(token.length - 1).map((at) => token.slice(0, at)),
    fc.constantFrom(...others, `${token}==`, `${token}.x`, '%', 'eyJ9'),
  );
}

describe.each(pagedListings.map((route) => [`${route.method} ${route.path}`, route] as const))(
  'fuzzing the page tokens of %s',
  (_name, route) => {
    it('an altered nextToken is answered 400 with the error body, or as a page of its own listing, never a 5xx', async () => {
      const { path, token } = await issuedToken(route);
      const others = (await Promise.all(pagedListings.filter((other) => other !== route).map(issuedToken))).map(
        (issued) => issued.token,
      );
      const details = await fc.check(
        fc.asyncProperty(alteredToken(token, others), async (altered) => {
          const answer = await api.call('GET', `${path}?limit=1&nextToken=${encodeURIComponent(altered)}`, {
            token: fixture.adminToken,
          });
          expect({ altered, status: answer.status < 500 }).toEqual({ altered, status: true });
          if (answer.status !== 200) {
            expect({ altered, status: answer.status, errorBody: isErrorBody(answer.body) }).toEqual({
              altered,
              status: 400,
              errorBody: true,
            });
          }
        }),
        {
          seed: SEED,
          numRuns: RUNS * 5,
          interruptAfterTimeLimit: TIME_LIMIT_MS,
          markInterruptAsFailure: false,
          endOnFailure: true,
        },
      );
      if (details.failed) throw new Error(failureReport(details));
    });
  },
);
