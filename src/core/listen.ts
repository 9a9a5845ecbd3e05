import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve as listen } from '@hono/node-server';
import { ConfigError } from './config.js';

/** Listens on host:port with a fetch handler; a port in use or an address that cannot be bound is a ConfigError. */
export async function bindHttp(
  config: { host: string; port: number },
  fetch: (request: Request) => Promise<Response> | Response,
): Promise<{ server: Server; url: string }> {
  const server = await new Promise<Server>((resolve, reject) => {
    const started = listen({ fetch, hostname: config.host, port: config.port }, () =>
      resolve(started as Server),
    );
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
