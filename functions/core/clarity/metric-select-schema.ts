import * as z from '../platform/zod';
import { unknownMetricNames } from '../air-quality/metric-select';

/**
 * `metricSelect` as the query and report routes take it: Clarity's selector language, at most
 * 1,000 characters; a plain name that is no metric of the catalogue is 400, each named in `details`.
 */
export const metricSelectInputSchema = z.string().check(
  z.maxLength(1000),
  z.superRefine((metricSelect, context) => {
    for (const name of unknownMetricNames(metricSelect)) {
      context.addIssue({
        code: 'custom',
        input: metricSelect,
        message: `"${name}" is not a metric of the catalogue (GET /v2/metrics lists them; * globs and :categories select several).`,
      });
    }
  }),
);
