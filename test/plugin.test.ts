import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_ADMIN_URL } from './helpers/databases.js';
import { commit, initRepo } from './helpers/git.js';
import { REPO, textOf } from './helpers/mcp.js';
import {
  PLUGIN,
  pluginCopy,
  ReleaseServer,
  releaseFiles,
  runInstaller,
  signingKey,
} from './helpers/releases.js';
import { listening } from './helpers/services.js';

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

/** YAML front matter as flat `key: value` pairs (what SKILL.md and agent files use). */
function frontMatter(file: string): Record<string, string> {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(readFileSync(file, 'utf8'));
  if (!match) throw new Error(`${file} has no front matter`);
  return Object.fromEntries(
    (match[1] as string).split('\n').map((line) => {
      const at = line.indexOf(':');
      return [line.slice(0, at).trim(), line.slice(at + 1).trim()];
    }),
  );
}

/** Expands `${VAR}` and `${VAR:-default}` as Claude Code does in plugin files. */
function expand(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{([A-Z_]+)(?::-([^}]*))?\}/g, (_, name: string, fallback?: string) => {
    const found = env[name] ?? fallback;
    if (found === undefined) throw new Error(`\${${name}} is not set and has no default`);
    return found;
  });
}

describe('the Claude Code plugin files', () => {
  const manifest = json(path.join(PLUGIN, '.claude-plugin/plugin.json'));

  it('has a plugin.json with the required fields, at the package and pinned release version', () => {
    expect(manifest.name).toMatch(KEBAB);
    expect(manifest.version).toMatch(SEMVER);
    expect(manifest.version).toBe(json(path.join(REPO, 'package.json')).version);
    expect(manifest.version).toBe(json(path.join(PLUGIN, 'release.json')).version);
    expect(typeof manifest.description).toBe('string');
    expect(manifest.author?.name).toEqual(expect.any(String));
    for (const key of ['mcpServers', 'hooks'] as const) {
      expect(manifest[key]).toMatch(/^\.\//);
      expect(existsSync(path.join(PLUGIN, manifest[key])), key).toBe(true);
    }
  });

  it('has a marketplace.json whose plugins exist and carry the same names', () => {
    const marketplace = json(path.join(PLUGIN, '.claude-plugin/marketplace.json'));
    expect(marketplace.name).toMatch(KEBAB);
    expect(marketplace.owner?.name).toEqual(expect.any(String));
    expect(marketplace.plugins.length).toBeGreaterThan(0);
    for (const entry of marketplace.plugins) {
      expect(entry.name).toMatch(KEBAB);
      const root = path.resolve(PLUGIN, entry.source);
      expect(json(path.join(root, '.claude-plugin/plugin.json')).name).toBe(entry.name);
    }
  });

  it('runs the installer on SessionStart, and the script it names exists', () => {
    const hooks = json(path.join(PLUGIN, manifest.hooks)).hooks;
    const commands = hooks.SessionStart.flatMap(
      (group: { hooks: { type: string; command: string }[] }) => group.hooks,
    );
    expect(commands).toHaveLength(1);
    expect(commands[0].type).toBe('command');
    const script = /"\$\{CLAUDE_PLUGIN_ROOT\}\/([^"]+)"/.exec(commands[0].command)?.[1];
    expect(script).toBe('scripts/install.mjs');
    expect(existsSync(path.join(PLUGIN, script as string))).toBe(true);
  });

  it('has skills and an agent with a name and a description, naming only tools that exist', async () => {
    const { SERVERS } = await import('../src/cli/servers.js');
    const known = new Set<string>();
    const { connectInProcess } = await import('../src/cli/client.js');
    for (const entry of SERVERS) {
      const args = entry.name === 'fs' || entry.name === 'git' || entry.name === 'sessions' ? [REPO] : [];
      const session = await connectInProcess(await entry.launch(args, { logLevel: 'silent' }));
      for (const tool of (await session.client.listTools()).tools) known.add(tool.name);
      await session.close();
    }
    const skills = readdirSync(path.join(PLUGIN, 'skills'));
    expect(skills).toEqual(
      expect.arrayContaining([
        'krakend-config-builder',
        'krakend-validator',
        'krakend-feature-explorer',
        'krakend-security-auditor',
        'krakend-runtime-detector',
        'schema-evolution',
        'session-coordination',
        'safe-database-work',
      ]),
    );
    const files = [
      ...skills.map((s) => path.join(PLUGIN, 'skills', s, 'SKILL.md')),
      ...readdirSync(path.join(PLUGIN, 'agents')).map((a) => path.join(PLUGIN, 'agents', a)),
    ];
    for (const file of files) {
      const meta = frontMatter(file);
      expect(meta.name, file).toMatch(KEBAB);
      if (file.endsWith('SKILL.md')) expect(meta.name).toBe(path.basename(path.dirname(file)));
      expect(meta.description?.length, file).toBeGreaterThan(40);
      expect(meta.description?.length, file).toBeLessThanOrEqual(1024);
      const text = readFileSync(file, 'utf8');
      const named = [...text.matchAll(/`([a-z]+(?:_[a-z]+)+)`/g)].map((m) => m[1] as string);
      const tools = named.filter((n) => !['dry_run', 'schema_type', 'session_id'].includes(n));
      for (const tool of tools) expect(known.has(tool), `${file} names ${tool}`).toBe(true);
    }
  });
});

describe('the plugin with a release installed', () => {
  let base: string;
  let server: ReleaseServer;
  let plugin: string;
  let project: string;
  const nodeOnly = { PATH: path.dirname(process.execPath) };

  beforeAll(async () => {
    base = mkdtempSync(path.join(os.tmpdir(), 'rampart-plugin-'));
    const key = signingKey();
    const version = json(path.join(PLUGIN, 'release.json')).version as string;
    server = await ReleaseServer.start();
    server.serve(version, await releaseFiles(version, key));
    plugin = pluginCopy(path.join(base, 'plugin'), version, key);
    const installed = await runInstaller(plugin, server.url);
    expect(installed, installed.stderr).toMatchObject({ code: 0 });
    project = path.join(base, 'project');
    mkdirSync(project);
    initRepo(project);
    commit(project, { 'README.md': '# project\n' }, 'first', '2026-01-01T00:00:00Z');
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    rmSync(base, { recursive: true, force: true });
  });

  async function connect(command: string, args: string[], env: Record<string, string> = {}): Promise<Client> {
    const transport = new StdioClientTransport({
      command,
      args,
      cwd: project,
      env: { ...nodeOnly, HOME: base, ...env },
      stderr: 'ignore',
    });
    const client = new Client({ name: 'plugin-test', version: '1' });
    await client.connect(transport);
    return client;
  }

  it('starts every .mcp.json server from the installed bundle, and each answers tools/list', async () => {
    const { mcpServers } = json(path.join(plugin, '.mcp.json')) as {
      mcpServers: Record<string, { command: string; args: string[]; env?: Record<string, string> }>;
    };
    const env = { CLAUDE_PLUGIN_ROOT: plugin, CLAUDE_PROJECT_DIR: project };
    expect(Object.keys(mcpServers).length).toBeGreaterThanOrEqual(5);
    for (const [name, spec] of Object.entries(mcpServers)) {
      expect(spec.command).toBe('node');
      const args = spec.args.map((a) => expand(a, env));
      expect(args[0]).toBe(path.join(plugin, 'runtime/current/rampart.js'));
      const extra = Object.fromEntries(Object.entries(spec.env ?? {}).map(([k, v]) => [k, expand(v, env)]));
      const client = await connect(process.execPath, args, extra);
      const { tools } = await client.listTools();
      expect(tools.length, name).toBeGreaterThan(0);
      await client.close();
    }
  });

  it('runs every server from the bundle with nothing but Node, native addon, wasm and workers included', async () => {
    const cli = path.join(plugin, 'runtime/current/rampart.js');
    const call = async (args: string[], tool: string, input: Record<string, unknown>) => {
      const client = await connect(process.execPath, [cli, ...args]);
      try {
        return textOf(await client.callTool({ name: tool, arguments: input }));
      } finally {
        await client.close();
      }
    };
    // better-sqlite3's addon, in the forked SQLite worker.
    const { default: Database } = await import('better-sqlite3');
    const file = path.join(base, 'data.db');
    const db = new Database(file);
    db.exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('from sqlite')");
    db.close();
    expect((await call(['db', `sqlite://${file}`], 'query', { sql: 'SELECT v FROM t' })).text).toContain(
      'from sqlite',
    );
    // The PostgreSQL statement gate parses with the shipped WebAssembly before anything reaches a server.
    if ((await listening(5432)) || process.env.CI === 'true') {
      const pg = await call(['db', PG_ADMIN_URL], 'query', { sql: 'DELETE FROM nothing' });
      expect(pg.text).toMatch(/only SELECT, WITH, VALUES and TABLE statements can be run here, not DELETE/);
    } else {
      console.warn('skipping the PostgreSQL part: PostgreSQL is not listening on 127.0.0.1:5432');
    }
    // The grep worker thread.
    expect((await call(['fs', project], 'grep', { pattern: 'project', literal: true })).text).toContain(
      'README.md',
    );
    expect((await call(['git', project], 'git_log', { max_count: 1 })).text).toContain('first');
    expect((await call(['krakend'], 'detect_runtime_environment', {})).text).toMatch(/krakend: /);
    expect((await call(['sessions', project], 'sign_on', {})).isError).toBe(false);
    expect(
      (await call(['http', '--allow', 'example.com'], 'fetch', { url: 'http://127.0.0.1:9/' })).text,
    ).toMatch(/not allowed|refus/i);
    expect((await call(['registry'], 'list_registries', {})).isError).toBe(false);
    // The embedded Schema Registry, on better-sqlite3 in the main process.
    const registry = spawn(
      process.execPath,
      [cli, 'registry-server', '--port', '0', '--sqlite-path', path.join(base, 'r.db')],
      {
        env: { ...nodeOnly, HOME: base },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let seen = '';
        registry.stderr.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          const found = /Schema Registry on (http:\/\/\S+)/.exec(seen);
          if (found) resolve(found[1] as string);
        });
        registry.once('exit', (code) => reject(new Error(`registry-server exited with ${code}: ${seen}`)));
      });
      expect(await (await fetch(`${url}/subjects`)).json()).toEqual([]);
    } finally {
      registry.kill();
    }
  });
});
