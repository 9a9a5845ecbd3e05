import { performance } from 'node:perf_hooks';
import { openSession, type ServerSpec } from '../lib/mcp.js';
import { summarize, type Timing } from '../lib/stats.js';

/** Spawn, MCP handshake and a completed tools/list, in ms; the server is then closed. */
async function coldStartOnce(spec: ServerSpec): Promise<number> {
  const start = performance.now();
  const session = await openSession(spec);
  try {
    const { tools } = await session.client.listTools();
    const ms = performance.now() - start;
    if (tools.length === 0) throw new Error(`${spec.label} listed no tools`);
    return ms;
  } finally {
    await session.close();
  }
}

/**
 * Cold start of each server: one untimed warm-up each, then `runs` rounds that start the servers in turn,
 * so that drift on the machine affects both alike.
 */
export async function measureColdStart(specs: readonly ServerSpec[], runs: number): Promise<Timing[]> {
  for (const spec of specs) await coldStartOnce(spec);
  const samples = specs.map((): number[] => []);
  for (let run = 0; run < runs; run++) {
    for (const [i, spec] of specs.entries()) samples[i]?.push(await coldStartOnce(spec));
  }
  return samples.map(summarize);
}
