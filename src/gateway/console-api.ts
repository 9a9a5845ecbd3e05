import { isJsonContentType } from '@modelcontextprotocol/server';
import { Hono } from 'hono';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { AuditSink } from '../core/audit.js';
import { readCappedBody } from '../core/http-body.js';
import type { ToolOffer } from '../core/tool-selection.js';
import type { Authenticator } from './auth.js';
import { type AssistantSettings, assistantApi } from './console-assistant.js';
import { type AuditStreamSettings, auditStream } from './console-audit.js';
import type { AuditFeed } from './console-audit-feed.js';
import { consoleGenerator } from './console-generator.js';
import { consoleJson } from './console-headers.js';
import { type MetricsHistory, metricsHistoryAnswer } from './console-metrics-history.js';
import {
  consoleError,
  crossOriginRefusal,
  SESSION_COOKIE,
  sessionIdOf,
  sessionOf,
} from './console-request.js';
import type { ConsoleSession, ConsoleSessions } from './console-session.js';

/** A mounted server as the servers page shows it: with the tools it offers and those its selection left out. */
export interface ConsoleServer {
  readonly name: string;
  readonly kind: string;
  readonly offer?: ToolOffer;
}

export interface ConsoleApiOptions {
  readonly sessions: ConsoleSessions;
  /** Checks the pasted token exactly as a bearer token on /metrics is checked. */
  readonly auth: Authenticator;
  readonly authMode: 'local' | 'oauth';
  /** The gateway's limiter: sign-in attempts are counted in it under their own key. */
  readonly rateLimiter: RateLimiterAbstract;
  readonly audit: AuditSink;
  readonly servers: readonly ConsoleServer[];
  /** The public origin (scheme://host[:port]) the console is reached at besides the address it serves on. */
  readonly publicOrigin?: string | undefined;
  /** The gateway's audit records as they happen, for GET /audit/stream. */
  readonly auditFeed: AuditFeed;
  readonly auditStream?: AuditStreamSettings | undefined;
  /** The last hour of tool calls by minute, for GET /metrics/history. */
  readonly metricsHistory: MetricsHistory;
  /** The assistant's chat endpoint, when RAMPART_LLM_* name one (see console-assistant.ts). */
  readonly assistant?: AssistantSettings | undefined;
}

/** A sign-in is one of this many attempts a rate-limit window allows, whatever the window's budget of calls. */
const SIGN_INS_PER_WINDOW = 10;
/** A token, even an OAuth JWT, is far smaller than this. */
const MAX_SIGN_IN_BYTES = 16 * 1024;

function cookie(request: Request, value: string, maxAgeSeconds: number): string {
  const secure = (request.headers.get('origin') ?? new URL(request.url).origin).startsWith('https:');
  const name = secure ? SESSION_COOKIE.https : SESSION_COOKIE.http;
  return `${name}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

function signedIn(session: ConsoleSession, authMode: string) {
  return {
    signedIn: true,
    authMode,
    csrfToken: session.csrfToken,
    expiresAt: new Date(session.expiresAt).toISOString(),
    principal: { clientId: session.principal.clientId, scopes: session.principal.scopes },
  };
}

/** The pasted token from a sign-in body `{ "token": "…" }`, or the refusal. */
async function tokenOf(request: Request): Promise<string | Response> {
  if (!isJsonContentType(request.headers.get('content-type')))
    return consoleError(415, 'invalid_request', 'sign in with a JSON body {"token": "…"}');
  const read = await readCappedBody(request, MAX_SIGN_IN_BYTES);
  if (read.status === 'too-large')
    return consoleError(413, 'invalid_request', 'the sign-in body is too large');
  if (read.status !== 'read')
    return consoleError(400, 'invalid_request', 'the sign-in body could not be read');
  let token: unknown;
  try {
    token = (JSON.parse(read.bytes.toString('utf8')) as { token?: unknown } | null)?.token;
  } catch {
    return consoleError(400, 'invalid_request', 'the sign-in body is not JSON');
  }
  if (typeof token !== 'string' || token.trim() === '')
    return consoleError(400, 'invalid_request', 'the sign-in body needs a "token" string');
  return token.trim();
}

/**
 * /console/api: sign-in (POST /session), the session's own state for a reloaded page (GET /session), sign-out
 * (DELETE /session), the mounted servers (GET /servers) and the live audit records (GET /audit/stream). No route answers a request of another origin, and
 * none sends CORS headers; tools are not called here but at /mcp/<name>, through the gateway's auth.
 */
export function consoleApi(options: ConsoleApiOptions): Hono {
  const api = new Hono();
  const { sessions, publicOrigin } = options;
  const signInCost = Math.max(1, Math.floor(options.rateLimiter.points / SIGN_INS_PER_WINDOW));
  const audit = (
    tool: string,
    client: string,
    started: number,
    outcome: 'ok' | 'refused',
    message?: string,
  ) =>
    options.audit.record({
      ts: new Date(started).toISOString(),
      server: 'console',
      tool,
      client,
      args: {},
      outcome,
      ms: Date.now() - started,
      ...(message ? { message } : {}),
    });

  // Login CSRF: only the console's own page may sign a browser in, and only so many times a window.
  api.post('/session', async (c) => {
    const started = Date.now();
    const request = c.req.raw;
    const crossOrigin = crossOriginRefusal(request, publicOrigin);
    if (crossOrigin) return crossOrigin;
    try {
      await options.rateLimiter.consume('console:sign-in', signInCost);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      audit('sign_in', '(unknown)', started, 'refused', 'too many sign-in attempts');
      const refusal = consoleError(429, 'rate_limited', `too many sign-in attempts; retry in ${seconds} s`);
      refusal.headers.set('retry-after', String(seconds));
      return refusal;
    }
    const token = await tokenOf(request);
    if (token instanceof Response) return token;
    const verdict = await options.auth.authenticate(
      new Request(request.url, { headers: { authorization: `Bearer ${token}` } }),
      undefined,
    );
    if (verdict instanceof Response) {
      audit('sign_in', '(unknown)', started, 'refused', 'the token is not valid');
      return consoleError(401, 'invalid_token', 'that token is not valid for this gateway');
    }
    const previous = sessionIdOf(request);
    if (previous) sessions.delete(previous);
    const session = sessions.create(verdict);
    audit('sign_in', verdict.clientId, started, 'ok');
    const maxAge = Math.max(0, Math.floor((session.expiresAt - Date.now()) / 1000));
    return consoleJson(signedIn(session, options.authMode), 200, {
      'set-cookie': cookie(request, session.id, maxAge),
    });
  });

  // A reloaded page gets its CSRF token back from its cookie: only a same-origin script can read this answer.
  api.get('/session', (c) => {
    const crossOrigin = crossOriginRefusal(c.req.raw, publicOrigin);
    if (crossOrigin) return crossOrigin;
    const id = sessionIdOf(c.req.raw);
    const session = id ? sessions.find(id) : undefined;
    if (!session) return consoleJson({ signedIn: false, authMode: options.authMode });
    return consoleJson(signedIn(session, options.authMode));
  });

  api.delete('/session', (c) => {
    const started = Date.now();
    const session = sessionOf(c.req.raw, sessions, publicOrigin);
    if (session instanceof Response) return session;
    sessions.delete(session.id);
    audit('sign_out', session.principal.clientId, started, 'ok');
    return consoleJson({ signedIn: false, authMode: options.authMode }, 200, {
      'set-cookie': cookie(c.req.raw, '', 0),
    });
  });

  api.get('/servers', (c) => {
    const session = sessionOf(c.req.raw, sessions, publicOrigin);
    if (session instanceof Response) return session;
    return consoleJson({ servers: options.servers });
  });

  // Read with fetch, not EventSource, so that it carries the CSRF header like every other console request.
  api.get('/audit/stream', (c) => {
    const session = sessionOf(c.req.raw, sessions, publicOrigin);
    if (session instanceof Response) return session;
    return auditStream(
      options.auditFeed,
      { principal: session.principal, signal: c.req.raw.signal, live: () => sessions.isLive(session.id) },
      options.auditStream,
    );
  });

  api.route('/generate', consoleGenerator(options));

  api.route(
    '/assistant',
    assistantApi({
      sessions,
      publicOrigin,
      rateLimiter: options.rateLimiter,
      audit: options.audit,
      settings: options.assistant,
    }),
  );

  api.get('/metrics/history', (c) =>
    metricsHistoryAnswer(c.req.raw, sessions, publicOrigin, options.metricsHistory),
  );

  api.all('*', () => consoleError(404, 'not_found', 'no such console API'));
  return api;
}
