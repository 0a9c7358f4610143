import { mockClient } from 'aws-sdk-client-mock';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * The continuation-token key (functions/core/store/secrets.ts): in AWS read from Secrets
 * Manager by the ARN the stack gives, kept SECRET_CACHE_SECONDS, read again after (a rotation
 * needs no deployment); under npm start and in tests taken from CONTINUATION_SECRET, with no
 * Secrets Manager call.
 */

const secretsManager = mockClient(SecretsManagerClient);
const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ContinuationTokenSecret-abc';
const FIRST = 'a'.repeat(64);
const SECOND = 'b'.repeat(64);
const saved = { arn: process.env.CONTINUATION_SECRET_ARN, value: process.env.CONTINUATION_SECRET };

type Secrets = typeof import('../../functions/core/store/secrets');
/** A fresh copy of the module: its cache starts empty. */
async function freshSecrets(): Promise<Secrets> {
  let module!: Secrets;
  await jest.isolateModulesAsync(async () => {
    module = await import('../../functions/core/store/secrets');
  });
  return module;
}
const text = (key: Uint8Array) => new TextDecoder().decode(key);

beforeEach(() => {
  secretsManager.reset();
  delete process.env.CONTINUATION_SECRET_ARN;
  delete process.env.CONTINUATION_SECRET;
});
afterEach(() => {
  jest.useRealTimers();
  for (const [name, value] of [
    ['CONTINUATION_SECRET_ARN', saved.arn],
    ['CONTINUATION_SECRET', saved.value],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('the continuation-token key', () => {
  it('in AWS: read from Secrets Manager by ARN once, then from the cache until SECRET_CACHE_SECONDS have passed, then again (a rotation)', async () => {
    jest.useFakeTimers({ now: new Date('2026-12-05T12:00:00Z'), doNotFake: ['nextTick', 'setImmediate'] });
    process.env.CONTINUATION_SECRET_ARN = ARN;
    process.env.CONTINUATION_SECRET = 'an-environment-value-that-is-not-used-in-aws-0123';
    secretsManager.on(GetSecretValueCommand).resolvesOnce({ SecretString: FIRST }).resolves({ SecretString: SECOND });
    const { getContinuationKey, SECRET_CACHE_SECONDS } = await freshSecrets();
    expect(text(await getContinuationKey())).toBe(FIRST);
    expect(text(await getContinuationKey())).toBe(FIRST);
    expect(secretsManager.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input)).toEqual([{ SecretId: ARN }]);
    jest.setSystemTime(Date.now() + (SECRET_CACHE_SECONDS - 1) * 1000);
    expect(text(await getContinuationKey())).toBe(FIRST);
    jest.setSystemTime(Date.now() + 2000);
    expect(text(await getContinuationKey())).toBe(SECOND);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('a Secrets Manager failure is an error (the route answers 5xx), not a refused token', async () => {
    process.env.CONTINUATION_SECRET_ARN = ARN;
    secretsManager.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException'));
    await expect((await freshSecrets()).getContinuationKey()).rejects.toThrow();
  });

  it('under npm start and in tests: the value of CONTINUATION_SECRET, with no Secrets Manager call', async () => {
    process.env.CONTINUATION_SECRET = FIRST;
    expect(text(await (await freshSecrets()).getContinuationKey())).toBe(FIRST);
    expect(secretsManager.calls()).toHaveLength(0);
  });

  it('refuses a key shorter than 32 characters, and names the missing configuration', async () => {
    process.env.CONTINUATION_SECRET = 'short';
    await expect((await freshSecrets()).getContinuationKey()).rejects.toThrow('at least 32 characters');
    delete process.env.CONTINUATION_SECRET;
    await expect((await freshSecrets()).getContinuationKey()).rejects.toThrow('CONTINUATION_SECRET_ARN');
  });
});
