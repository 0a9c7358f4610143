import type { CloudWatchClient, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { METRICS_NAMESPACE, METRICS_SERVICE } from '../observability/metric-names';
import { sdkTimeouts } from '../platform/sdk-timeouts';
import { utcDate, type DayCounts } from './usage-days';
import { USAGE_DIMENSION, USAGE_METRIC } from './usage-metric-names';
import { instrumented } from '../observability/client-instrumentation';

/**
 * Usage per application in AWS, read back from the CloudWatch metrics the handlers and the
 * access log's metric filter write (usage-metric-names.ts): one GetMetricData call per 500
 * metrics, daily sums (period 86,400 s from 00:00 UTC). CloudWatch keeps hourly data 455 days,
 * so 90 days of daily sums are exact.
 *
 * An org's share needs the org named in the query (CloudWatch's SEARCH and ListMetrics only see
 * metrics with data in the last two weeks), so the owner's `byOrg` covers the orgs the
 * application is connected to now; requests into an org it has since left still count in the
 * day's `requests`.
 */

type Sdk = typeof import('@aws-sdk/client-cloudwatch');

let loaded: Promise<{ sdk: Sdk; client: CloudWatchClient }> | undefined;

/**
 * The client, loaded on first use (only the two usage routes read metrics; in Lambda the package
 * comes from the runtime's AWS SDK, `external` in lib/lambda-bundling.ts), with timeouts that
 * fit a route's 10 s.
 */
function cloudWatch(): Promise<{ sdk: Sdk; client: CloudWatchClient }> {
  return (loaded ??= import('@aws-sdk/client-cloudwatch').then((sdk) => ({
    sdk,
    client: instrumented(new sdk.CloudWatchClient(sdkTimeouts('cloudWatch'))),
  })));
}

/** GetMetricData takes at most this many metrics a call. */
const METRICS_PER_CALL = 500;

type Series = { id: string; name: string; dimensions: Record<string, string> };

function query(series: Series): MetricDataQuery {
  return {
    Id: series.id,
    MetricStat: {
      Metric: {
        Namespace: METRICS_NAMESPACE,
        MetricName: series.name,
        Dimensions: Object.entries(series.dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: 86_400,
      Stat: 'Sum',
    },
    ReturnData: true,
  };
}

/** Daily sums of each series, by series id and date. */
async function dailySums(series: readonly Series[], start: Date, end: Date): Promise<Map<string, Map<string, number>>> {
  const { sdk, client } = await cloudWatch();
  const sums = new Map<string, Map<string, number>>();
  for (let offset = 0; offset < series.length; offset += METRICS_PER_CALL) {
    let nextToken: string | undefined;
    do {
      const answer = await client.send(
        new sdk.GetMetricDataCommand({
          MetricDataQueries: series.slice(offset, offset + METRICS_PER_CALL).map(query),
          StartTime: start,
          EndTime: end,
          NextToken: nextToken,
        }),
      );
      for (const result of answer.MetricDataResults ?? []) {
        const byDate = sums.get(result.Id!) ?? new Map<string, number>();
        sums.set(result.Id!, byDate);
        (result.Timestamps ?? []).forEach((timestamp, index) => {
          const date = utcDate(timestamp);
          byDate.set(date, (byDate.get(date) ?? 0) + (result.Values?.[index] ?? 0));
        });
      }
      nextToken = answer.NextToken;
    } while (nextToken);
  }
  return sums;
}

const handlerDimensions = (applicationId: string, org?: string) => ({
  service: METRICS_SERVICE,
  [USAGE_DIMENSION.applicationId]: applicationId,
  ...(org ? { [USAGE_DIMENSION.org]: org } : {}),
});

/**
 * Daily counts of an application from CloudWatch. Without `org`: every request (those a handler
 * answered, and those the gateway throttled) with the share of each org in `orgs`; with `org`:
 * only the requests that named that org (the gateway's 429s name no org).
 */
export async function readUsageMetrics(
  applicationId: string,
  window: { start: Date; end: Date },
  scope: { org: string } | { orgs: readonly string[] },
): Promise<Map<string, DayCounts>> {
  const series: Series[] = [];
  if ('org' in scope) {
    series.push(
      { id: 'requests', name: USAGE_METRIC.applicationRequests, dimensions: handlerDimensions(applicationId, scope.org) },
      { id: 'throttled', name: USAGE_METRIC.applicationThrottled, dimensions: handlerDimensions(applicationId, scope.org) },
    );
  } else {
    series.push(
      { id: 'requests', name: USAGE_METRIC.applicationRequests, dimensions: handlerDimensions(applicationId) },
      { id: 'throttled', name: USAGE_METRIC.applicationThrottled, dimensions: handlerDimensions(applicationId) },
      { id: 'gateway', name: USAGE_METRIC.gatewayThrottled, dimensions: { [USAGE_DIMENSION.applicationId]: applicationId } },
      ...scope.orgs.map((org, index) => ({
        id: `org${index}`,
        name: USAGE_METRIC.applicationRequests,
        dimensions: handlerDimensions(applicationId, org),
      })),
    );
  }
  const sums = await dailySums(series, window.start, window.end);
  const days = new Map<string, Required<DayCounts>>();
  const dayOf = (date: string) => {
    let day = days.get(date);
    if (!day) days.set(date, (day = { requests: 0, throttled: 0, byOrg: {} }));
    return day;
  };
  for (const [date, value] of sums.get('requests') ?? []) dayOf(date).requests += value;
  for (const [date, value] of sums.get('throttled') ?? []) dayOf(date).throttled += value;
  for (const [date, value] of sums.get('gateway') ?? []) {
    dayOf(date).requests += value;
    dayOf(date).throttled += value;
  }
  if ('org' in scope) for (const [date, value] of sums.get('requests') ?? []) dayOf(date).byOrg[scope.org] = value;
  else
    scope.orgs.forEach((org, index) => {
      for (const [date, value] of sums.get(`org${index}`) ?? []) dayOf(date).byOrg[org] = value;
    });
  return days;
}
