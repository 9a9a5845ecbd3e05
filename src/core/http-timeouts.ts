import type { ServerOptions } from 'node:http';
import { z } from 'zod';
import { ConfigError } from './config.js';

/**
 * How long a client may hold a connection without doing its part, for every HTTP server Rampart starts. Spread
 * into a server's config schema, so each is a flag, an env var and a rampart.yaml key like its other options.
 */
export const httpTimeoutOptions = {
  headersTimeoutSeconds: z
    .number()
    .positive()
    .max(600)
    .default(10)
    .describe(
      "How long a client may take to send a request's headers; a connection still sending them is closed (slowloris)",
    ),
  requestTimeoutSeconds: z
    .number()
    .positive()
    .max(3600)
    .default(60)
    .describe(
      'How long a client may take to send a whole request, headers and body; the answer may stream for longer (Server-Sent Events)',
    ),
  keepAliveTimeoutSeconds: z
    .number()
    .positive()
    .max(600)
    .default(5)
    .describe(
      "How long an idle keep-alive connection is kept between requests; behind a load balancer, set it above the balancer's idle timeout",
    ),
};

export interface HttpTimeouts {
  readonly headersTimeoutSeconds: number;
  readonly requestTimeoutSeconds: number;
  readonly keepAliveTimeoutSeconds: number;
}

/** The defaults above, for servers started without a parsed config. */
export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = z.object(httpTimeoutOptions).parse({});

/**
 * Node's server options for these timeouts. Node checks the headers and request deadlines only every
 * connectionsCheckingInterval (30 s by default, which held a silent connection for ~90 s); checking at most every
 * second keeps a deadline within a second of what was configured.
 */
export function timeoutServerOptions(timeouts: HttpTimeouts): ServerOptions & { keepAliveTimeout: number } {
  const headersTimeout = Math.round(timeouts.headersTimeoutSeconds * 1000);
  const requestTimeout = Math.round(timeouts.requestTimeoutSeconds * 1000);
  if (headersTimeout > requestTimeout) {
    throw new ConfigError(
      `headersTimeoutSeconds (${timeouts.headersTimeoutSeconds}) must not exceed requestTimeoutSeconds (${timeouts.requestTimeoutSeconds}): the headers are part of the request`,
    );
  }
  return {
    headersTimeout,
    requestTimeout,
    keepAliveTimeout: Math.round(timeouts.keepAliveTimeoutSeconds * 1000),
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))),
  };
}
