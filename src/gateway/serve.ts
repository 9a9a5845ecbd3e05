import type { AddressInfo } from 'node:net';
import { serve as listen } from '@hono/node-server';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { noAudit, openAuditLog } from '../core/audit.js';
import { ConfigError } from '../core/config.js';
import { Metrics } from '../core/metrics.js';
import { isLoopbackBind } from '../guards/http.js';
import { createGatewayApp } from './app.js';
import type { GatewayConfig, ServerEntry } from './config.js';
import { buildMount, type Mount } from './mounts.js';
import { localToken } from './token.js';

export interface RunningGateway {
  /** Base URL, e.g. http://127.0.0.1:8787 */
  readonly url: string;
  readonly servers: readonly string[];
  /** Where the token is kept, for the start-up message (never the token itself). */
  readonly tokenSource: string;
  /** Stops accepting connections, lets calls in flight finish, then closes handlers and the audit log. */
  close(): Promise<void>;
}

export interface ServeOptions {
  readonly config: GatewayConfig;
  readonly servers: readonly ServerEntry[];
  /** Where the servers came from, for error messages (the rampart.yaml path, or "the defaults"). */
  readonly source: string;
  readonly env?: Record<string, string | undefined>;
}

export async function startGateway({ config, servers, source, env }: ServeOptions): Promise<RunningGateway> {
  if (!isLoopbackBind(config.host)) {
    throw new ConfigError(
      `refusing to bind ${config.host}: only loopback addresses are served with the local token; a network-facing gateway needs OAuth`,
    );
  }
  const names = new Set<string>();
  for (const entry of servers) {
    if (names.has(entry.name)) throw new ConfigError(`${source}: two servers are named "${entry.name}"`);
    names.add(entry.name);
  }
  const { token, source: tokenSource } = await localToken(config.tokenFile, env);
  const audit = config.auditLog ? await openAuditLog(config.auditLog) : noAudit;
  const metrics = new Metrics();
  const context = {
    audit,
    metrics,
    logLevel: config.logLevel,
    maxRequestBytes: config.maxRequestBytes,
    source,
  };
  const mounts: Mount[] = [];
  for (const entry of servers) mounts.push(await buildMount(entry, context));
  const app = createGatewayApp({
    mounts,
    token,
    allowedHosts: config.allowedHosts,
    allowedOrigins: config.allowedOrigins,
    metrics,
    rateLimiter: new RateLimiterMemory({
      points: config.rateLimitRequests,
      duration: config.rateLimitWindowSeconds,
    }),
  });

  const server = await new Promise<ReturnType<typeof listen>>((resolve, reject) => {
    const started = listen({ fetch: app.fetch, hostname: config.host, port: config.port }, () =>
      resolve(started),
    );
    started.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    servers: mounts.map((m) => m.name),
    tokenSource,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(mounts.map((m) => m.handler.close()));
      await audit.close();
    },
  };
}
