import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { summarize, type Timing } from '../lib/stats.js';

const TIME = '/usr/bin/time';

export interface VersionCost {
  readonly wall: Timing;
  /** Peak resident memory in MB, when /usr/bin/time is there to tell. */
  readonly rssMb?: number;
}

/** `rampart --version`: spawn to exit, `runs` times after one untimed run. */
export function measureVersion(cli: string, runs: number): VersionCost {
  const once = () => {
    const start = performance.now();
    const done = spawnSync(process.execPath, [cli, '--version'], { stdio: ['ignore', 'pipe', 'pipe'] });
    if (done.status !== 0) throw new Error(`rampart --version failed: ${done.stderr}`);
    return performance.now() - start;
  };
  once();
  const samples = Array.from({ length: runs }, once);
  if (!existsSync(TIME)) return { wall: summarize(samples) };
  const timed = spawnSync(TIME, ['-f', '%M', process.execPath, cli, '--version'], { encoding: 'utf8' });
  const kb = Number(timed.stderr.trim().split('\n').pop());
  return { wall: summarize(samples), ...(Number.isFinite(kb) ? { rssMb: kb / 1024 } : {}) };
}
