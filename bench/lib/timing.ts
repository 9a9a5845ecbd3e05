import { performance } from 'node:perf_hooks';
import { summarize, type Timing } from './stats.js';

/** Runs `fn` once and returns its result with the wall-clock time it took, in milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** Runs `fn` `runs` times in sequence and returns each run's time and result. */
export async function repeat<T>(runs: number, fn: () => Promise<T>): Promise<{ ms: number; value: T }[]> {
  const results: { ms: number; value: T }[] = [];
  for (let i = 0; i < runs; i++) results.push(await timed(fn));
  return results;
}

export function formatMs(ms: number): string {
  if (ms >= 120_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/**
 * One untimed warm-up run, then `runs` timed ones. Every run's result goes through `check` (so a run that
 * returns something different fails loudly instead of being timed); returns the timings and the last result.
 */
export async function sample<T>(
  runs: number,
  fn: () => Promise<T>,
  check: (value: T) => void,
): Promise<{ timing: Timing; value: T }> {
  const warm = await fn();
  check(warm);
  const results = await repeat(runs, fn);
  for (const { value } of results) check(value);
  return { timing: summarize(results.map((r) => r.ms)), value: results.at(-1)?.value ?? warm };
}
