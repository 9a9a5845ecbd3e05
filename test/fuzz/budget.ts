import fc from 'fast-check';

/**
 * How many inputs a fuzz test tries. `npm test` tries the small number each test names; `npm run fuzz` sets
 * FUZZ_RUNS to try that many in every test instead (and FUZZ_SEED to replay a run).
 */
export function fuzzRuns(small: number): number {
  const raw = process.env.FUZZ_RUNS;
  if (raw === undefined || raw === '') return small;
  const runs = Number(raw);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`FUZZ_RUNS must be a positive integer, got "${raw}"`);
  return runs;
}

const MAX_REPORT_CHARS = 3_000;

/** fast-check's failure report with long inputs (a 50,000-deep document) cut, so the seed and the error show. */
function shortReport(details: fc.RunDetails<unknown>): void {
  if (!details.failed) return;
  const report = fc.defaultReportMessage(details) ?? 'the property failed';
  const cut = report.replace(
    /"(?:[^"\\]|\\.){400,}"/g,
    (text) => `${text.slice(0, 200)}…(${text.length} chars)"`,
  );
  throw new Error(cut.length > MAX_REPORT_CHARS ? `${cut.slice(0, MAX_REPORT_CHARS)}…` : cut, {
    cause: details.errorInstance,
  });
}

/** fast-check parameters for one fuzz test: its budget, the seed when one is given, and a readable report. */
export function fuzzParameters<T>(small: number): fc.Parameters<T> {
  const seed = process.env.FUZZ_SEED;
  return {
    numRuns: fuzzRuns(small),
    ...(seed ? { seed: Number(seed) } : {}),
    reporter: (details) => shortReport(details as fc.RunDetails<unknown>),
  };
}

/** A test's time limit: generous for the small budget, and room for the long one. */
export function fuzzTimeoutMs(small = 60_000): number {
  return process.env.FUZZ_RUNS ? 60 * 60_000 : small;
}

/** Longest any one input may take: a parser that needs more on a small input is a hang waiting for a big one. */
export const MAX_INPUT_MS = 1_000;

/**
 * Runs `work` on one input: anything it throws must be `own` (the parser's clear error), and it must finish
 * within MAX_INPUT_MS.
 */
export function onlyOwnErrors<T>(
  work: () => T,
  own: (error: unknown) => boolean,
  what: string,
): T | undefined {
  const start = performance.now();
  let result: T | undefined;
  try {
    result = work();
  } catch (error) {
    if (!own(error)) throw error;
  }
  const ms = performance.now() - start;
  if (ms > MAX_INPUT_MS)
    throw new Error(`${what} took ${ms.toFixed(0)} ms on one input (limit ${MAX_INPUT_MS} ms)`);
  return result;
}

/** The same for async work (a parser behind a promise). */
export async function onlyOwnErrorsAsync<T>(
  work: () => Promise<T>,
  own: (error: unknown) => boolean,
  what: string,
): Promise<T | undefined> {
  const start = performance.now();
  let result: T | undefined;
  try {
    result = await work();
  } catch (error) {
    if (!own(error)) throw error;
  }
  const ms = performance.now() - start;
  if (ms > MAX_INPUT_MS)
    throw new Error(`${what} took ${ms.toFixed(0)} ms on one input (limit ${MAX_INPUT_MS} ms)`);
  return result;
}
