import type { LoadThroughFault } from '../../test/faults/load.js';
import type { Outage } from '../../test/faults/outage.js';
import { table } from '../lib/markdown.js';
import type { FuzzFile } from './fuzz.js';

const ms = (value: number) =>
  Number.isNaN(value) ? '–' : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
const count = (value: number) => value.toLocaleString('en-US');

/** What each fuzz file tries, by the parser or guard it holds to its promises. */
const TARGETS: Readonly<Record<string, string>> = {
  'test/fuzz/krakend-config.test.ts':
    'KrakenD config loading (JSON, comments, templates, positions, validation)',
  'test/fuzz/krakend-template.test.ts': 'KrakenD Flexible Configuration template engine',
  'test/fuzz/registry-avro.test.ts': 'Avro schema loader and compatibility check',
  'test/registry-jsonschema-fuzz.test.ts': 'JSON Schema loader and diff',
  'test/registry-protobuf-printer.test.ts': '.proto reader, printer and descriptors',
  'test/fuzz/sql.test.ts': 'SQL lexer, SQLite/MySQL and PostgreSQL gates',
  'test/fuzz/net-guard.test.ts': 'URL and address guard (SSRF)',
  'test/fuzz/path-guard.test.ts': 'path guard',
  'test/fuzz/openapi.test.ts': 'OpenAPI loader, up to every tool and request',
};

/** Drops the ports of the test's own servers, which change every run, from a message. */
const portless = (message: string) => message.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>');

export function faultsTable(outages: readonly Outage[]): string {
  return table(
    [
      'Fault, under a running Rampart process',
      'acknowledged before',
      'calls while down: failed / made',
      'slowest answer while down',
      'first success after the restart',
      'lost',
      'calls after: failed / made',
    ],
    outages.map((o) => [
      o.scenario,
      count(o.acknowledged),
      `${o.failedWhileDown} / ${o.callsWhileDown}`,
      ms(o.slowestWhileDownMs),
      ms(o.recoveredMs),
      `**${o.lost}**`,
      `${o.failedAfter} / ${o.callsAfter}`,
    ]),
  );
}

export function messagesList(outages: readonly Outage[]): string {
  const seen = new Set<string>();
  for (const o of outages) for (const m of o.messagesWhileDown) seen.add(portless(m));
  return [...seen].map((m) => `- \`${m}\``).join('\n');
}

export function loadTable(runs: readonly LoadThroughFault[]): string {
  return table(
    [
      'Load through a fault',
      'clients',
      'run (down)',
      'calls',
      'acknowledged',
      'failed',
      'lost',
      'landed, unacknowledged',
      'p99 / slowest',
      'first success after the restart',
    ],
    runs.map((r) => [
      r.scenario,
      String(r.clients),
      `${r.seconds} s (${r.downSeconds} s)`,
      count(r.calls),
      count(r.acknowledged),
      count(r.failed),
      `**${r.lost}**`,
      count(r.landedUnacknowledged),
      `${ms(r.p99Ms)} / ${ms(r.slowestMs)}`,
      ms(r.recoveredMs),
    ]),
  );
}

export function fuzzTable(files: readonly FuzzFile[]): string {
  const rows = files.map((f) => [
    TARGETS[f.file] ?? f.file,
    `\`${f.file}\``,
    String(f.properties),
    count(f.inputs),
    String(f.regressions),
    `**${f.failed}**`,
    `${f.seconds.toFixed(1)} s`,
  ]);
  const total = (pick: (f: FuzzFile) => number) => files.reduce((sum, f) => sum + pick(f), 0);
  rows.push([
    '**all**',
    '',
    String(total((f) => f.properties)),
    count(total((f) => f.inputs)),
    String(total((f) => f.regressions)),
    `**${total((f) => f.failed)}**`,
    `${total((f) => f.seconds).toFixed(1)} s`,
  ]);
  return table(
    ['Parser or guard', 'tests', 'properties', 'inputs tried', 'regression tests', 'failures', 'time'],
    rows,
  );
}
