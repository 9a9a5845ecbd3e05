import { median, percentile } from '../lib/stats.js';
import { mergeErrors } from './load.js';
import { callsPerSecond, measurePhase } from './phase.js';
import type { RunningServer } from './servers.js';
import type { GatewaySettings } from './settings.js';

/** One server's measured phase in one round. */
export interface Round {
  readonly callsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  /** Server CPU as a share of one core over the phase (1 = one core busy throughout). */
  readonly serverCpu: number | undefined;
  /** Server CPU time per successful call, in microseconds. */
  readonly cpuPerCallUs: number | undefined;
  /** The load generator's CPU as a share of one core. */
  readonly clientCpu: number;
  readonly calls: number;
}

export interface Throughput {
  readonly rounds: readonly Round[];
  /** Medians over the rounds. */
  readonly callsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly serverCpu: number | undefined;
  readonly cpuPerCallUs: number | undefined;
  readonly clientCpu: number;
  /** Every failed call, warm-ups included, by kind. */
  readonly errors: ReadonlyMap<string, number>;
}

function medianOf(rounds: readonly Round[], pick: (r: Round) => number | undefined): number | undefined {
  const values = rounds.map(pick).filter((v): v is number => v !== undefined);
  return values.length === rounds.length ? median(values) : undefined;
}

function summarize(rounds: readonly Round[], errors: ReadonlyMap<string, number>): Throughput {
  return {
    rounds,
    callsPerSecond: median(rounds.map((r) => r.callsPerSecond)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    serverCpu: medianOf(rounds, (r) => r.serverCpu),
    cpuPerCallUs: medianOf(rounds, (r) => r.cpuPerCallUs),
    clientCpu: median(rounds.map((r) => r.clientCpu)),
    errors,
  };
}

/**
 * The servers measured in turn (A B A B ...) for `rounds` rounds, so that drift on a shared machine falls on all
 * alike. Each server first gets one longer untimed warm-up; in each round it gets fresh connections, a short
 * untimed warm-up on them, then the measured phase. Results are the medians of the rounds.
 */
export async function measureThroughput(
  servers: readonly RunningServer[],
  root: string,
  settings: GatewaySettings,
  onRound: (round: number, server: RunningServer, result: Round) => void,
): Promise<Throughput[]> {
  const clients = settings.concurrency;
  const perServer = servers.map((): Round[] => []);
  const errors = servers.map((): Map<string, number> => new Map());
  for (const [i, server] of servers.entries()) {
    const warm = await measurePhase(server, root, {
      clients,
      warmupMs: settings.initialWarmupSeconds * 1000,
      ms: 0,
    });
    errors[i] = warm.errors;
  }
  for (let round = 1; round <= settings.rounds; round++) {
    for (const [i, server] of servers.entries()) {
      const phase = await measurePhase(server, root, {
        clients,
        warmupMs: settings.roundWarmupSeconds * 1000,
        ms: settings.roundSeconds * 1000,
      });
      const { measured } = phase;
      if (measured.latencies.length === 0)
        throw new Error(
          `${server.label}: no successful call in round ${round} (${[...phase.errors.keys()].join(', ')})`,
        );
      const result: Round = {
        callsPerSecond: callsPerSecond(phase),
        p50: percentile(measured.latencies, 50),
        p99: percentile(measured.latencies, 99),
        serverCpu: phase.serverCpuMs === undefined ? undefined : phase.serverCpuMs / measured.elapsedMs,
        cpuPerCallUs: phase.serverCpuMs === undefined ? undefined : (phase.serverCpuMs * 1000) / measured.ok,
        clientCpu: measured.clientCpuMs / measured.elapsedMs,
        calls: measured.ok,
      };
      perServer[i]?.push(result);
      errors[i] = mergeErrors(errors[i] ?? new Map(), phase.errors);
      onRound(round, server, result);
    }
  }
  return perServer.map((rounds, i) => summarize(rounds, errors[i] ?? new Map()));
}
