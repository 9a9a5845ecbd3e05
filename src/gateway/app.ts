import {
  hostHeaderValidationResponse,
  localhostAllowedHostnames,
  localhostAllowedOrigins,
  originValidationResponse,
} from '@modelcontextprotocol/server';
import { Hono, type MiddlewareHandler } from 'hono';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AuditSink } from '../core/audit.js';
import type { Metrics } from '../core/metrics.js';
import { credentialInQuery } from '../guards/http.js';
import type { Authenticator } from './auth.js';
import { type CallLimitVariables, limitCalls } from './call-limit.js';
import { type ConsoleOptions, createConsole } from './console.js';
import { jsonError } from './json-error.js';
import type { Mount } from './mounts.js';
import { forHandler } from './rpc-body.js';

export interface GatewayAppOptions {
  readonly mounts: readonly Mount[];
  readonly auth: Authenticator;
  readonly allowedHosts: readonly string[];
  readonly allowedOrigins: readonly string[];
  /** Rendered at /metrics (bearer token required). */
  readonly metrics: Metrics;
  /** Counts calls per client (after authentication): in memory, or in Redis to share between instances. */
  readonly rateLimiter: RateLimiterAbstract;
  /** Largest request body; the gateway reads /mcp/* bodies itself, to count the calls in them. */
  readonly maxRequestBytes: number;
  /** Where requests refused for the rate limit are recorded (tool calls are recorded by the servers). */
  readonly audit: AuditSink;
  /** The web console at / and its API at /console/api; its sessions may also call /mcp/* and /metrics. */
  readonly console?: ConsoleOptions;
  /** Which credential the console's sign-in page asks for (default local). */
  readonly authMode?: 'local' | 'oauth';
}

type Variables = CallLimitVariables;

/**
 * The gateway's HTTP surface. Every request passes Host and Origin validation (DNS rebinding) before anything
 * else; /mcp/* and /metrics also need a bearer token (never accepted in the query string), and /mcp/* is
 * rate-limited per client. /healthz and the OAuth discovery documents are open, and tell an unauthenticated
 * caller nothing about which servers are mounted.
 */
export function createGatewayApp(options: GatewayAppOptions): Hono<{ Variables: Variables }> {
  const hosts = [...localhostAllowedHostnames(), ...options.allowedHosts];
  const origins = [...localhostAllowedOrigins(), ...options.allowedOrigins];
  const mounts = new Map(options.mounts.map((m) => [m.name, m]));
  const app = new Hono<{ Variables: Variables }>();
  const webConsole = createConsole(options.console ?? {}, {
    auth: options.auth,
    authMode: options.authMode ?? 'local',
    rateLimiter: options.rateLimiter,
    audit: options.audit,
  });

  app.use('*', async (c, next) => {
    const refused =
      hostHeaderValidationResponse(c.req.raw, hosts) ?? originValidationResponse(c.req.raw, origins);
    if (refused) return refused;
    await next();
  });

  // Open to load balancers; what is mounted is told only to a caller with a valid token.
  app.get('/healthz', async (c) => {
    const verdict = c.req.header('authorization')
      ? await options.auth.authenticate(c.req.raw, undefined)
      : undefined;
    if (verdict === undefined || verdict instanceof Response) return c.json({ status: 'ok' });
    // Counts only: a load balancer needs no more, and a token for the gateway need not reach every mount.
    const tools = Object.fromEntries([...mounts.values()].map((m) => [m.name, m.offer.offered.length]));
    return c.json({ status: 'ok', servers: [...mounts.keys()], tools });
  });
  app.get('/.well-known/*', (c) => options.auth.discovery(c.req.raw) ?? c.notFound());

  // /mcp/<name> authenticates for that server; /metrics (no name) for the gateway as a whole.
  const authenticate: MiddlewareHandler<{ Variables: Variables }> = async (c, next) => {
    const inQuery = credentialInQuery(new URL(c.req.url));
    if (inQuery) {
      return jsonError(
        400,
        'invalid_request',
        `credentials in the query string ("${inQuery}") are refused; send Authorization: Bearer`,
      );
    }
    // Every name is authenticated before it is looked up: an unmounted one answers exactly as a mounted one
    // would (401), so a caller without a token learns nothing of what is mounted. A console session stands for
    // the principal who signed it in, through the same scopes, limits and audit that follow.
    const verdict =
      webConsole.principal(c.req.raw) ?? (await options.auth.authenticate(c.req.raw, c.req.param('name')));
    if (verdict instanceof Response) return verdict;
    c.set('authInfo', verdict);
    await next();
  };

  app.use('/metrics', authenticate);
  app.get('/metrics', () => {
    return new Response(options.metrics.render(), {
      headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
    });
  });

  app.use('/mcp/:name', authenticate);
  app.use(
    '/mcp/:name',
    limitCalls({
      limiter: options.rateLimiter,
      maxRequestBytes: options.maxRequestBytes,
      metrics: options.metrics,
      audit: options.audit,
      serverLabel: (name) => (mounts.has(name) ? name : '(none)'),
    }),
  );

  app.all('/mcp/:name', async (c) => {
    const name = c.req.param('name');
    const mount = mounts.get(name);
    if (!mount) return jsonError(404, 'not_found', `no server is mounted at /mcp/${name}`);
    const { request, parsedBody } = forHandler(c.req.raw, c.get('rpcBody'));
    return mount.handler.fetch(request, {
      authInfo: c.get('authInfo'),
      ...(parsedBody === undefined ? {} : { parsedBody }),
    });
  });

  webConsole.mount(app);
  app.notFound(() => jsonError(404, 'not_found', 'nothing here; servers are mounted at /mcp/<name>'));
  return app;
}
