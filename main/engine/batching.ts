// Length buckets: rows sorted by length and cut into batches whose padding stays small, so a batch of short
// sentences never pays for one long paragraph.

export interface BatchLimits {
  /** Rows per batch. */
  maxRows: number;
  /** Rows x padded length per batch (bounds activation memory). */
  maxTokens: number;
  /** The longest row may be at most this many times the shortest (plus 8 tokens of slack). */
  maxSpread: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = { maxRows: 8, maxTokens: 8192, maxSpread: 1.25 };
/**
 * On a GPU a forward costs nearly the same for 8 rows as for 64 (a Dream-7B shape on an H200: 45 ms at (1, 600),
 * 130 ms at (32, 128); bench/RESULTS.md), so rows per forward are what buys throughput.
 */
export const GPU_BATCH_LIMITS: BatchLimits = { maxRows: 64, maxTokens: 16384, maxSpread: 1.25 };

/** Groups row indices into batches by `lengths`; every row lands in exactly one batch, rows in a batch in order. */
export function lengthBuckets(lengths: readonly number[], limits: BatchLimits = DEFAULT_BATCH_LIMITS): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b] || a - b);
  const batches: number[][] = [];
  let current: number[] = [];
  for (const row of order) {
    const shortest = current.length > 0 ? lengths[current[0]] : lengths[row];
    const fits =
      current.length < limits.maxRows &&
      (current.length + 1) * lengths[row] <= limits.maxTokens &&
      lengths[row] <= shortest * limits.maxSpread + 8;
    if (current.length > 0 && !fits) {
      batches.push(current);
      current = [];
    }
    current.push(row);
  }
  if (current.length > 0) batches.push(current);
  return batches.map((batch) => batch.sort((a, b) => a - b));
}
