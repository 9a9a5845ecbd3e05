import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve as listen } from '@hono/node-server';
import { ConfigError } from './config.js';
import { DEFAULT_HTTP_TIMEOUTS, type HttpTimeouts, timeoutServerOptions } from './http-timeouts.js';

/**
 * An answer sent before the request's body has all arrived (a refusal on its size, its token, its rate) closes
 * the connection: otherwise Node would read the rest of the body to reach the next request on it.
 */
function closeIfBodyUnread(response: Response, bindings: { incoming: { complete: boolean } }): Response {
  if (bindings.incoming.complete) return response;
  try {
    response.headers.set('connection', 'close');
    return response;
  } catch {
    // Immutable headers (a Response from fetch()): copy them.
    const headers = new Headers(response.headers);
    headers.set('connection', 'close');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

/**
 * Listens on host:port with a fetch handler, with the configured (or default) header, request and keep-alive
 * timeouts; a port in use or an address that cannot be bound is a ConfigError.
 */
export async function bindHttp(
  config: { host: string; port: number } & Partial<HttpTimeouts>,
  fetch: (request: Request) => Promise<Response> | Response,
): Promise<{ server: Server; url: string }> {
  const { keepAliveTimeout, ...serverOptions } = timeoutServerOptions({
    headersTimeoutSeconds: config.headersTimeoutSeconds ?? DEFAULT_HTTP_TIMEOUTS.headersTimeoutSeconds,
    requestTimeoutSeconds: config.requestTimeoutSeconds ?? DEFAULT_HTTP_TIMEOUTS.requestTimeoutSeconds,
    keepAliveTimeoutSeconds: config.keepAliveTimeoutSeconds ?? DEFAULT_HTTP_TIMEOUTS.keepAliveTimeoutSeconds,
  });
  const handler = async (request: Request, bindings: { incoming: { complete: boolean } }) =>
    closeIfBodyUnread(await fetch(request), bindings);
  const server = await new Promise<Server>((resolve, reject) => {
    const started = listen({ fetch: handler, hostname: config.host, port: config.port, serverOptions }, () =>
      resolve(started as Server),
    );
    (started as Server).keepAliveTimeout = keepAliveTimeout;
    started.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EADDRNOTAVAIL' || error.code === 'EACCES'
          ? new ConfigError(
              `cannot listen on ${config.host}:${config.port}: ${error.code} (${error.message})`,
            )
          : error,
      ),
    );
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { server, url: `http://${host}:${address.port}` };
}

/** Stops accepting, closes keep-alive connections as they fall idle, and cuts the rest at the deadline. */
export async function drainHttp(server: Server, seconds: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const idle = setInterval(() => server.closeIdleConnections(), 50);
  const deadline = setTimeout(() => server.closeAllConnections(), seconds * 1000);
  try {
    await closed;
  } finally {
    clearInterval(idle);
    clearTimeout(deadline);
  }
}
