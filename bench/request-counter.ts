import { ddb } from '../functions/core/dynamo';

/**
 * Counts the DynamoDB requests the shared document client sends, by operation, with a
 * middleware on its stack: what the code really does, not what it is believed to do.
 */

const counts = new Map<string, number>();
let installed = false;

/** Adds the counting middleware to `ddb` (once per process). */
export function installRequestCounter(): void {
  if (installed) return;
  installed = true;
  ddb.middlewareStack.add(
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
