import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { runArchiver } from '../core/archive/archiver';
import { handlerLogger, writeLog } from '../core/observability/logger';
import { traceSdkClients } from '../core/observability/tracer';
import { ARCHIVER_STOP_BEFORE_TIMEOUT_SECONDS } from '.';

/**
 * The archiver Lambda, run by its schedule (its row in ./index.ts). It stops starting new
 * batches ARCHIVER_STOP_BEFORE_TIMEOUT_SECONDS before its timeout; what is left is done by the
 * next run. A run that fails throws: Lambda counts an error (the ArchiverLag alarm reads it).
 */
// Each AWS SDK call a subsegment of the invocation's X-Ray trace (a no-op outside Lambda).
traceSdkClients();

export const handler = middy<ScheduledEvent, void, Error, Context>()
  .use(injectLambdaContext(handlerLogger(), { resetKeys: true }))
  .handler(async (_event, context) => {
    const budgetMs = Math.max(10_000, context.getRemainingTimeInMillis() - ARCHIVER_STOP_BEFORE_TIMEOUT_SECONDS * 1000);
    try {
      const run = await runArchiver({ budgetMs });
      writeLog('info', 'archiver run', { ...run });
    } catch (error) {
      writeLog('error', 'archiver run failed', {}, error);
      throw error;
    }
  });
