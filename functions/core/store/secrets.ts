import { BaseProvider } from '@aws-lambda-powertools/parameters/base';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { getContinuationSecretSource } from '../platform/config';
import { sdkTimeouts } from '../platform/sdk-timeouts';
import { instrumented } from '../observability/client-instrumentation';

/**
 * Secrets read at run time. In AWS the continuation-token key is read from Secrets Manager with
 * Powertools Parameters and kept SECRET_CACHE_SECONDS in the container (the provider's `maxAge`),
 * so a rotation (a new value put in the secret) reaches every function within that time, with no
 * deployment (docs/operations.md). Under `npm start` and in the tests the value comes from the
 * environment and no Secrets Manager client is made.
 *
 * The provider is Parameters' BaseProvider (its cache, `maxAge`, `forceFetch`) with a
 * GetSecretValue of our own instead of Parameters' SecretsProvider: that one imports the Secrets
 * Manager client statically, which would either add 33 KB to every token route's bundle or make
 * each of them load the client at init. Here the client is loaded on the first read only, from
 * the Lambda runtime's AWS SDK (`external` in lib/lambda-bundling.ts), with timeouts.
 */

/** How long a read value is kept before it is read again (seconds). */
export const SECRET_CACHE_SECONDS = 300;

/** Shorter values are refused: an HS256 key of fewer than 256 bits is guessable. */
const MIN_KEY_LENGTH = 32;

class SecretsManagerProvider extends BaseProvider {
  private secretsManager?: Promise<{ client: SecretsManagerClient; sdk: typeof import('@aws-sdk/client-secrets-manager') }>;

  constructor() {
    super({});
  }

  protected async _get(name: string): Promise<string | undefined> {
    const { client, sdk } = await (this.secretsManager ??= import('@aws-sdk/client-secrets-manager').then((sdk) => ({
      sdk,
      // A hung Secrets Manager must not hold a request past its time (sdk-timeouts.ts).
      client: instrumented(new sdk.SecretsManagerClient(sdkTimeouts('secretsManager'))),
    })));
    const answer = await client.send(new sdk.GetSecretValueCommand({ SecretId: name }));
    return answer.SecretString;
  }

  protected _getMultiple(): Promise<Record<string, unknown> | undefined> {
    throw new Error('Not supported: secrets are read one by one.');
  }
}

let provider: SecretsManagerProvider | undefined;

const encoded = new Map<string, Uint8Array>();

function keyOf(secret: string, where: string): Uint8Array {
  if (secret.length < MIN_KEY_LENGTH)
    throw new Error(`Configuration error: the continuation secret (${where}) must be at least ${MIN_KEY_LENGTH} characters.`);
  let key = encoded.get(secret);
  if (!key) {
    key = new TextEncoder().encode(secret);
    encoded.clear(); // one key at a time: a rotated value replaces the old one
    encoded.set(secret, key);
  }
  return key;
}

/** The HMAC key of continuation tokens, read from Secrets Manager at most every SECRET_CACHE_SECONDS. */
export async function getContinuationKey(): Promise<Uint8Array> {
  const source = getContinuationSecretSource();
  if ('value' in source) return keyOf(source.value, 'CONTINUATION_SECRET');
  provider ??= new SecretsManagerProvider();
  const value = await provider.get(source.arn, { maxAge: SECRET_CACHE_SECONDS });
  if (typeof value !== 'string') throw new Error('Configuration error: the continuation secret has no string value.');
  return keyOf(value, 'Secrets Manager');
}
