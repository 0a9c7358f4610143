import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { headerValue } from '../core/http/headers';
import { allow, unauthorized } from './authorizer-response';
import { settleKeyBookkeeping, verifyApiKey } from './verify-api-key';

/** Lambda REQUEST authorizer of `/v2`: resolves `x-api-key` to the application and its grants. */
export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const principal = await verifyApiKey(headerValue(event.headers, 'x-api-key'));
  await settleKeyBookkeeping();
  if (!principal) unauthorized();
  return allow(event, principal.applicationId, principal);
}
