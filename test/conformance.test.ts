import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO } from './helpers/mcp.js';
import { type Layout, makeLayout } from './helpers/sandbox.js';

const TOKEN = 'conformance-token-0123456789abcdef';
const SUITE = path.join(REPO, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
const NOT_APPLICABLE = path.join(REPO, 'test/conformance/not-applicable.yaml');
/** Scenarios the issue names as the floor, plus resources-list, which the fs server's file:// template meets. */
const MUST_PASS = ['server-initialize', 'ping', 'tools-list', 'resources-list', 'dns-rebinding-protection'];

/**
 * The suite's client cannot send headers, and the gateway never serves without a token. This loopback proxy adds
 * the local token to every request and forwards everything else (Host and Origin included) untouched, so the
 * suite sees exactly what an authenticated client would.
 */
function tokenProxy(target: string): Promise<Server> {
  const proxy = createServer((incoming, outgoing) => {
    const upstream = request(
      new URL(incoming.url ?? '/', target),
      { method: incoming.method, headers: { ...incoming.headers, authorization: `Bearer ${TOKEN}` } },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  return new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => resolve(proxy)));
}

function startServe(cwd: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--log-level', 'warn'], {
    cwd,
    // HOME is the scratch directory: the default set's demo database is created there, not in the user's home.
    env: { ...process.env, HOME: cwd, RAMPART_TOKEN: TOKEN, RAMPART_CONFIG: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (chunk) => {
      err += chunk;
    });
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = /serving on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) resolve({ child, url: match[1] });
    });
    child.once('exit', (code) => reject(new Error(`rampart serve exited with ${code}: ${err}`)));
  });
}

describe('MCP conformance suite against rampart serve', () => {
  let layout: Layout;
  let serve: ChildProcess | undefined;
  let proxy: Server | undefined;
  let proxyUrl: string;

  beforeAll(async () => {
    layout = makeLayout();
    const started = await startServe(layout.root);
    serve = started.child;
    proxy = await tokenProxy(started.url);
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    serve?.kill('SIGTERM');
    await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
    layout?.cleanup();
  });

  it('serves the embedded default set: fs on the directory, db on the demo database and registry', async () => {
    const health = (await (await fetch(`${proxyUrl}/healthz`)).json()) as { servers: string[] };
    expect(health.servers).toEqual(['fs', 'db', 'registry']);
    const call = await fetch(`${proxyUrl}/mcp/db`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'query', arguments: { sql: 'SELECT count(*) AS n FROM artists' } },
      }),
    });
    expect(call.status).toBe(200);
    expect(await call.text()).toContain('"rows":[[10]]');
  });

  it('passes every scenario that applies, and fails exactly the ones listed as not applicable', async () => {
    const run = await promisify(execFile)(
      process.execPath,
      [SUITE, 'server', '--url', `${proxyUrl}/mcp/fs`, '--expected-failures', NOT_APPLICABLE],
      { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
    ).catch((error: { stdout?: string; stderr?: string; code?: number }) => {
      throw new Error(`conformance suite exited ${error.code}:\n${error.stdout}\n${error.stderr}`);
    });
    const ansiColour = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
    const summary = run.stdout.replace(ansiColour, '');
    expect(summary).toContain('Baseline check passed');
    for (const scenario of MUST_PASS) {
      expect(summary).toMatch(new RegExp(`✓ ${scenario}: [1-9]\\d* passed, 0 failed`));
    }
  });
});
