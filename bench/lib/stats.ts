/** Summary of repeated timings, in milliseconds. */
export interface Timing {
  readonly samples: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

function sorted(values: readonly number[]): number[] {
  if (values.length === 0) throw new Error('no samples');
  return [...values].sort((a, b) => a - b);
}

/** Nearest-rank percentile (p in 0..100) of the values. */
export function percentile(values: readonly number[], p: number): number {
  const ordered = sorted(values);
  const rank = Math.min(ordered.length, Math.max(1, Math.ceil((p / 100) * ordered.length)));
  return ordered[rank - 1] as number;
}

export function median(values: readonly number[]): number {
  const ordered = sorted(values);
  const mid = Math.floor(ordered.length / 2);
  const upper = ordered[mid] as number;
  return ordered.length % 2 === 1 ? upper : ((ordered[mid - 1] as number) + upper) / 2;
}

export function summarize(samples: readonly number[]): Timing {
  const ordered = sorted(samples);
  return {
    samples,
    median: median(ordered),
    min: ordered[0] as number,
    max: ordered[ordered.length - 1] as number,
  };
}
