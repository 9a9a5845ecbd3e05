import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { RedisStore } from '../../src/servers/sessions/store/redis-store.js';
import { spawnStdioServer } from '../helpers/process.js';
import { restClient } from '../helpers/registry-rest.js';
import { OwnPostgres } from './own-postgres.js';
import { OwnRedis } from './own-redis.js';
import { freePort } from './ports.js';
import { spawnListener } from './spawned.js';

/** The value below which `p` percent of the samples lie (nearest rank). */
function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
}

/** What steady load through one fault measured. */
export interface LoadThroughFault {
  readonly scenario: string;
  readonly clients: number;
  readonly seconds: number;
  readonly downSeconds: number;
  readonly calls: number;
  readonly acknowledged: number;
  readonly failed: number;
  /** Acknowledged writes missing or changed at the end. */
  readonly lost: number;
  /** Writes that landed although their caller was told they failed (the answer was lost with the connection). */
  readonly landedUnacknowledged: number;
  readonly p99Ms: number;
  readonly slowestMs: number;
  /** From the restart to the first acknowledged call. */
  readonly recoveredMs: number;
}

export interface Clock {
  readonly crashAtMs: number;
  readonly downMs: number;
  readonly totalMs: number;
}

/** What every load-through-a-fault report measures the same way: time, calls, latency and recovery. */
function timings(
  clock: Clock,
  latencies: readonly number[],
  restartedAt: number,
  acknowledgedAt: readonly number[],
): Pick<LoadThroughFault, 'seconds' | 'downSeconds' | 'calls' | 'p99Ms' | 'slowestMs' | 'recoveredMs'> {
  const firstAfter = acknowledgedAt.find((at) => at > restartedAt);
  return {
    seconds: clock.totalMs / 1000,
    downSeconds: clock.downMs / 1000,
    calls: latencies.length,
    p99Ms: percentile(latencies, 99),
    slowestMs: Math.max(...latencies),
    recoveredMs: firstAfter !== undefined ? firstAfter - restartedAt : Number.NaN,
  };
}

/** Runs `loop(client, stop)` for each client while `fault` takes the service down and back up on schedule. */
async function underFault(
  clients: number,
  clock: Clock,
  fault: { down(): Promise<void>; up(): Promise<void> },
  loop: (client: number, running: () => boolean) => Promise<void>,
): Promise<{ restartedAt: number }> {
  const start = performance.now();
  let running = true;
  let restartedAt = Number.NaN;
  const loops = Array.from({ length: clients }, (_, client) => loop(client, () => running));
  await sleep(clock.crashAtMs);
  await fault.down();
  await sleep(clock.downMs);
  await fault.up();
  restartedAt = performance.now();
  await sleep(Math.max(0, clock.totalMs - (performance.now() - start)));
  running = false;
  await Promise.all(loops);
  return { restartedAt };
}

/**
 * Clients registering schemas against a registry-server (PostgreSQL store) as fast as they can while PostgreSQL
 * crashes and comes back. A client that gets no answer sends the same schema again, as a real client would.
 */
export async function registryLoadThroughCrash(
  bin: string,
  clients: number,
  clock: Clock,
): Promise<LoadThroughFault> {
  const cluster = await OwnPostgres.start(bin);
  const port = await freePort();
  const registry = await spawnListener(
    ['registry-server', '--store', 'postgres', '--postgres-url', cluster.url(), '--port', String(port)],
    port,
  );
  const rest = restClient(() => registry.url);
  const latencies: number[] = [];
  const acknowledged: { subject: string; version: number; id: number; at: number }[] = [];
  let failed = 0;
  try {
    const { restartedAt } = await underFault(
      clients,
      clock,
      { down: () => cluster.stop('immediate'), up: () => cluster.start() },
      async (client, running) => {
        const subject = `load-${client}`;
        for (let version = 1; running(); ) {
          const fields = Array.from({ length: version }, (_, i) => ({
            name: `f${i}`,
            type: ['null', 'string'],
            default: null,
          }));
          const start = performance.now();
          const answer = await rest('POST', `/subjects/${subject}/versions`, {
            schema: JSON.stringify({ type: 'record', name: 'R', fields }),
          }).catch(() => ({ status: 0, body: {} }));
          latencies.push(performance.now() - start);
          if (answer.status === 200) {
            acknowledged.push({ subject, version, id: answer.body.id, at: performance.now() });
            version++;
          } else {
            failed++;
            await sleep(20);
          }
        }
      },
    );
    if (!registry.alive())
      throw new Error(`the registry process ended under load: ${registry.stderr().slice(-3000)}`);
    let lost = 0;
    for (const item of acknowledged) {
      const answer = await rest('GET', `/subjects/${item.subject}/versions/${item.version}`);
      if (answer.status !== 200 || answer.body.id !== item.id) lost++;
    }
    let landed = 0;
    for (let client = 0; client < clients; client++) {
      const versions = (await rest('GET', `/subjects/load-${client}/versions`)).body as number[];
      landed += versions.length;
    }
    return {
      scenario:
        'registry-server (PostgreSQL store), clients registering schemas; PostgreSQL crashed (stop -m immediate) and restarted',
      clients,
      acknowledged: acknowledged.length,
      failed,
      lost,
      landedUnacknowledged: landed - acknowledged.length,
      ...timings(
        clock,
        latencies,
        restartedAt,
        acknowledged.map((item) => item.at),
      ),
    };
  } finally {
    await registry.stop();
    await cluster.close();
  }
}

/**
 * Clients incrementing one shared counter in the sessions Redis store as fast as they can while Redis is killed
 * (kill -9) and started again. The counter must end at least at the number of acknowledged increments.
 */
export async function sessionsLoadThroughKill(clients: number, clock: Clock): Promise<LoadThroughFault> {
  const redis = await OwnRedis.start();
  const store = await RedisStore.open({ url: redis.url, keyPrefix: 'load:' }, 'bench');
  const latencies: number[] = [];
  const acknowledgedAt: number[] = [];
  let failed = 0;
  try {
    const { restartedAt } = await underFault(
      clients,
      clock,
      { down: () => redis.kill(), up: () => redis.start() },
      async (_client, running) => {
        while (running()) {
          const start = performance.now();
          const ok = await store.increment('load', 'counter', 1).then(
            () => true,
            () => false,
          );
          latencies.push(performance.now() - start);
          if (ok) acknowledgedAt.push(performance.now());
          else {
            failed++;
            await sleep(20);
          }
        }
      },
    );
    const final = Number((await store.get('load', 'counter'))?.value ?? 0);
    return {
      scenario:
        'sessions Redis store, clients incrementing one counter; Redis killed (kill -9) and restarted',
      clients,
      acknowledged: acknowledgedAt.length,
      failed,
      lost: Math.max(0, acknowledgedAt.length - final),
      landedUnacknowledged: Math.max(0, final - acknowledgedAt.length),
      ...timings(clock, latencies, restartedAt, acknowledgedAt),
    };
  } finally {
    await store.close();
    await redis.close();
  }
}

/**
 * Clients inserting rows through a spawned `rampart db --allow-writes` as fast as they can while PostgreSQL
 * crashes and comes back; every acknowledged row is then read back past the server.
 */
export async function dbLoadThroughCrash(
  bin: string,
  clients: number,
  clock: Clock,
): Promise<LoadThroughFault> {
  const cluster = await OwnPostgres.start(bin);
  const admin = new pg.Client({ connectionString: cluster.url() });
  await admin.connect();
  await admin.query('CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL)');
  await admin.end();
  const server = await spawnStdioServer(['db', cluster.url(), '--allow-writes', '--log-level', 'error']);
  const latencies: number[] = [];
  const acknowledged: { id: number; at: number }[] = [];
  let failed = 0;
  let next = 0;
  try {
    const { restartedAt } = await underFault(
      clients,
      clock,
      { down: () => cluster.stop('immediate'), up: () => cluster.start() },
      async (_client, running) => {
        while (running()) {
          const id = next++;
          const start = performance.now();
          // A server that died answers nothing: a call it never answers counts as failed after 10 s.
          const result = await Promise.race([
            server.callTool('execute', {
              sql: 'INSERT INTO t (id, v) VALUES ($1, $2)',
              params: [id, `v${id}`],
            }),
            sleep(10_000).then(() => ({ isError: true })),
          ]).catch(() => ({ isError: true }));
          latencies.push(performance.now() - start);
          if (result.isError !== true) acknowledged.push({ id, at: performance.now() });
          else {
            failed++;
            await sleep(20);
          }
        }
      },
    );
    const alive = await Promise.race([
      server.callTool('query', { sql: 'SELECT 1' }).then(
        (result) => result.isError !== true,
        () => false,
      ),
      sleep(10_000).then(() => false),
    ]);
    if (!alive) throw new Error('the db server ended under load');
    const client = new pg.Client({ connectionString: cluster.url() });
    await client.connect();
    const { rows } = await client.query<{ id: number; v: string }>('SELECT id, v FROM t');
    await client.end();
    const found = new Map(rows.map((row) => [row.id, row.v]));
    return {
      scenario:
        'db server (PostgreSQL), clients inserting rows; PostgreSQL crashed (stop -m immediate) and restarted',
      clients,
      acknowledged: acknowledged.length,
      failed,
      lost: acknowledged.filter(({ id }) => found.get(id) !== `v${id}`).length,
      landedUnacknowledged: rows.length - acknowledged.filter(({ id }) => found.has(id)).length,
      ...timings(
        clock,
        latencies,
        restartedAt,
        acknowledged.map((item) => item.at),
      ),
    };
  } finally {
    server.kill();
    await cluster.close();
  }
}
