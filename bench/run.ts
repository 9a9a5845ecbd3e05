/**
 * `npm run bench -- <name>`: runs one benchmark. Each benchmark is a module exporting `run(args)`, loaded only
 * when asked for.
 */
interface Benchmark {
  readonly summary: string;
  readonly load: () => Promise<{ run(args: readonly string[]): Promise<void> }>;
}

const BENCHMARKS: Readonly<Record<string, Benchmark>> = {
  fs: {
    summary:
      'fs server vs @modelcontextprotocol/server-filesystem and find / grep -r on a 100,000-file tree ' +
      '(BENCH_FS_FILES=<n> for a smaller tree, BENCH_FS_PROFILE=<dir> for server CPU profiles)',
    load: () => import('./fs/index.js'),
  },
  db: {
    summary:
      'db server vs @modelcontextprotocol/server-postgres and the raw pg driver: a 1,000-row SELECT and a point ' +
      'query on PostgreSQL (BENCH_DB_URL=<url>; BENCH_DB_ROUNDS, _CALL_DIVISOR, _CONCURRENCY; ' +
      'BENCH_DB_PROFILE=<dir> for server CPU profiles)',
    load: () => import('./db/index.js'),
  },
  gateway: {
    summary:
      'rampart serve (auth + audit on) vs the SDK v2 bare HTTP handler: calls/s and p99 under concurrent load, ' +
      'then a 60 s soak with 50 clients (BENCH_GATEWAY_SOAK_SECONDS=<s> for a shorter soak; also ' +
      '_CONCURRENCY, _ROUNDS, _ROUND_SECONDS, _SOAK_CLIENTS; BENCH_GATEWAY_PROFILE=<dir> for server CPU profiles)',
    load: () => import('./gateway/index.js'),
  },
  http: {
    summary:
      "the http server's guarded client vs plain undici on one loopback server: per-request latency at p50 " +
      '(BENCH_HTTP_ROUNDS, BENCH_HTTP_REQUESTS for a shorter run)',
    load: () => import('./http/index.js'),
  },
  git: {
    summary:
      'git server vs the plain git command on a 10,000-commit repository: per-call overhead at p50 for git_log, ' +
      'git_diff and git_status (BENCH_GIT_ROUNDS, BENCH_GIT_CALLS for a shorter run)',
    load: () => import('./git/index.js'),
  },
  krakend: {
    summary:
      'krakend engine vs bare ajv: validating a generated 1 MB config (warm), auditing it, docs search p50/p99 and ' +
      'index build time (needs the shared fixtures: RAMPART_FIXTURES; BENCH_KRAKEND_ROUNDS, _CALLS, _QUERIES)',
    load: () => import('./krakend/index.js'),
  },
  registry: {
    summary:
      'embedded Schema Registry (SQLite, and PostgreSQL when reachable): register, lookup and fetch requests/s, and a ' +
      'compatibility check against a 100-version subject at FULL_TRANSITIVE (BENCH_REGISTRY_REQUESTS, _CONCURRENCY, ' +
      '_CHECKS; BENCH_REGISTRY_PG_URL)',
    load: () => import('./registry/index.js'),
  },
  startup: {
    summary:
      "every server's cold start and trivial-call p50 against its anchor (fs and db against the reference servers, " +
      'the rest against a bare SDK v2 server), and `rampart --version` (BENCH_STARTUP_RUNS, _ROUNDS, _WARMUP, _CALLS; ' +
      'BENCH_DB_URL)',
    load: () => import('./startup/index.js'),
  },
  stdio: {
    summary:
      "round trip of a trivial call over stdio through the SDK's transport and Rampart's bounded one, on the same " +
      'bare SDK server (BENCH_STDIO_ROUNDS, _WARMUP, _CALLS for a shorter run)',
    load: () => import('./stdio/index.js'),
  },
  reliability: {
    summary:
      'faults survived (Redis and PostgreSQL killed, frozen or crashed under running servers), load held through a ' +
      'crash, and bad inputs tried by the fuzz tests, each counted (BENCH_RELIABILITY_WRITES, _CALLS_DOWN, _CLIENTS, ' +
      '_SECONDS, _FUZZ_RUNS for a shorter run)',
    load: () => import('./reliability/index.js'),
  },
  sessions: {
    summary:
      'session stores (Redis and file) vs raw ioredis GET/SET on the same Redis: store/retrieve/compare_and_set p50, ' +
      'p99 and ops/s (BENCH_SESSIONS_REDIS_URL; BENCH_SESSIONS_ROUNDS, BENCH_SESSIONS_OPS for a shorter run)',
    load: () => import('./sessions/index.js'),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(BENCHMARKS).map((n) => n.length));
  const lines = Object.entries(BENCHMARKS).map(([name, b]) => `  ${name.padEnd(width)}  ${b.summary}`);
  return ['usage: npm run bench -- <name>', '', 'benchmarks:', ...lines].join('\n');
}

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const benchmark = name === undefined ? undefined : BENCHMARKS[name];
  if (!benchmark) {
    if (name !== undefined) console.error(`unknown benchmark "${name}"`);
    console.error(usage());
    process.exitCode = 2;
    return;
  }
  try {
    await (await benchmark.load()).run(args);
  } catch (error) {
    console.error(`bench ${name} failed: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 1;
  }
}

await main();
