import { barChartSvg, chartImage, type SectionChart, saveCharts } from '../lib/chart.js';
import type { Machine } from '../lib/machine.js';
import { table } from '../lib/markdown.js';
import type { Timing } from '../lib/stats.js';
import { formatMs } from '../lib/timing.js';
import type { GrepResult } from './grep.js';
import type { GrowthPoint } from './growth.js';
import { growthCharts, renderGrowth } from './growth-report.js';
import type { Outcome } from './outcome.js';
import type { RoundTrip } from './round-trip.js';
import type { SearchResult } from './search.js';
import { atLeastFaster, atMostSlower, type TargetCheck } from './targets.js';
import { NEEDLE, SPEC_GLOB, SPEC_NAME, type TreeInfo } from './tree.js';

export interface FsResults {
  readonly date: string;
  readonly machine: Machine;
  /** The commit dist/ was built from, as far as git can tell. */
  readonly revision: string;
  /** 1-minute load average when the measurements ended. */
  readonly loadAtEnd: number;
  readonly tree: TreeInfo;
  readonly runs: {
    readonly coldStart: number;
    readonly roundTripRounds: number;
    readonly roundTripCalls: number;
    readonly roundTripWarmup: number;
    readonly rampartSearch: number;
    readonly referenceSearch: number;
    readonly commands: number;
    readonly timeoutMs: number;
  };
  readonly coldStart: { readonly rampart: Timing; readonly reference: Timing; readonly sdkFloor: Timing };
  readonly roundTrip: {
    readonly rampart: RoundTrip;
    readonly reference: RoundTrip;
    readonly sdkFloor: RoundTrip;
  };
  readonly search: SearchResult;
  readonly grep: GrepResult;
  /** Search and grep at each tree size, the full-size run included; one point when only one size ran. */
  readonly growth: readonly GrowthPoint[];
}

const count = (n: number) => n.toLocaleString('en-US');

function spread(timing: Timing): string {
  if (timing.samples.length < 2) return formatMs(timing.median);
  return `${formatMs(timing.median)} (${formatMs(timing.min)} – ${formatMs(timing.max)})`;
}

function cell(outcome: Outcome, prefix = ''): string {
  if (outcome.kind === 'timed') return `${prefix}${spread(outcome.timing)}`;
  if (outcome.kind === 'timeout') return `${prefix}> ${formatMs(outcome.limitMs)} (timeout)`;
  return `n/a (${outcome.reason})`;
}

const timed = (timing: Timing): Outcome => ({ kind: 'timed', timing });
const single = (ms: number): Outcome => timed({ samples: [ms], median: ms, min: ms, max: ms });

export function targetChecks(results: FsResults): TargetCheck[] {
  const { search, grep, coldStart, roundTrip } = results;
  return [
    atLeastFaster('search_files vs reference', search.rampart, search.reference, 'reference', 10),
    atMostSlower('search_files vs `find`', search.rampart, search.find, 'find', 3),
    atMostSlower('grep vs `grep -r`', grep.rampart, grep.grep, 'grep -r', 3),
    atMostSlower(
      'cold start vs reference',
      timed(coldStart.rampart),
      timed(coldStart.reference),
      'reference',
      1,
    ),
    atMostSlower(
      'p50 round trip vs reference',
      single(roundTrip.rampart.p50),
      single(roundTrip.reference.p50),
      'reference',
      1,
    ),
  ];
}

const medianOf = (outcome: Outcome) => (outcome.kind === 'timed' ? outcome.timing.median : Number.NaN);

/** Rampart against server-filesystem and the commands per workload; log y, as they span 0.3 ms to 10 s. */
export function workloadChart(results: FsResults): SectionChart {
  const { coldStart, roundTrip, search, grep } = results;
  return {
    name: 'fs-workloads',
    alt: 'fs: Rampart vs server-filesystem vs find / grep -r per workload, median, log scale',
    svg: barChartSvg({
      title: 'fs: Rampart vs server-filesystem vs find / grep -r (median)',
      unit: 'ms',
      series: ['Rampart', '@modelcontextprotocol/server-filesystem', 'find / grep -r'],
      groups: [
        {
          label: 'cold start to tools/list',
          values: [coldStart.rampart.median, coldStart.reference.median, Number.NaN],
        },
        { label: 'round trip p50', values: [roundTrip.rampart.p50, roundTrip.reference.p50, Number.NaN] },
        {
          label: `search_files ${SPEC_GLOB}`,
          values: [medianOf(search.rampart), medianOf(search.reference), medianOf(search.find)],
        },
        {
          label: 'grep, one literal',
          values: [medianOf(grep.rampart), medianOf(grep.reference), medianOf(grep.grep)],
        },
      ],
      logY: true,
    }),
  };
}

/** The body of the `## fs` section of BENCHMARKS.md (also printed to stdout). */
export function renderReport(results: FsResults, recorded: boolean): string {
  const { machine, tree, runs, coldStart, roundTrip, search, grep } = results;
  const measures = table(
    ['Measure', 'Rampart', '@modelcontextprotocol/server-filesystem', 'Anchor: command, or bare SDK v2'],
    [
      [
        `Cold start to completed tools/list (median of ${runs.coldStart})`,
        spread(coldStart.rampart),
        spread(coldStart.reference),
        `SDK v2 floor: ${spread(coldStart.sdkFloor)}`,
      ],
      [
        `Round trip p50, \`list_allowed_directories\` (median of ${runs.roundTripRounds} rounds × ` +
          `${count(runs.roundTripCalls)} calls)`,
        formatMs(roundTrip.rampart.p50),
        formatMs(roundTrip.reference.p50),
        `SDK v2 floor: ${formatMs(roundTrip.sdkFloor.p50)}`,
      ],
      [
        'Round trip p99 (same calls)',
        formatMs(roundTrip.rampart.p99),
        formatMs(roundTrip.reference.p99),
        `SDK v2 floor: ${formatMs(roundTrip.sdkFloor.p99)}`,
      ],
      [
        `\`search_files\` \`${SPEC_GLOB}\` → ${count(search.matches)} paths (median)`,
        cell(search.rampart),
        cell(search.reference),
        cell(search.find, `\`find -name '${SPEC_NAME}'\`: `),
      ],
      [
        `\`grep\` literal \`${NEEDLE}\` → ${count(grep.matches)} lines (median)`,
        cell(grep.rampart),
        cell(grep.reference),
        cell(grep.grep, '`grep -rn --fixed-strings`: '),
      ],
    ],
  );
  const targets = table(
    ['Target', 'Ratio', 'Measured', 'Goal', 'Result'],
    targetChecks(results).map((t) => [t.target, t.ratio, t.measured, t.goal, `**${t.verdict}**`]),
  );
  const chart = workloadChart(results);
  const growth = growthCharts(results.growth);
  saveCharts([chart, ...growth], recorded);
  return [
    `Measured ${results.date} on ${machine.cores} × ${machine.cpu}, ${machine.memory} RAM, ${machine.os}, ` +
      `Node ${machine.node}; 1-minute load average ${machine.load.toFixed(2)} at the start and ` +
      `${results.loadAtEnd.toFixed(2)} at the end. Rampart: dist/ as last built, HEAD ` +
      `${results.revision}.`,
    '',
    chartImage(chart),
    '',
    `Tree: ${count(tree.files)} generated files in ${count(tree.directories)} directories (depth ≤ ` +
      `${tree.maxDepth}, ${(tree.bytes / 1024 ** 2).toFixed(1)} MiB of text: .ts .js .py .md .json .txt), seed ` +
      `\`0x${tree.seed.toString(16)}\`; ${count(tree.specFiles)} \`${SPEC_NAME}\` files; the literal in ` +
      `${count(tree.needleFiles)} files on ${count(tree.needleLines)} lines.`,
    '',
    '### Results',
    '',
    'Median (min – max) unless stated; warm cache. All servers are driven by the same ' +
      '`@modelcontextprotocol/client` over stdio and every result is checked: all three tools must return ' +
      'exactly the generated paths and lines.',
    '',
    measures,
    '',
    renderGrowth(results.growth, growth),
    '### Targets',
    '',
    targets,
    '',
    '### Method',
    '',
    `- Cold start: spawn to completed \`connect\` + \`tools/list\`, the three servers alternating, one untimed start ` +
      `each first, ${runs.coldStart} timed.`,
    `- Round trip: ${runs.roundTripRounds} rounds; in each, every server in turn gets a fresh connection, ` +
      `${runs.roundTripWarmup} untimed calls and ${count(runs.roundTripCalls)} sequential timed ones ` +
      '(nearest-rank percentiles); the table gives the median of the rounds.',
    '- SDK v2 floor: `bench/fs/sdk-floor-server.mjs`, a bare `@modelcontextprotocol/server` v2 with only the ' +
      "trivial tool, answering exactly Rampart's reply. Rampart minus the floor is Rampart's own cost; the floor " +
      'minus the reference server is the cost of the SDK generation (the reference runs on SDK v1).',
    `- Search and grep: one connection per server; one untimed run, then ${runs.rampartSearch} timed runs for ` +
      `Rampart, ${runs.referenceSearch} for the reference server and ${runs.commands} for each command ` +
      `(spawned without a shell, output read through a pipe). Each call may take ` +
      `${formatMs(runs.timeoutMs)} before it counts as a timeout.`,
    '- The OS page cache is not dropped, so every number is warm-cache.',
  ].join('\n');
}
