import { positiveIntFromEnv } from '../lib/env.js';

/** What one `npm run bench -- db` measures; the environment may shrink it for a quick or instrumented run. */
export interface DbSettings {
  /** The PostgreSQL database the fixture is created in and every contender connects to. */
  readonly url: string;
  readonly tableRows: number;
  readonly rounds: number;
  /** Untimed calls per session before the timed ones, per workload. */
  readonly warmup: { readonly bulk: number; readonly point: number };
  /** Timed calls per session and mode (sequential, then concurrent), per workload. */
  readonly calls: { readonly bulk: number; readonly point: number };
  /** Calls kept in flight at once on one session in the concurrent mode. */
  readonly concurrency: number;
  /** BENCH_DB_PROFILE=<dir>: the servers write CPU profiles there (distorts the timings). */
  readonly profileDir: string | undefined;
}

export const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

const STANDARD = {
  tableRows: 10_000,
  rounds: 7,
  warmup: { bulk: 50, point: 300 },
  calls: { bulk: 200, point: 1_000 },
  concurrency: 4,
} as const;

export function dbSettings(): DbSettings {
  const scale = positiveIntFromEnv('BENCH_DB_CALL_DIVISOR', 1);
  return {
    url: process.env.BENCH_DB_URL || DEFAULT_URL,
    tableRows: STANDARD.tableRows,
    rounds: positiveIntFromEnv('BENCH_DB_ROUNDS', STANDARD.rounds),
    warmup: {
      bulk: Math.max(5, Math.floor(STANDARD.warmup.bulk / scale)),
      point: Math.max(5, Math.floor(STANDARD.warmup.point / scale)),
    },
    calls: {
      bulk: Math.max(10, Math.floor(STANDARD.calls.bulk / scale)),
      point: Math.max(10, Math.floor(STANDARD.calls.point / scale)),
    },
    concurrency: positiveIntFromEnv('BENCH_DB_CONCURRENCY', STANDARD.concurrency),
    profileDir: process.env.BENCH_DB_PROFILE || undefined,
  };
}

/** Only a run with the standard settings, against the default database and unprofiled, is recorded. */
export function isStandard(s: DbSettings): boolean {
  return (
    s.url === DEFAULT_URL &&
    s.rounds === STANDARD.rounds &&
    s.calls.bulk === STANDARD.calls.bulk &&
    s.calls.point === STANDARD.calls.point &&
    s.concurrency === STANDARD.concurrency &&
    s.profileDir === undefined
  );
}
