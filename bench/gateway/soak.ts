import { setTimeout as sleep } from 'node:timers/promises';
import { percentile } from '../lib/stats.js';
import { auditLines } from './audit-log.js';
import { type MemorySample, memoryAfterGc, memorySamples } from './memory.js';
import { callsPerSecond, measurePhase } from './phase.js';
import type { RunningServer } from './servers.js';
import type { GatewaySettings } from './settings.js';

export interface Soak {
  readonly seconds: number;
  readonly clients: number;
  readonly calls: number;
  readonly callsPerSecond: number;
  /** Failed calls by kind, warm-up included. */
  readonly errors: ReadonlyMap<string, number>;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** After a full GC, once warmed up and then idle for SETTLE_MS, just before the soak. */
  readonly start: MemorySample;
  /** After a full GC one second before the end of the soak, all clients still calling. */
  readonly end: MemorySample;
  /** After a full GC, SETTLE_MS after the soak's last call was answered (the server idle again). */
  readonly settled: MemorySample;
  /** Highest values among the periodic samples taken during the soak (not after GC). */
  readonly peakRss: number;
  readonly peakHeapUsed: number;
  /** Periodic samples during the soak. */
  readonly samples: number;
  /**
   * One second before the end, under load: calls Rampart had answered over the whole run, and audit records on
   * disk by then (the others were still queued in memory).
   */
  readonly auditAtEnd: { readonly answered: number; readonly onDisk: number };
}

/** How long the server is left idle after the soak before its memory is read again. */
export const SETTLE_MS = 2000;

/**
 * `soakClients` keep-alive connections calling without pause for `soakSeconds`, after a warm-up on them. The
 * server's memory is read after a full GC before the soak (after SETTLE_MS idle), one second before its end (under load), and once it
 * has been idle for SETTLE_MS after it; and sampled every second in between.
 */
export async function measureSoak(
  server: RunningServer,
  root: string,
  auditLog: string,
  settings: GatewaySettings,
): Promise<Soak> {
  const ms = settings.soakSeconds * 1000;
  let start: MemorySample | undefined;
  let underLoad: Promise<{ end: MemorySample; auditAtEnd: Soak['auditAtEnd'] }> | undefined;
  let settled: MemorySample | undefined;
  const phase = await measurePhase(server, root, {
    clients: settings.soakClients,
    warmupMs: settings.soakWarmupSeconds * 1000,
    ms,
    between: async () => {
      await sleep(SETTLE_MS);
      start = await memoryAfterGc(server);
      underLoad = sleep(Math.max(0, ms - 1000)).then(async () => {
        const auditAtEnd = { answered: server.answered, onDisk: auditLines(auditLog) };
        return { end: await memoryAfterGc(server), auditAtEnd };
      });
    },
    after: async () => {
      await underLoad;
      await sleep(SETTLE_MS);
      settled = await memoryAfterGc(server);
    },
  });
  const late = await underLoad;
  if (!start || !late || !settled) throw new Error('the soak took no memory samples');
  const { end, auditAtEnd } = late;
  const from = start.t;
  const to = end.t;
  const during = memorySamples(server).filter((s) => !s.gc && s.t > from && s.t < to);
  const { measured } = phase;
  const latencies = measured.latencies.length > 0 ? measured.latencies : [Number.NaN];
  return {
    seconds: settings.soakSeconds,
    clients: settings.soakClients,
    calls: measured.ok,
    callsPerSecond: callsPerSecond(phase),
    errors: phase.errors,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
    start,
    end,
    settled,
    peakRss: Math.max(...[start, end, settled, ...during].map((s) => s.rss)),
    peakHeapUsed: Math.max(...[start, end, settled, ...during].map((s) => s.heapUsed)),
    samples: during.length,
    auditAtEnd,
  };
}
