import {
  type AuthInfo,
  hostHeaderValidationResponse,
  localhostAllowedHostnames,
  localhostAllowedOrigins,
  originValidationResponse,
} from '@modelcontextprotocol/server';
import { Hono, type MiddlewareHandler } from 'hono';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { Metrics } from '../core/metrics.js';
import { bearerToken, credentialInQuery, tokensEqual } from '../guards/http.js';
import type { Mount } from './mounts.js';

export interface GatewayAppOptions {
  readonly mounts: readonly Mount[];
  readonly token: string;
  readonly allowedHosts: readonly string[];
  readonly allowedOrigins: readonly string[];
  /** Rendered at /metrics (bearer token required). */
  readonly metrics: Metrics;
  /** Counts requests per client (after authentication); memory today, Redis to share between instances. */
  readonly rateLimiter: RateLimiterAbstract;
}

type Variables = { authInfo: AuthInfo };

function jsonError(
  status: 400 | 401 | 403 | 404 | 429,
  error: string,
  description: string,
  headers: Record<string, string> = {},
) {
  return new Response(JSON.stringify({ error, error_description: description }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/**
 * The gateway's HTTP surface. Every request passes Host and Origin validation (DNS rebinding) before anything
 * else; /mcp/* and /metrics also need the bearer token (never accepted in the query string), and /mcp/* is
 * rate-limited per client. /healthz is open.
 */
export function createGatewayApp(options: GatewayAppOptions): Hono<{ Variables: Variables }> {
  const hosts = [...localhostAllowedHostnames(), ...options.allowedHosts];
  const origins = [...localhostAllowedOrigins(), ...options.allowedOrigins];
  const mounts = new Map(options.mounts.map((m) => [m.name, m]));
  const app = new Hono<{ Variables: Variables }>();

  app.use('*', async (c, next) => {
    const refused =
      hostHeaderValidationResponse(c.req.raw, hosts) ?? originValidationResponse(c.req.raw, origins);
    if (refused) return refused;
    await next();
  });

  app.get('/healthz', (c) => c.json({ status: 'ok', servers: [...mounts.keys()] }));

  const authenticate: MiddlewareHandler<{ Variables: Variables }> = async (c, next) => {
    const inQuery = credentialInQuery(new URL(c.req.url));
    if (inQuery) {
      return jsonError(
        400,
        'invalid_request',
        `credentials in the query string ("${inQuery}") are refused; send Authorization: Bearer`,
      );
    }
    const challenge = { 'www-authenticate': 'Bearer realm="rampart"' };
    const presented = bearerToken(c.req.header('authorization'));
    if (!presented)
      return jsonError(401, 'invalid_request', 'an Authorization: Bearer token is required', challenge);
    if (!tokensEqual(presented, options.token)) {
      return jsonError(401, 'invalid_token', 'the bearer token is not valid', {
        'www-authenticate': 'Bearer realm="rampart", error="invalid_token"',
      });
    }
    c.set('authInfo', { token: presented, clientId: 'local', scopes: ['read', 'write', 'admin'] });
    await next();
  };
  app.use('/mcp/*', authenticate);
  app.use('/metrics', authenticate);

  app.get('/metrics', () => {
    return new Response(options.metrics.render(), {
      headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
    });
  });

  app.use('/mcp/*', async (c, next) => {
    try {
      await options.rateLimiter.consume(c.get('authInfo').clientId);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      return jsonError(429, 'rate_limited', `too many requests; retry in ${seconds} s`, {
        'retry-after': String(seconds),
      });
    }
    await next();
  });

  app.all('/mcp/:name', async (c) => {
    const mount = mounts.get(c.req.param('name'));
    if (!mount) return jsonError(404, 'not_found', `no server is mounted at /mcp/${c.req.param('name')}`);
    return mount.handler.fetch(c.req.raw, { authInfo: c.get('authInfo') });
  });

  app.notFound(() => jsonError(404, 'not_found', 'nothing here; servers are mounted at /mcp/<name>'));
  return app;
}
