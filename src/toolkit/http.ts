import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import {
  createMcpHandler,
  hostHeaderValidationResponse,
  localhostAllowedHostnames,
  localhostAllowedOrigins,
  originValidationResponse,
} from '@modelcontextprotocol/server';
import { ConfigError } from '../core/config.js';
import type { ServerDefinition } from '../core/define.js';
import { bindHttp, drainHttp } from '../core/listen.js';
import { createRuntime, type RuntimeOptions } from '../core/runtime.js';
import { buildMcpServer } from '../core/server.js';
import { bearerToken, credentialInQuery, isLoopbackBind, tokensEqual } from '../guards/http.js';
import { maxMessageBytesOf } from '../guards/limits.js';

export interface ServeHttpOptions extends RuntimeOptions {
  /** Loopback only: serving other machines needs OAuth, which `rampart serve` provides. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** The bearer token every request must carry; a random one when absent (read it from the result). */
  readonly token?: string;
}

export interface RunningHttp {
  /** The MCP endpoint, e.g. `http://127.0.0.1:8080/mcp`. */
  readonly url: string;
  readonly token: string;
  close(): Promise<void>;
}

const unauthorized = () =>
  new Response(JSON.stringify({ error: 'unauthorized' }), {
    status: 401,
    headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer' },
  });

/**
 * Serves a server over stateless Streamable HTTP at `/mcp`: loopback bind, Host and Origin checked (DNS
 * rebinding), a bearer token on every request (never in the query string), request bodies capped.
 */
export async function serveHttp(
  definition: ServerDefinition,
  options: ServeHttpOptions = {},
): Promise<RunningHttp> {
  const { host = '127.0.0.1', port = 0, token = randomBytes(24).toString('base64url'), ...rest } = options;
  if (!isLoopbackBind(host))
    throw new ConfigError(`host ${host}: serveHttp binds loopback only; use rampart serve with OAuth`);
  const runtime = await createRuntime({ logLevel: 'warn', scope: definition.name, ...rest });
  const handler = createMcpHandler(() => buildMcpServer(definition, runtime), {
    maxRequestBodySize: maxMessageBytesOf(runtime.limits),
  });
  const fetch = async (request: Request): Promise<Response> => {
    const refused =
      hostHeaderValidationResponse(request, localhostAllowedHostnames()) ??
      originValidationResponse(request, localhostAllowedOrigins());
    if (refused) return refused;
    const url = new URL(request.url);
    if (url.pathname !== '/mcp') return new Response('not found', { status: 404 });
    const presented = bearerToken(request.headers.get('authorization'));
    if (credentialInQuery(url) || !presented || !tokensEqual(presented, token)) return unauthorized();
    return handler.fetch(request);
  };
  const bound: { server: Server; url: string } = await bindHttp({ host, port }, fetch);
  return {
    url: `${bound.url}/mcp`,
    token,
    async close() {
      await drainHttp(bound.server, 2);
      await handler.close();
      await definition.dispose?.();
      await runtime.audit.close();
    },
  };
}
