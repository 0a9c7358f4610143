import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { handler as reportWorker } from '../../functions/workers/report-worker';
import { handler as archiver } from '../../functions/workers/archiver';
import { WORKERS, workerList } from '../../functions/workers';
import { failedMessages, scheduleEvent, sqsEvent, workerContext, type LocalMessage } from '../../lib/local/workers';
import { captureOutput } from '../support/captured-output';

/**
 * The worker handlers (functions/workers/), invoked as Lambda invokes them, with the events the
 * local runtime builds for them (lib/local/workers.ts): an SQS batch, a schedule event. The
 * DynamoDB clients are mocked: a report that is gone makes its task a no-op; a GetItem that fails
 * makes it throw.
 */

const ddb = mockClient(DynamoDBDocumentClient);
/** Queries are sent by the client the document client wraps (store/table.ts). */
const queries = mockClient(DynamoDBClient);
const REPORT_WORKER = WORKERS.reportWorker;

const message = (reportId: string, receiveCount = 1): LocalMessage => ({
  messageId: `msg-${reportId}-${receiveCount}`,
  body: JSON.stringify({ kind: 'plan', reportId }),
  receiveCount,
});

/** GetItem of a report: none for `rep_ok*` (gone: nothing to do), a failure for `rep_bad*`. */
function reportsGoneOrFailing(): void {
  ddb.on(GetCommand).callsFake((input: { Key: { PK: string } }) => {
    if (input.Key.PK.includes('rep_bad')) throw new Error('DynamoDB said no');
    return {};
  });
  ddb.on(UpdateCommand).resolves({});
}

const invoke = (messages: LocalMessage[]) =>
  reportWorker(sqsEvent(REPORT_WORKER.trigger.queue, messages), workerContext(REPORT_WORKER));

beforeEach(() => {
  ddb.reset();
  queries.reset();
});

describe('the worker table', () => {
  it('names existing handler files, each with a trigger, a timeout and memory, and queue messages hidden longer than a run', () => {
    expect(workerList.map((worker) => worker.handler).sort()).toEqual(['workers/archiver', 'workers/report-worker']);
    for (const worker of workerList) {
      expect(worker.timeoutSeconds).toBeGreaterThan(0);
      expect(worker.timeoutSeconds).toBeLessThanOrEqual(15 * 60); // Lambda's maximum
      expect(worker.memorySize).toBeGreaterThanOrEqual(128);
      if (worker.trigger.kind === 'queue') expect(worker.trigger.visibilityTimeoutSeconds).toBeGreaterThan(worker.timeoutSeconds);
    }
  });
});

describe('the report worker', () => {
  it('answers only the record that failed as a batch item failure (a partial batch failure): SQS delivers only that one again', async () => {
    reportsGoneOrFailing();
    const batch = [message('rep_ok1'), message('rep_bad1'), message('rep_ok2')];
    const answer = await invoke(batch);
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-rep_bad1-1' }] });
    expect(failedMessages(batch, { answer }).map((m) => m.messageId)).toEqual(['msg-rep_bad1-1']);
    // Every record was run: one consistent GetItem of its report each.
    expect(ddb.commandCalls(GetCommand).map((call) => call.args[0].input.ConsistentRead)).toEqual([true, true, true]);
  });

  it('answers no failure when every task ran', async () => {
    reportsGoneOrFailing();
    await expect(invoke([message('rep_ok1'), message('rep_ok2')])).resolves.toEqual({ batchItemFailures: [] });
  });

  it('answers every record as failed when all failed, instead of throwing (a retried task is no Lambda error); a throw retries the whole batch', async () => {
    reportsGoneOrFailing();
    const batch = [message('rep_bad1'), message('rep_bad2')];
    const answer = await invoke(batch);
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-rep_bad1-1' }, { itemIdentifier: 'msg-rep_bad2-1' }] });
    expect(failedMessages(batch, { answer })).toEqual(batch);
    // A handler that crashes: Lambda (and the local queue) deliver the whole batch again.
    expect(failedMessages(batch, { error: new FullBatchFailureError([]) })).toEqual(batch);
  });

  it('fails the report on the last delivery (maxReceiveCount) and not before, and logs the failure with its ids through the Logger', async () => {
    reportsGoneOrFailing();
    const output = captureOutput();
    try {
      const before = message('rep_bad1', REPORT_WORKER.trigger.maxReceiveCount - 1);
      await expect(invoke([before])).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: before.messageId }] });
      expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
      await expect(invoke([message('rep_bad1', REPORT_WORKER.trigger.maxReceiveCount)])).resolves.toMatchObject({
        batchItemFailures: [expect.anything()],
      });
    } finally {
      output.restore();
    }
    const updates = ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(updates).toHaveLength(1);
    expect(JSON.stringify(updates[0])).toContain('rep_bad1');
    expect(Object.values(updates[0]!.ExpressionAttributeValues ?? {})).toContain('failed');
    const [retried] = output.logs('report task failed: SQS delivers it again');
    expect(retried).toMatchObject({ level: 'WARN', reportId: 'rep_bad1', kind: 'plan', attempt: 2, messageId: 'msg-rep_bad1-2' });
    const [lastly] = output.logs('report task failed for good: the report failed');
    expect(lastly).toMatchObject({ level: 'ERROR', reportId: 'rep_bad1', attempt: 3, error: { message: 'DynamoDB said no' } });
    // injectLambdaContext: the invocation's context is on the line, cold start included.
    expect(lastly).toMatchObject({ function_name: 'ReportWorker', cold_start: expect.any(Boolean) });
    expect(lastly!.function_request_id).toEqual(expect.any(String));
  });
});

describe('the archiver', () => {
  it('runs over the registered orgs on a schedule event and logs its run through the Logger, with the cold start', async () => {
    queries.on(QueryCommand).resolves({ Items: [] });
    const output = captureOutput();
    try {
      await archiver(scheduleEvent(WORKERS.archiver), workerContext(WORKERS.archiver));
    } finally {
      output.restore();
    }
    expect(queries.commandCalls(QueryCommand)).toHaveLength(1);
    const [run] = output.logs('archiver run');
    expect(run).toMatchObject({ level: 'INFO', orgs: 0, measurements: 0, filesWritten: 0, function_name: 'Archiver' });
    expect(typeof run!.cold_start).toBe('boolean');
  });

  it('throws when a run fails (Lambda counts an error, which the ArchiverLag alarm reads), after logging it', async () => {
    queries.on(QueryCommand).rejects(new Error('DynamoDB said no'));
    const output = captureOutput();
    try {
      await expect(archiver(scheduleEvent(WORKERS.archiver), workerContext(WORKERS.archiver))).rejects.toThrow(
        'DynamoDB said no',
      );
    } finally {
      output.restore();
    }
    expect(output.logs('archiver run failed')).toEqual([expect.objectContaining({ level: 'ERROR', function_name: 'Archiver' })]);
  });
});
