import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { usageKeyValue } from '../applications';
import { toAuthorizerContext, type Principal } from './principal';

/**
 * The Allow policy an authorizer returns. It covers every method of the stage (`.../*`):
 * API Gateway caches the answer per credential and reuses it for other routes, and a policy
 * naming only the first route would then deny the rest. Role checks happen in the handlers,
 * which know the org a request touches.
 */
export function allow(
  event: APIGatewayRequestAuthorizerEvent,
  principalId: string,
  principal: Principal,
): APIGatewayAuthorizerResult {
  const [arnPrefix, apiId, stage] =
    /^(arn:[^:]+:execute-api:[^:]+:[^:]+:)([^/]+)\/([^/]+)\//.exec(event.methodArn)?.slice(1) ?? [];
  const resource = arnPrefix ? `${arnPrefix}${apiId}/${stage}/*` : event.methodArn;
  return {
    principalId,
    // API Gateway meters and throttles the application through its usage plan (key source AUTHORIZER).
    ...(principal.type === 'application' ? { usageIdentifierKey: usageKeyValue(principal.applicationId) } : {}),
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: resource }] },
    context: toAuthorizerContext(principal),
  };
}

/**
 * The Deny policy of a valid key used from an address outside its IP allowlist: API Gateway
 * answers it with the ACCESS_DENIED gateway response (403 `ip_not_allowed`), before any handler
 * runs. It covers the stage like `allow`, and is cached per key and source address.
 */
export function deny(
  event: APIGatewayRequestAuthorizerEvent,
  principalId: string,
  principal: Principal,
): APIGatewayAuthorizerResult {
  const allowed = allow(event, principalId, principal);
  const { usageIdentifierKey: _notMetered, ...rest } = allowed;
  return {
    ...rest,
    policyDocument: {
      ...allowed.policyDocument,
      Statement: allowed.policyDocument.Statement.map((statement) => ({ ...statement, Effect: 'Deny' })),
    },
  };
}

/** API Gateway answers 401 (UNAUTHORIZED gateway response) when an authorizer throws exactly this. */
export function unauthorized(): never {
  throw new Error('Unauthorized');
}
