import {
  TransactionCanceledException,
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  QueryCommand,
  TransactWriteCommand,
  type BatchGetCommandOutput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ddb } from './dynamo';
import { getTableName } from './config';
import { BadRequestError, ServiceUnavailableError } from './errors';

/**
 * The single table: every entity lives under generic keys `PK`/`SK`, with one overloaded
 * global secondary index `GSI1` (`GSI1PK`/`GSI1SK`) for the reverse lookups. Each entity module
 * owns its key builders; docs/architecture.md lists them all with their access patterns.
 */
export { GSI1 } from './table-schema';
import { GSI1 } from './table-schema';

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

/** Attempts of a transaction that DynamoDB cancels for a conflict with another one in flight. */
const TRANSACTION_CONFLICT_ATTEMPTS = 3;

/** Cancellation reasons that say "try again later" rather than "this cannot be done". */
const RETRYABLE_CANCELLATIONS = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

/**
 * Runs a transaction. When it is cancelled because a condition failed, `onConditionFailed`
 * receives the index of each failed item and returns the error to throw (usually a
 * `ConflictError` or `NotFoundError` naming what was in the way). A cancellation for a
 * concurrent transaction on the same items is retried (the conditions still guard the outcome),
 * then answered 503.
 */
export async function transact(items: TransactItem[], onConditionFailed: (failedIndexes: number[]) => Error): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ddb.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw translateDynamoError(error);
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.flatMap((reason, index) => (reason.Code === 'ConditionalCheckFailed' ? [index] : []));
      if (failed.length > 0) throw onConditionFailed(failed);
      // A conflict with another transaction, or DynamoDB throttling the transaction (it cancels it
      // with ThrottlingError or ProvisionedThroughputExceeded as a reason): worth another try, then 503.
      if (!reasons.some((reason) => RETRYABLE_CANCELLATIONS.has(reason.Code ?? ''))) throw translateDynamoError(error);
      if (attempt === TRANSACTION_CONFLICT_ATTEMPTS) throw new ServiceUnavailableError(1);
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40 * attempt));
    }
  }
}

/** Network failures on the way to DynamoDB (after the SDK's own retries). */
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

/**
 * Maps "DynamoDB is unavailable" to the contract's 503 with `Retry-After`: throttling, a
 * server-side fault, a timeout or a network failure. Anything else passes through.
 */
export function translateDynamoError(error: unknown): unknown {
  if (
    error instanceof ProvisionedThroughputExceededException ||
    error instanceof ThrottlingException ||
    error instanceof RequestLimitExceeded
  ) {
    return new ServiceUnavailableError(1);
  }
  if (typeof error === 'object' && error !== null) {
    const { $fault, code, name, $metadata } = error as { $fault?: string; code?: string; name?: string; $metadata?: { httpStatusCode?: number } };
    // An SDK error without an HTTP status never got an answer from DynamoDB: the connection
    // failed after the SDK's retries. Its `code` can be lost on the way (the SDK wraps what it
    // does not recognise as an Error), so the missing status is the test, not the code alone.
    const unanswered = $metadata !== undefined && $metadata.httpStatusCode === undefined;
    if ($fault === 'server' || name === 'TimeoutError' || (code && NETWORK_ERROR_CODES.has(code)) || unanswered) {
      return new ServiceUnavailableError(1);
    }
  }
  return error;
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException;
}

/** An update that sets `fields` on an item that must exist (undefined values are left alone, null ones removed). */
export function setFields(Key: ItemKey, fields: Record<string, unknown>): TransactItem {
  const set = Object.keys(fields).filter((field) => fields[field] !== undefined && fields[field] !== null);
  const remove = Object.keys(fields).filter((field) => fields[field] === null);
  return {
    Update: {
      TableName: getTableName(),
      Key,
      UpdateExpression: [
        set.length ? `SET ${set.map((field) => `#${field} = :${field}`).join(', ')}` : '',
        remove.length ? `REMOVE ${remove.map((field) => `#${field}`).join(', ')}` : '',
      ]
        .join(' ')
        .trim(),
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: Object.fromEntries([...set, ...remove].map((field) => [`#${field}`, field])),
      ...(set.length ? { ExpressionAttributeValues: Object.fromEntries(set.map((field) => [`:${field}`, fields[field]])) } : {}),
    },
  };
}

/** Shorthand for a Put of a new item that must not exist yet. */
export function putNew(item: StoredItem): TransactItem {
  return { Put: { TableName: getTableName(), Item: item, ConditionExpression: 'attribute_not_exists(PK)' } };
}

/**
 * Page tokens are the base64url JSON of DynamoDB's LastEvaluatedKey. On the way back in, the
 * decoded key must belong to the partition the caller is allowed to read, so an edited token
 * can only ever page within that partition.
 */
export function encodePageToken(lastKey: Record<string, unknown> | undefined): string | undefined {
  return lastKey ? Buffer.from(JSON.stringify(lastKey)).toString('base64url') : undefined;
}

export function decodePageToken(
  token: string | undefined,
  expected: { attribute: string; value: string },
): Record<string, unknown> | undefined {
  if (token === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const key = decoded as Record<string, unknown> | undefined;
  const valid =
    typeof key === 'object' &&
    key !== null &&
    key[expected.attribute] === expected.value &&
    Object.values(key).every((value) => typeof value === 'string' && value.length <= 1024);
  if (!valid) throw new BadRequestError('nextToken is not a token this listing issued.');
  return key;
}

/** A page of results with the token for the next one, if any. */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/**
 * Reads many items by key with BatchGetItem, 100 keys per request, retrying unprocessed keys
 * with backoff. Missing items are simply absent from the result.
 */
export async function batchGetAll(keys: readonly ItemKey[]): Promise<Record<string, unknown>[]> {
  const table = getTableName();
  const found: Record<string, unknown>[] = [];
  const unique = [...new Map(keys.map((key) => [`${key.PK}|${key.SK}`, key])).values()];
  for (let start = 0; start < unique.length; start += 100) {
    let pending: Record<string, unknown>[] | undefined = unique
      .slice(start, start + 100)
      .map((key) => ({ PK: key.PK, SK: key.SK }));
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 25));
      if (attempt > 6) throw new ServiceUnavailableError(1);
      const result: BatchGetCommandOutput = await ddb.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending } } }));
      found.push(...(result.Responses?.[table] ?? []));
      pending = result.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return found;
}

export interface PageQuery {
  /** Query GSI1 instead of the table. */
  index?: typeof GSI1;
  /** The partition key value (PK, or GSI1PK with `index`). */
  partition: string;
  /** Only sort keys that start with this. */
  sortKeyPrefix?: string;
  limit: number;
  nextToken?: string;
  newestFirst?: boolean;
  /** Strongly consistent read (table only). */
  consistent?: boolean;
}

/** One page of a partition, with an opaque token that can only continue within that partition. */
export async function queryPage(query: PageQuery): Promise<Page<Record<string, unknown>>> {
  const [pk, sk] = query.index ? ['GSI1PK', 'GSI1SK'] : ['PK', 'SK'];
  const result = await ddb.send(
    new QueryCommand({
      TableName: getTableName(),
      IndexName: query.index,
      KeyConditionExpression: query.sortKeyPrefix ? `${pk} = :pk AND begins_with(${sk}, :prefix)` : `${pk} = :pk`,
      ExpressionAttributeValues: { ':pk': query.partition, ...(query.sortKeyPrefix ? { ':prefix': query.sortKeyPrefix } : {}) },
      ScanIndexForward: !query.newestFirst,
      Limit: query.limit,
      ConsistentRead: query.consistent,
      ExclusiveStartKey: decodePageToken(query.nextToken, { attribute: pk!, value: query.partition }),
    }),
  );
  return { items: result.Items ?? [], nextToken: encodePageToken(result.LastEvaluatedKey) };
}

/** The most items a listing answers at once when the caller asks for no `limit`. */
export const MAX_UNPAGED_ITEMS = 10_000;

/**
 * A listing as the caller asked for it: one page of `limit` items, or without `limit` the whole
 * list (read 1000 at a time), cut at `maxItems` with a `nextToken` to go on from.
 */
export async function readListing<T>(
  readPage: (limit: number, nextToken: string | undefined) => Promise<Page<T>>,
  request: { limit?: number; nextToken?: string },
  maxItems = MAX_UNPAGED_ITEMS,
): Promise<Page<T>> {
  if (request.limit !== undefined) return readPage(request.limit, request.nextToken);
  const items: T[] = [];
  let nextToken = request.nextToken;
  do {
    const page = await readPage(Math.min(1000, maxItems - items.length), nextToken);
    items.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken && items.length < maxItems);
  return { items, ...(nextToken ? { nextToken } : {}) };
}

/** Every item of a partition (paged through internally); for bounded partitions only. */
export async function queryAll(query: Omit<PageQuery, 'limit' | 'nextToken'>): Promise<Record<string, unknown>[]> {
  const { items } = await readListing((limit, nextToken) => queryPage({ ...query, limit, nextToken }), {}, Infinity);
  return items;
}
