import { request as httpRequest } from 'node:http';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { expect } from 'vitest';
import { noAudit } from '../../src/core/audit.js';
import { Metrics } from '../../src/core/metrics.js';
import { createGatewayApp, type GatewayAppOptions } from '../../src/gateway/app.js';
import { localAuthenticator } from '../../src/gateway/auth.js';

export const TOKEN = 'console-test-token-0123456789abcdefghijkl';
export const BASE = 'http://127.0.0.1:8787';

/** The gateway's app in process, with no servers mounted and the local token above. */
export function gatewayApp(overrides: Partial<GatewayAppOptions> = {}) {
  return createGatewayApp({
    mounts: [],
    auth: localAuthenticator(TOKEN),
    allowedHosts: [],
    allowedOrigins: [],
    metrics: new Metrics(),
    rateLimiter: new RateLimiterMemory({ points: 600, duration: 60 }),
    maxRequestBytes: 1024 * 1024,
    audit: noAudit,
    ...overrides,
  });
}

/** A request as a browser on the gateway's own origin sends it (fetch leaves Host out; the gateway needs it). */
export function browserRequest(pathname: string, init: RequestInit = {}): Request {
  const headers = new Headers(init.headers);
  headers.set('host', new URL(BASE).host);
  return new Request(`${BASE}${pathname}`, { ...init, headers });
}

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A request whose path is sent byte for byte, as a hostile client would (fetch would normalise `..`). */
export function rawGet(
  origin: string,
  rawPath: string,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: rawPath, method: 'GET', headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A console session as the page holds it: the cookie the browser keeps and the CSRF token the app keeps. */
export interface Signed {
  readonly cookie: string;
  readonly csrf: string;
}

/** Signs in to a running gateway's console over HTTP, as the sign-in page does, from the gateway's own origin. */
export async function signInOverHttp(url: string): Promise<Signed> {
  const response = await fetch(`${url}/console/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ token: TOKEN }),
  });
  expect(response.status).toBe(200);
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { cookie: (response.headers.get('set-cookie') ?? '').split(';')[0] as string, csrf: csrfToken };
}

/**
 * A JSON-RPC `body` posted to `<url>/mcp/<server>` as the console page posts it: MCP's own headers and the
 * session's in `session` (its cookie, CSRF header and Origin, or whichever of them a test leaves out).
 */
export function postMcpWithSession(
  url: string,
  server: string,
  session: Record<string, string>,
  body: string,
): Promise<Response> {
  return fetch(`${url}/mcp/${server}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
      ...session,
    },
    body,
  });
}
