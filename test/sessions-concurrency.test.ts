import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStore } from '../src/servers/sessions/store/file-store.js';
import { RedisStore } from '../src/servers/sessions/store/redis-store.js';
import type { SessionStore } from '../src/servers/sessions/store/types.js';
import { makeCertificates } from './helpers/certificates.js';
import { REPO } from './helpers/mcp.js';
import { type AclUser, createAclUser, REDIS_URL } from './helpers/redis.js';
import { describeWithService, listening } from './helpers/services.js';

const WORKER = path.join(REPO, 'test/support/sessions-worker.mjs');
/** These tests start 8–16 node processes and make thousands of changes; a loaded CI machine needs room. */
const SLOW_MS = 120_000;

type StoreSpec =
  | { kind: 'file'; directory: string }
  | { kind: 'redis'; redis: { url: string; username: string; password: string; keyPrefix: string } };

function startWorker(job: Record<string, unknown>): {
  child: ChildProcess;
  result: Promise<Record<string, unknown>>;
} {
  const child = spawn(process.execPath, [WORKER, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const result = new Promise<Record<string, unknown>>((resolve, reject) => {
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}'));
      else reject(new Error(`worker exited ${code}: ${err}`));
    });
  });
  return { child, result };
}

async function runWorkers(count: number, job: (i: number) => Record<string, unknown>) {
  const startAt = Date.now() + 1_500;
  return Promise.all(Array.from({ length: count }, (_, i) => startWorker({ ...job(i), startAt }).result));
}

/** The acceptance runs of issue 7, against one store. */
function concurrencySuite(spec: () => StoreSpec, open: (namespace: string) => Promise<SessionStore>) {
  it(
    '8 processes × 500 increments end at exactly 4,000',
    async () => {
      const namespace = `inc-${randomBytes(4).toString('hex')}`;
      await runWorkers(8, () => ({ store: spec(), namespace, op: 'increment', count: 500 }));
      const store = await open(namespace);
      try {
        expect((await store.get('counters', 'shared'))?.value).toBe(4000);
      } finally {
        await store.close();
      }
    },
    SLOW_MS,
  );

  it(
    '8 processes × 500 compare-and-set loops end at exactly 4,000',
    async () => {
      const namespace = `cas-${randomBytes(4).toString('hex')}`;
      const results = await runWorkers(8, () => ({ store: spec(), namespace, op: 'cas', count: 500 }));
      const store = await open(namespace);
      try {
        const entry = await store.get('counters', 'cas');
        expect(entry?.value).toBe(4000);
        expect(entry?.version).toBe(4000);
      } finally {
        await store.close();
      }
      // The loops really contended: some swaps were refused and retried.
      expect(results.reduce((sum, r) => sum + Number(r.casRetries), 0)).toBeGreaterThan(0);
    },
    SLOW_MS,
  );

  it(
    '8 processes asking at once for one exclusive lease: exactly one gets it',
    async () => {
      const namespace = `lease-${randomBytes(4).toString('hex')}`;
      const results = await runWorkers(8, (i) => ({
        store: spec(),
        namespace,
        op: 'lease',
        resource: 'path:src/**',
        holder: `h${i}`,
      }));
      expect(results.filter((r) => r.acquired === true)).toHaveLength(1);
    },
    SLOW_MS,
  );

  it(
    '16 simultaneous claims get 16 distinct slots',
    async () => {
      const namespace = `slots-${randomBytes(4).toString('hex')}`;
      const results = await runWorkers(16, (i) => ({
        store: spec(),
        namespace,
        op: 'claim',
        holder: `holder-${i}`,
        machine: `machine-${i % 3}`,
        maxSlots: 32,
      }));
      const slots = results.map((r) => r.slot);
      expect(slots.every((s) => typeof s === 'string')).toBe(true);
      expect(new Set(slots).size).toBe(16);
    },
    SLOW_MS,
  );
}

describe('session store concurrency: file', () => {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'rampart-sessions-conc-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  concurrencySuite(
    () => ({ kind: 'file', directory }),
    (namespace) => FileStore.open(directory, namespace),
  );

  it('kill -9 of a writer in the middle of writes leaves every file readable and the value whole', async () => {
    const namespace = `crash-${randomBytes(4).toString('hex')}`;
    const probe = await FileStore.open(directory, namespace);
    // Each round starts three node processes; on a loaded machine that alone takes seconds, hence the timeout.
    for (let round = 0; round < 5; round++) {
      await probe.deleteScope('crash');
      const writers = Array.from({ length: 3 }, () =>
        startWorker({ store: { kind: 'file', directory }, namespace, op: 'write-forever', startAt: 0 }),
      );
      // Kill them mid-stream: once writing has started, after a varying moment.
      const deadline = Date.now() + 20_000;
      while (!(await probe.get('crash', 'record')) && Date.now() < deadline) await sleep(20);
      await sleep(50 + round * 37);
      for (const writer of writers) writer.child.kill('SIGKILL');
      await Promise.allSettled(writers.map((w) => w.result));
      const store = await FileStore.open(directory, namespace);
      const entry = await store.get('crash', 'record');
      expect(entry?.value).toMatchObject({ payload: 'x'.repeat(2048) });
      for (const file of readdirSync(path.join(store.location, 'scopes'))) {
        if (file.endsWith('.json'))
          expect(() =>
            JSON.parse(readFileSync(path.join(store.location, 'scopes', file), 'utf8')),
          ).not.toThrow();
      }
      // A lock left by a killed writer does not stop the next one.
      expect((await store.set('crash', 'after', round)).version).toBeGreaterThan(0);
    }
  }, 120_000);
});

await describeWithService('Redis', 6379, 'session store concurrency: Redis', () => {
  let user: AclUser;
  beforeAll(async () => {
    user = await createAclUser();
  });
  afterAll(async () => {
    await user?.remove();
  });
  const redis = () => ({
    url: REDIS_URL,
    username: user.username,
    password: user.password,
    keyPrefix: user.keyPrefix,
  });
  concurrencySuite(
    () => ({ kind: 'redis', redis: redis() }),
    (namespace) => RedisStore.open(redis(), namespace),
  );
});

/** A redis-server of the test's own on a free loopback port, so it can be stopped and started again. */
async function startOwnRedis(
  port: number,
  listen: string[] = ['--port', String(port)],
): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const deadline = Date.now() + 10_000;
  while (!(await listening(port))) {
    if (Date.now() > deadline) throw new Error(`redis-server did not start on ${port}`);
    await sleep(50);
  }
  return child;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.runIf(existsSync('/usr/bin/redis-server') || process.env.CI === 'true')(
  'session store faults: Redis',
  () => {
    it('a Redis restart mid-run gives clear errors, then recovers without reopening the store', async () => {
      const port = await freePort();
      let redis = await startOwnRedis(port);
      const store = await RedisStore.open({ url: `redis://127.0.0.1:${port}`, keyPrefix: 'fault:' }, 'p');
      try {
        await store.set('s', 'k', 1);
        redis.kill('SIGKILL');
        await once(redis, 'exit');
        await expect(store.increment('s', 'k', 1)).rejects.toThrow(
          new RegExp(`Redis at redis://127\\.0\\.0\\.1:${port} is unavailable .*; try again shortly`),
        );
        redis = await startOwnRedis(port);
        // The data was in memory only (this test's server saves nothing); the store reconnects by itself.
        const deadline = Date.now() + 15_000;
        let recovered: unknown;
        while (Date.now() < deadline) {
          recovered = await store.increment('s', 'k', 1).catch(() => undefined);
          if (recovered) break;
          await sleep(100);
        }
        expect(recovered).toMatchObject({ value: 1, version: 1 });
      } finally {
        await store.close();
        redis.kill('SIGKILL');
      }
    });
  },
);

describe.runIf(existsSync('/usr/bin/redis-server') || process.env.CI === 'true')(
  'session store: Redis over TLS',
  () => {
    it('speaks rediss:// to a server whose certificate a configured CA signed, and refuses one it cannot verify', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-redis-tls-'));
      makeCertificates(dir);
      const port = await freePort();
      const file = (name: string) => path.join(dir, name);
      const redis = await startOwnRedis(port, [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cert-file',
        file('server.crt'),
        '--tls-key-file',
        file('server.key'),
        '--tls-ca-cert-file',
        file('ca.crt'),
        '--tls-auth-clients',
        'no',
      ]);
      try {
        const url = `rediss://127.0.0.1:${port}`;
        const store = await RedisStore.open(
          { url, keyPrefix: 'tls:', tlsCa: readFileSync(file('ca.crt'), 'utf8') },
          'p',
        );
        try {
          await store.set('s', 'k', 'over TLS');
          expect((await store.get('s', 'k'))?.value).toBe('over TLS');
        } finally {
          await store.close();
        }
        await expect(
          RedisStore.open({ url, keyPrefix: 'tls:', connectTimeoutMs: 2_000 }, 'p'),
        ).rejects.toThrow(
          /Redis at rediss:\/\/127\.0\.0\.1:\d+ cannot be used: .*(certificate|self.signed)/i,
        );
      } finally {
        redis.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
