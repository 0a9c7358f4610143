import type { Datasource } from '../datasources/datasources';
import type { V2Datasource, V2DatasourceDetails, V2DatasourceSummary } from './v2-schemas';

/**
 * Datasources as Clarity v2 lists and details them.
 *
 * Sources: Clarity API guide, "Per-Org Datasources summary"
 * (https://api-guide.clarity.io/v2/datasources/per-org-datasources-summary): each listed datasource
 * has `datasourceId, currentSubscriptionId, currentSourceId, sourceType, orgAnnotations {name,
 * group (null when none), tags}`. "Per-Datasource details" (https://api-guide.clarity.io/v2/per-datasource-details):
 * `datasourceId, sourceType, currentSourceId, nameProvidedBySourceOperator, openData,
 * orgAnnotations` (an array of org-specific annotations), and for Clarity nodes `sourceHistory,
 * accessToMeasurements, subscriptionHistory`; the public client a2gov/clarityio reads the answer
 * under a `datasource` key.
 *
 * Datagate has no devices or subscriptions of its own: a datasource is its own source and its
 * org holds it by one subscription since its creation. So `currentSourceId` (`src_...`) and
 * `currentSubscriptionId` (`sub_...`) are derived from the datasource id: stable, unique, and
 * the same in every answer; the histories have one entry each, from `createdAt`, open-ended.
 */

const idBody = (datasourceId: string) => datasourceId.replace(/^ds_/, '');

/** The source "installed" in a datasource: Datagate's stable stand-in for Clarity's device id. */
export const currentSourceId = (datasourceId: string) => `src_${idBody(datasourceId)}`;
/** The org's subscription to a datasource: Datagate's stable stand-in for Clarity's subscription id. */
export const currentSubscriptionId = (datasourceId: string) => `sub_${idBody(datasourceId)}`;

const annotations = ({ name, group, tags }: Datasource) => ({ name, group: group ?? null, tags });

/** A datasource as the listing shows it. */
export function toV2DatasourceSummary(datasource: Datasource): V2DatasourceSummary {
  return {
    datasourceId: datasource.datasourceId,
    currentSubscriptionId: currentSubscriptionId(datasource.datasourceId),
    currentSourceId: currentSourceId(datasource.datasourceId),
    sourceType: datasource.sourceType,
    orgAnnotations: annotations(datasource),
  };
}

/** A datasource as Datagate's PATCH answers it: the summary, plus `location` and `createdAt`. */
export function toV2Datasource(datasource: Datasource): V2Datasource {
  return {
    ...toV2DatasourceSummary(datasource),
    ...(datasource.location ? { location: datasource.location } : {}),
    createdAt: datasource.createdAt,
  };
}

/** The per-datasource details answer, wrapped in `datasource` as Clarity answers it. */
export function toV2DatasourceDetails(datasource: Datasource): V2DatasourceDetails {
  const isReferenceSite = datasource.sourceType === 'REFERENCE_SITE';
  const since = datasource.createdAt;
  return {
    datasource: {
      datasourceId: datasource.datasourceId,
      sourceType: datasource.sourceType,
      currentSourceId: currentSourceId(datasource.datasourceId),
      currentSubscriptionId: currentSubscriptionId(datasource.datasourceId),
      openData: { isOpen: false },
      orgAnnotations: [{ org: datasource.orgId, ...annotations(datasource) }],
      ...(isReferenceSite
        ? {}
        : {
            sourceHistory: [{ sourceId: currentSourceId(datasource.datasourceId), startTime: since }],
            accessToMeasurements: [{ startTime: since }],
            subscriptionHistory: [
              {
                subscriptionId: currentSubscriptionId(datasource.datasourceId),
                subscriptionType: 'licensed',
                timePeriodStart: since,
              },
            ],
          }),
      ...(datasource.location ? { location: datasource.location } : {}),
      createdAt: since,
    },
  };
}
