import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningRegistry,
  registryServerConfigSchema,
  startRegistryServer,
} from '../src/registry-server/index.js';
import { MARIADB_ADMIN_URL, PG_ADMIN_URL, sqliteFixture } from './helpers/databases.js';
import { commit, initRepo } from './helpers/git.js';
import { BACKSTOP, type Ended, runOneShot, type StdioServer, spawnStdioServer } from './helpers/process.js';
import { REDIS_URL } from './helpers/redis.js';
import { type Layout, makeLayout } from './helpers/sandbox.js';
import { describeWithService } from './helpers/services.js';

/** The bar: a server whose client is gone, or that was told to stop, is gone within 2 s. */
const PROMPT_MS = 2_000;

/** A way to start one server over stdio, and a call that makes it open what it holds (a pool, a socket). */
interface Case {
  readonly name: string;
  args(): string[];
  env?(): Record<string, string>;
  exercise?(server: StdioServer): Promise<void>;
}

function expectPromptExit(end: Ended): void {
  expect(end.stderr, 'the last-resort exit fired: something was left open').not.toMatch(BACKSTOP);
  expect(end.code, end.stderr).toBe(0);
  expect(end.ms).toBeLessThan(PROMPT_MS);
}

async function expectStructured(result: Promise<Record<string, unknown>>): Promise<void> {
  const answer = await result;
  expect(answer.isError, JSON.stringify(answer.content)).toBeFalsy();
}

/** Spawns each case, exercises it, and stops it each way (SIGINT takes the same path as SIGTERM). */
function stopsPromptly(
  cases: () => Case[],
  ways: readonly ('stdin' | 'SIGTERM' | 'SIGINT')[] = ['stdin', 'SIGTERM'],
): void {
  for (const how of ways) {
    it(`exits within 2 s of ${how === 'stdin' ? 'stdin closing' : how}: ${cases()
      .map((c) => c.name)
      .join(', ')}`, async () => {
      for (const c of cases()) {
        const server = await spawnStdioServer(c.args(), { env: { ...c.env?.() } });
        try {
          await server.request('tools/list');
          await c.exercise?.(server);
        } catch (error) {
          server.kill();
          throw error;
        }
        const end = await server.stop(how);
        if (process.env.RAMPART_TEST_TIMINGS) console.log(`${c.name} after ${how}: ${end.ms} ms`);
        expect(end.stderr, `${c.name}: the last-resort exit fired, so something was left open`).not.toMatch(
          BACKSTOP,
        );
        expect(end.code, `${c.name} after ${how}: ${end.stderr}`).toBe(0);
        expect(end.ms, `${c.name} took ${end.ms} ms to exit after ${how}`).toBeLessThan(PROMPT_MS);
      }
    });
  }
}

/** One-shot commands are measured from their last output to their exit. */
async function expectOneShot(args: string[], stdout: RegExp, env: Record<string, string> = {}) {
  const end = await runOneShot(args, { env });
  if (process.env.RAMPART_TEST_TIMINGS)
    console.log(`${args.slice(0, 3).join(' ')}: ${end.ms} ms after output`);
  expect(end.stdout, end.stderr).toMatch(stdout);
  expectPromptExit(end);
}

let layout: Layout;
let repo: string;
let registry: RunningRegistry;
let sqliteUrl: string;

beforeAll(async () => {
  layout = makeLayout();
  repo = initRepo(path.join(layout.base, 'repo'));
  commit(repo, { 'README.md': 'hello\n' }, 'first', '2024-01-01T00:00:00Z');
  sqliteUrl = (await sqliteFixture(layout.base)).url;
  registry = await startRegistryServer(
    registryServerConfigSchema.parse({
      port: 0,
      sqlitePath: path.join(layout.base, 'registry.db'),
      logLevel: 'silent',
    }),
  );
});

afterAll(async () => {
  await registry?.close();
  layout?.cleanup();
});

describe('every server over stdio exits promptly (no service needed)', () => {
  stopsPromptly(() => [
    {
      name: 'fs',
      args: () => ['fs', layout.root],
      exercise: (s) => expectStructured(s.callTool('read_text_file', { path: 'hello.txt' })),
    },
    {
      name: 'git',
      args: () => ['git', repo],
      exercise: (s) => expectStructured(s.callTool('git_log', { max_count: 1 })),
    },
    { name: 'http', args: () => ['http', '--allow', 'example.com'] },
    {
      name: 'krakend',
      args: () => ['krakend', layout.root, '--offline', '--data-dir', path.join(layout.base, 'krakend')],
    },
    {
      name: 'registry (an embedded registry)',
      args: () => ['registry'],
      env: () => ({ SCHEMA_REGISTRY_URL: registry.url }),
      exercise: (s) => expectStructured(s.callTool('list_subjects', {})),
    },
    {
      name: 'sessions (file store)',
      args: () => ['sessions', layout.root],
      exercise: (s) => expectStructured(s.callTool('sign_on', {})),
    },
    {
      name: 'db (SQLite)',
      args: () => ['db', sqliteUrl],
      exercise: (s) => expectStructured(s.callTool('query', { sql: 'SELECT count(*) FROM t' })),
    },
  ]);

  it('call and tools on SQLite exit within 2 s of printing', async () => {
    await expectOneShot(['call', 'db', sqliteUrl, 'query', '{"sql":"SELECT 41 + 1 AS n"}'], /42/);
    await expectOneShot(['tools', 'db', sqliteUrl], /^query\s/m);
  });

  it('a one-shot call on the file store exits within 2 s of printing', async () => {
    await expectOneShot(
      ['call', 'sessions', layout.root, 'store_data', '{"scope":"s","key":"k","value":1}'],
      /Stored/,
    );
  });
});

await describeWithService('PostgreSQL', 5432, 'db on PostgreSQL exits promptly', () => {
  stopsPromptly(() => [
    {
      name: 'db (PostgreSQL)',
      args: () => ['db', PG_ADMIN_URL, '--log-level', 'error'],
      exercise: (s) => expectStructured(s.callTool('query', { sql: 'SELECT 1 AS one' })),
    },
  ]);

  it('call and tools exit within 2 s of printing', async () => {
    const quiet = ['--log-level', 'error'];
    await expectOneShot(
      ['call', 'db', PG_ADMIN_URL, ...quiet, 'query', '{"sql":"SELECT 41 + 1 AS n"}'],
      /42/,
    );
    await expectOneShot(['tools', 'db', PG_ADMIN_URL, ...quiet], /^query\s/m);
  });
});

await describeWithService('MariaDB', 3306, 'db on MySQL/MariaDB exits promptly', () => {
  stopsPromptly(
    () => [
      {
        name: 'db (MariaDB)',
        args: () => ['db', MARIADB_ADMIN_URL, '--log-level', 'error'],
        exercise: (s) => expectStructured(s.callTool('query', { sql: 'SELECT 1 AS one' })),
      },
    ],
    ['stdin', 'SIGTERM', 'SIGINT'],
  );

  it('call and tools exit within 2 s of printing', async () => {
    const quiet = ['--log-level', 'error'];
    await expectOneShot(
      ['call', 'db', MARIADB_ADMIN_URL, ...quiet, 'query', '{"sql":"SELECT 41 + 1 AS n"}'],
      /42/,
    );
    await expectOneShot(['tools', 'db', MARIADB_ADMIN_URL, ...quiet], /^query\s/m);
  });
});

await describeWithService('Redis', 6379, 'sessions on Redis exits promptly', () => {
  const prefix = `rampart-test:${randomBytes(5).toString('hex')}:`;
  const redisArgs = () => [
    'sessions',
    layout.root,
    '--store',
    'redis',
    '--redis-url',
    REDIS_URL,
    '--redis-key-prefix',
    prefix,
  ];

  afterAll(async () => {
    const redis = new Redis(REDIS_URL);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    redis.disconnect();
  });

  stopsPromptly(() => [
    {
      name: 'sessions (Redis store)',
      args: redisArgs,
      exercise: (s) => expectStructured(s.callTool('sign_on', {})),
    },
  ]);

  it('call and tools exit within 2 s of printing', async () => {
    await expectOneShot(
      ['call', ...redisArgs(), 'store_data', '{"scope":"s","key":"k","value":1}'],
      /Stored/,
    );
    await expectOneShot(['tools', ...redisArgs()], /^sign_on\s/m);
  });
});
