import { processCpuMs } from './cpu.js';
import { ClientPool, mergeErrors, type PhaseResult } from './load.js';
import type { RunningServer } from './servers.js';

/** One measured phase on fresh connections, after untimed warm-up load on them. */
export interface MeasuredPhase {
  readonly warmup: PhaseResult;
  readonly measured: PhaseResult;
  /** Server CPU time during the measured phase, in milliseconds (undefined without /proc). */
  readonly serverCpuMs: number | undefined;
  /** Errors of both phases, by kind. */
  readonly errors: Map<string, number>;
}

export interface PhaseOptions {
  readonly clients: number;
  readonly warmupMs: number;
  readonly ms: number;
  /** Run on the idle server between warm-up and measurement, and after measurement (e.g. memory samples). */
  readonly between?: () => Promise<void>;
  readonly after?: () => Promise<void>;
}

/** Opens `clients` connections, loads them for `warmupMs` untimed, then for `ms` measured. */
export async function measurePhase(
  server: RunningServer,
  root: string,
  options: PhaseOptions,
): Promise<MeasuredPhase> {
  const pool = new ClientPool(server, options.clients, root);
  try {
    const warmup = await pool.run(options.warmupMs);
    await options.between?.();
    const cpuBefore = processCpuMs(server.pid);
    const measured = await pool.run(options.ms);
    const cpuAfter = processCpuMs(server.pid);
    await options.after?.();
    const serverCpuMs = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
    return { warmup, measured, serverCpuMs, errors: mergeErrors(warmup.errors, measured.errors) };
  } finally {
    pool.close();
  }
}

/** Successful calls per second of the measured phase. */
export const callsPerSecond = (phase: MeasuredPhase) => (phase.measured.ok * 1000) / phase.measured.elapsedMs;
