import os from 'node:os';
import pg from 'pg';
import { measureColdStart } from '../fs/cold-start.js';
import { ensureBuilt } from '../lib/build.js';
import { positiveIntFromEnv } from '../lib/env.js';
import { describeMachine } from '../lib/machine.js';
import { writeSection } from '../lib/markdown.js';
import { BENCHMARKS_FILE } from '../lib/paths.js';
import { describeRevision } from '../lib/provenance.js';
import { median } from '../lib/stats.js';
import { DEFAULT_PG_URL, pairings } from './contenders.js';
import { type Measured, renderStartup } from './report.js';
import { trivialP50 } from './trivial.js';
import { measureVersion } from './version.js';

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Every server's cold start (spawn to a completed tools/list) and trivial-call p50, each against its anchor in
 * the same run, alternating so the machine's drift falls on both; plus `rampart --version`.
 */
export async function run(_args: readonly string[]): Promise<void> {
  const runs = {
    coldStart: positiveIntFromEnv('BENCH_STARTUP_RUNS', 7),
    rounds: positiveIntFromEnv('BENCH_STARTUP_ROUNDS', 3),
    warmup: positiveIntFromEnv('BENCH_STARTUP_WARMUP', 300),
    calls: positiveIntFromEnv('BENCH_STARTUP_CALLS', 1000),
    version: positiveIntFromEnv('BENCH_STARTUP_VERSION_RUNS', 21),
  };
  const cli = await ensureBuilt();
  const machine = describeMachine();
  const date = new Date().toISOString();
  const pgUrl = process.env.BENCH_DB_URL || DEFAULT_PG_URL;
  const havePg = await reachable(pgUrl);
  if (!havePg) console.error(`no PostgreSQL at ${pgUrl}: db left out`);
  console.error('rampart --version ...');
  const version = measureVersion(cli, runs.version);
  const measured: Measured[] = [];
  for (const pairing of pairings(cli, havePg ? pgUrl : undefined)) {
    console.error(`${pairing.server}: cold start ...`);
    const [rampartStart, anchorStart] = await measureColdStart(
      [pairing.rampart.spec, pairing.anchor.spec],
      runs.coldStart,
    );
    if (!rampartStart || !anchorStart) throw new Error('cold start returned no timings');
    console.error(`${pairing.server}: trivial call ...`);
    const rampartP50: number[] = [];
    const anchorP50: number[] = [];
    for (let round = 0; round < runs.rounds; round++) {
      rampartP50.push(await trivialP50(pairing.rampart, runs.warmup, runs.calls));
      anchorP50.push(await trivialP50(pairing.anchor, runs.warmup, runs.calls));
    }
    measured.push({
      pairing,
      coldStart: { rampart: rampartStart, anchor: anchorStart },
      p50: { rampart: median(rampartP50), anchor: median(anchorP50) },
    });
  }
  const report = renderStartup({
    date,
    machine,
    loadAtEnd: os.loadavg()[0] ?? 0,
    revision: describeRevision(),
    runs,
    version,
    measured,
    postgres: havePg ? undefined : pgUrl,
  });
  console.log(`## startup\n\n${report}\n`);
  writeSection(BENCHMARKS_FILE, 'startup', report);
  console.error(`wrote the startup section of ${BENCHMARKS_FILE}`);
}
