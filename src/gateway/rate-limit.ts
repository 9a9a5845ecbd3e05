import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { ConfigError } from '../core/config.js';
import type { Logger } from '../core/log.js';
import { hideUrlPassword } from '../guards/redact.js';

export interface RateLimitSettings {
  readonly points: number;
  readonly durationSeconds: number;
  /** redis:// URL: counters shared by every gateway instance. Without it, each instance counts alone. */
  readonly redisUrl?: string | undefined;
  /** Prefix of the Redis keys, so that several deployments can share one Redis. */
  readonly keyPrefix?: string;
}

export interface RateLimiter {
  readonly limiter: RateLimiterMemory | RateLimiterRedis;
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 3_000;
/** A Redis that hangs (a frozen host) keeps its connection open: past this a request is counted in memory. */
const COMMAND_TIMEOUT_MS = 1_000;

/**
 * Per-client call counting (a point is one JSON-RPC call). With Redis, a gateway that cannot reach Redis at start
 * refuses to start (a shared limit that silently is not shared is a misconfiguration). If Redis goes away later,
 * each instance counts in memory, with the same budget, until it is back, and says so in the log: a client can
 * then make up to that budget at each instance, never an unlimited number of calls, and an outage of the counter
 * store does not take every server offline, as failing closed would.
 */
export async function createRateLimiter(settings: RateLimitSettings, log: Logger): Promise<RateLimiter> {
  const options = { points: settings.points, duration: settings.durationSeconds };
  if (!settings.redisUrl) return { limiter: new RateLimiterMemory(options), close: async () => {} };

  const { Redis } = await import('ioredis');
  const client = new Redis(settings.redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
  });
  let warned = false;
  let started = false;
  client.on('error', (error: Error) => {
    // A failure to connect at start is reported once, as the refusal to start below.
    if (started && !warned)
      log.warn('redis unavailable; counting rate limits in memory until it is back', {
        error: error.message,
      });
    warned = true;
  });
  client.on('ready', () => {
    warned = false;
  });
  try {
    await client.connect();
    await client.ping();
    started = true;
  } catch (error) {
    client.disconnect();
    throw new ConfigError(
      `redisUrl ${hideUrlPassword(settings.redisUrl)}: cannot connect (${(error as Error).message})`,
    );
  }
  const limiter = new RateLimiterRedis({
    ...options,
    storeClient: client,
    keyPrefix: settings.keyPrefix ?? 'rampart:ratelimit',
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory(options),
  });
  return {
    limiter,
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
