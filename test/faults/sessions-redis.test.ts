import { expect, it } from 'vitest';
import { describeWithBinary } from './describe-with-binary.js';
import { redisServerBinary } from './own-redis.js';
import { sessionsRedisOutage } from './sessions-redis.js';

/** While Redis is down or hung, a call fails in bounded time naming it; after, the same server serves again. */
const BOUND_MS = 3_000;
const REDIS_ERROR =
  /^Redis at redis:\/\/127\.0\.0\.1:\d+ (is unavailable \(.+\); try again shortly|did not answer in time)/;

describeWithBinary(
  'redis-server',
  redisServerBinary(),
  'faults: the sessions server on a Redis that fails',
  () => {
    it('Redis killed and restarted under a running sessions server: clear errors fast, nothing acknowledged lost, service resumes by itself', async () => {
      const outage = await sessionsRedisOutage({ fault: 'kill', writes: 50, callsWhileDown: 6 });
      expect(outage.acknowledged).toBe(50);
      expect(outage.failedWhileDown).toBe(outage.callsWhileDown);
      expect(outage.slowestWhileDownMs).toBeLessThan(BOUND_MS);
      for (const message of outage.messagesWhileDown) expect(message).toMatch(REDIS_ERROR);
      expect(outage.lost).toBe(0);
      expect(outage.failedAfter).toBe(0);
    }, 60_000);

    it('Redis frozen (SIGSTOP) under a running sessions server: calls time out in bounded time instead of hanging, then resume', async () => {
      const outage = await sessionsRedisOutage({ fault: 'freeze', writes: 20, callsWhileDown: 4 });
      expect(outage.failedWhileDown).toBe(outage.callsWhileDown);
      expect(outage.slowestWhileDownMs).toBeLessThan(BOUND_MS);
      for (const message of outage.messagesWhileDown) expect(message).toMatch(REDIS_ERROR);
      expect(outage.lost).toBe(0);
      expect(outage.failedAfter).toBe(0);
    }, 60_000);
  },
);
