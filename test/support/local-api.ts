import { startLocalRuntime, type LocalRuntime } from '../../lib/local/runtime';

/**
 * The local server (router, authorizers, handlers) on a free port, against the DynamoDB Local
 * of the integration suite: tests speak HTTP to it, as a client would.
 */

export interface ApiAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  token?: string;
  key?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface TestApi {
  url: string;
  runtime: LocalRuntime;
  call<T = any>(method: string, path: string, options?: CallOptions): Promise<ApiAnswer<T>>;
  tokenFor(email: string, options?: { emailVerified?: boolean }): Promise<string>;
  stop(): Promise<void>;
}

export async function startTestApi(): Promise<TestApi> {
  const runtime = await startLocalRuntime({
    port: 0,
    dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT,
    tableName: process.env.TABLE_NAME,
    s3Endpoint: process.env.S3_ENDPOINT,
    bucket: process.env.DATA_BUCKET,
  });
  const url = runtime.server.url;
  return {
    url,
    runtime,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.Authorization = `Bearer ${options.token}`;
      if (options.key) headers['x-api-key'] = options.key;
      let body: string | undefined = options.rawBody;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['Content-Type'] ??= 'application/json';
      }
      const response = await fetch(`${url}${path}`, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        // Not JSON (csv answers); tests read the text.
      }
      return { status: response.status, headers: response.headers, body: parsed as any };
    },
    tokenFor: (email, options = {}) => runtime.server.issuer.issueToken({ email, ...options }),
    stop: () => runtime.stop(),
  };
}

/** A unique email per test run, so tests sharing the table never share people. */
export const uniqueEmail = (name: string) => `${name}.${Math.random().toString(36).slice(2, 10)}@example.org`;

/**
 * The test API of one test file: started before its tests, stopped after them. The returned
 * object stands for it (it can be used in the file's own hooks and tests, not at load).
 */
export function useTestApi(): TestApi {
  let started: TestApi | undefined;
  beforeAll(async () => {
    started = await startTestApi();
  });
  afterAll(async () => {
    await started?.stop();
  });
  const current = () => {
    if (!started) throw new Error('The test API starts in beforeAll; use it in hooks and tests only.');
    return started;
  };
  return {
    get url() {
      return current().url;
    },
    get runtime() {
      return current().runtime;
    },
    call: (method, path, options) => current().call(method, path, options),
    tokenFor: (email, options) => current().tokenFor(email, options),
    stop: () => current().stop(),
  };
}
