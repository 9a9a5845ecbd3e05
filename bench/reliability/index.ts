import {
  dbLoadThroughCrash,
  type LoadThroughFault,
  registryLoadThroughCrash,
  sessionsLoadThroughKill,
} from '../../test/faults/load.js';
import { postgresBinaries } from '../../test/faults/own-postgres.js';
import { redisServerBinary } from '../../test/faults/own-redis.js';
import { ensureBuilt } from '../lib/build.js';
import { chartImage, saveCharts } from '../lib/chart.js';
import { positiveIntFromEnv } from '../lib/env.js';
import { describeMachine } from '../lib/machine.js';
import { writeSection } from '../lib/markdown.js';
import { BENCHMARKS_FILE } from '../lib/paths.js';
import { describeRevision } from '../lib/provenance.js';
import { recoveryChart } from './chart.js';
import { runFaults } from './faults.js';
import { runFuzz } from './fuzz.js';
import { faultsTable, fuzzTable, loadTable, messagesList } from './report.js';

const STANDARD = { writes: 200, callsWhileDown: 20, clients: 8, seconds: 20, fuzzRuns: 5_000 } as const;

/**
 * Faults survived, load held through them and bad inputs tried, each counted: the fault scenarios of
 * test/faults with more traffic, steady load through a crash, and the fuzz tests with a budget. Writes
 * `## reliability` in BENCHMARKS.md.
 */
export async function run(_args: readonly string[]): Promise<void> {
  const settings = {
    writes: positiveIntFromEnv('BENCH_RELIABILITY_WRITES', STANDARD.writes),
    callsWhileDown: positiveIntFromEnv('BENCH_RELIABILITY_CALLS_DOWN', STANDARD.callsWhileDown),
    clients: positiveIntFromEnv('BENCH_RELIABILITY_CLIENTS', STANDARD.clients),
    seconds: positiveIntFromEnv('BENCH_RELIABILITY_SECONDS', STANDARD.seconds),
    fuzzRuns: positiveIntFromEnv('BENCH_RELIABILITY_FUZZ_RUNS', STANDARD.fuzzRuns),
  };
  if (!redisServerBinary())
    throw new Error('redis-server is not installed: the fault scenarios need their own Redis');
  const postgresBin = postgresBinaries();
  if (!postgresBin) console.error('initdb is not installed: the PostgreSQL scenarios are left out');
  await ensureBuilt();
  const machine = describeMachine();
  const revision = describeRevision();
  const date = new Date().toISOString();

  console.error('faults:');
  const outages = await runFaults(
    { postgresBin, writes: settings.writes, callsWhileDown: settings.callsWhileDown },
    (line) => console.error(line),
  );
  console.error('load through a fault:');
  const clock = { crashAtMs: (settings.seconds * 1000) / 4, downMs: 3_000, totalMs: settings.seconds * 1000 };
  const loads: LoadThroughFault[] = [await sessionsLoadThroughKill(settings.clients, clock)];
  if (postgresBin) {
    loads.push(await registryLoadThroughCrash(postgresBin, settings.clients, clock));
    loads.push(await dbLoadThroughCrash(postgresBin, settings.clients, clock));
  }
  for (const load of loads)
    console.error(`  ${load.scenario}: ${load.acknowledged} acknowledged, lost ${load.lost}`);
  console.error(`fuzz tests, ${settings.fuzzRuns} inputs per property:`);
  const fuzz = await runFuzz(settings.fuzzRuns);

  const lost = outages.reduce((sum, o) => sum + o.lost, 0) + loads.reduce((sum, l) => sum + l.lost, 0);
  const charts = [recoveryChart(outages)];
  const report = [
    `Measured ${date} on ${machine.cores} × ${machine.cpu}, ${machine.memory} RAM, ${machine.os}, Node ${machine.node}; ` +
      `1-minute load average ${machine.load.toFixed(2)} at the start. Rampart: dist/ as last built (spawned servers) ` +
      `and src/ (in-process gateway and stores), HEAD ${revision}.`,
    '',
    ...charts.map(chartImage),
    '',
    `Acknowledged writes lost over every fault and load run below: **${lost}**.`,
    '',
    '### Faults survived',
    '',
    faultsTable(outages),
    '',
    'What a caller was told while the service was down (the gateway counts in memory instead and answers 200 or 429):',
    '',
    messagesList(outages),
    '',
    '### Load held through a fault',
    '',
    loadTable(loads),
    '',
    `### Bad inputs tried (${settings.fuzzRuns.toLocaleString('en-US')} inputs per property)`,
    '',
    fuzzTable(fuzz),
    '',
    '### Method',
    '',
    '- Every Redis and PostgreSQL here is started by the run itself on a free port and removed after (`test/faults/own-redis.ts`, ' +
      '`own-postgres.ts`), never the machine’s shared one. Redis appends every write to its log before answering ' +
      '(`appendfsync always`, no snapshots); PostgreSQL is a fresh initdb cluster (fsync on).',
    '- Kill: `kill -9` of redis-server, then started again on the same port and data. Freeze: SIGSTOP (connections stay ' +
      'open, nothing is answered), then SIGCONT. Crash: `pg_ctl stop -m immediate` (no checkpoint; recovery replays the ' +
      'WAL), then `pg_ctl start`. The Rampart process under test (a spawned `rampart sessions`, `rampart db` or ' +
      '`rampart registry-server`, or a gateway in process) is never restarted.',
    `- Faults: ${settings.writes} writes acknowledged first (stored values, the client's rate-limit budget, registered ` +
      `schemas, inserted rows), then ${settings.callsWhileDown} calls one after another while the service is down, each ` +
      'timed; then calls until one succeeds (timed from the restart); then every acknowledged write read back (past ' +
      'Rampart for the db rows, from Redis for the limiter) and a few more writes. The scenarios are the ones ' +
      '`test/faults/*.test.ts` hold to the promises (< 3 s while down, a message naming the store, nothing lost), with ' +
      'more traffic.',
    `- Load: ${settings.clients} clients in a loop for ${settings.seconds} s; the fault comes after a quarter of it and ` +
      'lasts 3 s. A registry client whose call failed sends the same schema again; "landed, unacknowledged" counts writes ' +
      'that took effect though their caller was told they failed (the answer was lost with the connection), which a ' +
      'retry finds (the registry answers the existing id) and a counter shows as increments beyond those acknowledged.',
    `- Bad inputs: the fuzz tests (fast-check) run through vitest with FUZZ_RUNS=${settings.fuzzRuns}, as \`npm run fuzz\` ` +
      'does with 20,000; each property must hold for every input (only the parser’s own error, at most 1 s an input, ' +
      'and its round trip or consistency check); a failure is a counterexample. The regression tests beside them are the ' +
      'crashes fuzzing found, each fixed.',
  ].join('\n');
  console.log(`## reliability\n\n${report}\n`);
  const standard = Object.entries(STANDARD).every(
    ([key, value]) => settings[key as keyof typeof settings] === value,
  );
  const chartDir = saveCharts(charts, standard);
  if (!standard) {
    console.error(`non-standard settings: BENCHMARKS.md left unchanged, charts in ${chartDir}`);
    return;
  }
  writeSection(BENCHMARKS_FILE, 'reliability', report);
  console.error(`wrote the reliability section of ${BENCHMARKS_FILE}`);
}
