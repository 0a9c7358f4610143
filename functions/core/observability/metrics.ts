import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logFormat } from './logger';
import { METRICS_NAMESPACE, METRICS_SERVICE } from './metric-names';

/**
 * Custom metrics through Powertools Metrics: CloudWatch's embedded metric format, one JSON
 * object on stdout that CloudWatch turns into metrics (no API call, nothing to await).
 *
 * A `MetricBatch` is made per request or per authorizer call and published once at its end:
 * the local server runs requests concurrently in one process, so a shared instance would mix
 * one request's metrics into another's. Published only when logs are JSON (Lambda and the tests
 * that read them); `npm start` (readable) and silenced tests skip them.
 */
export class MetricBatch {
  private readonly metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });
  private empty = true;

  /** Adds a dimension set (each metric of the batch is published under every set, plus `service`). */
  dimensionSet(dimensions: Record<string, string>): this {
    this.metrics.addDimensions(dimensions);
    return this;
  }

  count(name: string, value = 1): this {
    this.metrics.addMetric(name, MetricUnit.Count, value);
    this.empty = false;
    return this;
  }

  milliseconds(name: string, value: number): this {
    this.metrics.addMetric(name, MetricUnit.Milliseconds, value);
    this.empty = false;
    return this;
  }

  publish(): void {
    if (this.empty || logFormat() !== 'json') return;
    this.metrics.publishStoredMetrics();
  }
}
