import type { Timing } from '../lib/stats.js';

/** A measure that ran, ran out of time, or does not apply to that tool. */
export type Outcome =
  | { readonly kind: 'timed'; readonly timing: Timing }
  | { readonly kind: 'timeout'; readonly limitMs: number }
  | { readonly kind: 'n/a'; readonly reason: string };

export function timedOutcome(timing: Timing): Outcome {
  return { kind: 'timed', timing };
}
