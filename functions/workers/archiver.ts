import type { Context } from 'aws-lambda';
import { runArchiver } from '../core/archive/archiver';

/**
 * The archiver Lambda, run on a schedule (lib/report-resources.ts). It stops starting new
 * batches two minutes before its timeout; what is left is done by the next run.
 */
export async function handler(_event: unknown, context: Context): Promise<void> {
  const budgetMs = Math.max(10_000, context.getRemainingTimeInMillis() - 120_000);
  const run = await runArchiver({ budgetMs });
  console.log(JSON.stringify({ level: 'info', message: 'archiver run', ...run }));
}
