import { DynamoDBClient, QueryCommand, TransactionCanceledException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { convertToNative, marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type BatchGetCommandOutput,
  type BatchWriteCommandOutput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { getAwsRegion, getDynamoDbEndpoint, getTableName } from '../platform/config';
import { BadRequestError, ServiceUnavailableError } from '../platform/errors';
import { GSI1 } from './table-schema';
import { translateDynamoError } from './table-errors';
import { MAX_UNPAGED_ITEMS } from '../platform/limits';
import { sdkTimeouts } from '../platform/sdk-timeouts';
import { instrumented } from '../observability/client-instrumentation';

/**
 * THE table's vocabulary: the only module that talks to DynamoDB. Entity modules (orgs, people,
 * applications, ...) own their key builders and `toItem`/`fromItem`, and read and write through
 * these verbs: `getNow`, `putNow` / `putNowUnless`, `updateNow` (one update-expression builder,
 * under a guard), `deleteNow`; the transaction items `putNewItem` / `replaceItem` / `updateItem` /
 * `deleteItem` for `transact` (with conflict retry), the queries (`queryPage`, `queryAll`, and
 * `queryAttributeValues` for the one hot read, an answer's minutes, whose items come as DynamoDB
 * sends them, with `nativeOf` and `unmarshallItem` to make them values as the document client
 * would): one page read (`attributeValuePage`) and one paging loop (`readListing`) under all of
 * them. Then `batchGetAll`, `batchPutEach`, and one backoff policy (`MAX_ATTEMPTS`, `backoff`).
 *
 * The single table: every entity lives under generic keys `PK`/`SK`, with one overloaded global
 * secondary index `GSI1` (`GSI1PK`/`GSI1SK`) for the reverse lookups; docs/architecture.md lists
 * every key pattern and the module that owns it.
 */
export { GSI1 };

let client: DynamoDBDocumentClient | undefined;
/** The client the document client wraps (they share one middleware stack): every Query is sent by it. */
let baseClient: DynamoDBClient | undefined;

/**
 * The container's one document client, made on first use (not at module load), so the
 * environment it reads (`DYNAMODB_ENDPOINT` for DynamoDB Local) is the one in force when a
 * request runs. Exported for the bench's request counter only; code reads and writes through
 * the verbs below.
 */
export function documentClient(): DynamoDBDocumentClient {
  if (client) return client;
  const endpoint = getDynamoDbEndpoint();
  const base = new DynamoDBClient({
    // A hung table is answered 503 within the function's time, not waited on (sdk-timeouts.ts).
    ...sdkTimeouts('dynamodb'),
    ...(endpoint
      ? {
          endpoint,
          region: getAwsRegion() ?? 'local',
          // DynamoDB Local accepts any credentials; these keep the SDK from searching for real ones.
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {}),
  });
  // The document client wraps the (instrumented) base client; the queries send through the same one.
  baseClient = instrumented(base);
  client = DynamoDBDocumentClient.from(baseClient, { marshallOptions: { removeUndefinedValues: true } });
  return client;
}

export interface ItemKey {
  PK: string;
  SK: string;
}

/** Attributes of every stored item besides the entity's own. */
export interface StoredItem extends ItemKey {
  type: string;
  GSI1PK?: string;
  GSI1SK?: string;
}

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A condition a write must meet; `names`/`values` are its placeholders (`#x`, `:x`). */
export interface Guard {
  condition: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** The default guard of updates: the item must exist (an update never creates an item). */
export const ITEM_EXISTS: Guard = { condition: 'attribute_exists(PK)' };

// ---------------------------------------------------------------------------------------------
// One backoff policy

/** Attempts of anything retried: a transaction conflict, an optimistic lock, unprocessed batch items. */
export const MAX_ATTEMPTS = 5;

/** Waits before retry number `attempt` (1, 2, ...): exponential from 25 ms, with full jitter. */
export function backoff(attempt: number): Promise<void> {
  const ceiling = 25 * 2 ** Math.min(attempt, 6);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

// ---------------------------------------------------------------------------------------------
// Errors

// Read by the error middleware of every route, public ones included, so it lives without the client.
export { translateDynamoError };

// ---------------------------------------------------------------------------------------------
// Single items
//
// Names say which calls do I/O. A `…Now` verb sends one request to DynamoDB at once (`getNow`,
// `putNow`, `putNowUnless`, `updateNow`, `updateNowReturningOld`, `deleteNow`). An `…Item`
// builder sends nothing: it answers one item of a transaction for `transact` (`putNewItem`,
// `replaceItem`, `updateItem`, `deleteItem`). Every update, of either kind, is built by
// `updateRequest`.

/** One item by key, or undefined. `consistent` for a strongly consistent read. */
export async function getNow(key: ItemKey, { consistent = false } = {}): Promise<Record<string, unknown> | undefined> {
  const result = await documentClient().send(new GetCommand({ TableName: getTableName(), Key: key, ConsistentRead: consistent }));
  return result.Item;
}

/** A Put of a new item that must not exist yet (for `transact`). */
export function putNewItem(item: StoredItem): TransactItem {
  return { Put: { TableName: getTableName(), Item: item, ConditionExpression: 'attribute_not_exists(PK)' } };
}

/** A Put that replaces an item that must exist (for `transact`). */
export function replaceItem(item: StoredItem): TransactItem {
  return { Put: { TableName: getTableName(), Item: item, ConditionExpression: ITEM_EXISTS.condition } };
}

/** What an update changes. Field names may hold any character (they travel as placeholders). */
export interface ItemChanges {
  /** Fields to set; an `undefined` value is left alone, a `null` one removed. */
  set?: Record<string, unknown>;
  /**
   * Top-level numeric fields to add to (negative to subtract) with DynamoDB's `ADD`: a missing
   * field counts from 0, and concurrent additions commute (counters many writers move at once).
   */
  add?: Record<string, number>;
  /** Fields to remove. */
  remove?: readonly string[];
  /** String-set fields to add members to (DynamoDB's `ADD` of a set; a missing set starts empty). */
  addToSet?: Record<string, readonly string[]>;
  /** String-set fields to take members out of (DynamoDB's `DELETE`; a set left empty is removed). */
  removeFromSet?: Record<string, readonly string[]>;
}

/**
 * The guard of an update that may create its item: none (what a counter that the first writer
 * creates needs). Every other update has a guard, by default `ITEM_EXISTS`.
 */
export const UPSERT = 'upsert';

/** A field name that can be its own placeholder (`#count`, `:count`): DynamoDB's placeholder characters. */
const PLAIN_NAME = /^[A-Za-z0-9_]+$/;

type UpdateRequest = NonNullable<TransactItem['Update']>;

/**
 * THE update-expression builder, behind `updateItem`, `updateNow` and `updateNowReturningOld`:
 * `changes` as one UpdateExpression (SET, REMOVE, ADD of numbers and of set members, DELETE of
 * set members) under `guard`'s condition.
 *
 * A field with a plain name (letters, digits, `_`) is written through the placeholders `#field`
 * and `:field`, so a guard may name a field the update touches, and its new value, without
 * declaring them (`'#count < :max'`, `'lastUsedAt < :lastUsedAt'`); any other name (`org#o1#requests`)
 * gets numbered ones (`#f0`, `:f0`). A guard placeholder that means something else than the
 * update's is refused, never silently overridden.
 */
export function updateRequest(key: ItemKey, changes: ItemChanges, guard: Guard | typeof UPSERT = ITEM_EXISTS): UpdateRequest {
  const condition = guard === UPSERT ? undefined : guard;
  const fields = changes.set ?? {};
  const set = Object.keys(fields).filter((field) => fields[field] !== undefined && fields[field] !== null);
  const remove = [...Object.keys(fields).filter((field) => fields[field] === null), ...(changes.remove ?? [])];
  const add = Object.entries(changes.add ?? {});
  const addToSet = Object.entries(changes.addToSet ?? {});
  const removeFromSet = Object.entries(changes.removeFromSet ?? {});

  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const tokens = new Map<string, string>();
  // Numbered tokens skip every plain field name of the update and every placeholder of the guard.
  const reserved = new Set([
    ...[...set, ...remove, ...[...add, ...addToSet, ...removeFromSet].map(([field]) => field)].filter((f) => PLAIN_NAME.test(f)),
    ...[...Object.keys(condition?.names ?? {}), ...Object.keys(condition?.values ?? {})].map((p) => p.slice(1)),
  ]);
  let numbered = 0;
  /** The placeholder token of `field`: its own name when plain, else the next free `f<n>`. */
  const tokenOf = (field: string) => {
    let token = tokens.get(field);
    if (token === undefined) {
      if (PLAIN_NAME.test(field)) token = field;
      else {
        do token = `f${numbered++}`;
        while (reserved.has(token));
      }
      tokens.set(field, token);
      names[`#${token}`] = field;
    }
    return token;
  };
  const name = (field: string) => `#${tokenOf(field)}`;
  const value = (field: string, given: unknown) => {
    const placeholder = `:${tokenOf(field)}`;
    values[placeholder] = given;
    return placeholder;
  };

  const clauses = [
    set.length ? `SET ${set.map((field) => `${name(field)} = ${value(field, fields[field])}`).join(', ')}` : '',
    remove.length ? `REMOVE ${remove.map(name).join(', ')}` : '',
    add.length || addToSet.length
      ? `ADD ${[
          ...add.map(([field, amount]) => `${name(field)} ${value(field, amount)}`),
          ...addToSet.map(([field, members]) => `${name(field)} ${value(field, new Set(members))}`),
        ].join(', ')}`
      : '',
    removeFromSet.length
      ? `DELETE ${removeFromSet.map(([field, members]) => `${name(field)} ${value(field, new Set(members))}`).join(', ')}`
      : '',
  ];
  for (const [placeholder, field] of Object.entries(condition?.names ?? {})) {
    if (placeholder in names && names[placeholder] !== field) {
      throw new Error(
        `Guard placeholder ${placeholder} names ${field}, but the update writes ${names[placeholder]} as ${placeholder}.`,
      );
    }
    names[placeholder] = field;
  }
  for (const [placeholder, given] of Object.entries(condition?.values ?? {})) {
    if (placeholder in values) {
      throw new Error(`Guard placeholder ${placeholder} is also the update's value of ${placeholder.slice(1)}.`);
    }
    values[placeholder] = given;
  }
  return {
    TableName: getTableName(),
    Key: key,
    UpdateExpression: clauses.filter(Boolean).join(' '),
    ...(condition ? { ConditionExpression: condition.condition } : {}),
    ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
    ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
  };
}

/** An update of an item under `guard` (default: it must exist; `UPSERT`: none), for `transact`. */
export function updateItem(key: ItemKey, changes: ItemChanges, guard: Guard | typeof UPSERT = ITEM_EXISTS): TransactItem {
  return { Update: updateRequest(key, changes, guard) };
}

/** A Delete, optionally under a guard, for `transact`. */
export function deleteItem(key: ItemKey, guard?: Guard): TransactItem {
  return {
    Delete: {
      TableName: getTableName(),
      Key: { PK: key.PK, SK: key.SK },
      ...(guard
        ? {
            ConditionExpression: guard.condition,
            ...(guard.names ? { ExpressionAttributeNames: guard.names } : {}),
            ...(guard.values ? { ExpressionAttributeValues: guard.values } : {}),
          }
        : {}),
    },
  };
}

/** DynamoDB's refusal of a single-item write whose condition did not hold (with the item, when asked for). */
type ConditionRefusal = Error & { Item?: Record<string, AttributeValue> };

/**
 * THE catch of a refused condition: answers what `write` resolves to, or `onRefused(refusal)`
 * when DynamoDB refused it because its condition did not hold (nothing was written). Any other
 * error passes through. (A transaction reports its refusals otherwise: see `transact`.)
 */
async function unlessRefused<T, R>(write: () => Promise<T>, onRefused: (refusal: ConditionRefusal) => R): Promise<T | R> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return onRefused(error);
    throw error;
  }
}

/**
 * An update written at once, under `guard` (default: the item must exist; `UPSERT`: none, so a
 * missing item is created).
 * @returns false when the guard refused it (nothing written)
 */
export async function updateNow(
  key: ItemKey,
  changes: ItemChanges,
  guard: Guard | typeof UPSERT = ITEM_EXISTS,
): Promise<boolean> {
  return unlessRefused(
    async () => {
      await documentClient().send(new UpdateCommand(updateRequest(key, changes, guard)));
      return true;
    },
    () => false,
  );
}

/**
 * An update sent once, for a write that a resend could apply twice (an `ADD` others may add to as
 * well): `applied` when DynamoDB applied it at the SDK's first attempt, `refused` when `guard`
 * refused it, `uncertain` when the SDK had to send it again or DynamoDB refused it for the moment
 * (throttled, a timeout, a server fault: applied once, twice or not at all). Other errors throw.
 */
export async function updateOnce(
  key: ItemKey,
  changes: ItemChanges,
  guard: Guard | typeof UPSERT = ITEM_EXISTS,
): Promise<'applied' | 'refused' | 'uncertain'> {
  try {
    return await unlessRefused(
      async () => {
        const answer = await documentClient().send(new UpdateCommand(updateRequest(key, changes, guard)));
        return (answer.$metadata.attempts ?? 1) > 1 ? ('uncertain' as const) : ('applied' as const);
      },
      () => 'refused' as const,
    );
  } catch (error) {
    const translated = translateDynamoError(error);
    if (translated instanceof ServiceUnavailableError) return 'uncertain';
    throw translated;
  }
}

/**
 * An update written at once, answering what the fields it changed held before it (empty for a
 * new item; with `whole`, every field of the item before it), or false when the guard refused
 * it (nothing written).
 */
export async function updateNowReturningOld(
  key: ItemKey,
  changes: ItemChanges,
  guard: Guard | typeof UPSERT = ITEM_EXISTS,
  { whole = false }: { whole?: boolean } = {},
): Promise<Record<string, unknown> | false> {
  return unlessRefused(
    async () => {
      const request = { ...updateRequest(key, changes, guard), ReturnValues: whole ? 'ALL_OLD' : 'UPDATED_OLD' } as const;
      const answer = await documentClient().send(new UpdateCommand(request));
      return answer.Attributes ?? {};
    },
    () => false as const,
  );
}

/**
 * Puts an item at once unless `guard` refuses it.
 * @returns undefined when written, else the item in the way (nothing written)
 */
export async function putNowUnless(item: StoredItem, guard: Guard): Promise<Record<string, unknown> | undefined> {
  return unlessRefused(
    async () => {
      await documentClient().send(
        new PutCommand({
          TableName: getTableName(),
          Item: item,
          ConditionExpression: guard.condition,
          ...(guard.names ? { ExpressionAttributeNames: guard.names } : {}),
          ...(guard.values ? { ExpressionAttributeValues: guard.values } : {}),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return undefined;
    },
    // The document client does not unmarshall the item an error carries.
    ({ Item }) => (Item ? unmarshall(Item) : {}),
  );
}

/** Puts an item at once, replacing whatever is there (for content-addressed or idempotent items). */
export async function putNow(item: StoredItem): Promise<void> {
  await documentClient().send(new PutCommand({ TableName: getTableName(), Item: item }));
}

/**
 * A delete written at once, optionally under a guard.
 * @returns false when the guard refused it (nothing deleted)
 */
export async function deleteNow(key: ItemKey, guard?: Guard): Promise<boolean> {
  return unlessRefused(
    async () => {
      await documentClient().send(new DeleteCommand(deleteItem(key, guard).Delete!));
      return true;
    },
    () => false,
  );
}

// ---------------------------------------------------------------------------------------------
// Retries of single writes

/**
 * Runs `write` again, with `backoff`, while DynamoDB answers that it is unavailable (throttling,
 * a server fault, a timeout: whatever `translateDynamoError` makes a 503), up to MAX_ATTEMPTS,
 * then throws that 503. Only for writes that are safe to repeat: an unavailable answer may come
 * after DynamoDB applied the write (a timeout), so `write` must be idempotent (a put of the same
 * item, or a guarded `ADD` that refuses to count the same change twice).
 */
export async function retryWhileUnavailable<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      const translated = translateDynamoError(error);
      if (!(translated instanceof ServiceUnavailableError) || attempt >= MAX_ATTEMPTS) throw translated;
      await backoff(attempt);
    }
  }
}

/**
 * Runs `task` for every entry with at most `concurrency` in flight, in order of start; rejects
 * with the first failure once the tasks in flight settled. For many small writes at once (an
 * `ADD` per touched hour and day), which must stay within the client's sockets.
 */
export async function eachInParallel<T>(
  entries: readonly T[],
  concurrency: number,
  task: (entry: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < entries.length && !failure) {
      const entry = entries[next++]!;
      try {
        await task(entry);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker));
  if (failure) throw failure.error;
}

// ---------------------------------------------------------------------------------------------
// Transactions

/**
 * Runs a transaction. When it is cancelled because a condition failed, `onConditionFailed`
 * receives the index of each failed item and returns the error to throw (usually a
 * `ConflictError` or `NotFoundError` naming what was in the way). A cancellation for a
 * concurrent transaction on the same items is retried with `backoff` (the conditions still
 * guard the outcome), then answered 503.
 */
/** Cancellation reasons that say "try again later" rather than "this cannot be done". */
const RETRYABLE_CANCELLATIONS = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

export async function transact(items: TransactItem[], onConditionFailed: (failedIndexes: number[]) => Error): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await documentClient().send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw translateDynamoError(error);
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.flatMap((reason, index) => (reason.Code === 'ConditionalCheckFailed' ? [index] : []));
      if (failed.length > 0) throw onConditionFailed(failed);
      // A conflict with another transaction, or DynamoDB throttling the transaction (it cancels it
      // with ThrottlingError or ProvisionedThroughputExceeded as a reason): worth another try, then 503.
      if (!reasons.some((reason) => RETRYABLE_CANCELLATIONS.has(reason.Code ?? ''))) throw translateDynamoError(error);
      if (attempt >= MAX_ATTEMPTS) throw new ServiceUnavailableError(1);
      await backoff(attempt);
    }
  }
}

/** DynamoDB's limit of items in one transaction. */
export const MAX_TRANSACTION_ITEMS = 100;

/**
 * A transaction sent at once, and not retried here, for writes a resend must not apply twice (`ADD`s):
 * `clientRequestToken` makes DynamoDB apply it once however often it is sent (the SDK's own
 * retries send the same request, within DynamoDB's 10 minutes of idempotence).
 * @returns `applied`; `cancelled` when DynamoDB cancelled it (nothing written: `failed` lists the
 * items whose condition failed, empty for a conflict or throttling); `uncertain` when DynamoDB was
 * unavailable (a timeout, a server fault: applied or not). Other errors throw.
 */
export async function transactOnce(
  items: TransactItem[],
  clientRequestToken: string,
): Promise<{ outcome: 'applied' | 'uncertain' } | { outcome: 'cancelled'; failed: number[] }> {
  try {
    await documentClient().send(new TransactWriteCommand({ TransactItems: items, ClientRequestToken: clientRequestToken }));
    return { outcome: 'applied' };
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const reasons = error.CancellationReasons ?? [];
      return {
        outcome: 'cancelled',
        failed: reasons.flatMap((reason, index) => (reason.Code === 'ConditionalCheckFailed' ? [index] : [])),
      };
    }
    const translated = translateDynamoError(error);
    if (translated instanceof ServiceUnavailableError) return { outcome: 'uncertain' };
    throw translated;
  }
}

// ---------------------------------------------------------------------------------------------
// Batches

const keyOf = (item: Record<string, unknown>) => JSON.stringify([item.PK, item.SK]);

/**
 * Reads many items by key with BatchGetItem, 100 keys per request, retrying unprocessed keys
 * with `backoff`. Missing items are simply absent from the result.
 */
export async function batchGetAll(
  keys: readonly ItemKey[],
  { consistent = false, concurrency = 1 }: { consistent?: boolean; concurrency?: number } = {},
): Promise<Record<string, unknown>[]> {
  const table = getTableName();
  const found: Record<string, unknown>[] = [];
  const unique = [...new Map(keys.map((key) => [keyOf({ ...key }), key])).values()];
  const chunks: ItemKey[][] = [];
  for (let start = 0; start < unique.length; start += 100) chunks.push(unique.slice(start, start + 100));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      let pending: Record<string, unknown>[] | undefined = chunks[next++]!.map((key) => ({ PK: key.PK, SK: key.SK }));
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt >= MAX_ATTEMPTS) throw new ServiceUnavailableError(1);
        if (attempt > 0) await backoff(attempt);
        const result: BatchGetCommandOutput = await documentClient().send(
          new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ...(consistent ? { ConsistentRead: true } : {}) } } }),
        );
        found.push(...(result.Responses?.[table] ?? []));
        pending = result.UnprocessedKeys?.[table]?.Keys;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, chunks.length)) }, worker));
  return found;
}

/**
 * Writes many items with BatchWriteItem, 25 per request and `concurrency` calls in flight,
 * retrying unprocessed ones with `backoff`; not atomic, so callers write idempotent items. It never
 * throws for DynamoDB's refusals: it answers the entries that were written and the error (503 for
 * throttling or unprocessed items after `MAX_ATTEMPTS`) that stopped the others, so that a
 * caller can account for exactly what was written before it fails.
 */
export async function batchPutEach<T>(
  entries: readonly T[],
  toItem: (entry: T, sentAt: string) => StoredItem,
  { concurrency = 1 } = {},
): Promise<{ written: T[]; failure?: unknown }> {
  const table = getTableName();
  const chunks: T[][] = [];
  for (let start = 0; start < entries.length; start += 25) chunks.push(entries.slice(start, start + 25));
  const written: T[] = [];
  let failure: unknown;
  let next = 0;
  const worker = async () => {
    while (next < chunks.length && failure === undefined) {
      let pending = chunks[next++]!;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= MAX_ATTEMPTS) {
          failure ??= new ServiceUnavailableError(1);
          return;
        }
        if (attempt > 0) await backoff(attempt);
        const sentAt = new Date().toISOString();
        const items = pending.map((entry) => toItem(entry, sentAt));
        let result: BatchWriteCommandOutput;
        try {
          result = await documentClient().send(
            new BatchWriteCommand({ RequestItems: { [table]: items.map((Item) => ({ PutRequest: { Item } })) } }),
          );
        } catch (error) {
          failure ??= translateDynamoError(error);
          return;
        }
        const unprocessed = new Set(
          (result.UnprocessedItems?.[table] ?? []).map((request) => keyOf(request.PutRequest?.Item ?? {})),
        );
        written.push(...pending.filter((_entry, index) => !unprocessed.has(keyOf({ ...items[index]! }))));
        pending = pending.filter((_entry, index) => unprocessed.has(keyOf({ ...items[index]! })));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker));
  return { written, ...(failure !== undefined ? { failure } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Queries: one page, and the one paging loop

/**
 * Page tokens are the base64url JSON of DynamoDB's LastEvaluatedKey. On the way back in, the
 * decoded key is validated against the query it is presented to, so an altered token is 400 and
 * never reaches DynamoDB as a key it would refuse (a 500): exactly the key attributes of the table
 * or index queried, each a non-empty string within DynamoDB's key sizes, the partition the caller
 * may read, and a sort key inside the query's condition (its prefix or range). What an altered
 * token can still do is start the caller's own listing at another position of it.
 */
export function encodePageToken(lastKey: Record<string, unknown> | undefined): string | undefined {
  return lastKey ? Buffer.from(JSON.stringify(lastKey)).toString('base64url') : undefined;
}

/** What a page token must match: the query it continues. */
export interface PageTokenQuery {
  index?: typeof GSI1;
  partition: string;
  sortKeyPrefix?: string;
  between?: readonly [string, string];
}

/** DynamoDB's limits on key attribute values, in UTF-8 bytes: 2048 for a partition key, 1024 for a sort key. */
const MAX_PARTITION_KEY_BYTES = 2048;
const MAX_SORT_KEY_BYTES = 1024;

export function decodePageToken(token: string | undefined, query: PageTokenQuery): Record<string, unknown> | undefined {
  if (token === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = /^[A-Za-z0-9_-]+$/.test(token) ? JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) : undefined;
  } catch {
    decoded = undefined;
  }
  if (!isPageKeyOf(decoded, query)) throw new BadRequestError('nextToken is not a token this listing issued.');
  return decoded;
}

function isPageKeyOf(decoded: unknown, query: PageTokenQuery): decoded is Record<string, string> {
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) return false;
  const key = decoded as Record<string, unknown>;
  const [pk, sk] = query.index ? ['GSI1PK', 'GSI1SK'] : ['PK', 'SK'];
  const attributes = query.index ? ['PK', 'SK', 'GSI1PK', 'GSI1SK'] : ['PK', 'SK'];
  const names = Object.keys(key);
  if (names.length !== attributes.length || !attributes.every((name) => names.includes(name))) return false;
  const sized = (value: unknown, limit: number) => typeof value === 'string' && value !== '' && Buffer.byteLength(value) <= limit;
  if (!attributes.every((name) => sized(key[name], name.endsWith('PK') ? MAX_PARTITION_KEY_BYTES : MAX_SORT_KEY_BYTES))) {
    return false;
  }
  const sortKey = key[sk] as string;
  return (
    key[pk] === query.partition &&
    (query.sortKeyPrefix === undefined || sortKey.startsWith(query.sortKeyPrefix)) &&
    (query.between === undefined || (sortKey >= query.between[0] && sortKey <= query.between[1]))
  );
}

/** A page of results with the token for the next one, if any. */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export interface PageQuery {
  /** Query GSI1 instead of the table. */
  index?: typeof GSI1;
  /** The partition key value (PK, or GSI1PK with `index`). */
  partition: string;
  /** Only sort keys that start with this. */
  sortKeyPrefix?: string;
  /** Only sort keys from `between[0]` to `between[1]`, both included. */
  between?: readonly [string, string];
  /** A filter DynamoDB applies after reading (read items count against `limit`, returned ones do not). */
  filter?: { expression: string; values: Record<string, unknown> };
  /** At most this many items read; `Infinity`: as many as fit in DynamoDB's 1 MB page. */
  limit: number;
  nextToken?: string;
  newestFirst?: boolean;
  /** Strongly consistent read (table only). */
  consistent?: boolean;
  /**
   * Only these attributes of each item (a ProjectionExpression, every name a placeholder: many are
   * reserved words). DynamoDB bills the whole item all the same; what it sends, and what this
   * process decodes, parses and walks, is only these.
   */
  attributes?: readonly string[];
}

/** A read of only `attributes`: a ProjectionExpression whose every name is a placeholder (many are reserved words). */
export function projectionOf(attributes: readonly string[]) {
  return {
    ProjectionExpression: attributes.map((_name, index) => `#p${index}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(attributes.map((name, index) => [`#p${index}`, name])),
  };
}

/** The Query a `PageQuery` is (its values native, as the document client takes them). */
function queryInput(query: PageQuery) {
  const [pk, sk] = query.index ? ['GSI1PK', 'GSI1SK'] : ['PK', 'SK'];
  const sortCondition = query.sortKeyPrefix
    ? ` AND begins_with(${sk}, :prefix)`
    : query.between
      ? ` AND ${sk} BETWEEN :from AND :to`
      : '';
  return {
    TableName: getTableName(),
    IndexName: query.index,
    KeyConditionExpression: `${pk} = :pk${sortCondition}`,
    ...(query.filter ? { FilterExpression: query.filter.expression } : {}),
    ...(query.attributes ? projectionOf(query.attributes) : {}),
    ExpressionAttributeValues: {
      ':pk': query.partition,
      ...(query.sortKeyPrefix ? { ':prefix': query.sortKeyPrefix } : {}),
      ...(query.between ? { ':from': query.between[0], ':to': query.between[1] } : {}),
      ...query.filter?.values,
    },
    ScanIndexForward: !query.newestFirst,
    Limit: Number.isFinite(query.limit) ? query.limit : undefined,
    ConsistentRead: query.consistent,
  };
}

/** An item as DynamoDB sends it: attribute values by name. */
export type AttributeValues = Record<string, AttributeValue>;

/**
 * The value of one attribute as the document client unmarshalls it. A number, the most common
 * value of a hot read, is read directly; the SDK's rule holds (an integer beyond 2^53 is a BigInt
 * or an error, never a rounded number), and anything else is the SDK's own conversion.
 */
export function nativeOf(attribute: AttributeValue): unknown {
  if (attribute.N !== undefined) {
    const number = Number(attribute.N);
    if (number <= Number.MAX_SAFE_INTEGER && number >= Number.MIN_SAFE_INTEGER) return number;
  }
  return convertToNative(attribute);
}

/** A whole item as the document client unmarshalls it. */
export const unmarshallItem = (item: AttributeValues): Record<string, unknown> => unmarshall(item);

/**
 * THE page read: one page of a partition as DynamoDB sends it (attribute values, not
 * unmarshalled), with an opaque token that can only continue within that partition. Every query
 * goes through it, sent by the client the document client wraps (same middlewares, retries and
 * timeouts): the document client would walk every attribute of every item twice to unmarshall
 * them (its middleware, then `unmarshall`), and the one hot read, an answer's minutes
 * (../measurements/measurements.ts), makes its items into values in one pass instead
 * (docs/performance.md). The token holds the key as the document client gave it, as it always did.
 */
async function attributeValuePage(query: PageQuery): Promise<Page<AttributeValues>> {
  documentClient();
  const input = queryInput(query);
  const startKey = decodePageToken(query.nextToken, query);
  const result = await baseClient!.send(
    new QueryCommand({
      ...input,
      ExpressionAttributeValues: marshall(input.ExpressionAttributeValues, { removeUndefinedValues: true }),
      ExclusiveStartKey: startKey && marshall(startKey),
    }),
  );
  const lastKey = result.LastEvaluatedKey;
  return { items: result.Items ?? [], nextToken: encodePageToken(lastKey && unmarshallItem(lastKey)) };
}

/** One page of a partition, with an opaque token that can only continue within that partition. */
export async function queryPage(query: PageQuery): Promise<Page<Record<string, unknown>>> {
  const page = await attributeValuePage(query);
  return { items: page.items.map(unmarshallItem), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
}

/**
 * THE paging loop. A listing as the caller asked for it: one page of `limit` items, or without
 * `limit` the whole list read `pageSize` at a time, cut at `maxItems` with a `nextToken` to go on from.
 */
export async function readListing<T>(
  readPage: (limit: number, nextToken: string | undefined) => Promise<Page<T>>,
  request: { limit?: number; nextToken?: string },
  maxItems = MAX_UNPAGED_ITEMS,
  pageSize = 1000,
): Promise<Page<T>> {
  if (request.limit !== undefined) return readPage(request.limit, request.nextToken);
  const items: T[] = [];
  let nextToken = request.nextToken;
  do {
    const page = await readPage(Math.min(pageSize, maxItems - items.length), nextToken);
    for (const item of page.items) items.push(item);
    nextToken = page.nextToken;
  } while (nextToken && items.length < maxItems);
  return { items, ...(nextToken ? { nextToken } : {}) };
}

/**
 * Up to `maxItems` items of a query (all of them with `Infinity`), page after page as large as
 * DynamoDB makes them, as DynamoDB sends them: attribute values, not unmarshalled. For the one hot
 * read, an answer's minutes, whose module makes its items into values in one pass.
 */
export async function queryAttributeValues(
  query: Omit<PageQuery, 'limit' | 'nextToken'>,
  maxItems = Infinity,
): Promise<AttributeValues[]> {
  const { items } = await readListing(
    (limit, nextToken) => attributeValuePage({ ...query, limit, nextToken }),
    {},
    maxItems,
    Infinity,
  );
  return items;
}

/**
 * Up to `maxItems` items of a query (all of them with `Infinity`), read page after page as large
 * as DynamoDB makes them, each unmarshalled as the document client does. For bounded partitions,
 * or with a bound.
 */
export async function queryAll(
  query: Omit<PageQuery, 'limit' | 'nextToken'>,
  maxItems = Infinity,
): Promise<Record<string, unknown>[]> {
  return (await queryAttributeValues(query, maxItems)).map(unmarshallItem);
}
