import { performance } from 'node:perf_hooks';
import { openSession } from '../lib/mcp.js';
import { percentile } from '../lib/stats.js';
import type { Contender } from './contenders.js';

/** p50 of `calls` sequential trivial calls on one fresh connection, after `warmup` untimed ones. */
export async function trivialP50(contender: Contender, warmup: number, calls: number): Promise<number> {
  const session = await openSession(contender.spec);
  const call = contender.call;
  const once = call.kind === 'ping' ? () => session.client.ping() : () => session.call(call.name, call.args);
  try {
    await session.client.listTools();
    for (let i = 0; i < warmup; i++) await once();
    const samples: number[] = [];
    for (let i = 0; i < calls; i++) {
      const start = performance.now();
      await once();
      samples.push(performance.now() - start);
    }
    return percentile(samples, 50);
  } finally {
    await session.close();
  }
}
