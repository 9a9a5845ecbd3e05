import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindHttp } from '../../src/core/listen.js';
import { gatewayConfigSchema } from '../../src/gateway/config.js';
import { type RunningGateway, startGateway } from '../../src/gateway/serve.js';
import {
  type RunningRegistry,
  registryServerConfigSchema,
  startRegistryServer,
} from '../../src/registry-server/index.js';
import { closedWithin, flood, peakRssGrowth, rawSocket } from '../helpers/raw-http.js';
import { type Layout, makeLayout } from '../helpers/sandbox.js';

const MiB = 1024 * 1024;
const HUGE = 600 * MiB;
const TOKEN = 'limits-test-token-0123456789abcdef';
/** Short enough to test, in the ratios of the defaults: headers < whole request; idle keep-alive shortest. */
const TIMEOUTS = { headersTimeoutSeconds: 0.5, requestTimeoutSeconds: 1, keepAliveTimeoutSeconds: 0.3 };

let base: string;
let layout: Layout;
let registry: RunningRegistry;
let gateway: RunningGateway;

beforeAll(async () => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-http-limits-')));
  registry = await startRegistryServer(
    registryServerConfigSchema.parse({
      port: 0,
      sqlitePath: path.join(base, 'registry.db'),
      logLevel: 'silent',
      ...TIMEOUTS,
    }),
  );
  layout = makeLayout();
  gateway = await startGateway({
    config: gatewayConfigSchema.parse({ port: 0, logLevel: 'silent', ...TIMEOUTS }),
    servers: [{ name: 'fs', kind: 'fs', options: { roots: [layout.root], readOnly: true } }],
    source: 'test',
    env: { RAMPART_TOKEN: TOKEN },
  });
});

afterAll(async () => {
  await registry?.close();
  await gateway?.close();
  layout?.cleanup();
  if (base) rmSync(base, { recursive: true, force: true });
});

const surfaces = (): {
  name: string;
  url: string;
  headers: Record<string, string>;
  cap: number;
  idle: string;
}[] => [
  {
    name: 'registry-server',
    url: `${registry.url}/subjects/big-value/versions`,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    cap: 8 * MiB,
    idle: `${registry.url}/`,
  },
  {
    name: 'gateway',
    url: `${gateway.url}/mcp/fs`,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    cap: 4 * MiB,
    idle: `${gateway.url}/healthz`,
  },
];

describe.each(['registry-server', 'gateway'])('%s request bodies', (name) => {
  it('refuses a 600 MB body without buffering it', async () => {
    const surface = surfaces().find((s) => s.name === name);
    if (!surface) throw new Error(name);
    // Declared: refused on the header, before a byte of the body is read. Chunked: cut off at the cap.
    for (const chunked of [false, true]) {
      const { result, growthMiB } = await peakRssGrowth(() =>
        flood(surface.url, { bytes: HUGE, chunked, headers: surface.headers }),
      );
      expect(result.status, `chunked: ${chunked}`).toBe(413);
      expect(result.body).toContain(String(surface.cap));
      expect(result.connection).toBe('close');
      // Kernel socket buffers hold a few MiB; the other 590 are never read.
      expect(result.written).toBeLessThan(surface.cap + 32 * MiB);
      expect(growthMiB, `RSS grew ${growthMiB.toFixed(0)} MiB`).toBeLessThan(100);
    }
    // The server goes on answering.
    expect((await fetch(surface.idle)).status).toBe(200);
  }, 60_000);
});

describe('gateway refusals sent before the body arrived', () => {
  it('closes the connection instead of reading the rest of an unauthenticated 600 MB body', async () => {
    const { authorization: _, ...unauthenticated } = surfaces()[1]?.headers ?? {};
    const { result, growthMiB } = await peakRssGrowth(() =>
      flood(`${gateway.url}/mcp/fs`, { bytes: HUGE, chunked: false, headers: unauthenticated }),
    );
    expect(result.status).toBe(401);
    expect(result.connection).toBe('close');
    expect(result.written).toBeLessThan(32 * MiB);
    expect(growthMiB).toBeLessThan(100);
  }, 60_000);
});

describe.each(['registry-server', 'gateway'])('%s connection timeouts', (name) => {
  const surface = () => {
    const found = surfaces().find((s) => s.name === name);
    if (!found) throw new Error(name);
    return found;
  };
  const idleUrl = () => surface().idle;
  const requestLine = () => `GET ${new URL(idleUrl()).pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\n`;

  it('closes an idle connection after the keep-alive timeout', async () => {
    const socket = await rawSocket(idleUrl());
    let answer = '';
    socket.on('data', (data) => {
      answer += data;
    });
    socket.write(`${requestLine()}\r\n`);
    const ms = await closedWithin(socket, 3_000);
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(ms, 'still open after 3 s').toBeDefined();
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(2_000);
  });

  it('drops a slowloris whose headers never finish', async () => {
    // One header line every 100 ms, for ever: every byte resets an idle timer, never the headers deadline.
    const trickler = await rawSocket(idleUrl());
    trickler.write(requestLine());
    let n = 0;
    const trickle = setInterval(() => {
      if (!trickler.destroyed) trickler.write(`x-slow-${n++}: y\r\n`);
    }, 100);
    // A connection that says nothing at all.
    const silent = await rawSocket(idleUrl());
    // A request whose headers are complete, to a route that reads its body, but whose body trickles for ever.
    const body = await rawSocket(surface().url);
    const headerLines = Object.entries(surface().headers).map(([k, v]) => `${k}: ${v}\r\n`);
    body.write(
      `POST ${new URL(surface().url).pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-length: 1000\r\n${headerLines.join('')}\r\n{"schema":"`,
    );
    const bodyTrickle = setInterval(() => {
      if (!body.destroyed) body.write('x');
    }, 100);
    try {
      const [headers, nothing, slowBody] = await Promise.all([
        closedWithin(trickler, 4_000),
        closedWithin(silent, 4_000),
        closedWithin(body, 4_000),
      ]);
      expect(headers, 'trickled headers still open after 4 s').toBeDefined();
      expect(nothing, 'silent connection still open after 4 s').toBeDefined();
      expect(slowBody, 'trickled body still open after 4 s').toBeDefined();
      expect(slowBody).toBeGreaterThanOrEqual(900);
    } finally {
      clearInterval(trickle);
      clearInterval(bodyTrickle);
    }
  });
});

describe('HTTP timeouts and long-lived streams', () => {
  it('keeps a Server-Sent Events stream open past the request timeout', async () => {
    const encoder = new TextEncoder();
    const bound = await bindHttp(
      { host: '127.0.0.1', port: 0, ...TIMEOUTS },
      () =>
        new Response(
          new ReadableStream({
            async start(controller) {
              for (let i = 0; i < 10; i++) {
                controller.enqueue(encoder.encode(`data: ${i}\n\n`));
                await new Promise((resolve) => setTimeout(resolve, 250));
              }
              controller.close();
            },
          }),
          { headers: { 'content-type': 'text/event-stream' } },
        ),
    );
    try {
      // 2.5 s of events: longer than the request (1 s), headers (0.5 s) and keep-alive (0.3 s) timeouts.
      const response = await fetch(bound.url, { headers: { accept: 'text/event-stream' } });
      const text = await response.text();
      expect(text.match(/^data: \d+$/gm)).toHaveLength(10);
    } finally {
      bound.server.closeAllConnections();
      await new Promise((resolve) => bound.server.close(resolve));
    }
  });
});
