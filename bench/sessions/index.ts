import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import type * as FileStoreModule from '../../src/servers/sessions/store/file-store.js';
import type * as RedisStoreModule from '../../src/servers/sessions/store/redis-store.js';
import { ensureBuilt } from '../lib/build.js';
import { chartImage, saveCharts } from '../lib/chart.js';
import { positiveIntFromEnv } from '../lib/env.js';
import { describeMachine } from '../lib/machine.js';
import { table, writeSection } from '../lib/markdown.js';
import { BENCHMARKS_FILE, REPO_ROOT } from '../lib/paths.js';
import { describeRevision } from '../lib/provenance.js';
import { median, percentile } from '../lib/stats.js';
import { sessionsChart } from './chart.js';

const STANDARD = { rounds: 5, ops: 2_000 } as const;
const TARGET = 2;

interface Store {
  set(scope: string, key: string, value: unknown): Promise<unknown>;
  get(scope: string, key: string): Promise<{ version: number } | undefined>;
  compareAndSet(scope: string, key: string, expected: number, value: unknown): Promise<{ ok: boolean }>;
  close(): Promise<void>;
}

type Operation = (i: number) => Promise<unknown>;

async function measure(operation: Operation, ops: number): Promise<number[]> {
  const samples: number[] = new Array(ops);
  for (let i = 0; i < ops; i++) {
    const start = performance.now();
    await operation(i);
    samples[i] = performance.now() - start;
  }
  return samples;
}

/**
 * The session stores' own operations, one client in sequence, against raw ioredis GET and SET on the same
 * Redis as the floor, in one run with the contenders taking turns. Writes `## sessions` in BENCHMARKS.md.
 */
export async function run(_args: readonly string[]): Promise<void> {
  const rounds = positiveIntFromEnv('BENCH_SESSIONS_ROUNDS', STANDARD.rounds);
  const ops = positiveIntFromEnv('BENCH_SESSIONS_OPS', STANDARD.ops);
  const url = process.env.BENCH_SESSIONS_REDIS_URL ?? 'redis://127.0.0.1:6379';
  await ensureBuilt();
  // dist/ as users run it (tsc output), typed from the sources it was built from.
  const load = (file: string) => import(pathToFileURL(path.join(REPO_ROOT, 'dist', file)).href);
  const { FileStore } = (await load('servers/sessions/store/file-store.js')) as typeof FileStoreModule;
  const { RedisStore } = (await load('servers/sessions/store/redis-store.js')) as typeof RedisStoreModule;
  const prefix = `rampart-bench:${randomBytes(4).toString('hex')}:`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-bench-sessions-'));
  const raw = new Redis(url);
  const stores: Record<'file' | 'redis', Store> = {
    file: await FileStore.open(dir, 'bench'),
    redis: await RedisStore.open({ url, keyPrefix: prefix }, 'bench'),
  };
  const value = { status: 'working', issue: 42, todos: ['write the docs', 'run the bench'] };
  const json = JSON.stringify(value);
  const contenders: Record<string, Operation> = {
    'raw GET': () => raw.get(`${prefix}raw`),
    'raw SET': () => raw.set(`${prefix}raw`, json),
  };
  for (const kind of ['redis', 'file'] as const) {
    const store = stores[kind];
    contenders[`${kind} store_data`] = (i) => store.set('bench', `k${i % 100}`, value);
    contenders[`${kind} retrieve_data`] = (i) => store.get('bench', `k${i % 100}`);
    contenders[`${kind} compare_and_set`] = async () => {
      const current = await store.get('bench', 'cas');
      return store.compareAndSet('bench', 'cas', current?.version ?? 0, value);
    };
  }
  const machine = describeMachine();
  const revision = describeRevision();
  const date = new Date().toISOString();
  const p50s = new Map<string, number[]>();
  const p99s = new Map<string, number[]>();
  try {
    for (const name of Object.keys(contenders)) await measure(contenders[name] as Operation, 200);
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? Object.keys(contenders) : Object.keys(contenders).reverse();
      for (const name of order) {
        const samples = await measure(contenders[name] as Operation, ops);
        p50s.set(name, [...(p50s.get(name) ?? []), percentile(samples, 50)]);
        p99s.set(name, [...(p99s.get(name) ?? []), percentile(samples, 99)]);
      }
      console.error(`  round ${r + 1}/${rounds} done`);
    }
  } finally {
    await stores.file.close();
    await stores.redis.close();
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length > 0) await raw.del(...keys);
    raw.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
  const ms = (v: number) => `${v.toFixed(3)} ms`;
  const p50 = (name: string) => median(p50s.get(name) ?? []);
  const p99 = (name: string) => median(p99s.get(name) ?? []);
  const floor = Math.max(p50('raw GET'), p50('raw SET'));
  const rows = Object.keys(contenders).map((name) => {
    const isRedis = name.startsWith('redis ');
    // compare_and_set is a read and a conditional write: two round trips, so its floor is twice the raw one.
    const trips = name.endsWith('compare_and_set') ? 2 : 1;
    const ratio = p50(name) / (floor * trips);
    return [
      name,
      ms(p50(name)),
      ms(p99(name)),
      Math.round(1000 / p50(name)).toLocaleString('en-US'),
      isRedis ? `${ratio.toFixed(2)}× (${trips} round trip${trips > 1 ? 's' : ''})` : '',
      isRedis ? (ratio <= TARGET ? '**met**' : '**not met**') : '',
    ];
  });
  const charts = [sessionsChart(p50)];
  const report = [
    `Measured ${date} on ${machine.cores} × ${machine.cpu}, ${machine.memory} RAM, ${machine.os}, Node ${machine.node}; ` +
      `1-minute load average ${machine.load.toFixed(2)} at the start. Rampart: dist/ as last built, HEAD ${revision}.`,
    '',
    ...charts.map(chartImage),
    '',
    `### Store operations, one client in sequence (target: Redis store p50 ≤ ${TARGET}× the raw round trip)`,
    '',
    table(['Operation', 'p50', 'p99', 'ops/s (1 / p50)', 'Redis store ÷ raw', 'Result'], rows),
    '',
    '### Method',
    '',
    '- Raw: ioredis `GET` and `SET` of the same JSON value on the same Redis (127.0.0.1:6379); the floor is the ' +
      'slower of the two p50s.',
    '- Stores: `RedisStore` and `FileStore` from dist/ (`src/servers/sessions/store/`), called directly (no MCP): ' +
      'store_data is `set` (one Lua script), retrieve_data is `get` (one HMGET), compare_and_set is `get` then ' +
      '`compareAndSet` (one Lua script), as a session does it. The file store writes a file per change under a ' +
      'cross-process lock, on the local disk.',
    `- ${rounds} rounds of ${ops.toLocaleString('en-US')} sequential operations per contender, the order reversed ` +
      'every other round, after 200 untimed ones each; the table gives the median over rounds of each percentile.',
  ].join('\n');
  console.log(`## sessions\n\n${report}\n`);
  const recorded = rounds === STANDARD.rounds && ops === STANDARD.ops;
  const chartDir = saveCharts(charts, recorded);
  if (!recorded) {
    console.error(`non-standard settings: BENCHMARKS.md left unchanged, charts in ${chartDir}`);
    return;
  }
  writeSection(BENCHMARKS_FILE, 'sessions', report);
  console.error(`wrote the sessions section of ${BENCHMARKS_FILE}`);
}
