import { mockClient } from 'aws-sdk-client-mock';
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanCommand,
  GetApiKeysCommand,
  GetUsagePlansCommand,
  UpdateUsagePlanCommand,
} from '@aws-sdk/client-api-gateway';
import { removeUsagePlan, syncUsagePlan } from '../../functions/core/applications';
import { usageKeyValue } from '../../functions/core/applications';

const gateway = mockClient(APIGatewayClient);
const APP = 'app_000000000000000000000001';
const LIMITS = { requestsPerSecond: 5, burst: 10, requestsPerDay: 1000 };

describe('gateway usage plans (one key and one plan per application)', () => {
  beforeEach(() => {
    gateway.reset();
    process.env.GATEWAY_REST_API_ID = 'abc123';
    process.env.GATEWAY_STAGE = 'v1';
  });
  afterAll(() => {
    delete process.env.GATEWAY_REST_API_ID;
    delete process.env.GATEWAY_STAGE;
  });

  test("a new application gets a key valued as the authorizer's usage key and a plan with its limits on the stage", async () => {
    gateway.on(GetApiKeysCommand).resolves({ items: [] });
    gateway.on(CreateApiKeyCommand).resolves({ id: 'key-1' });
    gateway.on(GetUsagePlansCommand).resolves({ items: [] });
    gateway.on(CreateUsagePlanCommand).resolves({ id: 'plan-1' });
    gateway.on(CreateUsagePlanKeyCommand).resolves({});
    await syncUsagePlan(APP, LIMITS);
    expect(gateway.commandCalls(CreateApiKeyCommand)[0]!.args[0].input).toMatchObject({
      name: APP,
      value: usageKeyValue(APP),
      enabled: true,
    });
    expect(gateway.commandCalls(CreateUsagePlanCommand)[0]!.args[0].input).toMatchObject({
      name: APP,
      apiStages: [{ apiId: 'abc123', stage: 'v1' }],
      throttle: { rateLimit: 5, burstLimit: 10 },
      quota: { limit: 1000, period: 'DAY' },
    });
    expect(gateway.commandCalls(CreateUsagePlanKeyCommand)[0]!.args[0].input).toEqual({
      usagePlanId: 'plan-1',
      keyId: 'key-1',
      keyType: 'API_KEY',
    });
  });

  test('an existing plan is updated in place (idempotent: nothing is created twice)', async () => {
    gateway.on(GetApiKeysCommand).resolves({ items: [{ id: 'key-1', name: APP }] });
    gateway.on(GetUsagePlansCommand).resolves({ items: [{ id: 'plan-1', name: APP }] });
    gateway.on(UpdateUsagePlanCommand).resolves({});
    await syncUsagePlan(APP, { requestsPerSecond: 50, burst: 60, requestsPerDay: 9000 });
    expect(gateway.commandCalls(CreateApiKeyCommand)).toHaveLength(0);
    expect(gateway.commandCalls(CreateUsagePlanCommand)).toHaveLength(0);
    expect(gateway.commandCalls(UpdateUsagePlanCommand)[0]!.args[0].input.patchOperations).toEqual([
      { op: 'replace', path: '/throttle/rateLimit', value: '50' },
      { op: 'replace', path: '/throttle/burstLimit', value: '60' },
      { op: 'replace', path: '/quota/limit', value: '9000' },
    ]);
  });

  test('removal deletes the key, detaches the plan from the stage and deletes it', async () => {
    gateway.on(GetApiKeysCommand).resolves({ items: [{ id: 'key-1', name: APP }] });
    gateway.on(GetUsagePlansCommand).resolves({ items: [{ id: 'plan-1', name: APP }] });
    await removeUsagePlan(APP);
    expect(gateway.commandCalls(DeleteApiKeyCommand)[0]!.args[0].input).toEqual({ apiKey: 'key-1' });
    expect(gateway.commandCalls(UpdateUsagePlanCommand)[0]!.args[0].input.patchOperations).toEqual([
      { op: 'remove', path: '/apiStages', value: 'abc123:v1' },
    ]);
    expect(gateway.commandCalls(DeleteUsagePlanCommand)[0]!.args[0].input).toEqual({ usagePlanId: 'plan-1' });
  });

  test('without a gateway named (npm start, tests) it refuses before calling anything: the protocol picks the local limiter there', async () => {
    delete process.env.GATEWAY_REST_API_ID;
    await expect(syncUsagePlan(APP, LIMITS)).rejects.toThrow(/GATEWAY_REST_API_ID/);
    await expect(removeUsagePlan(APP)).rejects.toThrow(/GATEWAY_REST_API_ID/);
    expect(gateway.calls()).toHaveLength(0);
  });
});
