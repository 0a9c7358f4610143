import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { documentClient } from '../functions/core/store/table';

/**
 * Counts the DynamoDB requests the shared document client sends, by operation, with a
 * middleware on its stack: what the code really does, not what it is believed to do. On demand
 * it also asks DynamoDB for the capacity each request consumed (table and indexes), so the
 * per-request costs in docs/performance.md are read from DynamoDB Local, not estimated.
 */

const counts = new Map<string, number>();
let itemsReturned = 0;
const capacity = new Map<string, number>();
let meteringCapacity = false;
let installed = false;

/** Adds the counting and capacity middlewares to the shared document client (once per process). */
export function installRequestCounter(): void {
  if (installed) return;
  installed = true;
  documentClient().middlewareStack.add(
    (next, context) => async (args) => {
      if (!meteringCapacity) return next(args);
      // Only while metering: the figure asks DynamoDB for more than the code does.
      const result = await next({ ...args, input: { ...args.input, ReturnConsumedCapacity: 'TOTAL' } });
      const consumed = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
      const command = context.commandName ?? 'unknown';
      let units = [consumed ?? []].flat().reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
      // DynamoDB Local answers 2 units for a whole TransactWriteItems, whatever it holds; DynamoDB
      // bills 2 write units per item and KB. Counted as DynamoDB bills it, every item taken as
      // under 1 KB (ingest's transactions hold rollups and the lease, a few hundred bytes each).
      if (command === 'TransactWriteItemsCommand') {
        const items = (args.input as { TransactItems?: unknown[] }).TransactItems?.length ?? 0;
        units = Math.max(units, 2 * items);
      }
      capacity.set(command, (capacity.get(command) ?? 0) + units);
      return result;
    },
    // Initialize: the input is still the command's own, before it is serialized.
    { step: 'initialize', name: 'benchCapacityMeter' },
  );
  documentClient().middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const output = result.output as { Items?: unknown[]; Item?: unknown; Responses?: Record<string, unknown[]> };
      itemsReturned +=
        (output.Items?.length ?? 0) +
        (output.Item ? 1 : 0) +
        Object.values(output.Responses ?? {}).reduce((sum, items) => sum + items.length, 0);
      return result;
    },
    { step: 'initialize', name: 'benchItemCounter' },
  );
  documentClient().middlewareStack.add(
    (next, context) => async (args) => {
      counts.set(context.commandName ?? 'unknown', (counts.get(context.commandName ?? 'unknown') ?? 0) + 1);
      return next(args);
    },
    // Build runs once per operation (retries happen after it), which is what DynamoDB bills.
    { step: 'build', name: 'benchRequestCounter' },
  );
}

/** Requests sent since the last reset, by command name (`GetItemCommand`...). */
export function requestsByCommand(): Record<string, number> {
  return Object.fromEntries(counts);
}

export function totalRequests(): number {
  let total = 0;
  for (const count of counts.values()) total += count;
  return total;
}

export function resetRequestCounter(): void {
  counts.clear();
}

/**
 * Requests made by `run`, including fire-and-forget ones it starts: counting waits `settleMs`
 * after `run` resolves so that a write sent in the background is not missed.
 */
export async function requestsMadeBy(run: () => Promise<unknown>, settleMs = 30): Promise<number> {
  resetRequestCounter();
  await run();
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  return totalRequests();
}

/**
 * Capacity units (reads and writes, table and indexes, as DynamoDB reports them with
 * `ReturnConsumedCapacity: TOTAL`) consumed by `run`, by command name. Requests `run` starts in
 * the background are metered if they are sent within `settleMs` after it resolves.
 */
export async function capacityUsedBy(run: () => Promise<unknown>, settleMs = 30): Promise<Record<string, number>> {
  capacity.clear();
  meteringCapacity = true;
  try {
    await run();
    await new Promise((resolve) => setTimeout(resolve, settleMs));
  } finally {
    meteringCapacity = false;
  }
  return Object.fromEntries(capacity);
}

/** Items DynamoDB returned (Query `Items`, GetItem `Item`, BatchGetItem `Responses`) to the requests `run` made. */
export async function itemsReturnedBy(run: () => Promise<unknown>): Promise<number> {
  itemsReturned = 0;
  await run();
  return itemsReturned;
}
