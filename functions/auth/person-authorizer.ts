import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { headerValue } from '../core/http/headers';
import { allow, unauthorized } from './authorizer-response';
import { verifyPersonToken } from './verify-person-token';

/** Lambda REQUEST authorizer of `/admin`: verifies the person's OIDC JWT. */
export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const principal = await verifyPersonToken(headerValue(event.headers, 'authorization'));
  if (!principal) unauthorized();
  return allow(event, principal.sub, principal);
}
