import { mockClient } from 'aws-sdk-client-mock';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { clearApiKeyCache } from '../../functions/core/identity/verify-api-key';
import { handler as apiKeyAuthorizer } from '../../functions/auth/api-key-authorizer';
import { digestApiKey, issueApiKey } from '../../functions/core/applications';
import { captureOutput, metricValue, type CapturedOutput } from '../support/captured-output';

const ddb = mockClient(DynamoDBDocumentClient);

function lookupItem(key: string, overrides: Record<string, unknown> = {}) {
  return {
    PK: `KEY#${digestApiKey(key)}`,
    SK: 'KEY',
    type: 'keyLookup',
    applicationId: 'app_000000000000000000000001',
    keyId: 'key_000000000000000000000001',
    ownerOrgId: 'org_000000000000000000000001',
    enabled: true,
    grants: { org_000000000000000000000002: { roles: ['observer'] } },
    ...overrides,
  };
}

function authorizerEvent(key: string): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: 'arn:aws:execute-api:eu-west-1:123456789012:api/v1/GET/v2/whoami',
    headers: { 'x-api-key': key, 'X-Correlation-Id': 'client-7' },
    requestContext: { requestId: 'gw-request-9' },
  } as unknown as APIGatewayRequestAuthorizerEvent;
}

/** Runs the authorizer; answers its decision as API Gateway reads it. */
async function authorize(key: string): Promise<'allow' | 'refuse' | 'error'> {
  try {
    await apiKeyAuthorizer(authorizerEvent(key));
    return 'allow';
  } catch (error) {
    return error instanceof Error && error.message === 'Unauthorized' ? 'refuse' : 'error';
  }
}

describe('API key authorizer telemetry', () => {
  let output: CapturedOutput;
  beforeEach(() => {
    ddb.reset();
    ddb.on(UpdateCommand).resolves({});
    clearApiKeyCache();
    output = captureOutput();
  });
  afterEach(() => output.restore());

  const outcomes = () => output.metrics().map((emf) => ({ outcome: emf.outcome, count: metricValue(emf, 'Verifications') }));

  test('each verification writes one line and one Verifications metric by outcome: miss, then hit', async () => {
    const { key } = issueApiKey();
    ddb.on(GetCommand).resolves({ Item: lookupItem(key) });
    expect(await authorize(key)).toBe('allow');
    expect(await authorize(key)).toBe('allow');
    expect(outcomes()).toEqual([
      { outcome: 'miss', count: 1 },
      { outcome: 'hit', count: 1 },
    ]);
    const lines = output.logs('authorizer');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 'INFO',
      requestId: 'gw-request-9',
      correlationId: 'client-7',
      route: 'api-key-authorizer',
      decision: 'allow',
      outcome: 'miss',
      applicationId: 'app_000000000000000000000001',
      keyId: 'key_000000000000000000000001',
      latencyMs: expect.any(Number),
    });
    expect(output.text()).not.toContain(key);
  });

  test('refusals are told apart: bad checksum (no read), unknown, disabled, expired', async () => {
    const { key: unknown } = issueApiKey();
    const { key: disabled } = issueApiKey();
    const { key: expired } = issueApiKey();
    ddb.on(GetCommand).callsFake((input: { Key: { PK: string } }) => {
      if (input.Key.PK === `KEY#${digestApiKey(disabled)}`) return { Item: lookupItem(disabled, { enabled: false }) };
      if (input.Key.PK === `KEY#${digestApiKey(expired)}`)
        return { Item: lookupItem(expired, { expiresAt: '2020-01-01T00:00:00Z' }) };
      return {};
    });
    const mistyped = `${unknown.slice(0, -1)}${unknown.endsWith('A') ? 'B' : 'A'}`;
    for (const key of [mistyped, unknown, disabled, expired]) expect(await authorize(key)).toBe('refuse');
    expect(outcomes().map(({ outcome }) => outcome)).toEqual(['badChecksum', 'unknownKey', 'disabled', 'expired']);
    expect(output.logs('authorizer').map((line) => [line.decision, line.applicationId])).toEqual(
      Array(4).fill(['refuse', undefined]),
    );
    for (const key of [mistyped, unknown, disabled, expired]) expect(output.text()).not.toContain(key);
  });

  test('a failure (the table unreachable) is an ERROR line with its stack and an AuthorizerFailures metric', async () => {
    const { key } = issueApiKey();
    ddb.on(GetCommand).rejects(new Error('connect ETIMEDOUT'));
    expect(await authorize(key)).toBe('error');
    const [line] = output.logs('authorizer');
    expect(line).toMatchObject({
      level: 'ERROR',
      decision: 'error',
      error: { message: 'connect ETIMEDOUT', stack: expect.any(String) },
    });
    const failures = output.metrics().filter((emf) => metricValue(emf, 'AuthorizerFailures') === 1);
    expect(failures).toHaveLength(1);
    expect(failures[0]!._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service']]);
  });
});
