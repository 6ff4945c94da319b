/**
 * Durations kept as fixed histogram buckets, so that percentiles can be read from aggregates that
 * are only ever added to (two histograms add bucket by bucket; a sample list would not fit in an
 * item). Bucket `i` holds the durations in (GROWTH^(i-1), GROWTH^i] seconds, bucket 0 those of at
 * most one second, the last one everything longer. A percentile is reported as its bucket's upper
 * bound: never below the true value and at most 20 % above it (GROWTH), from one second to about
 * 160 days (docs/reports.md, "Precision").
 */
export const GROWTH = 1.2;
export const LAST_BUCKET = 90;

export type Histogram = Readonly<Record<number, number>>;

export function bucketOf(seconds: number): number {
  if (!(seconds > 1)) return 0;
  // The epsilon keeps an exact bound (1.2^i) in its own bucket despite floating-point logs.
  const index = Math.ceil(Math.log(seconds) / Math.log(GROWTH) - 1e-9);
  return Math.min(index, LAST_BUCKET);
}

/** The largest duration a bucket holds, in whole seconds (rounded up, so still an upper bound). */
export function upperBoundOf(bucket: number): number {
  return Math.ceil(GROWTH ** bucket - 1e-9);
}

/**
 * The nearest-rank percentile (`p` in (0, 1]): the bucket of the ceil(p × n)-th smallest sample,
 * as that bucket's upper bound in seconds; undefined without samples.
 */
export function percentileOf(histogram: Histogram, p: number): number | undefined {
  const buckets = Object.entries(histogram)
    .map(([bucket, count]) => [Number(bucket), count] as const)
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => a - b);
  const total = buckets.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const [bucket, count] of buckets) {
    seen += count;
    if (seen >= rank) return upperBoundOf(bucket);
  }
  return undefined;
}

export function addHistograms(a: Histogram, b: Histogram): Record<number, number> {
  const sum: Record<number, number> = { ...a };
  for (const [bucket, count] of Object.entries(b)) sum[Number(bucket)] = (sum[Number(bucket)] ?? 0) + count;
  return sum;
}
