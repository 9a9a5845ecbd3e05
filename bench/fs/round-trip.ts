import { performance } from 'node:perf_hooks';
import { openSession, type ServerSpec } from '../lib/mcp.js';
import { percentile } from '../lib/stats.js';

export interface RoundTrip {
  readonly calls: number;
  readonly p50: number;
  readonly p99: number;
}

/** The trivial call: no arguments, no I/O on the server's side. */
const TOOL = 'list_allowed_directories';

/** `calls` sequential calls of a trivial tool on one connection, after `warmup` untimed ones. */
async function roundTripOnce(spec: ServerSpec, warmup: number, calls: number): Promise<RoundTrip> {
  const session = await openSession(spec);
  try {
    await session.client.listTools();
    for (let i = 0; i < warmup; i++) await session.call(TOOL, {});
    const samples: number[] = [];
    for (let i = 0; i < calls; i++) {
      const start = performance.now();
      await session.call(TOOL, {});
      samples.push(performance.now() - start);
    }
    return { calls, p50: percentile(samples, 50), p99: percentile(samples, 99) };
  } finally {
    await session.close();
  }
}

/**
 * Steady-state round trips: `rounds` rounds in which every server in turn gets a fresh connection, `warmup`
 * untimed calls (so V8 has optimised the path) and `calls` timed ones. Alternating spreads the machine's drift
 * over all servers alike; each server's p50 and p99 are the medians of its rounds'.
 */
export async function measureRoundTrips(
  specs: readonly ServerSpec[],
  rounds: number,
  warmup: number,
  calls: number,
): Promise<RoundTrip[]> {
  const perSpec = specs.map((): RoundTrip[] => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, spec] of specs.entries()) perSpec[i]?.push(await roundTripOnce(spec, warmup, calls));
  }
  return perSpec.map((results) => ({
    calls: calls * rounds,
    p50: percentile(
      results.map((r) => r.p50),
      50,
    ),
    p99: percentile(
      results.map((r) => r.p99),
      50,
    ),
  }));
}
