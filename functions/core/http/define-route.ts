import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { UnauthorizedError } from '../errors';
import { fromAuthorizerContext, type ApplicationPrincipal, type PersonPrincipal } from '../principal';
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

/**
 * Wraps a route's function into a Lambda handler: parse and validate with the route's schemas,
 * resolve the principal, run, and answer; typed errors become the contract's error body.
 */
export function defineRoute<R extends RouteDefinition>(route: R, run: (request: RouteRequest<R>) => Promise<Reply>) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
    .use(errorResponses())
    .handler(async (event) => {
      const input = parseInput(route, event);
      const principal = principalFor(route, event) as PrincipalFor<R['credential']>;
      const reply = await run({ ...input, principal, event });
      return replyResult(reply);
    });
}
