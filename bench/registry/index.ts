import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import {
  type RunningRegistry,
  registryServerConfigSchema,
  startRegistryServer,
} from '../../src/registry-server/index.js';
import { RegistryClient } from '../../src/servers/registry/client.js';
import { planMigration, runMigration } from '../../src/servers/registry/migration.js';
import { chartImage, saveCharts } from '../lib/chart.js';
import { positiveIntFromEnv } from '../lib/env.js';
import { describeMachine } from '../lib/machine.js';
import { table, writeSection } from '../lib/markdown.js';
import { BENCHMARKS_FILE } from '../lib/paths.js';
import { describeRevision } from '../lib/provenance.js';
import { median, percentile } from '../lib/stats.js';
import { registryChart } from './chart.js';
import { CONCURRENT, type ConcurrentResult, measureConcurrentRegistration } from './concurrent.js';
import { send } from './rest.js';

const STANDARD = { requests: 4000, concurrency: 16, versions: 100, checks: 50 } as const;
const MIGRATION = { subjects: 50, each: 4 } as const;
const PG_ADMIN = process.env.BENCH_REGISTRY_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const recordSchema = (name: string, fields: number) =>
  JSON.stringify({
    type: 'record',
    name,
    namespace: 'bench',
    fields: [
      { name: 'id', type: 'long' },
      ...Array.from({ length: fields }, (_, i) => ({
        name: `f${i}`,
        type: ['null', 'string'],
        default: null,
      })),
    ],
  });

/** `total` requests made by `concurrency` workers; returns requests per second and per-request latencies. */
async function load(
  total: number,
  concurrency: number,
  make: (i: number) => Promise<unknown>,
): Promise<{ perSecond: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) {
        const t = performance.now();
        await make(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { perSecond: (total / (performance.now() - started)) * 1000, latencies };
}

interface StoreResult {
  readonly store: string;
  readonly register: { perSecond: number; p50: number };
  readonly reregister: { perSecond: number; p50: number };
  readonly lookup: { perSecond: number; p50: number };
  readonly byId: { perSecond: number; p50: number };
  readonly compat: { p50: number; p99: number };
  readonly registerAtFull: number;
}

async function measure(
  store: string,
  registry: RunningRegistry,
  settings: typeof STANDARD,
): Promise<StoreResult> {
  const { requests, concurrency, versions, checks } = settings;
  const run = randomBytes(3).toString('hex');
  const url = registry.url;
  const summary = (r: { perSecond: number; latencies: number[] }) => ({
    perSecond: r.perSecond,
    p50: percentile(r.latencies, 50),
  });
  await load(200, concurrency, (i) =>
    send(`${url}/subjects/warm-${run}-${i}/versions`, 'POST', { schema: recordSchema(`W${i}`, 2) }),
  );
  const register = summary(
    await load(requests, concurrency, (i) =>
      send(`${url}/subjects/reg-${run}-${i}/versions`, 'POST', { schema: recordSchema(`R${run}x${i}`, 3) }),
    ),
  );
  const reregister = summary(
    await load(requests, concurrency, (i) =>
      send(`${url}/subjects/reg-${run}-${i % 500}/versions`, 'POST', {
        schema: recordSchema(`R${run}x${i % 500}`, 3),
      }),
    ),
  );
  const lookup = summary(
    await load(requests, concurrency, (i) =>
      send(`${url}/subjects/reg-${run}-${i % 500}`, 'POST', {
        schema: recordSchema(`R${run}x${i % 500}`, 3),
      }),
    ),
  );
  const { id } = (await send(`${url}/subjects/reg-${run}-0/versions/1`, 'GET')) as { id: number };
  const byId = summary(await load(requests, concurrency, () => send(`${url}/schemas/ids/${id}`, 'GET')));

  // A 100-version subject: each version adds an optional field, so every pair is compatible both ways.
  const subject = `hundred-${run}`;
  await send(`${url}/config/${subject}`, 'PUT', { compatibility: 'NONE' });
  for (let v = 0; v < versions; v++)
    await send(`${url}/subjects/${subject}/versions`, 'POST', { schema: recordSchema('H', v) });
  await send(`${url}/config/${subject}`, 'PUT', { compatibility: 'FULL_TRANSITIVE' });
  const candidate = { schema: recordSchema('H', versions) };
  await send(`${url}/compatibility/subjects/${subject}/versions`, 'POST', candidate);
  const timings: number[] = [];
  for (let i = 0; i < checks; i++) {
    const t = performance.now();
    const answer = (await send(`${url}/compatibility/subjects/${subject}/versions`, 'POST', candidate)) as {
      is_compatible: boolean;
    };
    timings.push(performance.now() - t);
    if (!answer.is_compatible) throw new Error('the 101st version should be compatible');
  }
  const t = performance.now();
  await send(`${url}/subjects/${subject}/versions`, 'POST', candidate);
  const registerAtFull = performance.now() - t;
  return {
    store,
    register,
    reregister,
    lookup,
    byId,
    compat: { p50: median(timings), p99: percentile(timings, 99) },
    registerAtFull,
  };
}

interface MigrationResult {
  readonly versions: number;
  readonly planMs: number;
  readonly copyMs: number;
}

/**
 * migrate_context's work between two registries on one store kind: `subjects` subjects of `each` versions, every
 * version with its id, planned (the dry run) and then copied.
 */
async function measureMigration(
  source: RunningRegistry,
  target: RunningRegistry,
  subjects: number,
  each: number,
): Promise<MigrationResult> {
  for (let s = 0; s < subjects; s++) {
    const subject = `:.bench:migrate-${s}`;
    await send(`${source.url}/config/${encodeURIComponent(subject)}`, 'PUT', { compatibility: 'NONE' });
    for (let v = 0; v < each; v++)
      await send(`${source.url}/subjects/${encodeURIComponent(subject)}/versions`, 'POST', {
        schema: recordSchema(`M${s}`, v + 1),
      });
  }
  const client = (name: string, url: string) => new RegistryClient({ name, url, viewonly: false }, 30_000);
  const request = {
    source: client('source', source.url),
    target: client('target', target.url),
    keep: (subject: string) => subject.startsWith(':.bench:'),
    rename: (subject: string) => subject,
    preserveIds: true,
  };
  const signal = new AbortController().signal;
  try {
    let t = performance.now();
    const plan = await planMigration(request, signal, () => {});
    const planMs = performance.now() - t;
    t = performance.now();
    const outcome = await runMigration(request, plan, signal, () => {});
    const copyMs = performance.now() - t;
    const written = outcome.steps.filter((step) => step.written).length;
    if (outcome.failed.length > 0 || written !== subjects * each)
      throw new Error(
        `migration wrote ${written} of ${subjects * each}: ${JSON.stringify(outcome.failed[0])}`,
      );
    return { versions: written, planMs, copyMs };
  } finally {
    await request.source.close();
    await request.target.close();
  }
}

async function postgresDatabase(): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const name = `rampart_bench_registry_${randomBytes(3).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: PG_ADMIN.replace(/\/[^/]*$/, `/${name}`),
    drop: async () => {
      const again = new pg.Client({ connectionString: PG_ADMIN });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}

/** The embedded registry over HTTP: register, lookup and fetch throughput, and a FULL_TRANSITIVE check. */
export async function run(_args: readonly string[]): Promise<void> {
  const settings = {
    requests: positiveIntFromEnv('BENCH_REGISTRY_REQUESTS', STANDARD.requests),
    concurrency: positiveIntFromEnv('BENCH_REGISTRY_CONCURRENCY', STANDARD.concurrency),
    versions: STANDARD.versions,
    checks: positiveIntFromEnv('BENCH_REGISTRY_CHECKS', STANDARD.checks),
    concurrentRegistrations: positiveIntFromEnv(
      'BENCH_REGISTRY_CONCURRENT_REGISTRATIONS',
      CONCURRENT.registrations,
    ),
  } as typeof STANDARD & { concurrentRegistrations: number };
  const machine = describeMachine();
  const revision = describeRevision();
  const date = new Date().toISOString();
  const scratch = mkdtempSync(join(tmpdir(), 'rampart-bench-registry-'));
  const results: StoreResult[] = [];
  const migrations: (MigrationResult & { store: string })[] = [];
  const concurrent: ConcurrentResult[] = [];
  try {
    const sqlite = await startRegistryServer(
      registryServerConfigSchema.parse({
        port: 0,
        sqlitePath: join(scratch, 'registry.db'),
        logLevel: 'silent',
      }),
    );
    const sqliteTarget = await startRegistryServer(
      registryServerConfigSchema.parse({
        port: 0,
        sqlitePath: join(scratch, 'target.db'),
        logLevel: 'silent',
      }),
    );
    try {
      results.push(await measure('SQLite', sqlite, settings));
      migrations.push({
        store: 'SQLite',
        ...(await measureMigration(sqlite, sqliteTarget, MIGRATION.subjects, MIGRATION.each)),
      });
    } finally {
      await sqlite.close();
      await sqliteTarget.close();
    }
    const database = await postgresDatabase();
    const targetDatabase = database ? await postgresDatabase() : undefined;
    if (database && targetDatabase) {
      const onPostgres = (url: string) =>
        startRegistryServer(
          registryServerConfigSchema.parse({
            port: 0,
            store: 'postgres',
            postgresUrl: url,
            logLevel: 'silent',
          }),
        );
      const postgres = await onPostgres(database.url);
      const postgresTarget = await onPostgres(targetDatabase.url);
      try {
        results.push(await measure('PostgreSQL', postgres, settings));
        migrations.push({
          store: 'PostgreSQL',
          ...(await measureMigration(postgres, postgresTarget, MIGRATION.subjects, MIGRATION.each)),
        });
        const peer = await onPostgres(database.url);
        try {
          for (const clients of CONCURRENT.clients) {
            concurrent.push(
              await measureConcurrentRegistration(
                [postgres, peer],
                clients,
                settings.concurrentRegistrations,
                CONCURRENT.subjects,
              ),
            );
          }
        } finally {
          await peer.close();
        }
      } finally {
        await postgres.close();
        await postgresTarget.close();
        await database.drop();
        await targetDatabase.drop();
      }
    } else {
      console.error(`PostgreSQL is not reachable at ${PG_ADMIN}: measuring SQLite only`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const rate = (r: { perSecond: number; p50: number }) =>
    `${Math.round(r.perSecond).toLocaleString('en-US')}/s (p50 ${r.p50.toFixed(2)} ms)`;
  const charts = [registryChart(results)];
  const report = [
    `Measured ${date} on ${machine.cores} × ${machine.cpu}, ${machine.memory} RAM, ${machine.os}, Node ${machine.node}; ` +
      `1-minute load average ${machine.load.toFixed(2)} at the start. Rampart: src/ at HEAD ${revision}, the registry in process, ` +
      `clients over loopback HTTP with ${settings.concurrency} requests in flight.`,
    '',
    ...charts.map(chartImage),
    '',
    table(
      [
        'Store',
        'register (new subject)',
        're-register (existing)',
        'lookup (POST /subjects/{s})',
        'GET /schemas/ids/{id}',
      ],
      results.map((r) => [r.store, rate(r.register), rate(r.reregister), rate(r.lookup), rate(r.byId)]),
    ),
    '',
    `### Compatibility check against a ${settings.versions}-version Avro subject at FULL_TRANSITIVE`,
    '',
    table(
      ['Store', 'check p50 / p99 (POST /compatibility/…/versions)', 'registering version 101'],
      results.map((r) => [
        r.store,
        `${r.compat.p50.toFixed(2)} ms / ${r.compat.p99.toFixed(2)} ms`,
        `${r.registerAtFull.toFixed(2)} ms`,
      ]),
    ),
    '',
    `### Migrating a context between two registries (${MIGRATION.subjects} subjects × ${MIGRATION.each} versions, ids kept)`,
    '',
    table(
      ['Store', 'plan (the dry run)', 'copy', 'versions copied per second'],
      migrations.map((m) => [
        m.store,
        `${Math.round(m.planMs)} ms`,
        `${Math.round(m.copyMs)} ms`,
        `${Math.round((m.versions / m.copyMs) * 1000)}/s`,
      ]),
    ),
    '',
    `### PostgreSQL: concurrent registrations, two instances on one database`,
    '',
    concurrent.length === 0
      ? 'Not measured: PostgreSQL was not reachable.'
      : table(
          ['clients in flight', 'registrations per second', 'p50 / p99 per registration'],
          concurrent.map((r) => [
            String(r.clients),
            `${Math.round(r.perSecond).toLocaleString('en-US')}/s`,
            `${r.p50.toFixed(2)} ms / ${r.p99.toFixed(2)} ms`,
          ]),
        ),
    '',
    '### Method',
    '',
    `- ${settings.requests.toLocaleString('en-US')} requests per workload after 200 untimed registrations; records of a long id ` +
      'and optional string fields. "register" creates a new subject each time; "re-register" sends schemas a subject ' +
      'already has (the id comes back, nothing is written); "lookup" asks which version of a subject a schema is.',
    `- The ${settings.versions}-version subject is built with compatibility NONE (each version adds an optional field), then ` +
      `set to FULL_TRANSITIVE; each check reads version ${settings.versions + 1} against all ${settings.versions} in both directions. ` +
      `${settings.checks} checks, after one untimed.`,
    '- Migration: `planMigration` then `runMigration` (what migrate_context runs) between two registries on the same ' +
      'store, in process over loopback HTTP. The plan reads every source version and each target subject; the copy ' +
      'puts each target subject in IMPORT mode, registers its versions with their ids, confirms each version with a ' +
      "lookup, and restores the mode. No anchor: the seed server's migrate_context prints a docker command instead of copying.",
    `- Concurrent registrations: two registry instances on one PostgreSQL database, requests alternating between them; ` +
      `${settings.concurrentRegistrations.toLocaleString('en-US')} distinct schemas per row over ${CONCURRENT.subjects} fresh ` +
      'BACKWARD subjects (each new version is checked against the latest, which another instance may just have written). ' +
      'Every row ends by checking that each subject has versions 1..n with no gap and that both instances list the same ones. ' +
      'No anchor: a Confluent registry needs Kafka, which this machine does not run.',
  ].join('\n');
  console.log(`## registry\n\n${report}\n`);
  const recorded =
    settings.requests === STANDARD.requests &&
    settings.concurrency === STANDARD.concurrency &&
    settings.checks === STANDARD.checks &&
    settings.concurrentRegistrations === CONCURRENT.registrations;
  const chartDir = saveCharts(charts, recorded);
  if (!recorded) {
    console.error(`non-standard settings: BENCHMARKS.md left unchanged, charts in ${chartDir}`);
    return;
  }
  writeSection(BENCHMARKS_FILE, 'registry', report);
  console.error(`wrote the registry section of ${BENCHMARKS_FILE}`);
}
