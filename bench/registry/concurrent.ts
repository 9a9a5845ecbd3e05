import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { RunningRegistry } from '../../src/registry-server/index.js';
import { percentile } from '../lib/stats.js';
import { send as call } from './rest.js';

export const CONCURRENT = { clients: [1, 8, 32], registrations: 1000, subjects: 4 } as const;

export interface ConcurrentResult {
  readonly clients: number;
  readonly registrations: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

/** Records any of which reads the others' data (every field but `id` optional): BACKWARD-compatible in any order. */
const evolvable = (tag: string) =>
  JSON.stringify({
    type: 'record',
    name: 'Value',
    namespace: 'bench',
    fields: [
      { name: 'id', type: 'long' },
      { name: `f_${tag}`, type: ['null', 'string'], default: null },
    ],
  });

/**
 * `registrations` distinct schemas registered by `clients` clients at once, alternating between the instances
 * (which share one database), over `subjects` BACKWARD subjects; then checks that every subject has dense
 * versions that both instances agree on, so a fast but wrong run is not reported.
 */
export async function measureConcurrentRegistration(
  instances: readonly [RunningRegistry, RunningRegistry],
  clients: number,
  registrations: number,
  subjects: number,
): Promise<ConcurrentResult> {
  const run = randomBytes(3).toString('hex');
  const names = Array.from({ length: subjects }, (_, s) => `concurrent-${run}-${s}`);
  for (const name of names)
    await call(`${instances[0].url}/config/${name}`, 'PUT', { compatibility: 'BACKWARD' });
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = next++; i < registrations; i = next++) {
        const instance = instances[i % 2] as RunningRegistry;
        const t = performance.now();
        await call(`${instance.url}/subjects/${names[i % subjects]}/versions`, 'POST', {
          schema: evolvable(`${run}_${i}`),
        });
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  for (const [s, name] of names.entries()) {
    const expected = Array.from({ length: Math.ceil((registrations - s) / subjects) }, (_, v) => v + 1).join(
      ',',
    );
    for (const instance of instances) {
      const versions = ((await call(`${instance.url}/subjects/${name}/versions`, 'GET')) as number[]).join(
        ',',
      );
      if (versions !== expected) throw new Error(`${name} has versions ${versions}, expected ${expected}`);
    }
  }
  return {
    clients,
    registrations,
    perSecond: registrations / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}
