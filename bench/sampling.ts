/**
 * Interleaved sampling: every figure of the bench is a ratio of two medians taken in the same
 * run, one sample of each side after the other (in a random order per pair), so that the load of
 * a shared machine weighs on both sides alike.
 */

/** The median of a list of numbers (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no samples');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Milliseconds `run` takes, measured with the monotonic high-resolution clock. */
export async function timeMillis(run: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * Rewrites one status line in place on a terminal (on stderr, so the table stays clean); when
 * stderr is not a terminal (CI, a log file), prints one line per finished stage instead.
 */
export function progress(label: string, done: number, total: number): void {
  if (!process.stderr.isTTY) {
    if (done === total) process.stderr.write(`[${label}] ${done}/${total}\n`);
    return;
  }
  process.stderr.write(`\r\x1b[K[${label}] ${done}/${total}`);
  if (done === total) process.stderr.write('\r\x1b[K');
}

export interface Comparison {
  /** Median of side A, in the unit its sampler returns. */
  a: number;
  b: number;
  /** a / b */
  ratio: number;
}

/**
 * Takes `count` samples of each side, interleaved, and compares their medians. A sampler returns
 * one measurement (usually milliseconds from `timeMillis`).
 */
export async function compareInterleaved(
  label: string,
  count: number,
  sampleA: () => Promise<number>,
  sampleB: () => Promise<number>,
): Promise<Comparison> {
  const { a, b } = await mediansInterleaved(label, count, { a: sampleA, b: sampleB });
  return { a, b, ratio: a / b };
}

/**
 * Takes `count` rounds of one sample of every side, in a random order per round, and returns
 * each side's median: for several ratios over one shared side, whose samples then serve each.
 */
export async function mediansInterleaved<Side extends string>(
  label: string,
  count: number,
  samplers: Record<Side, () => Promise<number>>,
): Promise<Record<Side, number>> {
  const sides = Object.keys(samplers) as Side[];
  const samples = new Map<Side, number[]>(sides.map((side) => [side, []]));
  for (let i = 0; i < count; i++) {
    const order = [...sides];
    for (let j = order.length - 1; j > 0; j--) {
      const k = Math.floor(Math.random() * (j + 1));
      [order[j], order[k]] = [order[k]!, order[j]!];
    }
    for (const side of order) samples.get(side)!.push(await samplers[side]());
    progress(label, i + 1, count);
  }
  return Object.fromEntries(sides.map((side) => [side, median(samples.get(side)!)])) as Record<Side, number>;
}
