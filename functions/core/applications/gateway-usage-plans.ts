import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { ApplicationLimits } from './applications';
import { usageKeyValue } from './usage-key';
import { getGatewayTarget } from '../platform/config';
import { sdkTimeouts } from '../platform/sdk-timeouts';
import { instrumented } from '../observability/client-instrumentation';

/**
 * API Gateway's side of an application's limits: one gateway API key and one usage plan per
 * application, both named after the application id. The API key authorizer answers each request
 * with that key's value as `usageIdentifierKey` (the API's key source is AUTHORIZER), so the
 * gateway throttles and counts the application, whichever of its Datagate keys it used. The
 * gateway key is never shown to anyone: its value is derived from the application id, and a
 * client cannot present it (the gateway takes it from the authorizer only).
 *
 * State lives in API Gateway only (found by name), so these calls are idempotent: create finds
 * what exists, delete removes what is left. This is the AWS side of the usage-plan port
 * (usage-plans.ts, which also holds the order of the writes and the rollback); it is chosen
 * where the stack set `GATEWAY_REST_API_ID`, and without it (`npm start`, tests) the local
 * router's limiter is.
 */

type Sdk = typeof import('@aws-sdk/client-api-gateway');

let loaded: Promise<{ sdk: Sdk; client: APIGatewayClient }> | undefined;

/**
 * The client, loaded on first use: only three admin routes call API Gateway, so no function pays
 * for the client at cold start. In Lambda the package comes from the runtime's AWS SDK
 * (`external` in lib/lambda-bundling.ts).
 */
/** What a listing or a creation answers, as far as this module reads it. */
type Listing = { items?: { id?: string; name?: string }[] };
type Created = { id?: string };

/** Sends one command, built from the loaded SDK. */
async function send<T = unknown>(command: (sdk: Sdk) => { input: unknown }): Promise<T> {
  const { sdk, client } = await gateway();
  // The SDK's overloads cannot type a command built generically; each caller names its output.
  return (await client.send(command(sdk) as never)) as T;
}

function gateway(): Promise<{ sdk: Sdk; client: APIGatewayClient }> {
  return (loaded ??= import('@aws-sdk/client-api-gateway').then((sdk) => ({
    sdk,
    client: instrumented(new sdk.APIGatewayClient(sdkTimeouts('apiGateway'))),
  })));
}

async function findApiKeyId(applicationId: string): Promise<string | undefined> {
  const { items } = await send<Listing>((sdk) => new sdk.GetApiKeysCommand({ nameQuery: applicationId, limit: 10 }));
  return items?.find((key) => key.name === applicationId)?.id;
}

async function findUsagePlanId(applicationId: string, apiKeyId: string | undefined): Promise<string | undefined> {
  const { items } = await send<Listing>(
    (sdk) => new sdk.GetUsagePlansCommand({ ...(apiKeyId ? { keyId: apiKeyId } : {}), limit: 500 }),
  );
  return items?.find((plan) => plan.name === applicationId)?.id;
}

const throttleAndQuota = (limits: ApplicationLimits) => ({
  throttle: { rateLimit: limits.requestsPerSecond, burstLimit: limits.burst },
  quota: { limit: limits.requestsPerDay, period: 'DAY' as const },
});

/** The stage whose usage plans these are; only chosen where the stack named it. */
function gatewayTarget(): { restApiId: string; stage: string } {
  const target = getGatewayTarget();
  if (!target) throw new Error('No API Gateway to hold usage plans: GATEWAY_REST_API_ID is not set.');
  return target;
}

/** Creates or updates the application's gateway key and usage plan to `limits`. */
export async function syncUsagePlan(applicationId: string, limits: ApplicationLimits): Promise<void> {
  const target = gatewayTarget();
  const apiKeyId =
    (await findApiKeyId(applicationId)) ??
    (
      await send<Created>(
        (sdk) =>
          new sdk.CreateApiKeyCommand({
            name: applicationId,
            value: usageKeyValue(applicationId),
            enabled: true,
            description: 'Datagate usage key',
          }),
      )
    ).id!;
  const planId = await findUsagePlanId(applicationId, apiKeyId);
  if (planId) {
    await send(
      (sdk) =>
        new sdk.UpdateUsagePlanCommand({
          usagePlanId: planId,
          patchOperations: [
            { op: 'replace', path: '/throttle/rateLimit', value: String(limits.requestsPerSecond) },
            { op: 'replace', path: '/throttle/burstLimit', value: String(limits.burst) },
            { op: 'replace', path: '/quota/limit', value: String(limits.requestsPerDay) },
          ],
        }),
    );
    return;
  }
  const plan = await send<Created>(
    (sdk) =>
      new sdk.CreateUsagePlanCommand({
        name: applicationId,
        description: 'Datagate application limits',
        apiStages: [{ apiId: target.restApiId, stage: target.stage }],
        ...throttleAndQuota(limits),
      }),
  );
  await send((sdk) => new sdk.CreateUsagePlanKeyCommand({ usagePlanId: plan.id!, keyId: apiKeyId, keyType: 'API_KEY' }));
}

/** Removes the application's gateway key and usage plan (what is left of them). */
export async function removeUsagePlan(applicationId: string): Promise<void> {
  const target = gatewayTarget();
  const apiKeyId = await findApiKeyId(applicationId);
  const planId = await findUsagePlanId(applicationId, apiKeyId);
  if (apiKeyId) await send((sdk) => new sdk.DeleteApiKeyCommand({ apiKey: apiKeyId }));
  if (planId) {
    // A usage plan still attached to a stage cannot be deleted.
    await send(
      (sdk) =>
        new sdk.UpdateUsagePlanCommand({
          usagePlanId: planId,
          patchOperations: [{ op: 'remove', path: '/apiStages', value: `${target.restApiId}:${target.stage}` }],
        }),
    );
    await send((sdk) => new sdk.DeleteUsagePlanCommand({ usagePlanId: planId }));
  }
}
