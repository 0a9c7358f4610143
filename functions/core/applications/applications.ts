import { newId } from '../platform/ids';
import { auditEventPut, type Actor } from '../orgs/audit';
import { getOrgs } from '../orgs/orgs';
import { BadRequestError, ConflictError, NotFoundError, ServiceUnavailableError } from '../platform/errors';
import {
  GSI1,
  MAX_ATTEMPTS,
  backoff,
  batchGetAll,
  deleteNow,
  putNewItem,
  queryAll,
  queryPage,
  transact,
  updateItem,
  type ItemChanges,
  type Page,
  type StoredItem,
  type TransactItem,
} from '../store/table';
import { keyDeletes, keyFromItem, newKeyItems, type ApiKey, type IssuedKey } from './api-keys';
import { connectionDeletes, connectionFromItem, type Connection } from './connections';
import { applicationPartition } from './application-partition';
import { MAX_KEYS_PER_APPLICATION } from '../platform/limits';
import type { ConnectPolicy } from './connect-policy';
import { getDefaultApplicationLimits } from '../platform/config';

/**
 * Applications: software with its own identity, owned by one org.
 *
 * The application's partition `APP#<applicationId>` holds its whole aggregate, read with one
 * Query: the application item (SK `APP`), its key records (SK `KEY#<keyId>`) and the orgs that
 * connected it (SK `CONN#<orgId>`). GSI1 `OWNER#<orgId>` / `APP#<applicationId>` lists the
 * applications an org created.
 *
 * Every change to keys or connections bumps the application item's `version` in the same
 * transaction (optimistic lock), so the grant snapshots written onto key lookups (see
 * api-keys.ts) are always computed from a state no concurrent writer has changed.
 */

export interface Application {
  applicationId: string;
  name: string;
  ownerOrgId: string;
  createdAt: string;
  createdBy: string;
  /** Set by an admin of the owner org; absent: the stack's defaults (see application-limits.ts). */
  limits?: ApplicationLimits;
  /** Which orgs may connect it (absent on items written before it existed: `anyone`). */
  connectPolicy: ConnectPolicy;
  /** With `listed`: the orgs besides the owner that may connect it. */
  allowedOrgs?: string[];
}

/** Requests a second (steady rate), burst, and requests a UTC day, enforced by API Gateway. */
export interface ApplicationLimits {
  requestsPerSecond: number;
  burst: number;
  requestsPerDay: number;
}

export const applicationKey = (applicationId: string) => ({ PK: applicationPartition(applicationId), SK: 'APP' });

function toItem(application: Application): StoredItem & Application & { version: number } {
  return {
    ...applicationKey(application.applicationId),
    type: 'application',
    GSI1PK: `OWNER#${application.ownerOrgId}`,
    GSI1SK: `APP#${application.applicationId}`,
    ...application,
    version: 0,
  };
}

export function applicationFromItem(item: Record<string, unknown>): Application {
  const { applicationId, name, ownerOrgId, createdAt, createdBy, limits, connectPolicy, allowedOrgs } =
    item as unknown as Application;
  return {
    applicationId,
    name,
    ownerOrgId,
    createdAt,
    createdBy,
    ...(limits ? { limits } : {}),
    connectPolicy: connectPolicy ?? 'anyone',
    ...(connectPolicy === 'listed' ? { allowedOrgs: allowedOrgs ?? [] } : {}),
  };
}

/** An application with everything in its partition, as of one `version`. */
export interface ApplicationAggregate {
  application: Application;
  version: number;
  /** Set while a deletion is under way (see deleteApplication). */
  deletedAt?: string;
  keys: (ApiKey & { digest: string })[];
  connections: Connection[];
}

/**
 * Reads an application's partition (strongly consistent). An application being deleted reads
 * as absent unless `includeDeleted` (the deletion itself resumes from it).
 */
export async function loadApplication(applicationId: string, includeDeleted = false): Promise<ApplicationAggregate | undefined> {
  const items = await queryAll({ partition: applicationPartition(applicationId), consistent: true });
  const root = items.find((item) => item.SK === 'APP');
  if (!root || (root.deletedAt && !includeDeleted)) return undefined;
  return {
    application: applicationFromItem(root),
    version: root.version as number,
    ...(root.deletedAt ? { deletedAt: root.deletedAt as string } : {}),
    keys: items
      .filter((item) => String(item.SK).startsWith('KEY#'))
      .map((item) => ({ ...keyFromItem(item), digest: item.digest as string })),
    connections: items.filter((item) => String(item.SK).startsWith('CONN#')).map(connectionFromItem),
  };
}

/** Reads many applications by id; applications being deleted are left out. */
export async function getApplications(applicationIds: readonly string[]): Promise<Map<string, Application>> {
  const items = await batchGetAll(applicationIds.map(applicationKey));
  return new Map(
    items.filter((item) => !item.deletedAt).map((item) => [item.applicationId as string, applicationFromItem(item)]),
  );
}

/** One page of the applications an org created ("applications created by your organization"). */
export async function listApplicationsOwnedBy(orgId: string, limit: number, nextToken?: string): Promise<Page<Application>> {
  const page = await queryPage({ index: GSI1, partition: `OWNER#${orgId}`, limit, nextToken });
  return { ...page, items: page.items.map(applicationFromItem) };
}

/** Applications' partitions read at once when a listing summarizes them. */
const SUMMARY_CONCURRENCY = 8;

/**
 * One page of the applications an org created, each with what the console's table shows: how
 * many keys it has and which orgs connected it (by name). One Query of GSI1 for the page, one
 * Query per listed application's partition (its items are small: at most 20 keys and its
 * connections), `SUMMARY_CONCURRENCY` at a time, and one BatchGet of the connected orgs' names.
 */
export async function listApplicationSummariesOwnedBy(ownerOrgId: string, limit: number, nextToken?: string) {
  const page = await listApplicationsOwnedBy(ownerOrgId, limit, nextToken);
  const aggregates = new Map<string, ApplicationAggregate>();
  let next = 0;
  const worker = async () => {
    while (next < page.items.length) {
      const { applicationId } = page.items[next++]!;
      const aggregate = await loadApplication(applicationId);
      if (aggregate) aggregates.set(applicationId, aggregate);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SUMMARY_CONCURRENCY, page.items.length) }, worker));
  const orgIds = [...new Set([...aggregates.values()].flatMap((aggregate) => aggregate.connections.map(({ orgId }) => orgId)))];
  const orgs = await getOrgs(orgIds);
  return {
    ...page,
    // An application deleted between the two reads is left out.
    items: page.items.flatMap((application) => {
      const aggregate = aggregates.get(application.applicationId);
      if (!aggregate) return [];
      return [
        {
          ...application,
          keyCount: aggregate.keys.length,
          connections: aggregate.connections.map(({ orgId }) => ({ orgId, orgName: orgs.get(orgId)?.name ?? orgId })),
        },
      ];
    }),
  };
}

/** Creates an application and its first key in one transaction; the key's plaintext is returned once. */
export async function createApplication(
  ownerOrgId: string,
  name: string,
  actor: Actor,
  now = new Date(),
): Promise<{ application: Application; apiKey: IssuedKey }> {
  const application: Application = {
    applicationId: newId('application'),
    name,
    ownerOrgId,
    createdAt: now.toISOString(),
    createdBy: actor.id,
    connectPolicy: 'anyone',
  };
  const { items: keyItems, key } = newKeyItems(application, {}, [], now);
  await transact(
    [
      putNewItem(toItem(application)),
      ...keyItems,
      auditEventPut(ownerOrgId, actor, 'application.create', application.applicationId, { name, keyId: key.keyId }, now),
    ],
    () => new ConflictError('An application with this id already exists; retry.'),
  );
  return { application, apiKey: key };
}

/**
 * A change to an application's keys or connections, computed from its current aggregate.
 * `conflict` maps a failed condition of one of `items` (by index) to the error to answer.
 */
export interface ApplicationChange<T> {
  items: TransactItem[];
  result: T;
  conflict?: (failedIndexes: number[]) => Error;
  /** Changes to the application item itself, applied with the version bump (one write per item). */
  applicationUpdate?: Omit<ItemChanges, 'add'>;
}

class VersionConflict extends Error {}

/**
 * Applies a change under the application's optimistic lock: reads the aggregate, builds the
 * change, and commits it together with `version = version + 1` conditioned on the version read.
 * A concurrent writer makes the commit fail and the change is rebuilt from fresh state.
 */
export async function changeApplication<T>(
  applicationId: string,
  build: (aggregate: ApplicationAggregate) => ApplicationChange<T> | Promise<ApplicationChange<T>>,
  options: { includeDeleted?: boolean; ownedBy?: string } = {},
): Promise<T> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const aggregate = await loadApplication(applicationId, options.includeDeleted);
    if (!aggregate || (options.ownedBy && aggregate.application.ownerOrgId !== options.ownedBy)) {
      throw new NotFoundError('No such application in this org.');
    }
    const change = await build(aggregate);
    const bump = updateItem(
      applicationKey(applicationId),
      { ...change.applicationUpdate, add: { version: 1 } },
      { condition: '#version = :readVersion', names: { '#version': 'version' }, values: { ':readVersion': aggregate.version } },
    );
    try {
      await transact([bump, ...change.items], (failed) => {
        if (failed.includes(0)) return new VersionConflict();
        const own = failed.map((index) => index - 1);
        return change.conflict?.(own) ?? new ConflictError('The application changed while this request ran; retry.');
      });
      return change.result;
    } catch (error) {
      if (!(error instanceof VersionConflict)) throw error;
      await backoff(attempt);
    }
  }
  throw new ServiceUnavailableError(1);
}

/** Guards the per-application key limit, which keeps every grant-snapshot refresh in one transaction. */
export function assertRoomForKey(aggregate: ApplicationAggregate): void {
  if (aggregate.keys.length >= MAX_KEYS_PER_APPLICATION) {
    throw new ConflictError(`An application holds at most ${MAX_KEYS_PER_APPLICATION} keys; delete one first.`);
  }
}

/** An application of `ownerOrgId` with its keys (hints only), where it is connected and its limits in force; 404 for another org's. */
export async function describeApplication(ownerOrgId: string, applicationId: string) {
  const aggregate = await loadApplication(applicationId);
  if (!aggregate || aggregate.application.ownerOrgId !== ownerOrgId) throw new NotFoundError('No such application in this org.');
  const orgs = await getOrgs(aggregate.connections.map((connection) => connection.orgId));
  return {
    ...aggregate.application,
    keys: aggregate.keys.map(({ digest: _digest, ...key }) => key),
    connections: aggregate.connections.map(({ orgId, roles, datasourceIds, connectedAt, connectedBy }) => ({
      orgId,
      orgName: orgs.get(orgId)?.name ?? orgId,
      roles,
      ...(datasourceIds ? { datasourceIds } : {}),
      connectedAt,
      connectedBy,
    })),
    // The limits in force, as `limitsOf` (application-limits.ts) computes them: that module imports this one.
    limits: aggregate.application.limits ?? getDefaultApplicationLimits(),
    limitsAreDefaults: aggregate.application.limits === undefined,
  };
}

/** What the owner org's admins change on an application: its name, who may connect it, or both. */
export interface ApplicationChanges {
  name?: string;
  connectPolicy?: ConnectPolicy;
  allowedOrgs?: string[];
}

/**
 * Renames an application or changes who may connect it (owner org's admins), with one audit
 * event naming what changed. `allowedOrgs` goes with `listed` (sent with it, or when the policy is
 * `listed` already); another policy drops the list. Existing connections stay.
 */
export async function updateApplication(
  ownerOrgId: string,
  applicationId: string,
  changes: ApplicationChanges,
  actor: Actor,
  now = new Date(),
): Promise<Application> {
  return changeApplication(
    applicationId,
    ({ application }) => {
      const policy = changes.connectPolicy ?? application.connectPolicy;
      if (changes.allowedOrgs && policy !== 'listed') {
        throw new BadRequestError('allowedOrgs goes with connectPolicy "listed".', [
          { path: 'allowedOrgs', message: 'Only with connectPolicy "listed".' },
        ]);
      }
      const allowedOrgs = policy === 'listed' ? [...new Set(changes.allowedOrgs ?? application.allowedOrgs ?? [])] : undefined;
      const after: Application = {
        ...application,
        name: changes.name ?? application.name,
        connectPolicy: policy,
        ...(allowedOrgs ? { allowedOrgs } : {}),
      };
      if (!allowedOrgs) delete after.allowedOrgs;
      const renamed = after.name !== application.name;
      const policyChanged =
        after.connectPolicy !== application.connectPolicy || String(after.allowedOrgs) !== String(application.allowedOrgs);
      const policyOf = (app: Application) => ({
        connectPolicy: app.connectPolicy,
        ...(app.allowedOrgs ? { allowedOrgs: app.allowedOrgs } : {}),
      });
      return {
        applicationUpdate: {
          set: { name: after.name, connectPolicy: after.connectPolicy, ...(allowedOrgs ? { allowedOrgs } : {}) },
          ...(allowedOrgs ? {} : { remove: ['allowedOrgs'] }),
        },
        items: [
          ...(renamed || !policyChanged
            ? [
                auditEventPut(
                  ownerOrgId,
                  actor,
                  'application.update',
                  applicationId,
                  { from: application.name, to: after.name },
                  now,
                ),
              ]
            : []),
          ...(policyChanged
            ? [
                auditEventPut(
                  ownerOrgId,
                  actor,
                  'application.connectPolicy',
                  applicationId,
                  { from: policyOf(application), to: policyOf(after) },
                  now,
                ),
              ]
            : []),
        ],
        result: after,
      };
    },
    { ownedBy: ownerOrgId },
  );
}

/**
 * Deletes an application, designed for applications connected to many orgs:
 * 1. one transaction marks the application deleted (it drops out of every listing and read),
 *    deletes every key (so every key stops at once) and writes the owner org's event;
 * 2. each connection is removed in its own transaction, with an event in that org;
 * 3. the tombstone goes last.
 * If a step fails, what is left is invisible (readers skip tombstoned applications, and no key
 * resolves to it), and calling delete again resumes from where it stopped.
 */
export async function deleteApplication(
  ownerOrgId: string,
  applicationId: string,
  actor: Actor,
  now = new Date(),
): Promise<void> {
  const aggregate = await changeApplication(
    applicationId,
    (current) => ({
      applicationUpdate: current.deletedAt ? {} : { set: { deletedAt: now.toISOString() }, remove: ['GSI1PK', 'GSI1SK'] },
      items: [
        ...current.keys.flatMap((key) => keyDeletes(applicationId, key)),
        ...(current.deletedAt
          ? []
          : [
              auditEventPut(
                current.application.ownerOrgId,
                actor,
                'application.delete',
                applicationId,
                { name: current.application.name },
                now,
              ),
            ]),
      ],
      result: current,
    }),
    { includeDeleted: true, ownedBy: ownerOrgId },
  );
  for (const connection of aggregate.connections) {
    await transact(
      [
        ...connectionDeletes(connection),
        auditEventPut(connection.orgId, actor, 'connection.delete', applicationId, { reason: 'application deleted' }, now),
      ],
      () => new ConflictError('The application changed while it was being deleted; retry.'),
    );
  }
  await deleteNow(applicationKey(applicationId), { condition: 'attribute_exists(deletedAt)' });
}
