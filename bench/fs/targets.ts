import type { Outcome } from './outcome.js';

export type Verdict = 'PASS' | 'MISS' | 'n/a';

export interface TargetCheck {
  readonly target: string;
  /** How the ratio is formed, e.g. `reference / Rampart`. */
  readonly ratio: string;
  readonly goal: string;
  readonly measured: string;
  readonly verdict: Verdict;
}

/** A timing for ratio purposes: exact, or a lower bound when the run hit its timeout. */
function value(outcome: Outcome): { ms: number; lowerBound: boolean } | undefined {
  if (outcome.kind === 'timed') return { ms: outcome.timing.median, lowerBound: false };
  if (outcome.kind === 'timeout') return { ms: outcome.limitMs, lowerBound: true };
  return undefined;
}

const times = (ratio: number) => `${ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}×`;

/** Target: `slow / fast` must be at least `factor` (e.g. search at least 10× faster than the reference). */
export function atLeastFaster(
  target: string,
  rampart: Outcome,
  other: Outcome,
  otherLabel: string,
  factor: number,
): TargetCheck {
  const base = { target, ratio: `${otherLabel} / Rampart`, goal: `≥ ${factor}×` };
  const r = value(rampart);
  const o = value(other);
  if (!r || !o || r.lowerBound) return { ...base, measured: 'n/a', verdict: 'n/a' };
  const ratio = o.ms / r.ms;
  return {
    ...base,
    measured: `${o.lowerBound ? '> ' : ''}${times(ratio)}`,
    verdict: ratio >= factor ? 'PASS' : o.lowerBound ? 'n/a' : 'MISS',
  };
}

/** Target: `Rampart / other` must be at most `factor` (e.g. within 3× of `find`; 1× means no slower). */
export function atMostSlower(
  target: string,
  rampart: Outcome,
  other: Outcome,
  otherLabel: string,
  factor: number,
): TargetCheck {
  const base = { target, ratio: `Rampart / ${otherLabel}`, goal: `≤ ${factor}×` };
  const r = value(rampart);
  const o = value(other);
  if (!r || !o || o.lowerBound) return { ...base, measured: 'n/a', verdict: 'n/a' };
  const ratio = r.ms / o.ms;
  return {
    ...base,
    measured: `${r.lowerBound ? '> ' : ''}${times(ratio)}`,
    verdict: ratio <= factor && !r.lowerBound ? 'PASS' : 'MISS',
  };
}
