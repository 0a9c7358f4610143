import { v2MetricRoutes } from '../routes/v2-metrics';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { CATALOGUE, catalogueMetric, AQI_SUFFIX } from '../core/air-quality/catalogue';
import { CATEGORIES } from '../core/air-quality/metric-select';
import type { MetricCatalogue } from '../core/clarity/v2-schemas';

/** The metric catalogue (./core/air-quality/catalogue.ts): the same for every caller, computed once. */
const answer: MetricCatalogue = {
  metrics: CATALOGUE.map(({ metric, base, outputFrequency, description, unit, categories, isAqi, inDefault, calibrated }) => ({
    metric,
    base,
    outputFrequency,
    description,
    unit,
    categories: [...categories],
    isAqi,
    inDefault,
    calibrated,
    hasAqi: catalogueMetric(`${metric}${AQI_SUFFIX}`) !== undefined,
  })),
  categories: [...CATEGORIES],
};

export const handler = defineRoute(v2MetricRoutes.v2ListMetrics, async () => ok(answer));
