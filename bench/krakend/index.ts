import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { audit } from '../../src/servers/krakend/audit/audit.js';
import { DocsLibrary } from '../../src/servers/krakend/docs/library.js';
import { makeAjv, SchemaRegistry } from '../../src/servers/krakend/schema/registry.js';
import { SchemaSource } from '../../src/servers/krakend/schema/source.js';
import { validateText } from '../../src/servers/krakend/validate.js';
import { chartImage, saveCharts } from '../lib/chart.js';
import { positiveIntFromEnv } from '../lib/env.js';
import { describeMachine } from '../lib/machine.js';
import { table, writeSection } from '../lib/markdown.js';
import { BENCHMARKS_FILE, REPO_ROOT } from '../lib/paths.js';
import { describeRevision } from '../lib/provenance.js';
import { median, percentile } from '../lib/stats.js';
import { krakendChart } from './chart.js';
import { largeConfig } from './config.js';

const STANDARD = { rounds: 7, calls: 40, queries: 3000 } as const;
const VALIDATION_TARGET = 1.5;
const SEARCH_P99_TARGET_MS = 5;
const CONFIG_BYTES = 1024 * 1024;

const QUESTIONS = [
  'rate limit requests per IP address',
  'validate JWT tokens with a JWK URL',
  'enable CORS for browsers',
  'circuit breaker for a failing backend',
  'flexible configuration templates and settings',
  'cache backend responses',
  'TLS certificates',
  'OpenTelemetry traces',
  'Prometheus metrics',
  'block bots by user agent',
  'revoke tokens',
  'Lua scripting',
  'forward query strings and headers',
  'sequential proxy',
  'JSON schema validation of the body',
  'audit the configuration',
  'run in Docker',
  'Kubernetes',
  'shadow backends',
  'Graylog GELF logging',
  'AMQP consumer',
  'no-op encoding',
  'client credentials',
  'health endpoint',
  'environment variables',
];

function fixturesDir(): string {
  const dir = process.env.RAMPART_FIXTURES ?? join(REPO_ROOT, '../shared/fixtures');
  if (!existsSync(join(dir, 'krakend'))) {
    throw new Error(
      `the krakend fixtures are not at ${dir}/krakend; set RAMPART_FIXTURES to the shared fixtures folder`,
    );
  }
  return join(dir, 'krakend');
}

function timeSync(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * The krakend server's engine in process: validating a generated 1 MB config (warm) against bare ajv on the same
 * compiled v2.13 schema (the floor), auditing it, searching the KrakenD docs, and building the docs index.
 * Writes `## krakend`.
 */
export async function run(_args: readonly string[]): Promise<void> {
  const rounds = positiveIntFromEnv('BENCH_KRAKEND_ROUNDS', STANDARD.rounds);
  const calls = positiveIntFromEnv('BENCH_KRAKEND_CALLS', STANDARD.calls);
  const queries = positiveIntFromEnv('BENCH_KRAKEND_QUERIES', STANDARD.queries);
  const fixtures = fixturesDir();
  const machine = describeMachine();
  const revision = describeRevision();
  const date = new Date().toISOString();
  const scratch = mkdtempSync(join(tmpdir(), 'rampart-bench-krakend-'));
  try {
    const registry = new SchemaRegistry(
      new SchemaSource({
        localDir: join(fixtures, 'schema'),
        cacheDir: join(scratch, 'schema'),
        baseUrl: 'https://www.krakend.io/schema/',
        offline: true,
        timeoutMs: 10_000,
        maxBytes: 1 << 26,
      }),
    );
    const compileStart = performance.now();
    const loaded = await registry.load('2.13');
    const compileMs = performance.now() - compileStart;
    const text = largeConfig(loaded.catalog, CONFIG_BYTES);
    const first = await validateText(text, registry);
    if (!first.valid)
      throw new Error(`the generated config is not valid: ${JSON.stringify(first.errors.slice(0, 3))}`);
    const endpoints = (JSON.parse(text) as { endpoints: unknown[] }).endpoints.length;

    // The floor: a fresh ajv with the same options, the same documents, compiled once; JSON.parse + validate.
    const ajv = await makeAjv(loaded.draft);
    for (const [url, json] of loaded.documents.entries()) ajv.addSchema(json as object, url);
    const bare = ajv.getSchema(loaded.documents.rootUrl);
    if (!bare) throw new Error('bare ajv did not compile v2.13');
    const bareValidate = () => {
      if (!bare(JSON.parse(text))) throw new Error('bare ajv rejected the config');
    };

    const p50: Record<'ajv' | 'rampart' | 'audit', number[]> = { ajv: [], rampart: [], audit: [] };
    for (let i = 0; i < 3; i++) {
      bareValidate();
      await validateText(text, registry);
    }
    for (let r = 0; r < rounds; r++) {
      const samples: Record<'ajv' | 'rampart' | 'audit', number[]> = { ajv: [], rampart: [], audit: [] };
      for (let c = 0; c < calls; c++) {
        const order = c % 2 === 0 ? (['ajv', 'rampart'] as const) : (['rampart', 'ajv'] as const);
        for (const kind of order) {
          if (kind === 'ajv') samples.ajv.push(timeSync(bareValidate));
          else samples.rampart.push(await timeAsync(() => validateText(text, registry)));
        }
        samples.audit.push(timeSync(() => audit(JSON.parse(text))));
      }
      for (const kind of ['ajv', 'rampart', 'audit'] as const) p50[kind].push(percentile(samples[kind], 50));
      console.error(
        `  round ${r + 1}/${rounds}: validate p50 ajv ${percentile(samples.ajv, 50).toFixed(2)} ms, ` +
          `Rampart ${percentile(samples.rampart, 50).toFixed(2)} ms; audit ${percentile(samples.audit, 50).toFixed(2)} ms`,
      );
    }

    // Docs: the index built from the docs folder with no cache (each build in a fresh directory), then queries.
    const builds: number[] = [];
    let library: DocsLibrary | undefined;
    for (let b = 0; b < 5; b++) {
      library = new DocsLibrary({
        localDir: join(fixtures, 'docs'),
        url: 'https://www.krakend.io/llms-full.txt',
        cacheDir: join(scratch, `docs-${b}`),
        maxAgeMs: 7 * 24 * 3600 * 1000,
        offline: true,
        timeoutMs: 10_000,
        maxBytes: 1 << 26,
        siteBase: 'https://www.krakend.io/',
      });
      builds.push(await timeAsync(() => (library as DocsLibrary).index()));
    }
    const index = await (library as DocsLibrary).index();
    const loadStart = performance.now();
    await new DocsLibrary((library as DocsLibrary).options).index();
    const cachedLoadMs = performance.now() - loadStart;
    for (const q of QUESTIONS) index.query(q, 5);
    const searches: number[] = [];
    for (let i = 0; i < queries; i++) {
      const question = QUESTIONS[i % QUESTIONS.length] as string;
      searches.push(timeSync(() => index.query(question, 5)));
    }

    const ajvMs = median(p50.ajv);
    const rampartMs = median(p50.rampart);
    const ratio = rampartMs / ajvMs;
    const searchP50 = percentile(searches, 50);
    const searchP99 = percentile(searches, 99);
    const ms = (v: number) => `${v.toFixed(2)} ms`;
    const charts = [
      krakendChart({
        validate: { rampart: rampartMs, ajv: ajvMs },
        audit: median(p50.audit),
        searchP50,
        searchP99,
        indexBuild: median(builds),
        indexLoad: cachedLoadMs,
        schemaCompile: compileMs,
      }),
    ];
    const report = [
      `Measured ${date} on ${machine.cores} × ${machine.cpu}, ${machine.memory} RAM, ${machine.os}, Node ${machine.node}; ` +
        `1-minute load average ${machine.load.toFixed(2)} at the start. Rampart: src/ at HEAD ${revision}, in process.`,
      '',
      ...charts.map(chartImage),
      '',
      `### Validating a generated ${(Buffer.byteLength(text) / 1024 / 1024).toFixed(2)} MB config (${endpoints.toLocaleString('en-US')} endpoints, v2.13, warm)`,
      '',
      table(
        ['Contender', 'p50 per validation', 'Ratio to bare ajv', 'Goal', 'Result'],
        [
          ['bare ajv (JSON.parse + compiled validate)', ms(ajvMs), '1.00×', 'floor', ''],
          [
            'Rampart `validateText` (parse, template check, validate, edition walk)',
            ms(rampartMs),
            `${ratio.toFixed(2)}×`,
            `≤ ${VALIDATION_TARGET}×`,
            ratio <= VALIDATION_TARGET ? '**met**' : '**not met**',
          ],
          ['Rampart audit (all 52 rules, with JSON.parse)', ms(median(p50.audit)), '', '', ''],
        ],
      ),
      '',
      '### Documentation search over the KrakenD docs fixture',
      '',
      table(
        ['Measure', 'Value', 'Goal', 'Result'],
        [
          [
            `search p50 / p99 (${queries.toLocaleString('en-US')} queries, ${QUESTIONS.length} questions in turn, top 5)`,
            `${ms(searchP50)} / ${ms(searchP99)}`,
            `p99 ≤ ${SEARCH_P99_TARGET_MS} ms`,
            searchP99 <= SEARCH_P99_TARGET_MS ? '**met**' : '**not met**',
          ],
          [
            `index build from ${index.pages} markdown pages (${index.chunks.length} sections), median of ${builds.length}`,
            ms(median(builds)),
            '',
            '',
          ],
          ['index load from the cache (a restart)', ms(cachedLoadMs), '', ''],
          ['v2.13 schema load and compile, cold', ms(compileMs), '', ''],
        ],
      ),
      '',
      '### Method',
      '',
      '- Config: built by the same generator as `generate_basic_config` (JWT, rate limits, two backends per endpoint ' +
        'with filtering, circuit breakers and bounded caches) until it passes 1 MB, and checked valid first.',
      '- Floor: a separate ajv instance with the same options and the same schema documents, compiled once; each ' +
        'validation is `JSON.parse` plus the compiled function, as any ajv user would run it.',
      `- ${rounds} rounds of ${calls} validations each, the two contenders alternating which goes first; the table ` +
        "gives the median over rounds of each round's p50. Three untimed validations each come first.",
      '- Search: the index built from the fixture docs folder, then each question asked in turn; times are for ' +
        '`DocsIndex.query` in process (the MCP call adds its transport on top).',
    ].join('\n');
    console.log(`## krakend\n\n${report}\n`);
    const recorded = rounds === STANDARD.rounds && calls === STANDARD.calls && queries === STANDARD.queries;
    const chartDir = saveCharts(charts, recorded);
    if (!recorded) {
      console.error(`non-standard settings: BENCHMARKS.md left unchanged, charts in ${chartDir}`);
      return;
    }
    writeSection(BENCHMARKS_FILE, 'krakend', report);
    console.error(`wrote the krakend section of ${BENCHMARKS_FILE}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
