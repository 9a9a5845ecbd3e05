import { Redis } from 'ioredis';
import { gatewayConfigSchema } from '../../src/gateway/config.js';
import { startGateway } from '../../src/gateway/serve.js';
import { makeLayout } from '../helpers/sandbox.js';
import { type Answer, type Outage, probeWhileDown, timeToRecover, whileDown } from './outage.js';
import { OwnRedis } from './own-redis.js';

const TOKEN = 'fault-test-token-0123456789abcdef';
const PREFIX = 'fault-limit';
const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'faults', version: '1' } },
});

export interface GatewayRedisOptions {
  readonly fault: 'kill' | 'freeze';
  /** The client's budget in the window; the scenario spends all of it before the fault. */
  readonly points: number;
  readonly callsWhileDown: number;
}

/** Points the limiter's Redis holds as spent by every client, or 0 when it cannot say. */
async function spentInRedis(url: string): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1_000 });
  try {
    await redis.connect();
    let spent = 0;
    for (const key of await redis.keys(`${PREFIX}:*`)) spent += Number(await redis.get(key)) || 0;
    return spent;
  } catch {
    return 0;
  } finally {
    redis.disconnect();
  }
}

/**
 * A gateway whose rate limiter counts in a Redis this scenario owns. The client spends its whole budget, Redis
 * goes down and comes back, and the same gateway is asked again: while Redis is away the gateway must answer
 * at once (counting in memory, as designed), and once it is back the budget spent before must still count.
 */
export async function gatewayRedisOutage(
  options: GatewayRedisOptions,
): Promise<Outage & { readonly limitedWhileDown: number }> {
  const redis = await OwnRedis.start();
  const layout = makeLayout();
  const gateway = await startGateway({
    config: gatewayConfigSchema.parse({
      port: 0,
      logLevel: 'silent',
      redisUrl: redis.url,
      redisKeyPrefix: PREFIX,
      rateLimitRequests: options.points,
      rateLimitWindowSeconds: 600,
    }),
    servers: [{ name: 'fs', kind: 'fs', options: { roots: [layout.root], readOnly: true } }],
    source: 'fault test',
    env: { RAMPART_TOKEN: TOKEN },
  });
  const status = async (): Promise<number> => {
    try {
      const response = await fetch(`${gateway.url}/mcp/fs`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: INIT,
        signal: AbortSignal.timeout(30_000),
      });
      await response.body?.cancel();
      return response.status;
    } catch {
      return 0;
    }
  };
  // 200 and 429 are answers a limiter gives; anything else (5xx, no answer) is a failure.
  let limitedWhileDown = 0;
  const limited = async (): Promise<Answer> => {
    const code = await status();
    if (code === 429) limitedWhileDown++;
    return { ok: code === 200 || code === 429, message: `HTTP ${code || 'no answer'}` };
  };
  try {
    let acknowledged = 0;
    for (let i = 0; i < options.points; i++) if ((await status()) === 200) acknowledged++;
    if ((await status()) !== 429) throw new Error('the limit did not hold before the fault');
    const spentBefore = await spentInRedis(redis.url);
    if (options.fault === 'kill') await redis.kill();
    else redis.freeze();
    const down = await probeWhileDown(options.callsWhileDown, limited);
    if (options.fault === 'kill') await redis.start();
    else redis.thaw();
    // Recovered once the gateway counts in Redis again: a request raises the spent points there.
    const spentAfterRestart = await spentInRedis(redis.url);
    const recoveredMs = await timeToRecover(async () => {
      await status();
      const spent = await spentInRedis(redis.url);
      return { ok: spent > spentAfterRestart, message: `Redis holds ${spent} points spent` };
    });
    // Nothing acknowledged lost: Redis still holds the spent budget, so the client is still refused.
    const lost = Math.max(0, spentBefore - spentAfterRestart);
    const after = await probeWhileDown(5, async () => {
      const code = await status();
      return { ok: code === 429, message: `HTTP ${code || 'no answer'}` };
    });
    return {
      scenario:
        options.fault === 'kill'
          ? 'gateway rate limiter (Redis): Redis killed (kill -9) and started again'
          : 'gateway rate limiter (Redis): Redis frozen (SIGSTOP) and resumed',
      acknowledged,
      lost,
      ...whileDown(down),
      recoveredMs,
      callsAfter: after.calls,
      failedAfter: after.failed,
      limitedWhileDown,
    };
  } finally {
    redis.thaw();
    await gateway.close();
    layout.cleanup();
    await redis.close();
  }
}
