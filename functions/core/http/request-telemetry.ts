import { randomUUID } from 'node:crypto';
import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { headerValue } from './headers';
import type { RouteDefinition } from './route';
import { writeLog, type LogFields } from '../observability/logger';
import { MetricBatch } from '../observability/metrics';
import { DIMENSION, METRIC, apiAreaOf } from '../observability/metric-names';
import { recordHandlerUse } from '../usage/usage-recorder';

/**
 * Per request: one log line (request id, route, status, latency, the caller's ids, a
 * correlation id) and one metrics object, written when the answer is known, errors included.
 */

/** The header a caller may send to tie its own logs to ours; it comes back on every answer. */
export const CORRELATION_HEADER = 'x-correlation-id';

/** What a caller may send as a correlation id; anything else is replaced by a generated one. */
const ACCEPTED_CORRELATION_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

export function correlationIdFrom(headers: Record<string, string | undefined> | null | undefined): string {
  const sent = headerValue(headers, CORRELATION_HEADER);
  return sent !== undefined && ACCEPTED_CORRELATION_ID.test(sent) ? sent : randomUUID();
}

interface RequestState {
  startedAt: number;
  correlationId: string;
  org?: string;
  /** The org the application's grant was checked in and allowed (a `/v2` request past its grant check). */
  grantedOrg?: string;
  counts: Map<string, number>;
}

// Keyed by the event object: the local server runs requests concurrently in one process.
const states = new WeakMap<object, RequestState>();

/** Adds to a request metric (measurements ingested, continuation tokens...); published with the request's line. */
export function countForRequest(event: APIGatewayProxyEvent, metric: string, value = 1): void {
  const state = states.get(event);
  if (state) state.counts.set(metric, (state.counts.get(metric) ?? 0) + value);
}

/** Names the org the request acts in, once the handler has parsed it (a `/v2` body's `org`). */
export function noteRequestOrg(event: APIGatewayProxyEvent, org: string | undefined): void {
  const state = states.get(event);
  if (state && org) state.org = org;
}

/**
 * Names the org a `/v2` request's grant allowed: usage per application counts the request in
 * that org's share (an org the application is not connected to gets no share, so no caller can
 * grow the metrics' dimensions with made-up org ids).
 */
export function noteGrantedOrg(event: APIGatewayProxyEvent, org: string): void {
  const state = states.get(event);
  if (state) state.org = state.grantedOrg = org;
}

/** The authorizer's principal ids, read from its context as flat strings (never the credential). */
function callerIds(event: APIGatewayProxyEvent): Pick<LogFields, 'applicationId' | 'keyId' | 'sub'> {
  const context = (event.requestContext?.authorizer ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  return { applicationId: text(context.applicationId), keyId: text(context.keyId), sub: text(context.sub) };
}

function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

/** The middleware; used before the error mapping, so it sees the final answer of a failed request too. */
export function requestTelemetry(route: RouteDefinition): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const finish = (request: middy.Request<APIGatewayProxyEvent, APIGatewayProxyResult>) => {
    const state = states.get(request.event);
    const response = request.response;
    if (!state || !response) return;
    states.delete(request.event);
    response.headers = { ...response.headers, 'X-Correlation-Id': state.correlationId };

    const { event } = request;
    const status = response.statusCode;
    const latencyMs = Math.round((performance.now() - state.startedAt) * 10) / 10;
    const api = apiAreaOf(route.path);
    const fields: LogFields = {
      requestId: event.requestContext?.requestId,
      correlationId: state.correlationId,
      route: route.operationId,
      method: route.method,
      path: event.path,
      status,
      latencyMs,
      org: state.org ?? event.pathParameters?.orgId ?? event.queryStringParameters?.org ?? undefined,
      ...callerIds(event),
    };
    if (status >= 500) writeLog('error', 'request', fields, request.error ?? undefined);
    else writeLog('info', 'request', fields);

    const metrics = new MetricBatch()
      .dimensionSet({ [DIMENSION.route]: route.operationId, [DIMENSION.statusClass]: statusClass(status) })
      .dimensionSet({ [DIMENSION.api]: api })
      .count(METRIC.requests)
      .milliseconds(METRIC.latency, latencyMs);
    if (status >= 500) metrics.count(METRIC.serverErrors);
    if (status === 403 && route.credential === 'apiKey') metrics.count(METRIC.grantsRefused);
    for (const [metric, value] of state.counts) metrics.count(metric, value);
    metrics.publish();
    // Usage per application (contract section 11): counted here, never written per request.
    if (route.credential === 'apiKey' && fields.applicationId) {
      recordHandlerUse({ applicationId: fields.applicationId, org: state.grantedOrg, throttled: status === 429, at: Date.now() });
    }
  };

  return {
    before: (request) => {
      states.set(request.event, {
        startedAt: performance.now(),
        correlationId: correlationIdFrom(request.event.headers),
        counts: new Map(),
      });
    },
    after: finish,
    onError: finish,
  };
}
