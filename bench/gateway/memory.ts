import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningServer } from './servers.js';

/** One line written by memory-probe.mjs inside a server. Sizes in bytes. */
export interface MemorySample {
  /** Epoch milliseconds. */
  readonly t: number;
  /** True for a sample taken right after a full GC (asked for with SIGUSR2). */
  readonly gc: boolean;
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
}

const GC_SAMPLE_TIMEOUT_MS = 10_000;

function isSample(value: unknown): value is MemorySample {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return ['t', 'rss', 'heapUsed', 'heapTotal', 'external'].every((k) => typeof v[k] === 'number');
}

/** Every sample the server has written so far. */
export function memorySamples(server: RunningServer): MemorySample[] {
  if (!existsSync(server.memoryFile)) return [];
  const samples: MemorySample[] = [];
  for (const line of readFileSync(server.memoryFile, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const parsed: unknown = JSON.parse(line);
    if (isSample(parsed)) samples.push(parsed);
  }
  return samples;
}

/** Asks the server for a full GC and the memory left after it; waits for the sample to appear. */
export async function memoryAfterGc(server: RunningServer): Promise<MemorySample> {
  const before = memorySamples(server).filter((s) => s.gc).length;
  process.kill(server.pid, 'SIGUSR2');
  const deadline = Date.now() + GC_SAMPLE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    await sleep(20);
    const sample = memorySamples(server).filter((s) => s.gc)[before];
    if (sample) return sample;
  }
  throw new Error(`${server.label} did not report its memory within ${GC_SAMPLE_TIMEOUT_MS} ms of SIGUSR2`);
}
