import { join } from 'node:path';
import { measureRoundTrips } from '../fs/round-trip.js';
import { ensureBuilt } from '../lib/build.js';
import { positiveIntFromEnv } from '../lib/env.js';
import { describeMachine } from '../lib/machine.js';
import { table, writeSection } from '../lib/markdown.js';
import type { ServerSpec } from '../lib/mcp.js';
import { BENCHMARKS_FILE, REPO_ROOT } from '../lib/paths.js';
import { describeRevision } from '../lib/provenance.js';

const FLOOR = join(REPO_ROOT, 'bench/stdio/floor-server.mjs');

/**
 * Round trips of one trivial call over stdio through the SDK's transport and through Rampart's bounded one, on
 * the same bare SDK server, and through `rampart fs` for scale. Writes `## stdio`.
 */
export async function run(_args: readonly string[]): Promise<void> {
  const rounds = positiveIntFromEnv('BENCH_STDIO_ROUNDS', 7);
  const warmup = positiveIntFromEnv('BENCH_STDIO_WARMUP', 200);
  const calls = positiveIntFromEnv('BENCH_STDIO_CALLS', 1000);
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
  writeSection(
    BENCHMARKS_FILE,
    'stdio',
    [
      `Measured ${new Date().toISOString()} on ${machine.cores} × ${machine.cpu}, ${machine.memory} RAM, ${machine.os}, ` +
        `Node ${machine.node}; 1-minute load average ${machine.load.toFixed(2)} at the start. HEAD ${describeRevision()}.`,
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
    ].join('\n'),
  );
}
