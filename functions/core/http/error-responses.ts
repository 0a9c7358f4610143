import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { HttpError } from '../platform/errors';
import { translateDynamoError } from '../store/table-errors';
import type { ErrorBody } from './common-schemas';
import { jsonResult } from './reply';

/**
 * THE error mapping: typed errors become the contract's error body with their status; anything
 * else is answered as a bare 500 (the request's log line records it, never the request).
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
      // The request's log line (request telemetry) carries this error with its stack.
      request.response = jsonResult(500, { message: 'Internal error.', code: 'internal' } satisfies ErrorBody);
    },
  };
}
