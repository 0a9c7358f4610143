import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ReportMessage } from '../core/reports/report-queue';
import { runReportMessage, type TaskContext } from '../core/reports/report-tasks';
import { handlerLogger, writeLog } from '../core/observability/logger';
import { traceSdkClients } from '../core/observability/tracer';
import { WORKERS } from '.';

/**
 * The report worker Lambda, fed by the report queue (its row in ./index.ts). Each record is one
 * task; Powertools' BatchProcessor runs them and answers the ones that threw as batch item
 * failures, so SQS delivers only those again after the visibility timeout. When every record
 * of the batch failed, they are all answered as failures (`throwOnFullBatchFailure: false`)
 * rather than thrown: SQS delivers them again just the same, and a task that will be retried
 * does not count as a Lambda error (the LambdaErrors alarm fires at one). A handler that throws
 * anyway (a crash) has the whole batch delivered again. On the last delivery (the queue's maxReceiveCount) a task fails
 * its report before it throws; SQS then moves the message to the dead-letter queue.
 */

// Each AWS SDK call a subsegment of the invocation's X-Ray trace (a no-op outside Lambda).
traceSdkClients();

const { maxReceiveCount } = WORKERS.reportWorker.trigger;

/**
 * The worker's handler; `checkpoint` (tests, through the local runtime) is called between a
 * task's steps, as TaskContext says.
 */
export function reportWorker(options: { checkpoint?: TaskContext['checkpoint'] } = {}) {
  const processor = new BatchProcessor(EventType.SQS);
  const runRecord = async (record: SQSRecord): Promise<void> => {
    const message = JSON.parse(record.body) as ReportMessage;
    const attempt = Number(record.attributes.ApproximateReceiveCount || '1');
    try {
      await runReportMessage(message, { attempt, maxAttempts: maxReceiveCount, checkpoint: options.checkpoint });
    } catch (error) {
      const fields = { messageId: record.messageId, kind: message.kind, reportId: message.reportId, attempt };
      if (attempt >= maxReceiveCount) writeLog('error', 'report task failed for good: the report failed', fields, error);
      else writeLog('warn', 'report task failed: SQS delivers it again', fields, error);
      throw error;
    }
  };
  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(handlerLogger(), { resetKeys: true }))
    .handler(async (event, context) =>
      processPartialResponse(event, runRecord, processor, { context, throwOnFullBatchFailure: false }),
    );
}

export const handler = reportWorker();
