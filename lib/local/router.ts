import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
  Context,
} from 'aws-lambda';
import { routeList } from '../../functions/routes';
import type { CredentialKind, RouteDefinition } from '../../functions/core/http/route';
import {
  GATEWAY_RESPONSE_HEADERS,
  GATEWAY_RESPONSES,
  type GatewayResponseType,
} from '../../functions/core/http/gateway-responses';
import { correlationIdFrom } from '../../functions/core/http/request-telemetry';
import { headerValue } from '../../functions/core/http/headers';
import { AUTHORIZERS } from '../authorizers';
import { attachLocalUsagePlans, readApplicationLimits } from '../../functions/core/applications';
import type { ApplicationLimits } from '../../functions/core/applications';
import { RateLimiter, type LimitVerdict } from './rate-limiter';
import { PRELUDE, type StreamPrelude } from '../../functions/core/http/streaming';
import { recordGatewayThrottle } from '../../functions/core/usage/usage-recorder';
import { DEFAULT_FUNCTION_TIMEOUT_SECONDS, STREAMED_ROUTE_TIMEOUT_SECONDS } from '../../functions/core/platform/limits';

/**
 * The local stand-in for API Gateway: it matches a request against THE route table, runs the
 * route's authorizer (the same Lambda handler the stack deploys, with API Gateway's event
 * shape), then the route's handler with an API Gateway proxy event, and answers as the gateway
 * would, gateway responses included.
 */

export interface LocalRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body?: string;
  /**
   * The address of the client's socket: what API Gateway puts in `requestContext.identity.sourceIp`.
   * Never taken from a header (X-Forwarded-For is the client's to write).
   */
  sourceIp?: string;
}

/** An address as API Gateway writes it: an IPv4 client of a dual-stack socket (`::ffff:127.0.0.1`) is plain IPv4. */
export function gatewaySourceIp(address: string | undefined): string {
  if (!address) return '127.0.0.1';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

type Handler<E, R> = (event: E, context: Context) => Promise<R>;
type LambdaModule = { handler: Handler<unknown, unknown> };
type StreamingHandler = (event: unknown, responseStream: PassThrough, context: Context) => Promise<void>;

/**
 * API Gateway's answer; for a streamed route (`responseTransferMode: STREAM`), the body is
 * `stream`, which the server sends as it comes (its status and headers were written first).
 */
export type LocalAnswer = APIGatewayProxyResult & { stream?: Readable };

/**
 * Invokes a streamed route's handler as Lambda's response streaming does: with a response stream
 * that takes the status and headers first (awslambda.HttpResponseStream.from, ../../functions/core/http/streaming.ts),
 * then the body as it is written. Answers once the status is known; the body keeps coming after.
 */
async function invokeStreaming(handler: StreamingHandler, event: APIGatewayProxyEvent, context: Context): Promise<LocalAnswer> {
  const stream = new PassThrough();
  const prelude = new Promise<StreamPrelude>((resolve) => {
    (stream as PassThrough & { [PRELUDE]?: (prelude: StreamPrelude) => void })[PRELUDE] = resolve;
  });
  const done = handler(event, stream, context);
  // A failure after the status was sent breaks the transfer off (the server destroys the response).
  done.catch((error: unknown) => stream.destroy(error instanceof Error ? error : new Error(String(error))));
  const head = await Promise.race([prelude, done.then(() => undefined)]);
  if (!head) throw new Error('The streamed handler ended without an answer.');
  return {
    statusCode: head.statusCode,
    headers: Object.fromEntries(Object.entries(head.headers ?? {}).map(([name, value]) => [name, String(value)])),
    body: '',
    stream,
  };
}

const ACCOUNT = '000000000000';
const API_ID = 'local';
const STAGE = 'local';

interface CompiledRoute {
  route: RouteDefinition;
  pattern: RegExp;
  names: string[];
}

const compiled: CompiledRoute[] = routeList.map((route) => {
  const names: string[] = [];
  const source = route.path.replace(/[.]/g, '\\.').replace(/\{(\w+)\}/g, (_match, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
});

/**
 * A path segment as the handler sees it. Broken percent-encoding (`%`, `%FF`) is passed on as
 * written: no id has that shape, so the route's params schema answers 404, instead of the
 * decoder's exception becoming a 500.
 */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The route and path parameters for a method and path, as API Gateway would resolve them. */
export function matchRoute(method: string, path: string): { route: RouteDefinition; params: Record<string, string> } | undefined {
  for (const { route, pattern, names } of compiled) {
    if (route.method !== method) continue;
    const match = pattern.exec(path);
    if (!match) continue;
    return { route, params: Object.fromEntries(names.map((name, index) => [name, decodeSegment(match[index + 1]!)])) };
  }
  return undefined;
}

/** API Gateway's own answer of this type; like the stack's, it carries the common headers and a correlation id. */
function gatewayResponse(type: GatewayResponseType, request: LocalRequest): APIGatewayProxyResult {
  const response = GATEWAY_RESPONSES[type];
  return {
    statusCode: response.status,
    headers: {
      'Content-Type': 'application/json',
      ...GATEWAY_RESPONSE_HEADERS,
      ...('headers' in response ? response.headers : {}),
      'X-Correlation-Id': correlationIdFrom(request.headers),
    },
    body: JSON.stringify(response.body),
  };
}

/**
 * Lambda's context for one invocation of `functionName`, whose time runs out `timeoutMs` from now
 * (the function's timeout, as the stack sets it; `LOCAL_FUNCTION_TIMEOUT_SECONDS` stretches it locally).
 */
export function lambdaContext(functionName: string, timeoutMs = localTimeoutMs()): Context {
  const requestId = randomUUID();
  const deadline = Date.now() + timeoutMs;
  return {
    awsRequestId: requestId,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:${ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '256',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * A function's timeout under the local router: the stack's 10 s, unless `LOCAL_FUNCTION_TIMEOUT_SECONDS`
 * says otherwise (`npm start` gives 70 s: DynamoDB Local on a busy machine is far slower than DynamoDB,
 * and its ingests have 60 s, see bin/start-local.ts).
 */
function localTimeoutMs(): number {
  const seconds = Number(process.env.LOCAL_FUNCTION_TIMEOUT_SECONDS);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_FUNCTION_TIMEOUT_SECONDS) * 1000;
}

export interface RouterOptions {
  /** Loads the module of a function under `functions/` (defaults to a dynamic import). */
  load?: (modulePath: string) => Promise<LambdaModule>;
  /** The limits in force for an application (defaults to reading its item from the table). */
  readLimits?: (applicationId: string) => Promise<ApplicationLimits | undefined>;
}

/** Creates the local gateway: a function from a request to API Gateway's answer. */
export function createRouter(options: RouterOptions = {}) {
  const functionsDir = join(process.cwd(), 'functions');
  const load = options.load ?? ((modulePath: string) => import(join(functionsDir, `${modulePath}.ts`)) as Promise<LambdaModule>);
  const modules = new Map<string, Promise<LambdaModule>>();
  const moduleOf = (modulePath: string) => {
    let module = modules.get(modulePath);
    if (!module) {
      module = load(modulePath);
      modules.set(modulePath, module);
    }
    return module;
  };

  const limiter = new RateLimiter();
  const readLimits = options.readLimits ?? readApplicationLimits;
  /**
   * The local usage plans: each application's limits, read from the table on its first request
   * and kept, as API Gateway keeps a usage plan, until the usage-plan protocol
   * (functions/core/applications/usage-plans.ts) applies or removes the application's plan through
   * this router's limiter, its port here. So a data API request costs the table nothing here, as in AWS.
   */
  const knownLimits = new Map<string, ApplicationLimits | undefined>();
  attachLocalUsagePlans({
    apply: (applicationId, limits) => {
      knownLimits.set(applicationId, limits);
      return Promise.resolve();
    },
    // An application without a plan is refused, as the gateway refuses a key no plan holds.
    remove: (applicationId) => {
      knownLimits.set(applicationId, undefined);
      return Promise.resolve();
    },
  });
  async function usageVerdict(applicationId: string): Promise<LimitVerdict> {
    let limits: ApplicationLimits | undefined;
    if (knownLimits.has(applicationId)) {
      limits = knownLimits.get(applicationId);
    } else {
      try {
        limits = await readLimits(applicationId);
        knownLimits.set(applicationId, limits);
      } catch {
        // The table failing is the handler's to answer (503), not the gateway's: the request goes by.
        return 'allowed';
      }
    }
    // An application deleted since its key verified has no usage plan: the gateway refuses it.
    return limits ? limiter.take(applicationId, limits, Date.now()) : 'throttled';
  }

  async function authorize(
    credential: Exclude<CredentialKind, 'none'>,
    request: LocalRequest,
    route: RouteDefinition,
    requestId: string,
  ): Promise<{ context: Record<string, unknown> } | { refused: GatewayResponseType }> {
    const authorizer = AUTHORIZERS[credential];
    // Like API Gateway, a request without the identity source header never reaches the authorizer.
    if (!headerValue(request.headers, authorizer.identityHeader)) return { refused: 'UNAUTHORIZED' };
    const event: APIGatewayRequestAuthorizerEvent = {
      type: 'REQUEST',
      methodArn: `arn:aws:execute-api:local:${ACCOUNT}:${API_ID}/${STAGE}/${route.method}${route.path.replace(/\{\w+\}/g, '*')}`,
      resource: route.path,
      path: request.path,
      httpMethod: route.method,
      headers: request.headers,
      multiValueHeaders: {},
      pathParameters: {},
      queryStringParameters: Object.fromEntries(request.query),
      multiValueQueryStringParameters: {},
      stageVariables: {},
      // The same request id as the route's event, as API Gateway gives both, and the same source address.
      requestContext: {
        requestId,
        identity: { sourceIp: gatewaySourceIp(request.sourceIp) },
      } as APIGatewayRequestAuthorizerEvent['requestContext'],
    };
    const module = await moduleOf(authorizer.handler);
    let result: APIGatewayAuthorizerResult;
    try {
      result = (await module.handler(event, lambdaContext(authorizer.handler))) as APIGatewayAuthorizerResult;
    } catch (error) {
      return { refused: error instanceof Error && error.message === 'Unauthorized' ? 'UNAUTHORIZED' : 'AUTHORIZER_FAILURE' };
    }
    const allowed = result.policyDocument.Statement.some((statement) => 'Effect' in statement && statement.Effect === 'Allow');
    if (!allowed) return { refused: 'ACCESS_DENIED' };
    return { context: { principalId: result.principalId, ...(result.context ?? {}) } };
  }

  return async function route(request: LocalRequest): Promise<LocalAnswer> {
    const matched = matchRoute(request.method, request.path);
    if (!matched) return gatewayResponse('MISSING_AUTHENTICATION_TOKEN', request);
    const { route, params } = matched;
    const requestId = randomUUID();
    let authorizerContext: Record<string, unknown> | undefined;
    if (route.credential !== 'none') {
      const outcome = await authorize(route.credential, request, route, requestId);
      if ('refused' in outcome) return gatewayResponse(outcome.refused, request);
      authorizerContext = outcome.context;
      // API Gateway meters the application through its usage plan after the authorizer allowed it.
      if (route.credential === 'apiKey') {
        const applicationId = String(outcome.context.applicationId);
        const verdict = await usageVerdict(applicationId);
        if (verdict !== 'allowed') {
          // Usage per application counts the gateway's 429s (in AWS: the access log's metric filter).
          recordGatewayThrottle(applicationId, Date.now());
          return gatewayResponse(verdict === 'throttled' ? 'THROTTLED' : 'QUOTA_EXCEEDED', request);
        }
      }
    }
    const query = Object.fromEntries(request.query);
    const event: APIGatewayProxyEvent = {
      resource: route.path,
      path: request.path,
      httpMethod: route.method,
      headers: request.headers,
      multiValueHeaders: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, [value]])),
      queryStringParameters: Object.keys(query).length > 0 ? query : null,
      multiValueQueryStringParameters:
        Object.keys(query).length > 0
          ? Object.fromEntries([...request.query.keys()].map((key) => [key, request.query.getAll(key)]))
          : null,
      pathParameters: Object.keys(params).length > 0 ? params : null,
      stageVariables: null,
      body: request.body ?? null,
      isBase64Encoded: false,
      requestContext: {
        accountId: ACCOUNT,
        apiId: API_ID,
        stage: STAGE,
        requestId,
        requestTimeEpoch: Date.now(),
        resourceId: route.operationId,
        resourcePath: route.path,
        httpMethod: route.method,
        // Like a custom domain mapping the API at its root: the URL carries no stage.
        path: request.path,
        domainName: headerValue(request.headers, 'host'),
        protocol: 'HTTP/1.1',
        authorizer: authorizerContext,
        identity: { sourceIp: gatewaySourceIp(request.sourceIp) } as APIGatewayProxyEvent['requestContext']['identity'],
      },
    };
    const module = await moduleOf(route.handler);
    let answer: LocalAnswer;
    try {
      answer = route.streamed
        ? await invokeStreaming(
            module.handler as unknown as StreamingHandler,
            event,
            lambdaContext(route.operationId, Math.max(localTimeoutMs(), STREAMED_ROUTE_TIMEOUT_SECONDS * 1000)),
          )
        : ((await module.handler(event, lambdaContext(route.operationId))) as APIGatewayProxyResult);
    } catch {
      return gatewayResponse('DEFAULT_5XX', request);
    }
    return answer;
  };
}

export type LocalRouter = ReturnType<typeof createRouter>;
