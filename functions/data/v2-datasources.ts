import type { Datasource } from '../core/datasources';
import type { V2Datasource } from './schemas';

/** A datasource as Clarity v2 shows it: annotations under `orgAnnotations`, `group` null when unset. */
export function toV2Datasource({ datasourceId, sourceType, name, group, tags, location, createdAt }: Datasource): V2Datasource {
  return {
    datasourceId,
    sourceType,
    orgAnnotations: { name, group: group ?? null, tags },
    ...(location ? { location } : {}),
    createdAt,
  };
}
