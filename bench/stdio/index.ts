import { join } from 'node:path';
import { measureRoundTrips } from '../fs/round-trip.js';
import { ensureBuilt } from '../lib/build.js';
import { chartImage, saveCharts } from '../lib/chart.js';
import { positiveIntFromEnv } from '../lib/env.js';
import { describeMachine } from '../lib/machine.js';
import { table, writeSection } from '../lib/markdown.js';
import type { ServerSpec } from '../lib/mcp.js';
import { BENCHMARKS_FILE, REPO_ROOT } from '../lib/paths.js';
import { describeRevision } from '../lib/provenance.js';
import { stdioChart } from './chart.js';

const FLOOR = join(REPO_ROOT, 'bench/stdio/floor-server.mjs');
const STANDARD = { rounds: 7, warmup: 200, calls: 1000 } as const;

/**
 * Round trips of one trivial call over stdio through the SDK's transport and through Rampart's bounded one, on
 * the same bare SDK server, and through `rampart fs` for scale. Writes `## stdio`.
 */
export async function run(_args: readonly string[]): Promise<void> {
  const rounds = positiveIntFromEnv('BENCH_STDIO_ROUNDS', STANDARD.rounds);
  const warmup = positiveIntFromEnv('BENCH_STDIO_WARMUP', STANDARD.warmup);
  const calls = positiveIntFromEnv('BENCH_STDIO_CALLS', STANDARD.calls);
  await ensureBuilt();
  const machine = describeMachine();
  const root = REPO_ROOT;
  const specs: ServerSpec[] = [
    { label: 'SDK floor, SDK StdioServerTransport', command: process.execPath, args: [FLOOR, root, 'sdk'] },
    {
      label: 'SDK floor, Rampart StdioLineTransport',
      command: process.execPath,
      args: [FLOOR, root, 'rampart'],
    },
    {
      label: '`rampart fs` (Rampart StdioLineTransport)',
      command: process.execPath,
      args: [join(REPO_ROOT, 'dist/cli/main.js'), 'fs', root, '--log-level', 'error'],
    },
  ];
  const trips = await measureRoundTrips(specs, rounds, warmup, calls);
  const ms = (value: number) => `${value.toFixed(3)} ms`;
  const rows = specs.map((spec, i) => [
    spec.label,
    ms(trips[i]?.p50 ?? Number.NaN),
    ms(trips[i]?.p99 ?? Number.NaN),
  ]);
  for (const row of rows) console.error(`  ${row.join('  ')}`);
  const [sdk, ours] = trips;
  const ratio = sdk && ours ? (ours.p50 / sdk.p50).toFixed(2) : 'n/a';
  const charts = [stdioChart(trips)];
  const report = [
    `Measured ${new Date().toISOString()} on ${machine.cores} × ${machine.cpu}, ${machine.memory} RAM, ${machine.os}, ` +
      `Node ${machine.node}; 1-minute load average ${machine.load.toFixed(2)} at the start. HEAD ${describeRevision()}.`,
    '',
    ...charts.map(chartImage),
    '',
    `### Round trip of a trivial call (\`list_allowed_directories\`), ${rounds} rounds × ${calls} calls`,
    '',
    table(['Server and transport', 'p50', 'p99'], rows),
    '',
    `Rampart's transport / the SDK's at p50: **${ratio}**.`,
    '',
    '### Method',
    '',
    '- The same bare SDK v2 server (`bench/lib/floor-tool.mjs`) is served by `serveStdio` with its default ' +
      "transport, and with `transport: new StdioLineTransport(…)` at Rampart's default caps " +
      '(`bench/stdio/floor-server.mjs`): only the transport differs.',
    '- Each round every server gets a fresh connection from a real MCP client over stdio, ' +
      `${warmup} untimed calls, then ${calls} timed sequential calls; each p50 and p99 is the median of its rounds'.`,
  ].join('\n');
  console.log(`## stdio\n\n${report}\n`);
  // A shortened run's numbers are too rough to replace the recorded ones.
  const recorded = rounds === STANDARD.rounds && warmup === STANDARD.warmup && calls === STANDARD.calls;
  const chartDir = saveCharts(charts, recorded);
  if (!recorded) {
    console.error(`non-standard settings: BENCHMARKS.md left unchanged, charts in ${chartDir}`);
    return;
  }
  writeSection(BENCHMARKS_FILE, 'stdio', report);
  console.error(`wrote the stdio section of ${BENCHMARKS_FILE}`);
}
