/** Latency statistics over samples (microseconds). */

/** The q-quantile (0..1) of sorted samples, nearest rank. */
export function quantile(sorted: Float64Array | readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/** Median and p99 of samples (the array is sorted in place). */
export function summarize(samples: Float64Array): { medianUs: number; p99Us: number } {
  samples.sort();
  return { medianUs: round(quantile(samples, 0.5)), p99Us: round(quantile(samples, 0.99)) };
}

/** Rounds to 0.01. */
export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
