/**
 * Clarity's source types (the Clarity API guide, "Per-Org Datasources summary": `sourceType` is
 * either `CLARITY_NODE` or `REFERENCE_SITE`). A new datasource takes one of them; datasources
 * stored before this rule may hold other text, which every CSV writer escapes
 * (air-quality/csv-wide.ts, `csvCell`). Pure: the schemas import it.
 */
export const SOURCE_TYPES = ['CLARITY_NODE', 'REFERENCE_SITE'] as const;
