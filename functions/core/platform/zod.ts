import { config } from 'zod/mini';
import { en } from 'zod/locales';

/**
 * The zod every schema of the API is written with: zod mini, the tree-shakable form, whose
 * functions a bundle keeps only when it uses them. Classic zod's chained methods hang every check
 * and the JSON Schema writer on each schema, which put about 70 KB into every route's bundle
 * (docs/performance.md, `bundle.maxRouteVsFloor`). The English messages are classic zod's
 * default, which the API's 400 `details` carry; mini leaves them to be configured, here, once.
 */
config(en());

export * from 'zod/mini';
