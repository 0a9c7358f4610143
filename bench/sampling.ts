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
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < count; i++) {
    if (Math.random() < 0.5) {
      a.push(await sampleA());
      b.push(await sampleB());
    } else {
      b.push(await sampleB());
      a.push(await sampleA());
    }
    progress(label, i + 1, count);
  }
  const [medianA, medianB] = [median(a), median(b)];
  return { a: medianA, b: medianB, ratio: medianA / medianB };
}
