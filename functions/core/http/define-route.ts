import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { UnauthorizedError } from '../errors';
import { fromAuthorizerContext, type ApplicationPrincipal, type PersonPrincipal } from '../../auth/principal';
import { noteRequestOrg, requestTelemetry } from '../observability/request-telemetry';
import { errorResponses } from './error-responses';
import { parseInput, type ParsedInput } from './request';
import { replyResult, type Reply } from './reply';
import type { CredentialKind, RouteDefinition } from './route';

type PrincipalFor<C extends CredentialKind> = C extends 'person'
  ? PersonPrincipal
  : C extends 'apiKey'
    ? ApplicationPrincipal
    : undefined;

/** Everything a route's function receives: validated inputs and the authorizer's principal. */
export type RouteRequest<R extends RouteDefinition> = ParsedInput<R> & {
  principal: PrincipalFor<R['credential']>;
  event: APIGatewayProxyEvent;
};

function principalFor(route: RouteDefinition, event: APIGatewayProxyEvent) {
  if (route.credential === 'none') return undefined;
  const principal = fromAuthorizerContext(event.requestContext?.authorizer);
  const expected = route.credential === 'person' ? 'person' : 'application';
  // The authorizer in front of the route already refused other credentials; this guards a
  // miswired deployment rather than a caller.
  if (!principal || principal.type !== expected) throw new UnauthorizedError();
  return principal;
}

/** The org a request acts in: the path's `orgId` (/admin), else `org` of the query or body (/v2). */
function orgOf(input: { params?: unknown; query?: unknown; body?: unknown }): string | undefined {
  for (const [source, field] of [
    [input.params, 'orgId'],
    [input.query, 'org'],
    [input.body, 'org'],
  ] as const) {
    const value = source && typeof source === 'object' ? (source as Record<string, unknown>)[field] : undefined;
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/**
 * Wraps a route's function into a Lambda handler: parse and validate with the route's schemas,
 * resolve the principal, run, and answer; typed errors become the contract's error body. Every
 * request writes one log line and its metrics (request telemetry), failures included.
 */
export function defineRoute<R extends RouteDefinition>(route: R, run: (request: RouteRequest<R>) => Promise<Reply>) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
    .use(requestTelemetry(route))
    .use(errorResponses())
    .handler(async (event) => {
      const input = parseInput(route, event);
      noteRequestOrg(event, orgOf(input));
      const principal = principalFor(route, event) as PrincipalFor<R['credential']>;
      const reply = await run({ ...input, principal, event });
      return replyResult(reply);
    });
}
