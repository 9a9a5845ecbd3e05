import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { summarize, type Timing } from '../lib/stats.js';

const TIME = '/usr/bin/time';

export interface VersionCost {
  readonly wall: Timing;
  /** `node -e 0` timed the same way in the same runs, alternating: the floor no CLI on Node can go under. */
  readonly emptyNode: Timing;
  /** Peak resident memory in MB, when /usr/bin/time is there to tell. */
  readonly rssMb?: number;
}

function spawnTime(args: readonly string[]): number {
  const start = performance.now();
  const done = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  if (done.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${done.stderr}`);
  return performance.now() - start;
}

/** `rampart --version` and an empty `node`: spawn to exit, alternating, `runs` times each after one untimed run. */
export function measureVersion(cli: string, runs: number): VersionCost {
  const version = [cli, '--version'];
  const empty = ['-e', '0'];
  spawnTime(version);
  spawnTime(empty);
  const samples: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < runs; i++) {
    samples.push(spawnTime(version));
    floor.push(spawnTime(empty));
  }
  const timings = { wall: summarize(samples), emptyNode: summarize(floor) };
  if (!existsSync(TIME)) return timings;
  const timed = spawnSync(TIME, ['-f', '%M', process.execPath, ...version], { encoding: 'utf8' });
  const kb = Number(timed.stderr.trim().split('\n').pop());
  return { ...timings, ...(Number.isFinite(kb) ? { rssMb: kb / 1024 } : {}) };
}
