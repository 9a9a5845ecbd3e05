import { chartImage, type SectionChart } from '../lib/chart.js';
import type { Machine } from '../lib/machine.js';
import { table } from '../lib/markdown.js';
import { formatMs } from '../lib/timing.js';
import { errorTotal } from './load.js';
import type { GatewaySettings } from './settings.js';
import { SETTLE_MS, type Soak } from './soak.js';
import type { Throughput } from './throughput.js';

/** Rampart's share of the bare handler's throughput it must reach. */
export const THROUGHPUT_TARGET = 0.8;

export interface GatewayResults {
  readonly date: string;
  readonly machine: Machine;
  /** The commit dist/ was built from, as far as git can tell. */
  readonly revision: string;
  /** 1-minute load average when the measurements ended. */
  readonly loadAtEnd: number;
  readonly settings: GatewaySettings;
  readonly rampart: Throughput;
  readonly bare: Throughput;
  readonly soak: Soak;
  /** Lines in Rampart's audit log once it had stopped, and the responses it sent over the whole run. */
  readonly audit: { readonly lines: number; readonly answered: number };
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;
const times = (ratio: number) => `${ratio.toFixed(2)}×`;
const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
const verdict = (ok: boolean) => `**${ok ? 'met' : 'not met'}**`;
const orNa = <T>(value: T | undefined, show: (v: T) => string) => (value === undefined ? 'n/a' : show(value));

function errorsCell(errors: ReadonlyMap<string, number>): string {
  const total = errorTotal(errors);
  if (total === 0) return '0';
  const kinds = [...errors].map(([kind, n]) => `${kind}: ${count(n)}`).join(', ');
  return `${count(total)} (${kinds})`;
}

function growth(from: number, to: number): string {
  const delta = to - from;
  const sign = delta >= 0 ? '+' : '−';
  return `${mib(from)} → ${mib(to)} (${sign}${mib(Math.abs(delta))}, ${sign}${percent(Math.abs(delta) / from)})`;
}

export function throughputRatio(results: GatewayResults): number {
  return results.rampart.callsPerSecond / results.bare.callsPerSecond;
}

function throughputTable(results: GatewayResults): string {
  const { rampart, bare } = results;
  const row = (name: string, t: Throughput) => [
    name,
    count(t.callsPerSecond),
    formatMs(t.p50),
    formatMs(t.p99),
    orNa(t.serverCpu, percent),
    orNa(t.cpuPerCallUs, (us) => `${us.toFixed(0)} µs`),
    errorsCell(t.errors),
  ];
  const cpuRatio =
    rampart.cpuPerCallUs === undefined || bare.cpuPerCallUs === undefined
      ? 'n/a'
      : times(rampart.cpuPerCallUs / bare.cpuPerCallUs);
  return table(
    ['Server', 'Calls/s', 'p50', 'p99', 'Server CPU (of one core)', 'Server CPU per call', 'Errors'],
    [
      row(
        'Rampart `serve`: Host/Origin checks, bearer auth, rate limiter, envelope, audit log, metrics',
        rampart,
      ),
      row('Bare SDK v2 `createMcpHandler`, same tool, same HTTP server', bare),
      [
        'Rampart / bare',
        `**${percent(throughputRatio(results))}**`,
        times(rampart.p50 / bare.p50),
        times(rampart.p99 / bare.p99),
        '',
        cpuRatio,
        '',
      ],
    ],
  );
}

function roundsTable(results: GatewayResults): string {
  const { rampart, bare } = results;
  const rows = rampart.rounds.map((r, i) => {
    const b = bare.rounds[i];
    return [
      String(i + 1),
      count(r.callsPerSecond),
      b ? count(b.callsPerSecond) : 'n/a',
      b ? percent(r.callsPerSecond / b.callsPerSecond) : 'n/a',
      formatMs(r.p99),
      b ? formatMs(b.p99) : 'n/a',
    ];
  });
  return table(
    ['Round', 'Rampart calls/s', 'Bare calls/s', 'Rampart / bare', 'Rampart p99', 'Bare p99'],
    rows,
  );
}

function soakTable(results: GatewayResults): string {
  const { soak, audit } = results;
  const { auditAtEnd: late } = soak;
  const queued = late.answered - late.onDisk;
  const auditCell =
    audit.lines === audit.answered
      ? `${count(audit.lines)} lines = ${count(audit.answered)} calls answered over the whole run (match)`
      : `${count(audit.lines)} lines ≠ ${count(audit.answered)} calls answered over the whole run (**mismatch**)`;
  const settle = `${SETTLE_MS / 1000} s idle after the soak`;
  return table(
    ['Measure', 'Value'],
    [
      ['Calls', `${count(soak.calls)} in ${soak.seconds} s: ${count(soak.callsPerSecond)}/s`],
      ['Errors (warm-up included)', errorsCell(soak.errors)],
      ['Latency p50 / p99 / max', `${formatMs(soak.p50)} / ${formatMs(soak.p99)} / ${formatMs(soak.max)}`],
      [
        'Heap used after full GC: start → 1 s before the end (under load)',
        growth(soak.start.heapUsed, soak.end.heapUsed),
      ],
      [`Heap used after full GC: start → ${settle}`, growth(soak.start.heapUsed, soak.settled.heapUsed)],
      ['RSS after full GC: start → 1 s before the end (under load)', growth(soak.start.rss, soak.end.rss)],
      [`RSS after full GC: start → ${settle}`, growth(soak.start.rss, soak.settled.rss)],
      [
        `Peak during the soak (${soak.samples} samples, one a second)`,
        `RSS ${mib(soak.peakRss)}, heap used ${mib(soak.peakHeapUsed)}`,
      ],
      [
        'Audit records on disk 1 s before the end (under load)',
        `${count(late.onDisk)} of ${count(late.answered)} calls answered so far; ${count(queued)} ` +
          `(${percent(queued / late.answered)}) still queued in memory`,
      ],
      ['Audit log once Rampart had stopped', auditCell],
    ],
  );
}

/** The body of the `## gateway` section of BENCHMARKS.md (also printed to stdout), showing `charts`. */
export function renderReport(results: GatewayResults, charts: readonly SectionChart[]): string {
  const { machine, settings: s, soak, rampart, bare } = results;
  const ratio = throughputRatio(results);
  const soakErrors = errorTotal(soak.errors);
  const roundRatios = rampart.rounds.map(
    (r, i) => r.callsPerSecond / (bare.rounds[i]?.callsPerSecond ?? Number.NaN),
  );
  return [
    `Measured ${results.date} on ${machine.cores} × ${machine.cpu}, ${machine.memory} RAM, ${machine.os}, ` +
      `Node ${machine.node}; 1-minute load average ${machine.load.toFixed(2)} at the start and ` +
      `${results.loadAtEnd.toFixed(2)} at the end. Rampart: dist/ as last built, HEAD ${results.revision}.`,
    '',
    ...charts.map(chartImage),
    '',
    '### Targets',
    '',
    table(
      ['Target', 'Goal', 'Measured', 'Result'],
      [
        [
          'Throughput vs the bare SDK v2 handler',
          `≥ ${percent(THROUGHPUT_TARGET)}`,
          percent(ratio),
          verdict(ratio >= THROUGHPUT_TARGET),
        ],
        [
          `Soak: ${s.soakSeconds} s, ${s.soakClients} concurrent clients`,
          '0 errors',
          `${count(soakErrors)} errors`,
          verdict(soakErrors === 0),
        ],
      ],
    ),
    '',
    `≥ 80% of bare: ${ratio >= THROUGHPUT_TARGET ? 'met' : 'not met'} (measured ${percent(ratio)}; ` +
      `per round ${percent(Math.min(...roundRatios))} – ${percent(Math.max(...roundRatios))}).`,
    '',
    '### Throughput and latency',
    '',
    `\`tools/call list_allowed_directories\` (read-only, no arguments) from ${s.concurrency} concurrent ` +
      `keep-alive clients; median of ${s.rounds} rounds × ${s.roundSeconds} s per server.`,
    '',
    throughputTable(results),
    '',
    `The load generator used ${percent(rampart.clientCpu)} of a core while driving Rampart and ` +
      `${percent(bare.clientCpu)} while driving the bare handler; server CPU above 100% is V8's GC and compiler ` +
      'threads working beside the main thread.',
    '',
    roundsTable(results),
    '',
    `### Soak: ${s.soakSeconds} s, ${s.soakClients} concurrent clients, Rampart`,
    '',
    soakTable(results),
    '',
    '### Method',
    '',
    '- Rampart: `rampart serve` from dist/ as a user starts it (`--config <file> --port 0 --audit-log <file> ' +
      '--log-level warn`, the rampart.yaml naming one server: fs on a small temporary directory, read-only, at ' +
      '`/mcp/fs`, what `serve` mounts by default), with the bearer ' +
      'token from `RAMPART_TOKEN` and `RAMPART_GATEWAY_RATE_LIMIT_REQUESTS=1000000000`: every request still goes ' +
      'through the rate limiter, but none is refused. Every call is authenticated and writes one audit record.',
    '- Bare: `bench/gateway/bare-server.mjs`, the SDK v2 `createMcpHandler` with an `McpServer` holding only the ' +
      "same tool (answering exactly Rampart's reply) behind the same `@hono/node-server`, and nothing else. The " +
      'difference is what Rampart adds: Host/Origin validation, auth, the rate limiter, Hono routing, the policy ' +
      'envelope (argument and output validation, budget, size caps), the audit record and the metrics.',
    '- Load: generated in the benchmark process with `node:http`: each client is its own keep-alive connection ' +
      'sending a stateless `tools/call` (protocol 2025-06-18, no session: both servers are stateless, so a ' +
      'client needs no `initialize` first) as soon as the last one is answered. Every response is parsed (JSON or ' +
      'SSE `data:` line) and counts as a call only if it is the expected successful result; anything else is an ' +
      'error, counted by kind. Calls/s is successful calls over the wall time of the phase; p50 and p99 are ' +
      'nearest-rank percentiles of the latency of those calls.',
    `- Rounds: each server first gets ${s.initialWarmupSeconds} s of untimed load; then, in each of ${s.rounds} ` +
      `rounds, Rampart and the bare server in turn (A B A B ...) get fresh connections, ${s.roundWarmupSeconds} s ` +
      `untimed and ${s.roundSeconds} s measured. The tables give the median of the rounds. The machine has ` +
      `${machine.cores} cores shared by the server and the load generator, so the numbers are noisy; the rounds ` +
      'alternate so that drift falls on both servers alike. Server CPU is read from /proc/<pid>/stat; CPU per ' +
      'call is the steadier measure of cost, since it does not depend on how the two processes share the cores.',
    `- Soak: the same Rampart process (already through the rounds), ${s.soakClients} fresh keep-alive ` +
      `connections, ${s.soakWarmupSeconds} s untimed, then ${s.soakSeconds} s measured. Memory comes from ` +
      '`bench/gateway/memory-probe.mjs`, preloaded into both servers with `--import` (and `--expose-gc`): it ' +
      'writes `process.memoryUsage()` every second, and after a full GC when the benchmark sends SIGUSR2: before ' +
      `the soak (after the warm-up and ${SETTLE_MS / 1000} s idle), one second before its end (clients still calling) and after ${SETTLE_MS / 1000} s idle after it. ` +
      'Audit records are counted on disk at that last second under load, and again once Rampart has stopped ' +
      'cleanly (its close flushes pending writes).',
  ].join('\n');
}
