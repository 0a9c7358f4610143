import { DEFAULT_FUNCTION_TIMEOUT_SECONDS } from '../../functions/core/platform/limits';
import { sdkTimeouts, worstCaseMs, type SdkService } from '../../functions/core/platform/sdk-timeouts';

/**
 * Bounded waits: every SDK client's budget fits the time of the functions that call it
 * (test/integration/dynamodb-outage.test.ts proves the DynamoDB bound against a hung DynamoDB Local).
 */

const SERVICES: SdkService[] = ['dynamodb', 's3', 'sqs', 'apiGateway', 'cloudWatch'];
/** What a 10 s function needs after its SDK calls gave up: answering 503 (and the SDK's backoff). */
const ANSWER_MARGIN_MS = 2_000;

describe('SDK timeouts', () => {
  const saved = process.env.LOCAL_FUNCTION_TIMEOUT_SECONDS;
  afterEach(() => {
    if (saved === undefined) delete process.env.LOCAL_FUNCTION_TIMEOUT_SECONDS;
    else process.env.LOCAL_FUNCTION_TIMEOUT_SECONDS = saved;
  });

  it('every client throws on a request timeout (the SDK otherwise only warns) and has a retry budget', () => {
    for (const service of SERVICES) {
      const { maxAttempts, requestHandler } = sdkTimeouts(service);
      expect({ service, throws: requestHandler.throwOnRequestTimeout }).toEqual({ service, throws: true });
      expect(maxAttempts).toBeGreaterThanOrEqual(2);
      expect(requestHandler.connectionTimeout).toBeLessThanOrEqual(requestHandler.requestTimeout);
      expect(requestHandler.socketTimeout).toBeGreaterThan(0);
    }
  });

  it('what a 10 s function calls gives up in time to answer 503 within its 10 s', () => {
    delete process.env.LOCAL_FUNCTION_TIMEOUT_SECONDS;
    for (const service of ['dynamodb', 'sqs', 'apiGateway', 'cloudWatch'] as const) {
      expect({ service, fits: worstCaseMs(service) + ANSWER_MARGIN_MS <= DEFAULT_FUNCTION_TIMEOUT_SECONDS * 1000 }).toEqual({
        service,
        fits: true,
      });
    }
    expect(sdkTimeouts('dynamodb')).toEqual({
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 2_000, requestTimeout: 4_000, socketTimeout: 4_000, throwOnRequestTimeout: true },
    });
  });

  it("stretches with the local router's function time (npm start: 70 s), except S3's, which is the workers'", () => {
    delete process.env.LOCAL_FUNCTION_TIMEOUT_SECONDS;
    const s3 = sdkTimeouts('s3');
    process.env.LOCAL_FUNCTION_TIMEOUT_SECONDS = '70';
    expect(sdkTimeouts('dynamodb').requestHandler).toMatchObject({ connectionTimeout: 14_000, requestTimeout: 28_000 });
    expect(worstCaseMs('dynamodb') + 7 * ANSWER_MARGIN_MS).toBeLessThanOrEqual(70_000);
    expect(sdkTimeouts('s3')).toEqual(s3);
    // Never shorter than the stack's 10 s.
    process.env.LOCAL_FUNCTION_TIMEOUT_SECONDS = '1';
    expect(sdkTimeouts('dynamodb').requestHandler.requestTimeout).toBe(4_000);
  });
});
