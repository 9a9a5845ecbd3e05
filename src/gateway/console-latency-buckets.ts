/**
 * The latency buckets of the console's metrics history: logarithmic, four to a doubling from 62.5 µs to 65.5 s,
 * so a percentile read from them is an upper estimate at most 19 % above the true value.
 */

/** Latency buckets per doubling: neighbouring bounds are 2^(1/4) ≈ 1.19 apart, so a percentile is off by < 19 %. */
const PER_DOUBLING = 4;
/** The first bucket's upper bound is 2^-4 ms (62.5 µs); the last finite one's 2^16 ms (65.5 s). */
const FIRST_EXPONENT = -4;
const LAST_EXPONENT = 16;
/**
 * The upper bound of each latency bucket, in ms: bucket i holds the calls that took more than bound i-1 and at
 * most bound i (bucket 0 from 0). One more bucket, after these, holds the calls slower than the last bound.
 */
export const LATENCY_BOUNDS_MS: readonly number[] = Array.from(
  { length: (LAST_EXPONENT - FIRST_EXPONENT) * PER_DOUBLING + 1 },
  (_, i) => 2 ** (FIRST_EXPONENT + i / PER_DOUBLING),
);
/** Latency buckets in all: one per bound and one past the last. */
export const BUCKETS = LATENCY_BOUNDS_MS.length + 1;

/** The latency bucket a call of `ms` falls in. */
export function bucketOf(ms: number): number {
  if (!(ms > LATENCY_BOUNDS_MS[0]!)) return 0; // also NaN and negative durations
  let i = Math.min(
    BUCKETS - 1,
    Math.max(0, Math.ceil(Math.log2(ms) * PER_DOUBLING) - FIRST_EXPONENT * PER_DOUBLING),
  );
  // log2 is not exact at the bounds themselves: settle on the bucket whose (lower, upper] holds ms.
  while (i > 0 && ms <= LATENCY_BOUNDS_MS[i - 1]!) i--;
  while (i < BUCKETS - 1 && ms > LATENCY_BOUNDS_MS[i]!) i++;
  return i;
}

/**
 * The q-quantile (0 < q ≤ 1) of the calls in `buckets` by the nearest-rank rule, as the upper bound of the bucket
 * it falls in, but never more than the slowest call: the true value is at most this and more than the bucket's
 * lower bound. Null without calls.
 */
export function quantileOf(buckets: ArrayLike<number>, q: number, maxMs: number): number | null {
  let count = 0;
  for (let i = 0; i < buckets.length; i++) count += buckets[i] ?? 0;
  if (count === 0) return null;
  const rank = Math.max(1, Math.ceil(q * count));
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i] ?? 0;
    if (seen >= rank) return Math.min(LATENCY_BOUNDS_MS[i] ?? maxMs, maxMs);
  }
  return maxMs;
}
