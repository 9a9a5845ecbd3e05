import { barChartSvg, writeChart } from '../lib/chart.js';
import type { Machine } from '../lib/machine.js';
import { table } from '../lib/markdown.js';
import { REPO_ROOT } from '../lib/paths.js';
import type { Timing } from '../lib/stats.js';
import type { Pairing, TrivialCall } from './contenders.js';
import type { VersionCost } from './version.js';

export interface Measured {
  readonly pairing: Pairing;
  readonly coldStart: { readonly rampart: Timing; readonly anchor: Timing };
  readonly p50: { readonly rampart: number; readonly anchor: number };
}

export interface StartupResults {
  readonly date: string;
  readonly machine: Machine;
  readonly loadAtEnd: number;
  readonly revision: string;
  readonly runs: { coldStart: number; rounds: number; warmup: number; calls: number; version: number };
  readonly version: VersionCost;
  readonly measured: readonly Measured[];
  /** The PostgreSQL URL that could not be reached, when db was left out. */
  readonly postgres: string | undefined;
}

const ms = (value: number) => (value >= 10 ? `${value.toFixed(0)} ms` : `${value.toFixed(3)} ms`);
const range = (t: Timing) => `${ms(t.median)} (${ms(t.min)} – ${ms(t.max)})`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const verdict = (ok: boolean) => (ok ? '**met**' : '**not met**');
const callName = (call: TrivialCall) => (call.kind === 'ping' ? '`ping`' : `\`${call.name}\``);

/** The targets of issue 23 that this run measures. */
function targets(results: StartupResults): string[][] {
  const rows: string[][] = [];
  const fs = results.measured.find((m) => m.pairing.server === 'fs');
  const db = results.measured.find((m) => m.pairing.server === 'db');
  if (fs) {
    const start = fs.coldStart.rampart.median / fs.coldStart.anchor.median;
    rows.push(
      [
        'fs cold start to tools/list vs server-filesystem',
        `${start.toFixed(2)}×`,
        '≤ 1× (aim ≤ 0.7×)',
        verdict(start <= 1),
      ],
      [
        'fs p50 round trip, trivial call vs server-filesystem',
        ratio(fs.p50.rampart, fs.p50.anchor),
        '≤ 1×',
        verdict(fs.p50.rampart <= fs.p50.anchor),
      ],
    );
  }
  if (db) {
    rows.push([
      'db p50 `SELECT 1` vs server-postgres',
      ratio(db.p50.rampart, db.p50.anchor),
      '≤ 1×',
      verdict(db.p50.rampart <= db.p50.anchor),
    ]);
  }
  const v = results.version;
  rows.push([
    '`rampart --version`',
    `${ms(v.wall.median)}${v.rssMb ? `, ${v.rssMb.toFixed(0)} MB RSS` : ''} (empty \`node -e 0\`: ${ms(v.emptyNode.median)})`,
    '≤ 100 ms',
    verdict(v.wall.median <= 100),
  ]);
  return rows;
}

export function renderStartup(results: StartupResults): string {
  const { machine, runs } = results;
  const series = ['Rampart', 'anchor'];
  const cold = writeChart(
    REPO_ROOT,
    'startup-cold',
    barChartSvg({
      title: 'Cold start to a completed tools/list (median)',
      unit: 'ms',
      series,
      groups: results.measured.map((m) => ({
        label: m.pairing.server,
        values: [m.coldStart.rampart.median, m.coldStart.anchor.median],
      })),
    }),
  );
  const trip = writeChart(
    REPO_ROOT,
    'startup-p50',
    barChartSvg({
      title: 'Trivial call round trip, p50',
      unit: 'ms',
      series,
      groups: results.measured.map((m) => ({
        label: m.pairing.server,
        values: [m.p50.rampart, m.p50.anchor],
      })),
    }),
  );
  const rows = results.measured.map((m) => [
    m.pairing.server,
    m.pairing.anchorName,
    range(m.coldStart.rampart),
    range(m.coldStart.anchor),
    ratio(m.coldStart.rampart.median, m.coldStart.anchor.median),
    callName(m.pairing.rampart.call),
    ms(m.p50.rampart),
    ms(m.p50.anchor),
    ratio(m.p50.rampart, m.p50.anchor),
  ]);
  return `Measured ${results.date} on ${machine.cores} × ${machine.cpu}, ${machine.memory} RAM, ${machine.os}, Node ${machine.node}; 1-minute load average ${machine.load.toFixed(2)} at the start and ${results.loadAtEnd.toFixed(2)} at the end. Rampart: dist/ as last built, ${results.revision}.

![Cold start, Rampart vs anchor](${cold})
![Trivial call p50, Rampart vs anchor](${trip})

### Targets (issue 23)

${table(['Measure', 'Measured', 'Target', 'Result'], targets(results))}

### Every server against its anchor

${table(
  [
    'Server',
    'Anchor',
    'Cold start, Rampart',
    'Cold start, anchor',
    'Ratio',
    'Trivial call',
    'p50 Rampart',
    'p50 anchor',
    'Ratio',
  ],
  rows,
)}
${results.postgres ? `\ndb left out: no PostgreSQL at ${results.postgres} (set BENCH_DB_URL).\n` : ''}
### Method

- Cold start: spawn to a completed \`connect\` + \`tools/list\` through \`@modelcontextprotocol/client\` over stdio; one untimed start each, then ${runs.coldStart} timed, Rampart and its anchor alternating.
- Trivial call: ${runs.rounds} rounds, each a fresh connection per contender, ${runs.warmup} untimed calls then ${runs.calls} timed; the median of the rounds' p50. fs calls \`list_allowed_directories\` on both sides, db \`query\` \`SELECT 1\` on PostgreSQL on both sides; servers with no tool free of I/O (git runs git, http and registry reach the network, sessions and krakend read files) are measured with MCP \`ping\`, which goes through Rampart's transport and server but not a tool's envelope, against the same \`ping\` on the bare SDK v2 server (\`bench/fs/sdk-floor-server.mjs\`).
- git's anchor would be the reference \`mcp-server-git\`, a Python package that is not installed on this machine, so git is anchored on the bare SDK v2 server; \`npm run bench -- git\` compares its calls with the plain git command.
- \`rampart --version\`: spawn to exit, median of ${runs.version} after one untimed run, alternating with an empty \`node -e 0\` timed the same way (the floor for any command on Node); peak RSS from \`/usr/bin/time\`.
- CI does not time any of this; it guards the cause: \`test/module-graph.test.ts\` fails when a server loads another server's modules or a heavy dependency before its first use.`;
}
