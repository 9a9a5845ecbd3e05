import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnStdioServer } from '../helpers/process.js';
import {
  type Answer,
  countFailures,
  type Outage,
  probeWhileDown,
  timeToRecover,
  whileDown,
} from './outage.js';
import { OwnRedis } from './own-redis.js';

export interface SessionsRedisOptions {
  /** `kill`: Redis dies (kill -9) and is started again; `freeze`: it stops answering (SIGSTOP) and resumes. */
  readonly fault: 'kill' | 'freeze';
  readonly writes: number;
  readonly callsWhileDown: number;
}

function answerOf(result: Record<string, unknown>): Answer {
  const blocks = (result.content ?? []) as { text?: string }[];
  return { ok: result.isError !== true, message: blocks.map((b) => b.text ?? '').join(' ') };
}

/**
 * A spawned `rampart sessions --store redis` on a Redis this scenario owns: it signs on and stores values, then
 * Redis goes down under it and comes back, and the same server (never restarted) is asked for everything again.
 */
export async function sessionsRedisOutage(options: SessionsRedisOptions): Promise<Outage> {
  const redis = await OwnRedis.start();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-fault-sessions-'));
  const server = await spawnStdioServer([
    'sessions',
    dir,
    '--store',
    'redis',
    '--redis-url',
    redis.url,
    '--redis-key-prefix',
    'fault:',
    '--log-level',
    'error',
  ]);
  const call = async (name: string, args: Record<string, unknown> = {}) =>
    answerOf(await server.callTool(name, args));
  const store = (i: number) => call('store_data', { scope: 'faults', key: `k${i}`, value: { i } });
  const holds = async (i: number): Promise<Answer> => {
    const result = await server.callTool('retrieve_data', { scope: 'faults', key: `k${i}` });
    const value = (result.structuredContent as { value?: { i?: number } } | undefined)?.value;
    return value?.i === i ? { ok: true, message: '' } : answerOf(result);
  };
  try {
    const signed = await call('sign_on');
    if (!signed.ok) throw new Error(`sign_on failed: ${signed.message}`);
    const indexes = Array.from({ length: options.writes }, (_, i) => i);
    const acknowledged = indexes.length - (await countFailures(indexes, store));
    if (options.fault === 'kill') await redis.kill();
    else redis.freeze();
    const down = await probeWhileDown(options.callsWhileDown, (i) =>
      i % 2 === 0 ? store(options.writes + i) : holds(0),
    );
    if (options.fault === 'kill') await redis.start();
    else redis.thaw();
    const recoveredMs = await timeToRecover(() => holds(0));
    const lost = await countFailures(indexes, holds);
    const after = indexes.slice(0, 20).map((i) => options.writes * 2 + i);
    const failedAfter = await countFailures(after, store);
    const scenario =
      options.fault === 'kill'
        ? 'sessions server (Redis store): Redis killed (kill -9) and started again'
        : 'sessions server (Redis store): Redis frozen (SIGSTOP) and resumed';
    return {
      scenario,
      acknowledged,
      lost,
      ...whileDown(down),
      recoveredMs,
      callsAfter: after.length,
      failedAfter,
    };
  } finally {
    redis.thaw();
    server.kill();
    await redis.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
