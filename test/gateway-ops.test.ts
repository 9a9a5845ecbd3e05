import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../src/gateway/config.js';
import { type RunningGateway, startGateway } from '../src/gateway/serve.js';
import { type Layout, makeLayout } from './helpers/sandbox.js';
import { describeWithService } from './helpers/services.js';

const TOKEN = 'ops-test-token-0123456789abcdef';
const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'ops', version: '1' } },
});
const HEADERS = {
  authorization: `Bearer ${TOKEN}`,
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};

const started: { gateway: RunningGateway; layout: Layout }[] = [];

async function gatewayWith(settings: Record<string, unknown>): Promise<RunningGateway> {
  const layout = makeLayout();
  const gateway = await startGateway({
    config: gatewayConfigSchema.parse({ port: 0, logLevel: 'silent', ...settings }),
    servers: [{ name: 'fs', kind: 'fs', options: { roots: [layout.root], readOnly: true } }],
    source: 'test',
    env: { RAMPART_TOKEN: TOKEN },
  });
  started.push({ gateway, layout });
  return gateway;
}

afterEach(async () => {
  for (const { gateway, layout } of started.splice(0)) {
    await gateway.close();
    layout.cleanup();
  }
});

async function status(url: string): Promise<number> {
  const response = await fetch(`${url}/mcp/fs`, { method: 'POST', headers: HEADERS, body: INIT });
  await response.body?.cancel();
  return response.status;
}

await describeWithService('Redis', 6379, 'rate limits shared through Redis', () => {
  it('counts one client across two gateway instances, answers 429, and recovers after the window', async () => {
    const shared = {
      redisUrl: 'redis://127.0.0.1:6379',
      redisKeyPrefix: `rampart-test:${randomBytes(6).toString('hex')}`,
      rateLimitRequests: 4,
      rateLimitWindowSeconds: 2,
    };
    const first = await gatewayWith(shared);
    const second = await gatewayWith(shared);
    const statuses = [
      await status(first.url),
      await status(second.url),
      await status(first.url),
      await status(second.url),
    ];
    expect(statuses).toEqual([200, 200, 200, 200]);
    // Each instance has seen two requests; only a shared count knows the client is at its limit.
    expect(await status(first.url)).toBe(429);
    expect(await status(second.url)).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect(await status(second.url)).toBe(200);
  });
});

describe('rampart serve operations', () => {
  it('refuses to start when the configured Redis cannot be reached, naming it', async () => {
    await expect(gatewayWith({ redisUrl: 'redis://:hunter2@127.0.0.1:1' })).rejects.toThrow(
      /redisUrl redis:\/\/:\*\*\*@127\.0\.0\.1:1: cannot connect/,
    );
  });

  it('drains on shutdown: a call in flight completes, new connections are refused', async () => {
    const gateway = await gatewayWith({ drainSeconds: 5 });
    const url = `${gateway.url}/mcp/fs`;
    // A request whose body is still arriving is in flight: the gateway cannot answer it before it is complete.
    const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        url,
        { method: 'POST', headers: { ...HEADERS, 'content-length': Buffer.byteLength(INIT) } },
        (res) => {
          let body = '';
          res.on('data', (chunk) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.write(INIT.slice(0, 20));
      req.on('socket', (socket) =>
        socket.on('connect', () => {
          setTimeout(() => {
            closing = gateway.close().then(() => {
              closedAt = Date.now();
            });
            setTimeout(() => {
              finishedAt = Date.now();
              req.end(INIT.slice(20));
            }, 300);
          }, 50);
        }),
      );
    });
    let closing: Promise<void> | undefined;
    let closedAt = 0;
    let finishedAt = 0;
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('"protocolVersion"');
    await closing;
    expect(closedAt).toBeGreaterThanOrEqual(finishedAt);
    await expect(fetch(url, { method: 'POST', headers: HEADERS, body: INIT })).rejects.toThrow();
    started.splice(0); // already closed
  });

  it('cuts connections still open at the drain deadline', async () => {
    const gateway = await gatewayWith({ drainSeconds: 0.3 });
    const stalled = new Promise<string>((resolve) => {
      const req = httpRequest(`${gateway.url}/mcp/fs`, {
        method: 'POST',
        headers: { ...HEADERS, 'content-length': Buffer.byteLength(INIT) },
      });
      req.on('error', (error) => resolve(error.message));
      req.on('response', () => resolve('answered'));
      req.write(INIT.slice(0, 20)); // and never the rest
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const began = Date.now();
    await gateway.close();
    expect(Date.now() - began).toBeLessThan(2_000);
    expect(await stalled).toMatch(/socket hang up|ECONNRESET/);
    started.splice(0);
  });
});

describe('gateway: servers that keep state per connection', () => {
  it('refuses to mount sessions, saying to run it over stdio', async () => {
    const layout = makeLayout();
    const attempt = startGateway({
      config: gatewayConfigSchema.parse({ port: 0, logLevel: 'silent' }),
      servers: [{ name: 'team', kind: 'sessions', options: { projectDir: layout.root } }],
      source: 'test',
      env: { RAMPART_TOKEN: TOKEN },
    });
    try {
      await expect(attempt).rejects.toThrow(
        /test servers\.team: sessions cannot be served here: .*run `rampart sessions` over stdio/,
      );
    } finally {
      layout.cleanup();
    }
  });
});
