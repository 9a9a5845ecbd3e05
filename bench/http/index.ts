import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensureBuilt } from '../lib/build.js';
import { chartImage, saveCharts } from '../lib/chart.js';
import { positiveIntFromEnv } from '../lib/env.js';
import { describeMachine } from '../lib/machine.js';
import { table, writeSection } from '../lib/markdown.js';
import { BENCHMARKS_FILE, REPO_ROOT } from '../lib/paths.js';
import { describeRevision } from '../lib/provenance.js';
import { median, percentile } from '../lib/stats.js';
import { httpChart } from './chart.js';
import { type Contender, type ContenderKind, guarded, loadDist, plainUndici } from './contenders.js';

const STANDARD = { rounds: 7, warmup: 500, requests: 3_000 } as const;
/** Requests one client makes before the other takes its turn. */
const BLOCK = 100;
const WORKLOADS = [
  { path: '/small', title: '1 KiB JSON' },
  { path: '/large', title: '100 KiB JSON' },
] as const;

async function startServer() {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bench/http/server.mjs')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  const port = Number(chunk.toString().trim());
  return { origin: `http://127.0.0.1:${port}`, stop: () => child.stdin.end() };
}

/** `requests` sequential GETs; each latency is send to last body byte. */
async function batch(contender: Contender, url: string, requests: number): Promise<number[]> {
  const samples: number[] = new Array(requests);
  for (let i = 0; i < requests; i++) {
    const start = performance.now();
    await contender.get(url);
    samples[i] = performance.now() - start;
  }
  return samples;
}

interface Stats {
  readonly p50: number;
  readonly p99: number;
  readonly rounds: readonly number[];
}

/**
 * The guarded client against plain undici on the same loopback server: sequential keep-alive GETs, contenders
 * alternating round by round, each on a fresh client with a warm-up. Writes `## http` in BENCHMARKS.md.
 */
export async function run(_args: readonly string[]): Promise<void> {
  const rounds = positiveIntFromEnv('BENCH_HTTP_ROUNDS', STANDARD.rounds);
  const requests = positiveIntFromEnv('BENCH_HTTP_REQUESTS', STANDARD.requests);
  await ensureBuilt();
  const dist = await loadDist();
  const machine = describeMachine();
  const revision = describeRevision();
  const date = new Date().toISOString();
  const server = await startServer();
  const results: Record<string, Record<ContenderKind, Stats>> = {};
  try {
    for (const workload of WORKLOADS) {
      const url = `${server.origin}${workload.path}`;
      const p50s: Record<ContenderKind, number[]> = { rampart: [], undici: [] };
      const p99s: Record<ContenderKind, number[]> = { rampart: [], undici: [] };
      for (let r = 0; r < rounds; r++) {
        // Both clients open at once and take turns in blocks, so the machine's drift (large here: a single
        // client's p50 moves ±30 % from one second to the next) falls on both alike.
        const both = [plainUndici(), guarded(dist)];
        const samples: Record<ContenderKind, number[]> = { rampart: [], undici: [] };
        try {
          for (const contender of both) await batch(contender, url, STANDARD.warmup);
          for (let done = 0; done < requests; done += BLOCK) {
            const turn = (done / BLOCK) % 2 === 0 ? both : [...both].reverse();
            for (const contender of turn)
              samples[contender.kind].push(...(await batch(contender, url, BLOCK)));
          }
        } finally {
          await Promise.all(both.map((c) => c.close()));
        }
        for (const kind of ['undici', 'rampart'] as const) {
          p50s[kind].push(percentile(samples[kind], 50));
          p99s[kind].push(percentile(samples[kind], 99));
        }
        console.error(
          `  ${workload.title} round ${r + 1}/${rounds}: p50 undici ${(percentile(samples.undici, 50) * 1000).toFixed(0)} µs, ` +
            `Rampart ${(percentile(samples.rampart, 50) * 1000).toFixed(0)} µs`,
        );
      }
      const stats = (kind: ContenderKind): Stats => ({
        p50: median(p50s[kind]),
        p99: median(p99s[kind]),
        rounds: p50s[kind],
      });
      results[workload.path] = { rampart: stats('rampart'), undici: stats('undici') };
    }
  } finally {
    server.stop();
  }
  const us = (ms: number) => `${Math.round(ms * 1000).toLocaleString('en-US')} µs`;
  const rows = WORKLOADS.flatMap((w) => {
    const s = results[w.path] as Record<ContenderKind, Stats>;
    const overhead = s.rampart.p50 / s.undici.p50 - 1;
    return [
      [
        w.title,
        us(s.undici.p50),
        us(s.rampart.p50),
        `${overhead >= 0 ? '+' : ''}${(overhead * 100).toFixed(1)} %`,
        '≤ +10 %',
        overhead <= 0.1 ? '**met**' : '**not met**',
        us(s.undici.p99),
        us(s.rampart.p99),
      ],
    ];
  });
  const charts = [
    httpChart(
      WORKLOADS.map((w) => ({ title: w.title, ...(results[w.path] as Record<ContenderKind, Stats>) })),
    ),
  ];
  const report = [
    `Measured ${date} on ${machine.cores} × ${machine.cpu}, ${machine.memory} RAM, ${machine.os}, Node ${machine.node}; ` +
      `1-minute load average ${machine.load.toFixed(2)} at the start. Rampart: dist/ as last built, HEAD ${revision}.`,
    '',
    ...charts.map(chartImage),
    '',
    '### Per-request overhead of the guarded client (target ≤ 10 % at p50)',
    '',
    table(
      [
        'Response',
        'undici p50',
        'Rampart p50',
        'Overhead at p50',
        'Goal',
        'Result',
        'undici p99',
        'Rampart p99',
      ],
      rows,
    ),
    '',
    '### Method',
    '',
    '- Server: `bench/http/server.mjs`, Node `http` on 127.0.0.1 in its own process, fixed JSON bodies with ' +
      'content-length, keep-alive.',
    '- undici: one `Agent`, `request(url)`, body read with `arrayBuffer()`.',
    '- Rampart: `GuardedClient` (dist/servers/http/client.js) with the default http config and 127.0.0.1/32 ' +
      'permitted: URL and host policy, header allowlist, the address check inside the connection lookup, manual ' +
      'redirect handling, the capped streaming read and the whole-exchange deadline.',
    `- Each round opens both clients, warms each with ${STANDARD.warmup} untimed GETs, then lets them take turns in ` +
      `blocks of ${BLOCK} sequential GETs (alternating which goes first) until each has made ` +
      `${requests.toLocaleString('en-US')}; ${rounds} rounds. Latency is request to last body byte; the table gives ` +
      "the median over rounds of each round's percentile.",
  ].join('\n');
  console.log(`## http\n\n${report}\n`);
  const recorded = rounds === STANDARD.rounds && requests === STANDARD.requests;
  const chartDir = saveCharts(charts, recorded);
  if (!recorded) {
    console.error(`non-standard settings: BENCHMARKS.md left unchanged, charts in ${chartDir}`);
    return;
  }
  writeSection(BENCHMARKS_FILE, 'http', report);
  console.error(`wrote the http section of ${BENCHMARKS_FILE}`);
}
