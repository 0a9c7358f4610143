import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { HttpError } from '../errors';
import { translateDynamoError } from '../table';
import { log } from '../log';
import type { ErrorBody } from './common-schemas';
import { jsonResult } from './reply';

/**
 * THE error mapping: typed errors become the contract's error body with their status; anything
 * else is logged (name and message only: never the request) and answered as a bare 500.
 */
export function errorResponses(): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: async (request) => {
      const error = translateDynamoError(request.error);
      if (error instanceof HttpError) {
        const body: ErrorBody = {
          message: error.message,
          code: error.code,
          ...(error.details ? { details: error.details } : {}),
        };
        request.response = jsonResult(error.status, body, error.headers);
        return;
      }
      const failure = error instanceof Error ? { name: error.name, message: error.message } : { name: typeof error };
      log('error', 'unhandled error', { requestId: request.context?.awsRequestId, error: failure });
      request.response = jsonResult(500, { message: 'Internal error.', code: 'internal' } satisfies ErrorBody);
    },
  };
}
