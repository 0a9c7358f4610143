import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../functions/core/store/table';
import { localClient } from '../../lib/local/dynamodb-local';
import { useTestApi } from '../support/local-api';
import { connect, createApplication, createDatasource, createOrg, expectStatus, signIn } from '../support/scenario';
import { scanTable } from '../support/table-invariants';

/**
 * Secrets stay secret: with logging on, a walk through the API that issues, uses, rotates and
 * misuses keys, JWTs and continuation tokens (and fails on purpose) writes none of them to the
 * log; the table's items hold none of them (the whole shared table is scanned, so every other
 * suite's writes are checked too); and the OpenAPI document's examples carry none.
 */

const api = useTestApi();

/** Set to make the next DynamoDB call of the functions fail as DynamoDB refuses an invalid request. */
let failNextDynamoCall = false;
beforeAll(() => {
  documentClient().middlewareStack.add(
    (next) => async (args) => {
      if (!failNextDynamoCall) return next(args);
      failNextDynamoCall = false;
      throw Object.assign(new Error('One or more parameter values were invalid'), {
        name: 'ValidationException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      });
    },
    { step: 'initialize', name: 'failOnceAsInvalid' },
  );
});

const API_KEY = /dgk_[0-9A-Za-z]{49}/;
const JWT = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/;

/** Everything written to the console or to stdout/stderr while `run` runs. */
async function captureOutput(run: () => Promise<void>): Promise<string> {
  const chunks: string[] = [];
  const record = (...args: unknown[]) =>
    chunks.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
    jest.spyOn(console, method).mockImplementation(record),
  );
  const writes = [process.stdout, process.stderr].map((stream) => {
    const original = stream.write.bind(stream);
    stream.write = (chunk: unknown, ...rest: unknown[]) => {
      chunks.push(String(chunk));
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    };
    return () => (stream.write = original);
  });
  const level = process.env.DATAGATE_LOG;
  delete process.env.DATAGATE_LOG;
  try {
    await run();
  } finally {
    process.env.DATAGATE_LOG = level;
    for (const spy of spies) spy.mockRestore();
    for (const restore of writes) restore();
  }
  return chunks.join('\n');
}

/** Every secret found in `text`: known values and anything shaped like a key or a JWT. */
function secretsIn(text: string, known: readonly string[]): string[] {
  return [
    ...known.filter((secret) => text.includes(secret)).map((secret) => `${secret.slice(0, 8)}...`),
    ...(API_KEY.test(text) ? [`an API key: ${text.match(API_KEY)![0].slice(0, 8)}...`] : []),
    ...(JWT.test(text) ? [`a JWT: ${text.match(JWT)![0].slice(0, 12)}...`] : []),
  ];
}

describe('secrets stay secret', () => {
  const known: string[] = [];

  it('the scanner itself finds a planted key, a planted JWT and a known secret', async () => {
    const admin = await signIn(api, 'plant');
    const planted = `log line {"key":"dgk_${'A'.repeat(49)}"} and Bearer ${admin.token}`;
    expect(secretsIn(planted, [])).toHaveLength(2);
    expect(secretsIn('continuation secret here', ['continuation secret'])).toHaveLength(1);
    expect(secretsIn('dgk_...abcd is a hint, not a key', [])).toEqual([]);
  });

  it('a walk through keys, tokens and failures, with logging on, logs no key, no JWT and no continuation secret', async () => {
    const output = await captureOutput(async () => {
      const admin = await signIn(api, 'secrets');
      known.push(admin.token, process.env.CONTINUATION_SECRET!);
      const orgId = await createOrg(api, admin, 'Secrets');
      const datasourceId = await createDatasource(api, orgId, admin, 'Secret site');
      const application = await createApplication(api, orgId, admin, 'Secret app');
      known.push(application.key);
      await connect(api, orgId, admin, application.applicationId, ['technician']);
      const second = await api.call('POST', `/admin/orgs/${orgId}/applications/${application.applicationId}/keys`, {
        token: admin.token,
        body: { label: 'second' },
      });
      expectStatus(second, 201);
      known.push(second.body.key);
      const rotated = await api.call(
        'POST',
        `/admin/orgs/${orgId}/applications/${application.applicationId}/keys/${second.body.keyId}/regenerate`,
        { token: admin.token, body: { graceSeconds: 60 } },
      );
      expectStatus(rotated, 201);
      known.push(rotated.body.key);

      // Use, and misuse: every credential where it belongs and where it does not.
      expectStatus(await api.call('GET', '/v2/whoami', { key: application.key }), 200);
      expectStatus(await api.call('GET', '/v2/whoami', { key: `${application.key.slice(0, -1)}0` }), 401);
      expectStatus(await api.call('GET', `/admin/orgs/${orgId}`, { key: application.key }), 401);
      expectStatus(await api.call('GET', '/v2/whoami', { token: admin.token }), 401);
      expectStatus(await api.call('GET', `/admin/orgs/${orgId}`, { token: `${admin.token}x` }), 401);
      // A key pasted into a body where it does not belong: refused, and not echoed into the log.
      expectStatus(
        await api.call('POST', `/admin/orgs/${orgId}/datasources`, {
          token: admin.token,
          body: { name: 'x', key: application.key },
        }),
        400,
      );
      expectStatus(
        await api.call('POST', `/v2/datasources/${datasourceId}/measurements`, {
          key: application.key,
          body: { org: orgId, measurements: [{ time: new Date().toISOString(), metrics: { pm2_5ConcMass: 3 } }] },
        }),
        202,
      );
      const query = await api.call('POST', '/v2/recent-datasource-measurements-query', {
        key: application.key,
        body: { org: orgId, allDatasources: true, replyWithContinuationToken: true },
      });
      expectStatus(query, 200);
      const token = query.headers.get('x-clarity-continuation-token')!;
      known.push(token);
      expectStatus(
        await api.call('POST', '/v2/recent-datasource-measurements-continuation', {
          key: application.key,
          body: { org: orgId, continuationToken: token },
        }),
        200,
      );
      expectStatus(
        await api.call('POST', '/v2/recent-datasource-measurements-continuation', {
          key: application.key,
          body: { org: orgId, continuationToken: `${token.slice(0, -2)}xx` },
        }),
        400,
      );
      // A failure the code does not expect (DynamoDB refusing a request as invalid) is a 500 and
      // is logged (its request line, level ERROR, with the error's name, message and stack), never
      // with the request that carried the JWT.
      failNextDynamoCall = true;
      expectStatus(await api.call('GET', `/admin/orgs/${orgId}`, { token: admin.token }), 500);
    });
    expect(known.length).toBeGreaterThanOrEqual(6);
    // Logging was on: the unexpected failure's line is there.
    expect(output).toMatch(
      /"level":"ERROR","message":"request".*"route":"getOrg".*"status":500.*"error":\{"name":"ValidationException"/,
    );
    expect(secretsIn(output, known)).toEqual([]);
  });

  it("the table's items hold no API key, no JWT and no continuation secret, only digests and hints", async () => {
    const client = DynamoDBDocumentClient.from(localClient(process.env.DYNAMODB_ENDPOINT!));
    try {
      const items = await scanTable(client, process.env.TABLE_NAME!);
      expect(items.length).toBeGreaterThan(0);
      const leaks = items.flatMap((item) => {
        const found = secretsIn(JSON.stringify(item), [...known, process.env.CONTINUATION_SECRET!]);
        return found.length ? [`${item.PK} / ${item.SK}: ${found.join(', ')}`] : [];
      });
      expect(leaks).toEqual([]);
    } finally {
      client.destroy();
    }
  });

  it("the OpenAPI document's examples and descriptions carry no API key, no JWT and no secret", async () => {
    const document = await api.call('GET', '/openapi.json');
    expectStatus(document, 200);
    expect(secretsIn(JSON.stringify(document.body), [...known, process.env.CONTINUATION_SECRET!])).toEqual([]);
  });
});
