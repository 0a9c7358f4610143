import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from '../platform/zod';
import { MAX_BODY_BYTES } from '../platform/config';
import {
  BadRequestError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  type FieldProblem,
} from '../platform/errors';
import type { RouteDefinition } from './route';
import { headerValue } from './headers';

/** The validated inputs of a request, typed from its route's schemas. */
export interface ParsedInput<R extends RouteDefinition> {
  params: R['params'] extends z.core.$ZodType ? z.infer<R['params']> : Record<string, never>;
  query: R['query'] extends z.core.$ZodType ? z.infer<R['query']> : Record<string, never>;
  body: R['body'] extends z.core.$ZodType ? z.infer<R['body']> : undefined;
}

function problems(error: z.core.$ZodError, prefix: 'body' | 'query'): FieldProblem[] {
  // Field paths are relative to the body (`roles.0`) and prefixed for the query (`query.org`);
  // a problem with the body as a whole is named `body`.
  const pathOf = (path: PropertyKey[]) =>
    (prefix === 'query' ? [prefix, ...path.map(String)] : path.map(String)).join('.') || prefix;
  return withinUnions(error.issues).flatMap((issue) =>
    // One problem per unknown field, named by its own path, so `role` for `roles` points at `role`.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: pathOf([...issue.path, key]), message: `Unknown field "${key}".` }))
      : [{ path: pathOf(issue.path), message: issue.message }],
  );
}

/**
 * A union (a number or an object) that refuses a value names the union as a whole. When the value
 * had the type of exactly one option (an object with a bad `status`), that option's own problems
 * are the useful ones (`metrics.no2ConcIndividual.status`), so they replace the union's.
 */
function withinUnions(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union') return [issue];
    const typed = issue.errors.filter(
      (option) => !option.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0),
    );
    if (typed.length !== 1) return [issue];
    return withinUnions(typed[0]!.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] })));
  });
}

const isEmptyObject = (value: unknown) =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;

function readBody(event: APIGatewayProxyEvent): unknown {
  if (event.body === null || event.body === undefined || event.body === '') return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.byteLength > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
  const contentType = headerValue(event.headers, 'content-type') ?? '';
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(contentType.trim())) throw new UnsupportedMediaTypeError();
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new BadRequestError('The request body is not valid JSON.');
  }
}

/**
 * The query string as one value per parameter. Every query parameter of the API is single-valued:
 * one sent twice with different values (`?org=A&org=B`) is 400, never silently one of them
 * (API Gateway's `queryStringParameters` holds only the last); the same value twice is that value.
 */
function singleValuedQuery(event: APIGatewayProxyEvent): Record<string, string> {
  const repeated = Object.entries(event.multiValueQueryStringParameters ?? {}).filter(
    ([, values]) => values !== undefined && new Set(values).size > 1,
  );
  if (repeated.length > 0) {
    throw new BadRequestError(
      'A query parameter was given more than once with different values.',
      repeated.map(([name]) => ({ path: `query.${name}`, message: `Send ${name} once.` })),
    );
  }
  return Object.fromEntries(
    Object.entries(event.queryStringParameters ?? {}).flatMap(([name, value]) => (value === undefined ? [] : [[name, value]])),
  );
}

/**
 * Parses and validates path parameters, query and body against the route's schemas.
 * A path id of the wrong shape is 404 (nothing of that shape exists); bad query or body is 400
 * with `details` naming each field.
 */
export function parseInput<R extends RouteDefinition>(route: R, event: APIGatewayProxyEvent): ParsedInput<R> {
  let params: unknown = {};
  if (route.params) {
    const parsed = z.safeParse(route.params, event.pathParameters ?? {});
    if (!parsed.success) throw new NotFoundError('Not found: an id in the path is not of a shape this API issues.');
    params = parsed.data;
  }
  let query: unknown = {};
  const rawQuery = singleValuedQuery(event);
  if (route.query) {
    const parsed = z.safeParse(route.query, rawQuery);
    if (!parsed.success) throw new BadRequestError('The query string is not valid.', problems(parsed.error, 'query'));
    query = parsed.data;
  }
  const rawBody = readBody(event);
  let body: unknown;
  if (route.body) {
    const parsed = z.safeParse(route.body, rawBody ?? {});
    if (!parsed.success) throw new BadRequestError('The request body is not valid.', problems(parsed.error, 'body'));
    body = parsed.data;
  } else if (rawBody !== undefined && route.credential === 'person' && !isEmptyObject(rawBody)) {
    // An empty object carries no field, so no typo can hide in it; anything else is refused.
    throw new BadRequestError('This route takes no request body.', [{ path: 'body', message: 'Send no body, or {}.' }]);
  }
  return { params, query, body } as ParsedInput<R>;
}
