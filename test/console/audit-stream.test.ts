import path from 'node:path';
import type { AuthInfo } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/core/audit.js';
import { noAudit } from '../../src/core/audit.js';
import type { Authenticator } from '../../src/gateway/auth.js';
import { gatewayConfigSchema } from '../../src/gateway/config.js';
import { AuditFeed, tapAudit } from '../../src/gateway/console-audit-feed.js';
import { startGateway } from '../../src/gateway/serve.js';
import { auditRecordsWhen } from '../helpers/audit.js';
import { toolCallBody } from '../helpers/http-client.js';
import { makeLayout } from '../helpers/sandbox.js';
import { BASE, browserRequest, gatewayApp, postMcpWithSession, signInOverHttp, TOKEN } from './helpers.js';

const SAME_ORIGIN = { origin: BASE, 'sec-fetch-site': 'same-origin' };
const STREAM = '/console/api/audit/stream';
type App = ReturnType<typeof gatewayApp>;

function record(client: string, tool = 'read_file', args: unknown = {}): AuditRecord {
  return { ts: new Date().toISOString(), server: 'fs', tool, client, args, outcome: 'ok', ms: 1 };
}

async function signIn(app: App): Promise<{ cookie: string; csrf: string }> {
  const response = await app.fetch(
    browserRequest('/console/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...SAME_ORIGIN },
      body: JSON.stringify({ token: TOKEN }),
    }),
  );
  expect(response.status).toBe(200);
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { cookie: (response.headers.get('set-cookie') ?? '').split(';')[0] as string, csrf: csrfToken };
}

function streamRequest(headers: Record<string, string>, signal?: AbortSignal): Request {
  return browserRequest(STREAM, { headers, ...(signal ? { signal } : {}) });
}

/** Reads the stream's audit events until `until` holds for one of them (or the stream ends). */
async function eventsUntil(
  body: ReadableStream<Uint8Array>,
  until: (record: Record<string, unknown>) => boolean,
  timeoutMs = 5_000,
): Promise<{ records: Record<string, unknown>[]; text: string }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const records: Record<string, unknown>[] = [];
  let text = '';
  const timer = setTimeout(() => void reader.cancel(), timeoutMs);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      const frames = text.split('\n\n');
      records.length = 0;
      for (const f of frames) {
        const data = /^data: (.*)$/m.exec(f)?.[1];
        if (data && /^event: audit$/m.test(f)) records.push(JSON.parse(data) as Record<string, unknown>);
      }
      if (records.some(until)) break;
    }
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => undefined);
  }
  return { records, text };
}

/** An authenticator that lets 'alice' in with the read scope only. */
const readOnlyAlice: Authenticator = {
  async authenticate(): Promise<AuthInfo> {
    return { token: 'alice-token', clientId: 'alice', scopes: ['read'] };
  },
  discovery: () => undefined,
};

describe('console audit stream: who may read it', () => {
  it('signed out: a browser without a session reads no audit record (401)', async () => {
    const feed = new AuditFeed();
    feed.publish(record('local'));
    const response = await gatewayApp({ console: { auditFeed: feed } }).fetch(streamRequest(SAME_ORIGIN));
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain('read_file');
  });

  it('CSRF: a cross-site EventSource, sending the cookie but no CSRF header, is refused (403)', async () => {
    const feed = new AuditFeed();
    const app = gatewayApp({ console: { auditFeed: feed } });
    const { cookie } = await signIn(app);
    const response = await app.fetch(streamRequest({ cookie, 'sec-fetch-site': 'same-origin' }));
    expect(response.status).toBe(403);
    expect(feed.size).toBe(0);
  });

  it('cross-origin read: a page on another port or origin cannot read the stream, even with cookie and token', async () => {
    const feed = new AuditFeed();
    const app = gatewayApp({ console: { auditFeed: feed } });
    const { cookie, csrf } = await signIn(app);
    const headers = { cookie, 'x-rampart-csrf': csrf };
    const otherPort = await app.fetch(
      streamRequest({ ...headers, origin: 'http://127.0.0.1:9999', 'sec-fetch-site': 'same-site' }),
    );
    expect(otherPort.status).toBe(403);
    const otherOrigin = await app.fetch(streamRequest({ ...headers, origin: 'https://evil.example' }));
    expect(otherOrigin.status).toBe(403);
    expect(feed.size).toBe(0);
  });

  it("information disclosure: a principal without the admin scope sees only its own calls, not other clients'", async () => {
    const feed = new AuditFeed();
    feed.publish(record('bob', 'bob_backlog'));
    feed.publish(record('alice', 'alice_backlog'));
    const app = gatewayApp({ auth: readOnlyAlice, console: { auditFeed: feed } });
    const { cookie, csrf } = await signIn(app);
    const response = await app.fetch(streamRequest({ cookie, 'x-rampart-csrf': csrf, ...SAME_ORIGIN }));
    expect(response.status).toBe(200);
    feed.publish(record('bob', 'bob_live'));
    feed.publish(record('alice', 'alice_live'));
    const { records } = await eventsUntil(
      response.body as ReadableStream<Uint8Array>,
      (r) => r.tool === 'alice_live',
    );
    expect(records.map((r) => r.tool)).toEqual(['alice_backlog', 'alice_live']);
  });
});

describe('console audit stream: resources', () => {
  it('denial of service: a stalled reader is dropped at its queue bound, and publishing never waits for it', async () => {
    const feed = new AuditFeed();
    const app = gatewayApp({ console: { auditFeed: feed, auditStream: { maxQueued: 8 } } });
    const { cookie, csrf } = await signIn(app);
    const response = await app.fetch(streamRequest({ cookie, 'x-rampart-csrf': csrf, ...SAME_ORIGIN }));
    expect(response.status).toBe(200);
    expect(feed.size).toBe(1);
    // Nobody reads the body: its queue fills, and the reader is dropped instead of buffering without bound.
    const started = performance.now();
    for (let i = 0; i < 10_000; i += 1) feed.publish(record('local', `t${i}`));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(feed.size).toBe(0);
    await expect(response.body?.getReader().read() ?? Promise.resolve()).rejects.toThrow(/fell behind/);
  });

  it('resource leak: a client that disconnects or cancels frees its subscriber', async () => {
    const feed = new AuditFeed();
    const app = gatewayApp({ console: { auditFeed: feed } });
    const { cookie, csrf } = await signIn(app);
    const headers = { cookie, 'x-rampart-csrf': csrf, ...SAME_ORIGIN };
    const aborted = new AbortController();
    const first = await app.fetch(streamRequest(headers, aborted.signal));
    const second = await app.fetch(streamRequest(headers));
    expect(feed.size).toBe(2);
    aborted.abort();
    expect(feed.size).toBe(1);
    await second.body?.cancel();
    expect(feed.size).toBe(0);
    expect(first.status).toBe(200);
  });

  it("session end: a signed-out session's stream closes at the next heartbeat", async () => {
    const feed = new AuditFeed();
    const app = gatewayApp({ console: { auditFeed: feed, auditStream: { heartbeatMs: 20 } } });
    const { cookie, csrf } = await signIn(app);
    const headers = { cookie, 'x-rampart-csrf': csrf, ...SAME_ORIGIN };
    const response = await app.fetch(streamRequest(headers));
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const signedOut = await app.fetch(browserRequest('/console/api/session', { method: 'DELETE', headers }));
    expect(signedOut.status).toBe(200);
    // The stream closes by itself at the next heartbeat.
    const text = await response.text();
    expect(text).toContain(': rampart audit stream');
    expect(feed.size).toBe(0);
  });

  it('secret leak: the tap redacts arguments before the feed holds them, as the audit log does', () => {
    const feed = new AuditFeed();
    const sink = tapAudit(noAudit, feed);
    expect(sink.enabled).toBe(true);
    sink.record(record('local', 'x', { path: 'a', password: 'hunter2-secret' }));
    expect(JSON.stringify(feed.recent())).not.toContain('hunter2-secret');
  });
});

describe('console audit stream over a real gateway', () => {
  it('secret leak: a call through /mcp/<name> streams as its principal, its secret argument redacted as in the log', async () => {
    const layout = makeLayout();
    const auditLog = path.join(layout.base, 'audit.jsonl');
    const gateway = await startGateway({
      config: gatewayConfigSchema.parse({ port: 0, logLevel: 'silent', auditLog }),
      servers: [{ name: 'fs', kind: 'fs', options: { roots: [layout.root], readOnly: true } }],
      source: 'test',
      env: { RAMPART_TOKEN: TOKEN },
    });
    try {
      const url = gateway.url;
      const signed = await signInOverHttp(url);
      const session = { cookie: signed.cookie, 'x-rampart-csrf': signed.csrf, origin: url };
      const stream = await fetch(`${url}${STREAM}`, { headers: session });
      expect(stream.status).toBe(200);
      const call = await postMcpWithSession(
        url,
        'fs',
        session,
        toolCallBody('list_directory', { path: '.', apiKey: 'sk-live-0123456789secret' }),
      );
      expect(call.status).toBe(200);
      await call.text();
      const { records, text } = await eventsUntil(
        stream.body as ReadableStream<Uint8Array>,
        (r) => r.tool === 'list_directory',
      );
      const seen = records.find((r) => r.tool === 'list_directory');
      expect(seen).toMatchObject({ server: 'fs', client: 'local', args: { apiKey: '[REDACTED]' } });
      expect(text).not.toContain('sk-live-0123456789secret');
      expect(text).not.toContain(TOKEN);
      // The same record as the audit log holds: never more.
      const logged = await auditRecordsWhen(auditLog, (r) => r.tool === 'list_directory');
      expect(seen?.args).toEqual(logged.find((r) => r.tool === 'list_directory')?.args);
    } finally {
      await gateway.close();
      layout.cleanup();
    }
  });

  it('shutdown: an open audit page does not hold the gateway open until its drain deadline', async () => {
    const layout = makeLayout();
    const gateway = await startGateway({
      config: gatewayConfigSchema.parse({ port: 0, logLevel: 'silent', drainSeconds: 20 }),
      servers: [{ name: 'fs', kind: 'fs', options: { roots: [layout.root], readOnly: true } }],
      source: 'test',
      env: { RAMPART_TOKEN: TOKEN },
    });
    try {
      const url = gateway.url;
      const signed = await signInOverHttp(url);
      const stream = await fetch(`${url}${STREAM}`, {
        headers: { cookie: signed.cookie, 'x-rampart-csrf': signed.csrf, origin: url },
      });
      expect(stream.status).toBe(200);
      const read = stream.text();
      const started = performance.now();
      await gateway.close();
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(await read).toContain('event: audit');
    } finally {
      layout.cleanup();
    }
  });
});
