import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { getReportQueueUrl } from '../platform/config';
import { sdkTimeouts } from '../platform/sdk-timeouts';
import type { FilePlan, PartPlan } from './report-query';
import { instrumented } from '../observability/client-instrumentation';

/**
 * The report worker's messages, and how they are sent: to the SQS queue that feeds the worker
 * Lambda in AWS, or, when the local runtime has installed its in-process engine, to that engine
 * (same messages, same task code, retried the same way).
 */

export type ReportMessage =
  | { kind: 'plan'; reportId: string }
  | { kind: 'part'; reportId: string; part: PartPlan }
  | { kind: 'file'; reportId: string; file: FilePlan; metrics: string[] };

type LocalEngine = (messages: readonly ReportMessage[]) => void;

let localEngine: LocalEngine | undefined;

/** The local runtime runs the worker in-process: messages go to `engine` instead of SQS. */
export function useLocalReportEngine(engine: LocalEngine | undefined): void {
  localEngine = engine;
}

let sqs: SQSClient | undefined;
const SQS_BATCH = 10;

export async function sendReportMessages(messages: readonly ReportMessage[]): Promise<void> {
  if (localEngine) return localEngine(messages);
  sqs ??= instrumented(new SQSClient(sdkTimeouts('sqs')));
  for (let start = 0; start < messages.length; start += SQS_BATCH) {
    const batch = messages.slice(start, start + SQS_BATCH);
    const answer = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: getReportQueueUrl(),
        Entries: batch.map((message, index) => ({ Id: String(index), MessageBody: JSON.stringify(message) })),
      }),
    );
    if (answer.Failed && answer.Failed.length > 0) {
      throw new Error(
        `SQS refused ${answer.Failed.length} report messages: ${answer.Failed[0]!.Message ?? answer.Failed[0]!.Code}`,
      );
    }
  }
}
