import { MetricBatch } from '../observability/metrics';
import { USAGE_DIMENSION, USAGE_METRIC } from './usage-metric-names';

/**
 * Counting an application's use of the data API, without a table write per request. In AWS a
 * handler's answer is one EMF object (CloudWatch turns it into `ApplicationRequests` /
 * `ApplicationThrottled` per application and per application and org; nothing to await), and the
 * gateway's own 429s are counted by a metric filter on the access log. Under `npm start` the
 * local runtime registers a sink that keeps counters in memory and flushes them to the table
 * now and then (usage-counters.ts); the local router reports the gateway's 429s to it.
 */

export interface ApplicationUse {
  applicationId: string;
  /** The org the request named (`org`); absent when it named none, or never reached a handler. */
  org?: string;
  /** Answered 429. */
  throttled: boolean;
  /** When (epoch milliseconds). */
  at: number;
}

let localSink: ((use: ApplicationUse) => void) | undefined;

/** The local runtime's counters (undefined: stop counting locally). */
export function setLocalUsageSink(sink: ((use: ApplicationUse) => void) | undefined): void {
  localSink = sink;
}

/** A handler answered a data API request of `use.applicationId`. */
export function recordHandlerUse(use: ApplicationUse): void {
  const metrics = new MetricBatch().dimensionSet({ [USAGE_DIMENSION.applicationId]: use.applicationId });
  if (use.org) metrics.dimensionSet({ [USAGE_DIMENSION.applicationId]: use.applicationId, [USAGE_DIMENSION.org]: use.org });
  metrics.count(USAGE_METRIC.applicationRequests);
  if (use.throttled) metrics.count(USAGE_METRIC.applicationThrottled);
  metrics.publish();
  localSink?.(use);
}

/**
 * The gateway refused a request of `applicationId` with 429 before any handler ran. In AWS the
 * access log's metric filter counts it; only the local router calls this.
 */
export function recordGatewayThrottle(applicationId: string, at: number): void {
  localSink?.({ applicationId, throttled: true, at });
}
