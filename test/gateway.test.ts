import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../src/gateway/config.js';
import { type RunningGateway, startGateway } from '../src/gateway/serve.js';
import { type AuditRecord, auditRecordsWhen } from './helpers/audit.js';
import { textOf } from './helpers/mcp.js';
import { type Layout, makeLayout, SECRET } from './helpers/sandbox.js';

async function connect(url: string, token?: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : {},
  });
  const client = new Client({ name: 'gateway-test', version: '1' });
  await client.connect(transport);
  return client;
}

/** A raw request, so that Host and Origin can be set to anything (fetch forbids setting Host). */
function raw(
  url: string,
  headers: Record<string, string>,
  body = '',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: body ? 'POST' : 'GET', headers }, (res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

describe('rampart serve (local token mode)', () => {
  let layout: Layout;
  let gateway: RunningGateway;
  let token: string;
  let audit: string;

  beforeAll(async () => {
    layout = makeLayout();
    audit = path.join(layout.base, 'audit.jsonl');
    const tokenFile = path.join(layout.base, 'state', 'token');
    gateway = await startGateway({
      config: gatewayConfigSchema.parse({ port: 0, tokenFile, logLevel: 'silent', auditLog: audit }),
      servers: [
        { name: 'fs', kind: 'fs', options: { roots: [layout.root], readOnly: true } },
        { name: 'rw', kind: 'fs', options: { roots: [layout.root] } },
      ],
      source: 'test',
      env: {},
    });
    token = (await import('node:fs')).readFileSync(tokenFile, 'utf8').trim();
  });

  afterAll(async () => {
    await gateway?.close();
    layout?.cleanup();
  });

  it('creates its token with mode 0600 in a 0700 directory', () => {
    const file = path.join(layout.base, 'state', 'token');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(token.length).toBeGreaterThanOrEqual(40);
  });

  it('serves each configured server at /mcp/<name> to a client with the token', async () => {
    const client = await connect(`${gateway.url}/mcp/fs`, token);
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toContain('grep');
      expect(names).not.toContain('write_file');
      const read = textOf(
        await client.callTool({ name: 'read_text_file', arguments: { path: 'hello.txt' } }),
      );
      expect(read).toMatchObject({ isError: false, text: 'hello\nworld\n' });
      const refused = textOf(
        await client.callTool({ name: 'read_text_file', arguments: { path: layout.secretFile } }),
      );
      expect(refused.isError).toBe(true);
      expect(refused.text).not.toContain(SECRET);
    } finally {
      await client.close();
    }
    const rw = await connect(`${gateway.url}/mcp/rw`, token);
    try {
      expect((await rw.listTools()).tools.map((t) => t.name)).toContain('write_file');
      await rw.callTool({ name: 'list_allowed_directories', arguments: {} });
    } finally {
      await rw.close();
    }
  });

  it('audits calls made over HTTP', async () => {
    const served = (r: AuditRecord) => r.tool === 'read_text_file' && r.outcome === 'ok' && r.server === 'fs';
    expect((await auditRecordsWhen(audit, served)).some(served)).toBe(true);
    expect(statSync(audit).mode & 0o777).toBe(0o600);
  });

  it('refuses a request without a token, or with a wrong one, with 401 and a Bearer challenge', async () => {
    const none = await raw(
      `${gateway.url}/mcp/fs`,
      { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      INIT,
    );
    expect(none.status).toBe(401);
    const wrong = await raw(
      `${gateway.url}/mcp/fs`,
      {
        authorization: `Bearer ${token.slice(0, -1)}x`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      INIT,
    );
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body)).toMatchObject({ error: 'invalid_token' });
    await expect(connect(`${gateway.url}/mcp/fs`)).rejects.toThrow();
  });

  it('refuses a token in the query string, even a valid one', async () => {
    for (const name of ['access_token', 'token']) {
      const res = await raw(
        `${gateway.url}/mcp/fs?${name}=${token}`,
        {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        INIT,
      );
      expect(res.status).toBe(400);
      expect(res.body).toContain('query string');
    }
  });

  it('refuses DNS rebinding: a foreign Host or Origin gets 403 before any MCP processing', async () => {
    const port = new URL(gateway.url).port;
    const evilHost = await raw(
      `${gateway.url}/mcp/fs`,
      {
        host: `evil.example:${port}`,
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      INIT,
    );
    expect(evilHost.status).toBe(403);
    const evilOrigin = await raw(
      `${gateway.url}/mcp/fs`,
      {
        origin: 'https://evil.example',
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      INIT,
    );
    expect(evilOrigin.status).toBe(403);
    expect((await raw(`${gateway.url}/healthz`, { host: 'evil.example' })).status).toBe(403);
  });

  it('exposes call counts and latencies at /metrics, to a client with the token only', async () => {
    const res = await raw(`${gateway.url}/metrics`, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    expect(res.body).toMatch(
      /^rampart_tool_calls_total\{server="fs",tool="read_text_file",outcome="ok"\} [1-9]\d*$/m,
    );
    expect(res.body).toMatch(
      /^rampart_tool_calls_total\{server="fs",tool="read_text_file",outcome="refused"\} [1-9]\d*$/m,
    );
    expect(res.body).toMatch(
      /^rampart_tool_call_duration_seconds_count\{server="fs",tool="read_text_file"\} [1-9]\d*$/m,
    );
    expect(res.body).toContain(
      'rampart_tool_calls_total{server="rw",tool="list_allowed_directories",outcome="ok"} 1',
    );
    expect((await raw(`${gateway.url}/metrics`, {})).status).toBe(401);
  });

  it('answers /healthz without a token, naming the servers only to a caller with one', async () => {
    const open = await raw(`${gateway.url}/healthz`, {});
    expect(open.status).toBe(200);
    expect(JSON.parse(open.body)).toEqual({ status: 'ok' });
    const wrong = await raw(`${gateway.url}/healthz`, {
      authorization: 'Bearer not-the-token-0123456789abcdef',
    });
    expect(JSON.parse(wrong.body)).toEqual({ status: 'ok' });
    const authed = await raw(`${gateway.url}/healthz`, { authorization: `Bearer ${token}` });
    expect(JSON.parse(authed.body)).toEqual({
      status: 'ok',
      servers: ['fs', 'rw'],
      tools: { fs: 11, rw: 15 },
    });
  });

  it('refuses mount enumeration: an unmounted path answers 401 like a mounted one, and 404 only with the token', async () => {
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const mounted = await raw(`${gateway.url}/mcp/fs`, headers, INIT);
    const unmounted = await raw(`${gateway.url}/mcp/nope`, headers, INIT);
    const unmountable = await raw(`${gateway.url}/mcp/NOT_A_NAME`, headers, INIT);
    expect([mounted.status, unmounted.status, unmountable.status]).toEqual([401, 401, 401]);
    expect(unmounted.body).toBe(mounted.body);
    const wrongToken = await raw(
      `${gateway.url}/mcp/nope`,
      { ...headers, authorization: 'Bearer not-the-token-0123456789abcdef' },
      INIT,
    );
    expect(wrongToken.status).toBe(401);
    const missing = await raw(
      `${gateway.url}/mcp/nope`,
      { ...headers, authorization: `Bearer ${token}` },
      INIT,
    );
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ error: 'not_found' });
  });
});

describe('rampart serve rate limits', () => {
  it('answers 429 with Retry-After past the limit, and recovers after the window', async () => {
    const layout = makeLayout();
    const gateway = await startGateway({
      config: gatewayConfigSchema.parse({
        port: 0,
        tokenFile: path.join(layout.base, 'token'),
        logLevel: 'silent',
        rateLimitRequests: 3,
        rateLimitWindowSeconds: 1,
      }),
      servers: [{ name: 'fs', kind: 'fs', options: { roots: [layout.root] } }],
      source: 'test',
      env: {},
    });
    try {
      const token = (await import('node:fs')).readFileSync(path.join(layout.base, 'token'), 'utf8').trim();
      const headers = {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      };
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await raw(`${gateway.url}/mcp/fs`, headers, INIT)).status);
      expect(statuses).toEqual([200, 200, 200]);
      const limited = await new Promise<{ status: number; retryAfter: string | undefined }>(
        (resolve, reject) => {
          const req = httpRequest(`${gateway.url}/mcp/fs`, { method: 'POST', headers }, (res) => {
            res.resume();
            resolve({
              status: res.statusCode ?? 0,
              retryAfter: res.headers['retry-after'] as string | undefined,
            });
          });
          req.on('error', reject);
          req.end(INIT);
        },
      );
      expect(limited).toEqual({ status: 429, retryAfter: '1' });
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect((await raw(`${gateway.url}/mcp/fs`, headers, INIT)).status).toBe(200);
    } finally {
      await gateway.close();
      layout.cleanup();
    }
  });
});

describe('rampart serve refuses unsafe set-ups', () => {
  it('refuses to bind a non-loopback address without OAuth', async () => {
    await expect(
      startGateway({
        config: gatewayConfigSchema.parse({ host: '0.0.0.0', port: 0 }),
        servers: [],
        source: 'test',
        env: {},
      }),
    ).rejects.toThrow(/refusing to bind 0\.0\.0\.0: only loopback addresses/);
  });

  it('refuses a token file that others can read', async () => {
    const layout = makeLayout();
    try {
      const tokenFile = path.join(layout.base, 'token');
      writeFileSync(tokenFile, 'x'.repeat(40));
      chmodSync(tokenFile, 0o644);
      await expect(
        startGateway({
          config: gatewayConfigSchema.parse({ port: 0, tokenFile }),
          servers: [],
          source: 'test',
          env: {},
        }),
      ).rejects.toThrow(/can be read by others \(mode 644\)/);
    } finally {
      layout.cleanup();
    }
  });

  it('names the server and option when a server is misconfigured', async () => {
    const layout = makeLayout();
    try {
      const config = gatewayConfigSchema.parse({ port: 0, tokenFile: path.join(layout.base, 't') });
      await expect(
        startGateway({
          config,
          servers: [{ name: 'fs', kind: 'fs', options: { roots: [layout.root], raedOnly: true } }],
          source: 'rampart.yaml',
          env: {},
        }),
      ).rejects.toThrow('rampart.yaml servers.fs.options.raedOnly is not an option of fs');
    } finally {
      layout.cleanup();
    }
  });
});
