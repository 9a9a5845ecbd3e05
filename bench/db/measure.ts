import { performance } from 'node:perf_hooks';
import { Prng } from '../lib/prng.js';
import { median, percentile } from '../lib/stats.js';
import type { Contender, ContenderKind, ContenderSpec } from './contenders.js';
import { ReplyChecker } from './replies.js';
import type { DbSettings } from './settings.js';
import type { Workload } from './workloads.js';

/** Timed calls of one session in one mode. */
interface Batch {
  readonly callsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
}

export interface ModeStats {
  /** Medians over the rounds. */
  readonly callsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  /** Each round's calls/s, to show the spread. */
  readonly rounds: readonly number[];
}

export interface ContenderStats {
  readonly sequential: ModeStats;
  readonly concurrent: ModeStats;
}

export type WorkloadStats = Readonly<Record<ContenderKind, ContenderStats>>;

/** Every contender gets the same statements in the same order. */
const SEED = 0xdb5eed;

async function timedCall(
  contender: Contender,
  workload: Workload,
  prng: Prng,
  checker: ReplyChecker,
): Promise<number> {
  const call = workload.next(prng);
  const start = performance.now();
  const reply = await contender.send(call.sql, workload.maxRows);
  const ms = performance.now() - start;
  checker.check(call.sql, reply, call.expected);
  return ms;
}

/**
 * `calls` calls with `inFlight` outstanding at a time on one session (1: strictly sequential). Latency is send
 * to reply; calls/s is calls over the batch's wall time. Each reply is checked after its timer stops.
 */
async function batch(
  contender: Contender,
  workload: Workload,
  calls: number,
  inFlight: number,
  checker: ReplyChecker,
): Promise<Batch> {
  const prng = new Prng(SEED);
  const samples: number[] = [];
  let issued = 0;
  const worker = async () => {
    while (issued < calls) {
      issued++;
      samples.push(await timedCall(contender, workload, prng, checker));
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - start) / 1000;
  return {
    callsPerSecond: calls / seconds,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
  };
}

/** One round of one contender: a fresh connection, warm-up, the sequential batch, the concurrent batch. */
async function round(
  spec: ContenderSpec,
  workload: Workload,
  settings: DbSettings,
): Promise<{ sequential: Batch; concurrent: Batch }> {
  const contender = await spec.open();
  try {
    const checker = new ReplyChecker();
    const calls = settings.calls[workload.key];
    await batch(contender, workload, settings.warmup[workload.key], 1, checker);
    const sequential = await batch(contender, workload, calls, 1, checker);
    const concurrent = await batch(contender, workload, calls, settings.concurrency, checker);
    return { sequential, concurrent };
  } finally {
    await contender.close();
  }
}

function summarize(batches: readonly Batch[]): ModeStats {
  const rounds = batches.map((b) => b.callsPerSecond);
  return {
    callsPerSecond: median(rounds),
    p50: median(batches.map((b) => b.p50)),
    p99: median(batches.map((b) => b.p99)),
    rounds,
  };
}

/**
 * One workload across all contenders in alternating rounds, so that the machine's drift falls on all of them
 * alike; each figure is the median of the rounds.
 */
export async function measureWorkload(
  specs: readonly ContenderSpec[],
  workload: Workload,
  settings: DbSettings,
): Promise<WorkloadStats> {
  const results = new Map<ContenderKind, { sequential: Batch[]; concurrent: Batch[] }>(
    specs.map((s) => [s.kind, { sequential: [], concurrent: [] }]),
  );
  for (let r = 0; r < settings.rounds; r++) {
    // Each round starts with the next contender (A B C D, B C D A, …), so no one always follows the same neighbour.
    const order = specs.map((_, i) => specs[(i + r) % specs.length] as ContenderSpec);
    for (const spec of order) {
      const { sequential, concurrent } = await round(spec, workload, settings);
      const mine = results.get(spec.kind);
      mine?.sequential.push(sequential);
      mine?.concurrent.push(concurrent);
      console.error(
        `  ${workload.key} round ${r + 1}/${settings.rounds} ${spec.label}: ` +
          `${sequential.callsPerSecond.toFixed(0)} calls/s sequential, ` +
          `${concurrent.callsPerSecond.toFixed(0)} calls/s × ${settings.concurrency} in flight`,
      );
    }
  }
  const stats = (kind: ContenderKind): ContenderStats => {
    const mine = results.get(kind);
    if (!mine) throw new Error(`no results for ${kind}`);
    return { sequential: summarize(mine.sequential), concurrent: summarize(mine.concurrent) };
  };
  return { rampart: stats('rampart'), reference: stats('reference'), sdk: stats('sdk'), pg: stats('pg') };
}
