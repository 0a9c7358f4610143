import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { handlerLogger } from '../observability/logger';
import { executionModeStreamifyResponse } from '@middy/core/StreamifyResponse';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { UnauthorizedError } from '../platform/errors';
import { fromAuthorizerContext, type ApplicationPrincipal, type PersonPrincipal } from '../identity/principal';
import type { Actor } from '../orgs/audit';
import type { Grant } from '../applications';
import type { Membership } from '../orgs/people';
import type { Permission } from '../orgs/roles';
import { noteGrantedOrg, noteRequestOrg, requestTelemetry } from './request-telemetry';
import { errorResponses } from './error-responses';
import { parseInput, type ParsedInput } from './request';
import { replyResult, BASE_RESPONSE_HEADERS, type Reply } from './reply';
import { headerValue } from './headers';
import { streamedBody } from './streaming';
import type { ApplicationRoute, CredentialKind, PersonRoute, RouteDefinition } from './route';

/**
 * The Lambda handler every route runs in, without the access checks: `defineRoute` adds those
 * (and with them the table), `definePublicRoute` none, so a public route's bundle carries no
 * DynamoDB client.
 */

type PrincipalFor<C extends CredentialKind> = C extends 'person'
  ? PersonPrincipal
  : C extends 'apiKey'
    ? ApplicationPrincipal
    : undefined;

/** What `defineRoute` established about the caller before the route's function runs. */
type AccessFor<R extends RouteDefinition> = R extends PersonRoute
  ? { actor: Actor } & (R['permission'] extends Permission ? { membership: Membership } : unknown)
  : R extends ApplicationRoute
    ? { actor: Actor } & (R['grant'] extends Permission ? { org: string; grant: Grant } : unknown)
    : unknown;

/**
 * Everything a route's function receives: validated inputs, the authorizer's principal, and what
 * the row's permission established: the acting person or application (`actor`, as the audit log
 * names it), the caller's `membership` in the path's org, or the application's `grant` in the
 * request's `org`.
 */
export type RouteRequest<R extends RouteDefinition> = ParsedInput<R> & {
  principal: PrincipalFor<R['credential']>;
  event: APIGatewayProxyEvent;
} & AccessFor<R>;

function principalFor(route: RouteDefinition, event: APIGatewayProxyEvent) {
  if (route.credential === 'none') return undefined;
  const principal = fromAuthorizerContext(event.requestContext?.authorizer);
  const expected = route.credential === 'person' ? 'person' : 'application';
  // The authorizer in front of the route already refused other credentials; this guards a
  // miswired deployment rather than a caller.
  if (!principal || principal.type !== expected) throw new UnauthorizedError();
  return principal;
}

/** The org a request names, for its log line: the path's `orgId`, else `org` of the body or query. */
function orgNamedIn(input: { params: unknown; query: unknown; body: unknown }): string | undefined {
  for (const [source, field] of [
    [input.params, 'orgId'],
    [input.body, 'org'],
    [input.query, 'org'],
  ] as const) {
    const value = typeof source === 'object' && source !== null ? (source as Record<string, unknown>)[field] : undefined;
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/** The Lambda result of a reply; a streamed reply's body is its stream (middy's streamify-response mode pipes it). */
function resultOf(reply: Reply, event: APIGatewayProxyEvent): APIGatewayProxyResult {
  if (reply.chunks === undefined) return replyResult(reply);
  const gzip = acceptsGzip(event);
  return {
    statusCode: reply.status,
    headers: {
      ...BASE_RESPONSE_HEADERS,
      'Content-Type': reply.contentType,
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
      Vary: 'Accept-Encoding',
      ...reply.headers,
    },
    body: streamedBody(reply.chunks, gzip) as unknown as string,
  };
}

/** Whether the client accepts gzip (`Accept-Encoding`, q=0 refuses): a streamed answer is encoded here. */
function acceptsGzip(event: APIGatewayProxyEvent): boolean {
  const accepted = headerValue(event.headers ?? {}, 'accept-encoding') ?? '';
  return accepted.split(',').some((coding) => /^\s*(gzip|\*)\s*(;\s*q=(0?\.\d*[1-9]\d*|1(\.0*)?))?\s*$/i.test(coding));
}

/** Establishes what the caller may do (defineRoute's permission and grant checks), or nothing. */
export type Authorize = (
  route: RouteDefinition,
  input: { params: unknown; query: unknown; body: unknown },
  principal: PersonPrincipal | ApplicationPrincipal | undefined,
) => Promise<Record<string, unknown>>;

/**
 * Checks a request as it arrived, before its body is read: a public route authenticated by a
 * signature over the raw body (the secret scanner's) throws a typed error here, so an unsigned
 * request is refused without its body being parsed.
 */
export type VerifyRawRequest = (event: APIGatewayProxyEvent) => Promise<void>;

/**
 * Runs an authorized request's `respond` (its function and answer), or answers for it: how
 * `defineRoute` makes its POSTs idempotent (idempotency.ts) without every route carrying that.
 */
export type AroundRun = (
  route: RouteDefinition,
  event: APIGatewayProxyEvent,
  principal: PersonPrincipal | ApplicationPrincipal | undefined,
  context: Context,
  respond: () => Promise<APIGatewayProxyResult>,
) => Promise<APIGatewayProxyResult>;

/**
 * Wraps a route's function into a Lambda handler: `verifyRaw` (if any), parse and validate with
 * the route's schemas, resolve the principal, run `authorize`, run (through `around`, when
 * given), and answer; typed errors become the contract's error body. Every request writes one
 * log line and its metrics (request telemetry), failures included.
 */
export function routeHandler<R extends RouteDefinition>(
  route: R,
  authorize: Authorize,
  run: (request: RouteRequest<R>) => Promise<Reply>,
  around?: AroundRun,
  verifyRaw?: VerifyRawRequest,
) {
  // A streamed route's handler takes the response stream (./streaming.ts); its answer's body is a stream.
  return (
    middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>(
      route.streamed ? { executionMode: executionModeStreamifyResponse } : {},
    )
      // Every line of the invocation carries its context, `cold_start` included.
      .use(injectLambdaContext(handlerLogger()))
      .use(requestTelemetry(route))
      .use(errorResponses())
      .handler(async (event, context) => {
        if (verifyRaw) await verifyRaw(event);
        const input = parseInput(route, event);
        noteRequestOrg(event, orgNamedIn(input));
        const principal = principalFor(route, event);
        const access = await authorize(route, input, principal);
        if ('org' in access && typeof access.org === 'string') noteGrantedOrg(event, access.org);
        const respond = async () => resultOf(await run({ ...input, principal, event, ...access } as RouteRequest<R>), event);
        return around ? around(route, event, principal, context, respond) : respond();
      })
  );
}
