import os from 'node:os';
import { ensureBuilt } from '../lib/build.js';
import { describeMachine } from '../lib/machine.js';
import { writeSection } from '../lib/markdown.js';
import { BENCHMARKS_FILE } from '../lib/paths.js';
import { describeRevision } from '../lib/provenance.js';
import { measureColdStart } from './cold-start.js';
import { measureGrep } from './grep.js';
import { measureGrowth } from './growth.js';
import { type FsResults, renderReport } from './report.js';
import { measureRoundTrips } from './round-trip.js';
import { measureSearch } from './search.js';
import { fsServers } from './servers.js';
import { ensureTree } from './tree.js';

const DEFAULT_FILES = 100_000;

const RUNS = {
  coldStart: 7,
  roundTripRounds: 5,
  roundTripWarmup: 500,
  roundTripCalls: 2000,
  rampartSearch: 5,
  referenceSearch: 3,
  commands: 5,
  timeoutMs: 10 * 60_000,
  growthSizes: [1_000, 3_000, 10_000, 30_000],
  growthRuns: 3,
} as const;

function fileCount(): number {
  const raw = process.env.BENCH_FS_FILES;
  if (raw === undefined || raw === '') return DEFAULT_FILES;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 100)
    throw new Error(`BENCH_FS_FILES must be an integer ≥ 100, got "${raw}"`);
  return n;
}

/**
 * Rampart's fs server against the reference server and find / grep -r on one generated tree. Writes the
 * `## fs` section of BENCHMARKS.md only for the standard tree and without profiling, so that a quick or
 * instrumented run never replaces the recorded numbers.
 */
export async function run(_args: readonly string[]): Promise<void> {
  const files = fileCount();
  const cli = await ensureBuilt();
  const tree = ensureTree(files);
  const servers = fsServers(cli, tree.root);
  const date = new Date().toISOString();
  const machine = describeMachine();

  console.error('cold start ...');
  const [rampartStart, referenceStart, floorStart] = await measureColdStart(
    [servers.rampart, servers.reference, servers.sdkFloor],
    RUNS.coldStart,
  );
  if (!rampartStart || !referenceStart || !floorStart) throw new Error('cold start returned no timings');

  console.error('round trip ...');
  const [rampartTrip, referenceTrip, floorTrip] = await measureRoundTrips(
    [servers.rampart, servers.reference, servers.sdkFloor],
    RUNS.roundTripRounds,
    RUNS.roundTripWarmup,
    RUNS.roundTripCalls,
  );
  if (!rampartTrip || !referenceTrip || !floorTrip) throw new Error('round trip returned no results');
  const roundTrip = { rampart: rampartTrip, reference: referenceTrip, sdkFloor: floorTrip };

  console.error('search_files ...');
  const search = await measureSearch(servers, tree, {
    rampartRuns: RUNS.rampartSearch,
    referenceRuns: RUNS.referenceSearch,
    findRuns: RUNS.commands,
    timeoutMs: RUNS.timeoutMs,
  });

  console.error('grep ...');
  const grep = await measureGrep(servers, tree, {
    rampartRuns: RUNS.rampartSearch,
    grepRuns: RUNS.commands,
    timeoutMs: RUNS.timeoutMs,
  });

  console.error('growth: search_files and grep on smaller trees ...');
  const growth =
    files === DEFAULT_FILES
      ? await measureGrowth(
          cli,
          { sizes: RUNS.growthSizes, runs: RUNS.growthRuns, timeoutMs: RUNS.timeoutMs },
          { files, search, grep },
        )
      : [{ files, search, grep }];

  const results: FsResults = {
    date,
    machine,
    revision: describeRevision(),
    loadAtEnd: os.loadavg()[0] ?? 0,
    tree,
    runs: RUNS,
    coldStart: { rampart: rampartStart, reference: referenceStart, sdkFloor: floorStart },
    roundTrip,
    search,
    grep,
    growth,
  };
  const recorded = files === DEFAULT_FILES && !process.env.BENCH_FS_PROFILE;
  const report = renderReport(results, recorded);
  console.log(`## fs\n\n${report}\n`);
  if (!recorded) {
    console.error('BENCH_FS_FILES or BENCH_FS_PROFILE is set: BENCHMARKS.md left unchanged');
    return;
  }
  writeSection(BENCHMARKS_FILE, 'fs', report);
  console.error(`wrote the fs section of ${BENCHMARKS_FILE}`);
}
