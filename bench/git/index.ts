import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensureBuilt } from '../lib/build.js';
import { chartImage, saveCharts } from '../lib/chart.js';
import { positiveIntFromEnv } from '../lib/env.js';
import { describeMachine } from '../lib/machine.js';
import { table, writeSection } from '../lib/markdown.js';
import { openSession, type Session } from '../lib/mcp.js';
import { BENCHMARKS_FILE, REPO_ROOT } from '../lib/paths.js';
import { describeRevision } from '../lib/provenance.js';
import { median, percentile } from '../lib/stats.js';
import { gitChart } from './chart.js';
import { benchRepository, COMMITS } from './repository.js';

const STANDARD = { rounds: 5, calls: 100 } as const;
/** Calls one contender makes before the other takes its turn. */
const BLOCK = 10;
const TARGET_MS = 20;

interface Workload {
  readonly title: string;
  readonly tool: string;
  readonly args: Record<string, unknown>;
  /** What a person would type for the same answer. */
  readonly git: readonly string[];
  /** git processes Rampart starts for one call (once the driver listing is cached). */
  readonly processes: number;
}

const WORKLOADS: readonly Workload[] = [
  { title: 'git_log (10 commits)', tool: 'git_log', args: {}, git: ['log', '--max-count=10'], processes: 1 },
  {
    title: 'git_diff HEAD~50..HEAD',
    tool: 'git_diff',
    args: { target: 'HEAD~50..HEAD' },
    git: ['diff', 'HEAD~50..HEAD'],
    processes: 1,
  },
  {
    title: 'git_diff HEAD~50 (against the working tree)',
    tool: 'git_diff',
    args: { target: 'HEAD~50' },
    git: ['diff', 'HEAD~50'],
    processes: 1,
  },
  { title: 'git_status', tool: 'git_status', args: {}, git: ['status'], processes: 1 },
];

type Kind = 'git' | 'rampart';

function plainGit(repo: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd: repo, maxBuffer: 64 * 1024 * 1024 }, (error) =>
      error ? reject(error) : resolve(),
    );
  });
}

async function block(
  kind: Kind,
  workload: Workload,
  repo: string,
  session: Session,
  calls: number,
): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    if (kind === 'git') await plainGit(repo, workload.git);
    else await session.call(workload.tool, workload.args);
    samples.push(performance.now() - start);
  }
  return samples;
}

/**
 * Rampart's git server (spawned `rampart git <repo>`, a real MCP client over stdio) against the plain git
 * command started from Node, on one 10,000-commit repository, taking turns in blocks. Writes `## git`.
 */
export async function run(_args: readonly string[]): Promise<void> {
  const rounds = positiveIntFromEnv('BENCH_GIT_ROUNDS', STANDARD.rounds);
  const calls = positiveIntFromEnv('BENCH_GIT_CALLS', STANDARD.calls);
  await ensureBuilt();
  const repo = await benchRepository();
  const machine = describeMachine();
  const revision = describeRevision();
  const date = new Date().toISOString();
  const session = await openSession({
    label: 'rampart',
    command: process.execPath,
    args: [join(REPO_ROOT, 'dist/cli/main.js'), 'git', repo, '--log-level', 'error'],
  });
  const results = new Map<Workload, Record<Kind, number[]>>();
  try {
    for (const workload of WORKLOADS) {
      const p50s: Record<Kind, number[]> = { git: [], rampart: [] };
      for (const kind of ['git', 'rampart'] as const) await block(kind, workload, repo, session, BLOCK);
      for (let r = 0; r < rounds; r++) {
        const samples: Record<Kind, number[]> = { git: [], rampart: [] };
        for (let done = 0; done < calls; done += BLOCK) {
          const turn: Kind[] = (done / BLOCK) % 2 === 0 ? ['git', 'rampart'] : ['rampart', 'git'];
          for (const kind of turn) samples[kind].push(...(await block(kind, workload, repo, session, BLOCK)));
        }
        p50s.git.push(percentile(samples.git, 50));
        p50s.rampart.push(percentile(samples.rampart, 50));
        console.error(
          `  ${workload.title} round ${r + 1}/${rounds}: p50 git ${percentile(samples.git, 50).toFixed(2)} ms, ` +
            `Rampart ${percentile(samples.rampart, 50).toFixed(2)} ms`,
        );
      }
      results.set(workload, p50s);
    }
  } finally {
    await session.close();
  }
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const rows = WORKLOADS.map((workload) => {
    const p50s = results.get(workload) as Record<Kind, number[]>;
    const git = median(p50s.git);
    const rampart = median(p50s.rampart);
    const overhead = rampart - git;
    return [
      workload.title,
      `\`git ${workload.git.join(' ')}\``,
      ms(git),
      ms(rampart),
      `${overhead >= 0 ? '+' : ''}${ms(overhead)}`,
      `≤ ${TARGET_MS} ms`,
      overhead <= TARGET_MS ? '**met**' : '**not met**',
      String(workload.processes),
    ];
  });
  const p50 = (workload: Workload, kind: Kind) =>
    median((results.get(workload) as Record<Kind, number[]>)[kind]);
  const charts = [
    gitChart(WORKLOADS.map((w) => ({ title: w.title, rampart: p50(w, 'rampart'), git: p50(w, 'git') }))),
  ];
  const report = [
    `Measured ${date} on ${machine.cores} × ${machine.cpu}, ${machine.memory} RAM, ${machine.os}, Node ${machine.node}; ` +
      `1-minute load average ${machine.load.toFixed(2)} at the start. Rampart: dist/ as last built, HEAD ${revision}.`,
    '',
    ...charts.map(chartImage),
    '',
    `### Per-call overhead over the plain git command (target ≤ ${TARGET_MS} ms at p50)`,
    '',
    table(
      [
        'Call',
        'Plain command',
        'git p50',
        'Rampart p50',
        'Overhead at p50',
        'Goal',
        'Result',
        'git processes per call',
      ],
      rows,
    ),
    '',
    '### Method',
    '',
    `- Repository: ${COMMITS.toLocaleString('en-US')} linear commits over 250 files, built once with ` +
      '`git fast-import` into `.bench-data/git-10k` (`bench/git/repository.ts`), packed with `git gc`, one ' +
      'uncommitted change in the working tree.',
    '- Plain git: `execFile("git", args)` from Node in the repository, output read to the end.',
    '- Rampart: `rampart git <repo>` from dist/, spawned once; a real MCP client calls the tool over stdio and ' +
      'waits for the result. Revisions go to git after `--end-of-options`; a call that reads the working tree ' +
      "also needs the repository's filter and diff drivers switched off, listed by one extra `git config` process " +
      'on the first call and again whenever a config file changes (so not in the steady state timed here).',
    `- Per workload: one untimed block each, then ${rounds} rounds in which the two take turns in blocks of ${BLOCK} ` +
      `sequential calls (alternating which goes first) until each has made ${calls}; the table gives the median ` +
      "over rounds of each round's p50.",
  ].join('\n');
  console.log(`## git\n\n${report}\n`);
  const recorded = rounds === STANDARD.rounds && calls === STANDARD.calls;
  const chartDir = saveCharts(charts, recorded);
  if (!recorded) {
    console.error(`non-standard settings: BENCHMARKS.md left unchanged, charts in ${chartDir}`);
    return;
  }
  writeSection(BENCHMARKS_FILE, 'git', report);
  console.error(`wrote the git section of ${BENCHMARKS_FILE}`);
}
