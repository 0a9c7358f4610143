import { newId } from './ids';
import { auditEventPut, type Actor } from './audit';
import { ConflictError } from './errors';
import { batchGetAll, putNew, queryPage, transact, type Page, type StoredItem } from './table';

/** Datasources: an org's sensors. Key: PK `ORG#<orgId>`, SK `DS#<datasourceId>`. */

export interface Location {
  lat: number;
  lon: number;
}

export interface Datasource {
  datasourceId: string;
  orgId: string;
  sourceType: string;
  name: string;
  group?: string;
  tags: string[];
  location?: Location;
  createdAt: string;
}

export interface NewDatasource {
  name: string;
  sourceType: string;
  group?: string;
  tags: string[];
  location?: Location;
}

export const datasourceKey = (orgId: string, datasourceId: string) => ({ PK: `ORG#${orgId}`, SK: `DS#${datasourceId}` });

function toItem(datasource: Datasource): StoredItem & Datasource {
  return { ...datasourceKey(datasource.orgId, datasource.datasourceId), type: 'datasource', ...datasource };
}

function fromItem(item: Record<string, unknown>): Datasource {
  const { datasourceId, orgId, sourceType, name, group, tags, location, createdAt } = item as unknown as Datasource;
  return {
    datasourceId,
    orgId,
    sourceType,
    name,
    ...(group !== undefined ? { group } : {}),
    tags: tags ?? [],
    ...(location ? { location } : {}),
    createdAt,
  };
}

export async function createDatasource(orgId: string, input: NewDatasource, actor: Actor, now = new Date()): Promise<Datasource> {
  const datasource: Datasource = { datasourceId: newId('datasource'), orgId, ...input, createdAt: now.toISOString() };
  await transact(
    [putNew(toItem(datasource)), auditEventPut(orgId, actor, 'datasource.create', datasource.datasourceId, { name: input.name }, now)],
    () => new ConflictError('A datasource with this id already exists; retry.'),
  );
  return datasource;
}

/** One page of an org's datasources, in id order. */
export async function listDatasources(orgId: string, limit: number, nextToken?: string): Promise<Page<Datasource>> {
  const page = await queryPage({ partition: `ORG#${orgId}`, sortKeyPrefix: 'DS#', limit, nextToken });
  return { ...page, items: page.items.map(fromItem) };
}

/** Reads the given datasources of an org, in id order; ids that are not there are absent. */
export async function getDatasources(orgId: string, datasourceIds: readonly string[]): Promise<Datasource[]> {
  const items = await batchGetAll(datasourceIds.map((id) => datasourceKey(orgId, id)));
  return items.map(fromItem).sort((a, b) => a.datasourceId.localeCompare(b.datasourceId));
}

/** Which of `datasourceIds` are datasources of the org. */
export async function findDatasourceIds(orgId: string, datasourceIds: readonly string[]): Promise<Set<string>> {
  return new Set((await getDatasources(orgId, datasourceIds)).map((datasource) => datasource.datasourceId));
}

/**
 * One page of the datasources a caller may see: the org's whole list for `'all'`, or only the
 * listed ones (a guest's grant, at most 100) read by key.
 */
export async function listVisibleDatasources(
  orgId: string,
  visible: 'all' | Set<string>,
  limit: number,
  nextToken?: string,
): Promise<Page<Datasource>> {
  if (visible === 'all') return listDatasources(orgId, limit, nextToken);
  return { items: await getDatasources(orgId, [...visible]) };
}
