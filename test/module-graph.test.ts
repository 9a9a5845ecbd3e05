import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_ADMIN_URL, sqliteFixture } from './helpers/databases.js';
import { commit, initRepo } from './helpers/git.js';
import { CLI, REPO } from './helpers/mcp.js';
import { spawnStdioServer } from './helpers/process.js';
import { type Layout, makeLayout } from './helpers/sandbox.js';
import { describeWithService } from './helpers/services.js';

/**
 * Issue 23: a command loads only what it runs. Each server is started as an assistant starts it, with every
 * module it loads recorded (test/support/module-graph/record.mjs), and the list taken when it answers tools/list.
 * This guards the cause of a slow start (another server's code, a heavy dependency loaded before its first use),
 * which a clock in CI could not.
 */
const RECORDER = path.join(REPO, 'test/support/module-graph/record.mjs');
const SERVERS = ['fs', 'db', 'http', 'git', 'sessions', 'krakend', 'registry'] as const;
type Server = (typeof SERVERS)[number];

/** Dependencies that cost start-up time, loaded only by the tool call or the engine that needs them. */
const HEAVY = [
  '@libpg-query/parser',
  'protobufjs',
  '@launchql/protobufjs',
  'avsc',
  'ajv',
  'minisearch',
  'undici',
  'pg',
  'mysql2',
  'better-sqlite3',
  'ioredis',
  'hono',
  'jose',
];

/** `node_modules/<name>` or `dist/<path>` for each recorded file URL, without duplicates. */
function loadedModules(log: string): string[] {
  const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return [...new Set(lines.map((url) => path.relative(REPO, new URL(url).pathname)))];
}

function packagesIn(modules: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const file of modules) {
    const parts = file.split('/');
    const at = parts.lastIndexOf('node_modules');
    if (at < 0) continue;
    const name = parts[at + 1] ?? '';
    names.add(name.startsWith('@') ? `${name}/${parts[at + 2]}` : name);
  }
  return names;
}

function recorderEnv(log: string): Record<string, string> {
  return { NODE_OPTIONS: `--import ${RECORDER}`, RAMPART_MODULE_LOG: log };
}

let layout: Layout;
let work: string;
let args: Record<Server, string[]>;

beforeAll(async () => {
  layout = makeLayout();
  work = mkdtempSync(path.join(os.tmpdir(), 'rampart-graph-'));
  const repo = initRepo(path.join(layout.base, 'repo'));
  commit(repo, { 'README.md': 'hello\n' }, 'first', '2024-01-01T00:00:00Z');
  const sqlite = await sqliteFixture(layout.base);
  args = {
    fs: ['fs', layout.root],
    db: ['db', sqlite.url],
    http: ['http', '--allow', 'example.com'],
    git: ['git', repo],
    sessions: ['sessions', layout.root],
    krakend: ['krakend', layout.root, '--offline', '--data-dir', path.join(layout.base, 'krakend')],
    registry: ['registry'],
  };
});

afterAll(() => {
  layout?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('rampart <server> loads its own modules only, up to tools/list', () => {
  for (const server of SERVERS) {
    it(`rampart ${server} loads no other server and no heavy dependency it does not use at start`, async () => {
      const log = path.join(work, `${server}.log`);
      const running = await spawnStdioServer(args[server], {
        env: { ...recorderEnv(log), SCHEMA_REGISTRY_URL: 'http://127.0.0.1:9' },
      });
      let modules: string[];
      try {
        const listed = (await running.request('tools/list')) as { tools: unknown[] };
        expect(listed.tools.length).toBeGreaterThan(0);
        modules = loadedModules(log);
      } finally {
        running.kill();
      }
      const own = `dist/servers/${server}/`;
      expect(
        modules.some((m) => m.startsWith(own)),
        'the recorder saw the server itself',
      ).toBe(true);
      const foreign = modules.filter(
        (m) =>
          (m.startsWith('dist/servers/') && !m.startsWith(own) && m !== 'dist/servers/catalog.js') ||
          m.startsWith('dist/registry-server/') ||
          m.startsWith('dist/gateway/'),
      );
      expect(foreign, 'modules of another server or surface').toEqual([]);
      const heavy = HEAVY.filter((name) => packagesIn(modules).has(name));
      expect(heavy, 'heavy dependencies loaded before first use').toEqual([]);
    });
  }
});

await describeWithService('PostgreSQL', 5432, 'rampart db on PostgreSQL', () => {
  it("loads PostgreSQL's parser (WebAssembly) with the first statement, not at start", async () => {
    const log = path.join(work, 'db-postgres.log');
    const running = await spawnStdioServer(['db', PG_ADMIN_URL], { env: recorderEnv(log) });
    try {
      await running.request('tools/list');
      expect(packagesIn(loadedModules(log)).has('@libpg-query/parser'), 'loaded at start').toBe(false);
      const answer = (await running.request('tools/call', {
        name: 'query',
        arguments: { sql: 'SELECT 1 AS one' },
      })) as { isError?: boolean };
      expect(answer.isError ?? false).toBe(false);
      expect(packagesIn(loadedModules(log)).has('@libpg-query/parser'), 'loaded for the gate').toBe(true);
    } finally {
      running.kill();
    }
  });
});

/** Runs `rampart <args>` with the recorder until it prints `ready` on stdout or stderr, then stops it. */
function recordUntil(commandArgs: string[], ready: RegExp, log: string): Promise<string[]> {
  const child = spawn(process.execPath, [CLI, ...commandArgs], {
    env: { PATH: process.env.PATH ?? '', HOME: work, ...recorderEnv(log) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`never printed ${ready}: ${output}`));
    }, 20_000);
    const seen = (chunk: Buffer) => {
      output += chunk;
      if (!ready.test(output)) return;
      clearTimeout(timer);
      const modules = loadedModules(log);
      child.kill('SIGKILL');
      resolve(modules);
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
  });
}

describe('commands that serve no MCP server load none', () => {
  it('rampart --version loads no server, no MCP SDK and no zod', async () => {
    const modules = await recordUntil(['--version'], /\d+\.\d+\.\d+/, path.join(work, 'version.log'));
    expect(
      modules.filter((m) => /^dist\/(servers\/(?!catalog\.js)|registry-server|gateway)/.test(m)),
    ).toEqual([]);
    const packages = packagesIn(modules);
    expect([...packages].filter((name) => name !== 'commander')).toEqual([]);
  });

  it('rampart registry-server loads no MCP server, no gateway, no PostgreSQL parser, no schema library', async () => {
    const modules = await recordUntil(
      ['registry-server', '--port', '0', '--sqlite-path', path.join(work, 'registry.db')],
      /Schema Registry on/,
      path.join(work, 'registry-server.log'),
    );
    expect(modules.some((m) => m.startsWith('dist/registry-server/'))).toBe(true);
    expect(
      modules.filter((m) => /^dist\/(servers\/(?!catalog\.js)|gateway\/)/.test(m)),
      'modules of an MCP server or the gateway',
    ).toEqual([]);
    const packages = packagesIn(modules);
    // protobufjs and avsc load with the first schema of their type.
    for (const name of [
      '@libpg-query/parser',
      'pg',
      '@modelcontextprotocol/server',
      'undici',
      'ajv',
      'protobufjs',
      'avsc',
    ])
      expect(packages.has(name), name).toBe(false);
  });
});
