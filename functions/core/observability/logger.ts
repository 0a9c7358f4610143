import { Logger, type LogItem } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { METRICS_SERVICE } from './metric-names';
import { getLogFormat } from '../platform/config';

/**
 * THE logger of every handler and authorizer: AWS Powertools Logger, one JSON object a line
 * (level, message, timestamp, service, X-Ray trace id, then our fields). Callers pass only what
 * is safe to log: ids, never a key, a token or a request header.
 *
 * `DATAGATE_LOG` picks the output: unset or `json` (Lambda), `readable` (`npm start`: the same
 * events, one short line each) or `silent` (tests that do not read logs). It is read at each
 * call, so a test can switch it.
 */

export type LogFormat = 'json' | 'readable' | 'silent';

export function logFormat(): LogFormat {
  return getLogFormat();
}

/** Fields every log line may carry; the request line carries all that apply. */
export interface LogFields {
  /** API Gateway's request id (the key to the access log and to X-Ray). */
  requestId?: string;
  correlationId?: string;
  /** The route's operation id, or the authorizer's name. */
  route?: string;
  method?: string;
  path?: string;
  status?: number;
  latencyMs?: number;
  org?: string;
  applicationId?: string;
  keyId?: string;
  /** A person's OIDC subject. */
  sub?: string;
  [field: string]: unknown;
}

const HIDDEN_IN_READABLE = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'sampling_rate',
  'xray_trace_id',
  'error',
  // The invocation's context (injectLambdaContext): only a cold start is worth a word locally.
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
]);
const REQUEST_FIELDS = new Set(['method', 'path', 'status', 'latencyMs', 'route']);

/** A field's value as text: strings as they are, other values as JSON; never throws (it runs on error paths). */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  try {
    // undefined, a function or a symbol have no JSON: their type stands in.
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** One line a person reads: `12:00:01.234 INFO  GET /v2/whoami 200 12ms whoami applicationId=app_... requestId=...`. */
export function readableLine(attributes: Record<string, unknown>): string {
  const time = typeof attributes.timestamp === 'string' ? attributes.timestamp.slice(11, 23) : '';
  const level = (typeof attributes.level === 'string' ? attributes.level : 'INFO').padEnd(5);
  const head =
    attributes.status !== undefined
      ? [attributes.method, attributes.path, attributes.status, `${textOf(attributes.latencyMs)}ms`, attributes.route]
      : [attributes.message];
  const rest = Object.entries(attributes)
    .filter(
      ([key, value]) =>
        !HIDDEN_IN_READABLE.has(key) &&
        value !== undefined &&
        !(key === 'cold_start' && value !== true) &&
        !(attributes.status !== undefined && REQUEST_FIELDS.has(key)),
    )
    .map(([key, value]) => `${key}=${textOf(value)}`);
  const error = attributes.error as { stack?: string; message?: string } | undefined;
  const line = [time, level, ...head.filter((part) => part !== undefined).map(textOf), ...rest].join(' ');
  return error ? `${line}\n  ${error.stack ?? error.message ?? textOf(error)}` : line;
}

/**
 * Powertools Logger that prints each log item in the format `DATAGATE_LOG` names when the line is
 * written: Powertools' JSON, or a readable line. One logger, so the invocation's context goes
 * into one place.
 */
class DatagateLogger extends Logger {
  protected override printLog(logLevel: number, log: LogItem): void {
    if (logFormat() !== 'readable') {
      super.printLog(logLevel, log);
      return;
    }
    const attributes = log.getAttributes();
    const line = readableLine(attributes);
    if (attributes.level === 'ERROR' || attributes.level === 'CRITICAL') console.error(line);
    else console.log(line);
  }
}

let logger: Logger | undefined;

/**
 * The logger, for Powertools' `injectLambdaContext` middleware (a handler's middy chain): each
 * line of the invocation then carries its context, `cold_start` (true on the first invocation of
 * an execution environment), `function_request_id` and the function's name, memory and version.
 * Made on first use: importing a handler does no work for logs.
 */
export function handlerLogger(): Logger {
  return (logger ??= new DatagateLogger({ serviceName: METRICS_SERVICE }));
}

/** What `injectLambdaContext` does before an invocation, for a handler without middy (the authorizers). */
export function addLambdaContext(context: Context): void {
  handlerLogger().addContext(context);
}

/**
 * Anything shaped like an API key (`dgk_` and what follows) or a JWT (three base64url parts, the
 * first a JSON header) in text that came from a caller: a key pasted into a URL or a correlation
 * id must not reach a log line.
 */
const SECRET_SHAPES = /dgk_[0-9A-Za-z]*|eyJ[\w-]*\.[\w-]+\.[\w-]*/g;

/** `text` with every key- or JWT-shaped part replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  return text.replace(SECRET_SHAPES, '[redacted]');
}

function redactField(value: unknown): unknown {
  return typeof value === 'string' ? redactSecrets(value) : value;
}

function redactError(error: unknown): Error {
  const original = error instanceof Error ? error : new Error(textOf(error));
  if (redactSecrets(`${original.message}\n${original.stack ?? ''}`) === `${original.message}\n${original.stack ?? ''}`)
    return original;
  const redacted = new Error(redactSecrets(original.message));
  redacted.name = original.name;
  redacted.stack = redactSecrets(original.stack ?? '');
  return redacted;
}

/**
 * Writes one log line; with `error`, its name, message and stack go in the line's `error` field.
 * String fields and the error's text are passed through `redactSecrets` first.
 */
export function writeLog(level: 'info' | 'warn' | 'error', message: string, fields: LogFields = {}, error?: unknown): void {
  if (logFormat() === 'silent') return;
  const safe = Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, redactField(value)]));
  // Powertools formats an Error value as { name, location, message, stack }.
  handlerLogger()[level](redactSecrets(message), error === undefined ? safe : { ...safe, error: redactError(error) });
}
