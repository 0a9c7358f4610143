import { catalogueMetric } from './catalogue';
import type { MetricCell } from './csv-wide';

/**
 * Clarity's metric label styles for report files (pure). Source: the guide's "Historical
 * measurements - Request report", "Metric Label Style"
 * (https://api-guide.clarity.io/v2/measurements/report-request):
 * - `canonical` (the default): `pm2_5ConcMass1HourMean.raw`, the metrics dictionary's name and the
 *   attribute, for scripts;
 * - `english`: `PM2.5 mass concentration, 1-hour mean raw`, for a person opening the file (labels
 *   may hold spaces and commas, and may be improved over time: never an identifier); Datagate
 *   writes the catalogue's description of the metric (`GET /v2/metrics`) and the attribute;
 * - `legacy`: the labels of Clarity's exports from before its metrics dictionary. The guide
 *   names the style but this repository holds no table of those older labels, so Datagate
 *   accepts `legacy` (a client that sends it is not refused) and writes the canonical label;
 *   README and the OpenAPI document say so.
 */

export type MetricLabelStyle = 'canonical' | 'english' | 'legacy';

/** The column label of `metric`'s `attribute` in `style`; a name outside the catalogue keeps its canonical label. */
export function metricLabel(style: MetricLabelStyle, metric: string, attribute: keyof MetricCell): string {
  if (style === 'english') {
    const entry = catalogueMetric(metric);
    if (entry) return `${entry.description} ${attribute}`;
  }
  return `${metric}.${attribute}`;
}
