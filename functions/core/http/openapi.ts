import * as z from '../platform/zod';
import { errorBodySchema } from './common-schemas';
import { REVOCATION_SECONDS } from '../platform/limits';
import type { RouteDefinition, RouteResponse } from './route';
import { exampleFor } from './openapi-examples';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_WINDOW_SECONDS,
  IDEMPOTENT_REPLAYED_HEADER,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  takesIdempotencyKey,
} from './idempotency-key';

/**
 * Builds the OpenAPI 3.1 document from route rows and their zod schemas, so the document
 * cannot drift from what the handlers validate. Shared schemas (those with a `meta({ id })`)
 * become `components.schemas`.
 */

type JsonSchema = Record<string, unknown>;

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad input (`details` lists each field problem).',
  401: 'No credential, a bad one, or the other kind of credential for this route.',
  403: 'The credential is valid but its roles do not allow this.',
  404: 'Unknown, or not visible to this caller.',
  409: 'Conflict with the current state.',
  413: 'The request body is over 1 MiB.',
  415: 'The request body is not JSON.',
  422: 'Unprocessable.',
  429: 'Throttled.',
  500: 'Internal error (the body never carries internal details).',
  503: 'A dependency is unavailable; retry after `Retry-After` seconds.',
};

const COMMON_ERRORS = [401, 429, 500, 503];

function convert(schema: z.core.$ZodType, io: 'input' | 'output', components: Record<string, JsonSchema>): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  const { $schema: _schema, $defs, ...rest } = json;
  for (const [id, definition] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
    components[id] = tidy(definition, io);
  }
  return tidy(rest, io);
}

/**
 * Points `$defs` references at components, drops the long date-time regex (the format says it),
 * and lets answers grow: the contract allows new fields, so response objects stay open.
 */
function tidy(node: unknown, io: 'input' | 'output'): JsonSchema {
  if (Array.isArray(node)) return node.map((entry) => tidy(entry, io)) as unknown as JsonSchema;
  if (typeof node !== 'object' || node === null) return node as JsonSchema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') out[key] = value.replace('#/$defs/', '#/components/schemas/');
    else if (key === 'pattern' && (node as JsonSchema).format === 'date-time') continue;
    else if (key === 'additionalProperties' && value === false && io === 'output') continue;
    else out[key] = tidy(value, io);
  }
  return out;
}

function parameters(route: RouteDefinition, components: Record<string, JsonSchema>) {
  const list: JsonSchema[] = [];
  for (const [location, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const json = convert(schema, 'input', components);
    const required = new Set((json.required as string[] | undefined) ?? []);
    for (const [name, property] of Object.entries((json.properties ?? {}) as Record<string, JsonSchema>)) {
      list.push({
        name,
        in: location,
        required: location === 'path' || required.has(name),
        schema: property,
        example: exampleFor(property, components, name),
      });
    }
  }
  return list;
}

/** A success answer: its media types (the main one and any others) and the headers it can carry. */
function successResponse(response: RouteResponse, components: Record<string, JsonSchema>): JsonSchema {
  const content: Record<string, JsonSchema> = {};
  const withExample = (schema: JsonSchema): JsonSchema => {
    const example = exampleFor(schema, components);
    return { schema, ...(example !== undefined ? { example } : {}) };
  };
  if (response.schema) {
    content[response.contentType ?? 'application/json'] = withExample(convert(response.schema, 'output', components));
  }
  for (const [mediaType, { schema }] of Object.entries(response.mediaTypes ?? {})) {
    content[mediaType] = schema ? withExample(convert(schema, 'output', components)) : {};
  }
  const headers = Object.entries(response.headers ?? {}).map(([name, header]) => [
    name,
    {
      description: header.description,
      schema: header.schema ? convert(header.schema, 'output', components) : { type: 'string' },
    },
  ]);
  return {
    description: response.description,
    ...(Object.keys(content).length > 0 ? { content } : {}),
    ...(headers.length > 0 ? { headers: Object.fromEntries(headers) } : {}),
  };
}

const IDEMPOTENCY_HOURS = IDEMPOTENCY_WINDOW_SECONDS / 3600;

/** The `Idempotency-Key` request header of an operation that takes one. */
const IDEMPOTENCY_KEY_PARAMETER: JsonSchema = {
  name: IDEMPOTENCY_KEY_HEADER,
  in: 'header',
  required: false,
  description:
    `Makes a retry safe: the same key with the same request within ${IDEMPOTENCY_HOURS} hours replays the first answer ` +
    `(status and body, with \`${IDEMPOTENT_REPLAYED_HEADER}: true\`) and does nothing again. Keys are the caller's own ` +
    '(another person or application using the same key gets its own). Send a new random key (a UUID) per logical request.',
  schema: { type: 'string', minLength: 1, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH },
};

/** What a 409 and a 422 mean on an operation that takes `Idempotency-Key`. */
const IDEMPOTENCY_ERRORS: Record<number, string> = {
  409: `A request with this \`${IDEMPOTENCY_KEY_HEADER}\` is still running (\`idempotency_key_in_use\`; retry after \`Retry-After\` seconds).`,
  422: `This \`${IDEMPOTENCY_KEY_HEADER}\` was used with a different request in the last ${IDEMPOTENCY_HOURS} hours (\`idempotency_key_reused\`).`,
};

function operation(route: RouteDefinition, components: Record<string, JsonSchema>) {
  const idempotent = takesIdempotencyKey(route);
  const responses: Record<string, JsonSchema> = {};
  for (const [status, response] of Object.entries(route.responses)) {
    responses[status] = successResponse(
      idempotent
        ? {
            ...response,
            headers: {
              ...response.headers,
              [IDEMPOTENT_REPLAYED_HEADER]: {
                description: `\`true\` on the replay of an earlier answer to the same \`${IDEMPOTENCY_KEY_HEADER}\`; absent otherwise.`,
              },
            },
          }
        : response,
      components,
    );
  }
  const errors = [
    ...new Set([
      ...route.errors,
      ...(idempotent ? [400, 409, 422] : []),
      ...(route.credential === 'none' ? [429, 500, 503] : COMMON_ERRORS),
      ...(route.body ? [413, 415] : []),
      // A person route refuses a body it does not take, and a body field it does not know.
      ...(route.credential === 'person' ? [400] : []),
    ]),
  ];
  for (const status of errors.sort()) {
    const description = ERROR_DESCRIPTIONS[status] ?? 'Error.';
    const idempotencyError = idempotent ? IDEMPOTENCY_ERRORS[status] : undefined;
    responses[String(status)] = {
      description: idempotencyError
        ? route.errors.includes(status)
          ? `${description} Or: ${idempotencyError}`
          : idempotencyError
        : description,
      ...(status === 429 || status === 503 || (status === 409 && idempotent)
        ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } } }
        : {}),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  const security = { person: [{ personJwt: [] }], apiKey: [{ apiKey: [] }], none: [] }[route.credential];
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description || route.who
      ? { description: [route.description, route.who && `Who: ${route.who}.`].filter(Boolean).join('\n\n') }
      : {}),
    tags: [tagOf(route)],
    security,
    parameters: [...parameters(route, components), ...(idempotent ? [IDEMPOTENCY_KEY_PARAMETER] : [])],
    ...(route.body
      ? {
          requestBody: {
            // A body whose every field is optional may be left out.
            required: !z.safeParse(route.body, {}).success,
            content: {
              'application/json': (() => {
                const schema = convert(route.body, 'input', components);
                const example = exampleFor(schema, components);
                return { schema, ...(example !== undefined ? { example } : {}) };
              })(),
            },
          },
        }
      : {}),
    responses,
  };
}

/** The document's tags: one per resource, in the order a reader meets them. */
const TAGS = [
  { name: 'Organizations', description: 'Orgs, and the invitations waiting for the signed-in person (admin API, people).' },
  { name: 'People', description: "An org's people and their roles; invitations and accepting them (admin API)." },
  { name: 'Applications', description: 'Applications an org created: their limits and their usage (admin API).' },
  {
    name: 'API keys',
    description: "An application's API keys: issue, regenerate, disable, fence by address, delete (admin API).",
  },
  {
    name: 'Connections',
    description: 'Applications connected to an org, with their roles there, and their usage of it (admin API).',
  },
  { name: 'Datasources', description: "An org's datasources and their annotations (admin API)." },
  { name: 'Audit log', description: 'What changed in an org, by whom (admin API).' },
  { name: 'Data API', description: 'For applications, with `x-api-key`: compatible with the Clarity v2 API.' },
  {
    name: 'Public',
    description: 'No credential: health, this document, the API reference page, and the leaked-key endpoint for secret scanners.',
  },
] as const;

type TagName = (typeof TAGS)[number]['name'];

/** The tag of a route, from its path: the resource it acts on. */
function tagOf(route: RouteDefinition): TagName {
  if (route.credential === 'none') return 'Public';
  if (route.credential === 'apiKey') return 'Data API';
  const resource = /^\/admin\/orgs\/\{orgId\}\/([^/]+)/.exec(route.path)?.[1];
  if (resource === 'applications') return route.path.includes('/keys') ? 'API keys' : 'Applications';
  const byResource: Record<string, TagName> = {
    people: 'People',
    connections: 'Connections',
    datasources: 'Datasources',
    'audit-events': 'Audit log',
  };
  return (resource && byResource[resource]) || 'Organizations';
}

/**
 * The version of the HTTP API this document describes (semantic versioning): the major is the
 * contract's (v3); minors add extensions, patches fix. CHANGELOG.md says what each brought.
 */
export const API_VERSION = '3.1.0';

export interface OpenApiOptions {
  /**
   * The OIDC issuer people sign in with (`OIDC_ISSUER`): the `personJwt` scheme is OpenID Connect
   * with its discovery document. Without one (the printed document), the local issuer of `npm start`.
   */
  issuer?: string;
}

/** The issuer of `npm start` on its default port, for a document printed without a deployment. */
const LOCAL_ISSUER = 'http://127.0.0.1:3000/local';

/**
 * The OpenAPI 3.1 document of the given routes (the whole route table, for the `/openapi.json`
 * handler). It takes the rows rather than importing the table, so only that handler's bundle
 * carries every route.
 */
export function buildOpenApiDocument(routes: readonly RouteDefinition[], options: OpenApiOptions = {}): Record<string, unknown> {
  const components: Record<string, JsonSchema> = {};
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route, components);
  }
  // The error body carries `meta({ id: 'Error' })`: converting it registers components.Error.
  convert(errorBodySchema, 'output', components);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Datagate',
      version: API_VERSION,
      summary: 'API keys for external software to air-quality data.',
      contact: { name: 'Datagate maintainers (security reports: SECURITY.md of the project)' },
      license: { name: 'Apache License 2.0', identifier: 'Apache-2.0' },
      description:
        'Give software its own identity to read air-quality data. `/admin` is for people (OIDC JWT); `/v2` is for applications (API key) and is compatible with the Clarity v2 API.\n\n' +
        'Decisions where the contract is silent: `/admin` acts on the verified email of the token (`email` with `email_verified` true), otherwise 403; ' +
        'a route without a body accepts none or `{}`; admin listings answer the whole list unless `limit` is given; ' +
        `revocation, including the end of an old key regenerated with grace 0, reaches the data API within ${REVOCATION_SECONDS} seconds.`,
    },
    // The served document names the URL it was fetched from instead (functions/public/openapi.ts).
    servers: [{ url: '/', description: 'The deployment that serves this document.' }],
    tags: TAGS,
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        personJwt: {
          type: 'openIdConnect',
          openIdConnectUrl: `${(options.issuer ?? LOCAL_ISSUER).replace(/\/+$/, '')}/.well-known/openid-configuration`,
          description:
            "People: `Authorization: Bearer <ID token>` from the deployment's OIDC issuer (Cognito's managed login by default); claims used: `sub`, `email`, `email_verified`.",
        },
        apiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description: 'Applications: an API key (`dgk_...`) of the application.',
        },
      },
    },
  };
}
