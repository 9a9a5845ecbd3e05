import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../src/gateway/config.js';
import { type RunningGateway, startGateway } from '../src/gateway/serve.js';
import { type Layout, makeLayout } from './helpers/sandbox.js';
import { describeWithService } from './helpers/services.js';

const TOKEN = 'rate-limit-test-token-0123456789abcdef';
const HEADERS = {
  authorization: `Bearer ${TOKEN}`,
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-06-18',
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

async function stop(gateway: RunningGateway): Promise<void> {
  const index = started.findIndex((s) => s.gateway === gateway);
  const [entry] = started.splice(index, 1);
  await gateway.close();
  entry?.layout.cleanup();
}

afterEach(async () => {
  for (const { gateway, layout } of started.splice(0)) {
    await gateway.close();
    layout.cleanup();
  }
});

const call = (id: number) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'list_allowed_directories', arguments: {} },
});
const batch = (size: number) => Array.from({ length: size }, (_, i) => call(i + 1));

async function post(url: string, body: unknown): Promise<{ status: number; retryAfter: string | null }> {
  const response = await fetch(`${url}/mcp/fs`, {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify(body),
  });
  await response.text();
  return { status: response.status, retryAfter: response.headers.get('retry-after') };
}

/** Completed list_allowed_directories calls, from the gateway's Prometheus counters. */
async function callsRun(url: string): Promise<number> {
  const text = await (
    await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
  ).text();
  const line = text.match(
    /^rampart_tool_calls_total\{server="fs",tool="list_allowed_directories",outcome="ok"\} (\d+)$/m,
  );
  return Number(line?.[1] ?? 0);
}

describe('gateway rate limits count calls', () => {
  it('counts each call of a JSON-RPC batch against the rate limit', async () => {
    const gateway = await gatewayWith({ rateLimitRequests: 5, rateLimitWindowSeconds: 60 });
    expect((await post(gateway.url, batch(4))).status).toBe(200);
    expect(await callsRun(gateway.url)).toBe(4);
    // Two more calls would make six: the batch is refused whole, and neither call runs.
    const refused = await post(gateway.url, batch(2));
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(await callsRun(gateway.url)).toBe(4);
    // The attack as reported: five 100-call batches ran 500 calls at a limit of five.
    const fresh = await gatewayWith({ rateLimitRequests: 5, rateLimitWindowSeconds: 60 });
    for (let i = 0; i < 5; i++) expect((await post(fresh.url, batch(100))).status).toBe(429);
    expect(await callsRun(fresh.url)).toBe(0);
  });

  it('reports rate-limited requests in /metrics and the audit log', async () => {
    const logs = makeLayout();
    try {
      const auditLog = path.join(logs.base, 'audit.jsonl');
      const gateway = await gatewayWith({ rateLimitRequests: 2, rateLimitWindowSeconds: 60, auditLog });
      expect((await post(gateway.url, call(1))).status).toBe(200);
      expect((await post(gateway.url, batch(3))).status).toBe(429);
      // The refused batch's calls still count: the client is past its limit, and refused before its body is read.
      expect((await post(gateway.url, call(2))).status).toBe(429);
      const metrics = await (
        await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
      ).text();
      expect(metrics).toMatch(/^rampart_rate_limited_total\{server="fs",client="local"\} 2$/m);
      expect(metrics).toMatch(/^rampart_rate_limited_calls_total\{server="fs",client="local"\} 4$/m);
      await stop(gateway); // flushes the audit log
      const records = readFileSync(auditLog, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      const limited = records.filter((r) => r.outcome === 'rate_limited');
      expect(limited).toEqual([
        expect.objectContaining({ server: 'fs', client: 'local', tool: 'batch', calls: 3 }),
        expect.objectContaining({ server: 'fs', client: 'local', tool: '(unread)', calls: 1 }),
      ]);
      expect(limited[0].message).toMatch(/retry in \d+ s/);
    } finally {
      logs.cleanup();
    }
  });
});

await describeWithService('Redis', 6379, 'gateway rate limits shared through Redis', () => {
  const shared = () => ({
    redisUrl: 'redis://127.0.0.1:6379',
    redisKeyPrefix: `rampart-test:${randomBytes(6).toString('hex')}`,
    rateLimitRequests: 6,
    rateLimitWindowSeconds: 60,
  });

  it('two gateways share one Redis rate limit', async () => {
    const settings = shared();
    const first = await gatewayWith(settings);
    const second = await gatewayWith(settings);
    // Batches of two, alternated: six calls in all, three per instance.
    expect((await post(first.url, batch(2))).status).toBe(200);
    expect((await post(second.url, batch(2))).status).toBe(200);
    expect((await post(first.url, batch(2))).status).toBe(200);
    // Each instance alone has seen at most four calls; only the shared count knows the budget is spent.
    expect((await post(second.url, call(1))).status).toBe(429);
    expect((await post(first.url, call(1))).status).toBe(429);
    expect((await callsRun(first.url)) + (await callsRun(second.url))).toBe(6);
  });

  it('keeps limiting each instance in memory while Redis is down, and never lets calls through unlimited', async () => {
    const proxy = await tcpProxy(6379);
    try {
      const gateway = await gatewayWith({
        ...shared(),
        redisUrl: `redis://127.0.0.1:${proxy.port}`,
        rateLimitRequests: 3,
      });
      expect((await post(gateway.url, call(1))).status).toBe(200);
      await proxy.cut();
      // Redis is gone: the instance counts alone, in memory, with the same budget.
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await post(gateway.url, call(i))).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await proxy.cut();
    }
  });
});

/** A TCP relay to 127.0.0.1:port that can be cut, to take Redis away from one gateway and not from the others. */
async function tcpProxy(target: number): Promise<{ port: number; cut(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = tcpConnect({ host: '127.0.0.1', port: target });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    async cut() {
      for (const socket of sockets) socket.destroy();
      if (server.listening) await new Promise((resolve) => server.close(resolve));
    },
  };
}
