import { chartImage, type SectionChart } from '../lib/chart.js';
import type { Machine } from '../lib/machine.js';
import { table } from '../lib/markdown.js';
import { formatMs } from '../lib/timing.js';
import type { Sizes } from './agreement.js';
import type { ContenderKind } from './contenders.js';
import type { ContenderStats, ModeStats, WorkloadStats } from './measure.js';
import type { DbSettings } from './settings.js';
import { COLUMNS, type Fixture, TABLE } from './setup.js';
import type { Workload, WorkloadKey } from './workloads.js';

export interface DbResults {
  readonly date: string;
  readonly machine: Machine;
  readonly revision: string;
  readonly loadAtEnd: number;
  readonly settings: DbSettings;
  readonly fixture: Fixture;
  readonly workloads: readonly Workload[];
  readonly stats: Readonly<Record<WorkloadKey, WorkloadStats>>;
  readonly sizes: Sizes;
}

const LABELS: Readonly<Record<ContenderKind, string>> = {
  rampart: 'Rampart `db`',
  reference: '`@modelcontextprotocol/server-postgres` 0.6.2',
  sdk: "bare SDK v2 server, the reference's work",
  pg: 'raw `pg` driver (floor)',
};

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

function rate(mode: ModeStats): string {
  const low = Math.min(...mode.rounds);
  const high = Math.max(...mode.rounds);
  return mode.rounds.length < 2
    ? count(mode.callsPerSecond)
    : `${count(mode.callsPerSecond)} (${count(low)} – ${count(high)})`;
}

function workloadTable(stats: WorkloadStats, inFlight: number): string {
  const row = (kind: ContenderKind, s: ContenderStats) => [
    LABELS[kind],
    rate(s.sequential),
    formatMs(s.sequential.p50),
    formatMs(s.sequential.p99),
    rate(s.concurrent),
    formatMs(s.concurrent.p50),
    formatMs(s.concurrent.p99),
  ];
  return table(
    ['Contender', 'calls/s, sequential', 'p50', 'p99', `calls/s, ${inFlight} in flight`, 'p50', 'p99'],
    (['rampart', 'reference', 'sdk', 'pg'] as const).map((kind) => row(kind, stats[kind])),
  );
}

export interface TargetRow {
  readonly workload: string;
  readonly mode: string;
  readonly vsReference: number;
  /** Rampart against a bare SDK v2 server doing the reference's work: Rampart's own cost. */
  readonly vsSdk: number;
  /** That bare SDK v2 server against the reference (SDK v1): what the SDK generation costs. */
  readonly sdkVsReference: number;
  readonly vsFloor: number;
}

export function targetRows(results: DbResults): TargetRow[] {
  return results.workloads.flatMap((w) => {
    const s = results.stats[w.key];
    return (['sequential', 'concurrent'] as const).map((mode) => ({
      workload: w.title,
      mode: mode === 'sequential' ? 'sequential' : `${results.settings.concurrency} in flight`,
      vsReference: s.rampart[mode].callsPerSecond / s.reference[mode].callsPerSecond,
      vsSdk: s.rampart[mode].callsPerSecond / s.sdk[mode].callsPerSecond,
      sdkVsReference: s.sdk[mode].callsPerSecond / s.reference[mode].callsPerSecond,
      vsFloor: s.rampart[mode].callsPerSecond / s.pg[mode].callsPerSecond,
    }));
  });
}

function sizeTable(results: DbResults): string {
  const bytes = (n: number | undefined) => (n === undefined ? 'n/a' : `${count(n)} B`);
  return table(
    ['Server', 'Workload', 'Tool result (JSON)', 'Text content', 'structuredContent'],
    results.workloads.flatMap((w) =>
      (['rampart', 'reference'] as const).map((kind) => {
        const size = results.sizes[w.key][kind];
        return [
          LABELS[kind],
          w.title,
          bytes(size?.resultBytes),
          bytes(size?.textBytes),
          size && size.structuredBytes > 0 ? bytes(size.structuredBytes) : 'none',
        ];
      }),
    ),
  );
}

/** The body of the `## db` section of BENCHMARKS.md (also printed to stdout), showing `charts`. */
export function renderReport(results: DbResults, charts: readonly SectionChart[]): string {
  const { machine, settings, fixture } = results;
  const targets = targetRows(results);
  const targetTable = table(
    [
      'Workload',
      'Mode',
      'Rampart / reference',
      'Goal',
      'Result',
      'Rampart / bare SDK v2',
      'bare SDK v2 / reference',
      'Rampart / raw pg',
    ],
    targets.map((t) => [
      t.workload,
      t.mode,
      ratio(t.vsReference, 1),
      '≥ 1.00×',
      t.vsReference >= 1 ? '**met**' : '**not met**',
      ratio(t.vsSdk, 1),
      ratio(t.sdkVsReference, 1),
      ratio(t.vsFloor, 1),
    ]),
  );
  const sections = results.workloads.flatMap((w) => [
    `**${w.title}** — \`${w.shown}\``,
    '',
    workloadTable(results.stats[w.key], settings.concurrency),
    '',
  ]);
  return [
    `Measured ${results.date} on ${machine.cores} × ${machine.cpu}, ${machine.memory} RAM, ${machine.os}, ` +
      `Node ${machine.node}, PostgreSQL ${fixture.serverVersion} on the same machine (127.0.0.1); 1-minute load ` +
      `average ${machine.load.toFixed(2)} at the start and ${results.loadAtEnd.toFixed(2)} at the end. Rampart: ` +
      `dist/ as last built, HEAD ${results.revision}.`,
    '',
    ...charts.map(chartImage),
    '',
    `Table: \`${TABLE}\`, ${count(fixture.rows)} rows of ${COLUMNS.length} columns (integer primary key, text × 3 ` +
      `(one 25 % NULL), integer, numeric(12,2), timestamptz, boolean), ${(fixture.bytes / 1024 ** 2).toFixed(1)} MiB ` +
      'with its index, analysed; created for the run and dropped after it.',
    '',
    '### Results',
    '',
    `Median over ${settings.rounds} rounds (calls/s: min – max of the rounds). All three servers are driven by the same ` +
      '`@modelcontextprotocol/client` over stdio; the floor is the `pg` driver in the benchmark process. Every ' +
      'reply is checked (row count, ids in order, column names) and, before timing, all four contenders are ' +
      'shown to return the same values (timestamps compared as instants).',
    '',
    ...sections,
    '### Target: throughput ≥ the reference',
    '',
    targetTable,
    '',
    '### Result size',
    '',
    'One call each; Rampart returns `structuredContent` (columns, rows as arrays, rowCount, truncated) plus a ' +
      'text table, the reference returns the rows as indented JSON text (`JSON.stringify(rows, null, 2)`).',
    '',
    sizeTable(results),
    '',
    '### Method',
    '',
    `- Rampart: \`rampart db <url> --schemas ${TABLE.split('.')[0]} --max-rows 1000 --log-level warn\` ` +
      '(pool of 4, each call: statement gate with libpg_query, then one round trip pipelining `BEGIN READ ONLY`, ' +
      '`SET LOCAL statement_timeout`, `SET LOCAL search_path`, the statement (at most max_rows + 1 rows), ' +
      '`ROLLBACK` and one Sync over the extended protocol). `max_rows` is ' +
      '1000 for the bulk read and left at its default for the point query.',
    '- Reference: `node node_modules/@modelcontextprotocol/server-postgres/dist/index.js <url>` (tool `query`, ' +
      'argument `sql`; `BEGIN TRANSACTION READ ONLY`, the statement, then a ROLLBACK it does not wait for).',
    '- Bare SDK v2 server: `bench/db/sdk-floor-server.mjs`, one `query` tool on `@modelcontextprotocol/server` ' +
      "(the SDK Rampart is built on) doing exactly the reference's work and answering its indented JSON text. " +
      "Rampart against it is Rampart's own cost; it against the reference is what the newer SDK costs.",
    `- Raw \`pg\`: a \`pg.Pool\` of ${settings.concurrency} running the same SQL with \`pool.query\`, no ` +
      'transaction, no serialisation: the cost of the query and the driver alone.',
    '- Same SQL for everyone, the table always schema-qualified (the reference sees the default search_path); ' +
      'the point query inlines its id (the reference takes no parameters), drawn from one seeded PRNG so every ' +
      'contender runs the same ids in the same order.',
    `- ${settings.rounds} rounds per workload (the 1,000-row SELECT first); in each, the contenders take turns, ` +
      'the first one rotating from round to round (A B C D, B C D A, …). Each turn is a fresh server process ' +
      '(or pool): ' +
      `${settings.warmup.bulk} / ${settings.warmup.point} untimed calls (bulk / point), then ` +
      `${count(settings.calls.bulk)} / ${count(settings.calls.point)} timed sequential calls, then as many with ` +
      `${settings.concurrency} calls in flight on the same session. Latency is send to reply (nearest-rank ` +
      'percentiles); calls/s is calls over the batch wall time; the tables give the median of the rounds.',
  ].join('\n');
}
