import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { ReportMessage } from '../core/reports/report-queue';
import { runReportMessage } from '../core/reports/report-tasks';

/**
 * The report worker Lambda, fed by the report queue (one message a batch). A task that throws
 * is reported as a batch item failure, so SQS delivers it again after the visibility timeout;
 * on the last delivery (the queue's maxReceiveCount) the task fails the report first.
 */

/** Must equal the queue's maxReceiveCount (lib/report-resources.ts). */
export const MAX_RECEIVES = 3;

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      await runReportMessage(JSON.parse(record.body) as ReportMessage, {
        attempt: Number(record.attributes.ApproximateReceiveCount ?? '1'),
        maxAttempts: MAX_RECEIVES,
      });
    } catch (error) {
      console.error(
        JSON.stringify({ level: 'error', message: 'report task failed', messageId: record.messageId, error: String(error) }),
      );
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}
