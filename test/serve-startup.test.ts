import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectOverHttp, postMcp } from './helpers/http-client.js';
import { CLI } from './helpers/mcp.js';
import { BACKSTOP } from './helpers/process.js';
import { type Layout, makeLayout } from './helpers/sandbox.js';

const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'startup', version: '1' } },
});

/** Holds a port for the test; when something else already holds it, that does just as well. */
async function occupy(port: number): Promise<Server | undefined> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolve(undefined) : reject(error),
    );
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function env(home: string): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: home };
}

interface Serving {
  readonly child: ChildProcess;
  readonly stdout: string;
  readonly stderr: () => string;
}

/** Starts `rampart serve` and resolves once its whole start-up message is out. */
function startServe(cwd: string, args: string[]): Promise<Serving> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], {
    cwd,
    env: env(cwd),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (chunk) => {
    err += chunk;
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      if (out.includes('Schema Registry (embedded')) {
        // The group's line follows its heading in the same write.
        resolve({ child, stdout: out, stderr: () => err });
      }
    });
    child.once('exit', (code) => reject(new Error(`rampart serve exited with ${code}: ${err}`)));
  });
}

/** The lines of one group of the message: its heading at column 0, its lines indented under it. */
function group(message: string, heading: string): string[] {
  const lines = message.split('\n');
  const start = lines.findIndex((line) => line.startsWith(heading));
  expect(start, `no group "${heading}" in:\n${message}`).toBeGreaterThanOrEqual(0);
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  ')) break;
    body.push(line.slice(2));
  }
  return body;
}

describe('rampart serve with the default set, port 8081 taken', () => {
  let layout: Layout;
  let held: Server | undefined;
  let serving: Serving;

  beforeAll(async () => {
    layout = makeLayout();
    held = await occupy(8081);
    serving = await startServe(layout.root, []);
  });

  afterAll(async () => {
    serving?.child.kill('SIGKILL');
    await new Promise<void>((resolve) => (held ? held.close(() => resolve()) : resolve()));
    layout?.cleanup();
  });

  it('says loudly on stderr that the embedded registry moved, and how to choose its port', () => {
    const stderr = serving.stderr();
    expect(stderr).toMatch(
      /rampart: WARNING: port 8081 is taken, so the embedded Schema Registry listens on http:\/\/127\.0\.0\.1:\d+ instead/,
    );
    expect(stderr).toContain('clients pointed at 127.0.0.1:8081 reach whatever holds that port');
    expect(stderr).toContain('gateway.embeddedRegistryPort');
    expect(stderr).toContain('RAMPART_GATEWAY_EMBEDDED_REGISTRY_PORT');
    expect(stderr).toContain('--embedded-registry-port');
  });

  it('runs the registry where its own group of the message says, not on 8081', async () => {
    const [line] = group(serving.stdout, 'Schema Registry (embedded, SQLite)');
    const url = /^(http:\/\/127\.0\.0\.1:(\d+)) /.exec(line ?? '');
    expect(url?.[2]).toBeDefined();
    expect(url?.[2]).not.toBe('8081');
    expect(line).toContain('not port 8081, which is taken');
    const subjects = await fetch(`${url?.[1]}/subjects`);
    expect(subjects.status).toBe(200);
    expect(await subjects.json()).toEqual([]);
  });

  it('prints, in groups, the servers, how to export the token, and a snippet per server for each client', async () => {
    const message = serving.stdout;
    const base = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(message)?.[1] as string;
    const tokenFile = path.join(layout.root, '.rampart', 'token');
    expect(group(message, 'Servers')).toEqual([
      `fs        ${base}/mcp/fs`,
      `db        ${base}/mcp/db`,
      `registry  ${base}/mcp/registry`,
    ]);
    expect(group(message, 'Token')).toContain(`  export RAMPART_TOKEN="$(cat ${tokenFile})"`);
    expect(group(message, 'Claude Code')).toEqual(
      ['fs', 'db', 'registry'].map(
        (name) =>
          `claude mcp add --transport http rampart-${name} ${base}/mcp/${name} --header "Authorization: Bearer $RAMPART_TOKEN"`,
      ),
    );
    const mcpJson = JSON.parse(group(message, '.mcp.json').join('\n'));
    expect(Object.keys(mcpJson.mcpServers)).toEqual(['rampart-fs', 'rampart-db', 'rampart-registry']);
    expect(mcpJson.mcpServers['rampart-db']).toEqual({
      type: 'http',
      url: `${base}/mcp/db`,
      headers: { Authorization: `Bearer \${RAMPART_TOKEN}` },
    });
    const vscode = JSON.parse(group(message, 'VS Code .vscode/mcp.json').join('\n'));
    expect(vscode.inputs).toEqual([
      {
        type: 'promptString',
        id: 'rampart-token',
        description: `Rampart token (cat ${tokenFile})`,
        password: true,
      },
    ]);
    expect(vscode.servers['rampart-fs']).toEqual({
      type: 'http',
      url: `${base}/mcp/fs`,
      headers: { Authorization: `Bearer \${input:rampart-token}` },
    });
    // The snippet's header, with the token the message says to export, is what the gateway accepts.
    const token = readFileSync(tokenFile, 'utf8').trim();
    expect((await postMcp(mcpJson.mcpServers['rampart-db'].url, INIT, token)).status).toBe(200);
  });

  it('mounts registry over the embedded registry where it moved, so its tools read what its REST API holds', async () => {
    const base = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(serving.stdout)?.[1] as string;
    const registryUrl = /^(http:\/\/127\.0\.0\.1:\d+) /.exec(
      group(serving.stdout, 'Schema Registry (embedded, SQLite)')[0] ?? '',
    )?.[1] as string;
    const registered = await fetch(`${registryUrl}/subjects/startup-value/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: JSON.stringify({ type: 'record', name: 'S', fields: [] }) }),
    });
    expect(registered.status).toBe(200);
    const token = readFileSync(path.join(layout.root, '.rampart', 'token'), 'utf8').trim();
    const client = await connectOverHttp(`${base}/mcp/registry`, token);
    try {
      const registries = await client.callTool({ name: 'list_registries', arguments: {} });
      expect(registries.structuredContent).toMatchObject({
        registries: [{ name: 'embedded', url: `${registryUrl}/`, auth: 'none', viewonly: false }],
      });
      const subjects = await client.callTool({ name: 'list_subjects', arguments: {} });
      expect(subjects.structuredContent).toEqual({ registry: 'embedded', subjects: ['startup-value'] });
    } finally {
      await client.close();
    }
  });

  it('stops within 2 s of SIGTERM, registry included', async () => {
    const since = Date.now();
    serving.child.kill('SIGTERM');
    const code = await new Promise((resolve) => serving.child.once('exit', resolve));
    expect(code).toBe(0);
    expect(Date.now() - since).toBeLessThan(2_000);
    expect(serving.stderr()).not.toMatch(BACKSTOP);
  });
});

describe('rampart serve and the embedded registry port', () => {
  let layout: Layout;

  beforeAll(() => {
    layout = makeLayout();
  });
  afterAll(() => layout?.cleanup());

  it('refuses a registry port that was chosen and is taken, naming the key, rather than move it', async () => {
    const held = (await occupy(0)) as Server;
    const port = (held.address() as { port: number }).port;
    try {
      const run = spawnSync(
        process.execPath,
        [CLI, 'serve', '--port', '0', '--embedded-registry-port', String(port)],
        { cwd: layout.root, env: env(layout.root), encoding: 'utf8', timeout: 20_000 },
      );
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(
        `rampart: the embedded Schema Registry cannot listen on port ${port}, which is taken; choose its port with gateway.embeddedRegistryPort`,
      );
    } finally {
      held.close();
    }
  });

  it('with the embedded registry turned off, the default set mounts no registry server either', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], {
      cwd: layout.root,
      env: { ...env(layout.root), RAMPART_GATEWAY_EMBEDDED_REGISTRY: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const out = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout?.on('data', (chunk) => {
          text += chunk;
          if (text.includes('VS Code')) resolve(text);
        });
        child.once('exit', (code) => reject(new Error(`rampart serve exited with ${code}`)));
      });
      const base = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] as string;
      expect(group(out, 'Servers')).toEqual([`fs  ${base}/mcp/fs`, `db  ${base}/mcp/db`]);
      expect(out).not.toContain('Schema Registry');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('serve --help says what the default set mounts and starts', () => {
    const help = spawnSync(process.execPath, [CLI, 'serve', '--help'], { encoding: 'utf8' }).stdout.replace(
      /\s+/g,
      ' ',
    );
    expect(help).toContain(
      'with none listed, fs on this directory (read-only), db on a demo SQLite database and registry over the embedded Schema Registry, which runs beside them',
    );
    expect(help).toContain('--embedded-registry-port');
    expect(help).not.toContain('(or fs on this directory, read-only)');
  });
});
