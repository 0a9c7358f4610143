import { newId } from '../platform/ids';
import { auditEventPut, type Actor } from '../orgs/audit';
import { BadRequestError, ConflictError, NotFoundError } from '../platform/errors';
import {
  ITEM_EXISTS,
  batchGetAll,
  deleteItem,
  getNow,
  putNewItem,
  queryPage,
  transact,
  updateItem,
  type Page,
  type StoredItem,
} from '../store/table';

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
    [
      putNewItem(toItem(datasource)),
      auditEventPut(orgId, actor, 'datasource.create', datasource.datasourceId, { name: input.name }, now),
    ],
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

/** 400 unless every id in `datasourceIds` is a datasource of the org (guest grants name only real ones). */
export async function assertDatasourcesExist(orgId: string, datasourceIds: readonly string[] | undefined): Promise<void> {
  if (!datasourceIds || datasourceIds.length === 0) return;
  const found = new Set((await getDatasources(orgId, datasourceIds)).map((datasource) => datasource.datasourceId));
  const missing = datasourceIds.flatMap((id, index) =>
    found.has(id) ? [] : [{ path: `datasourceIds.${index}`, message: `${id} is not a datasource of this org.` }],
  );
  if (missing.length > 0) throw new BadRequestError('Some datasourceIds are not datasources of this org.', missing);
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

/** Edits a datasource's annotations (name, group, tags); 404 when it is not the org's. */
export async function updateDatasourceAnnotations(
  orgId: string,
  datasourceId: string,
  changes: { name?: string; group?: string; tags?: string[] },
  actor: Actor,
  now = new Date(),
): Promise<Datasource> {
  const fields = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
  await transact(
    [
      updateItem(datasourceKey(orgId, datasourceId), { set: fields }),
      auditEventPut(orgId, actor, 'datasource.update', datasourceId, fields, now),
    ],
    () => new NotFoundError('No such datasource in this org.'),
  );
  const datasource = await getDatasource(orgId, datasourceId, true);
  if (!datasource) throw new NotFoundError('No such datasource in this org.');
  return datasource;
}

/**
 * Retires a datasource: it leaves the org's listings and the data API at once (reads, ingest
 * and queries answer 404 for it), and its measurements expire with the retention window. Guest
 * grants that listed it simply stop seeing it.
 */
export async function retireDatasource(orgId: string, datasourceId: string, actor: Actor, now = new Date()): Promise<void> {
  const existing = await getDatasource(orgId, datasourceId, true);
  if (!existing) throw new NotFoundError('No such datasource in this org.');
  await transact(
    [
      deleteItem(datasourceKey(orgId, datasourceId), ITEM_EXISTS),
      auditEventPut(orgId, actor, 'datasource.retire', datasourceId, { name: existing.name }, now),
    ],
    () => new NotFoundError('No such datasource in this org.'),
  );
}

/** One datasource of an org, or undefined. */
export async function getDatasource(orgId: string, datasourceId: string, consistent = false): Promise<Datasource | undefined> {
  const item = await getNow(datasourceKey(orgId, datasourceId), { consistent });
  return item ? fromItem(item) : undefined;
}
