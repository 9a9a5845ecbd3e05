import { expect, it } from 'vitest';
import { describeWithBinary } from './describe-with-binary.js';
import { gatewayRedisOutage } from './gateway-redis.js';
import { redisServerBinary } from './own-redis.js';

const POINTS = 5;
const CALLS_WHILE_DOWN = 8;

describeWithBinary(
  'redis-server',
  redisServerBinary(),
  'faults: the gateway rate limiter on a Redis that fails',
  () => {
    for (const fault of ['kill', 'freeze'] as const) {
      const what = fault === 'kill' ? 'killed and restarted' : 'frozen (SIGSTOP) and resumed';
      it(`Redis ${what} under the gateway's limiter: answers at once counting in memory, the budget spent before still counts after`, async () => {
        const outage = await gatewayRedisOutage({ fault, points: POINTS, callsWhileDown: CALLS_WHILE_DOWN });
        expect(outage.acknowledged).toBe(POINTS);
        // Never a 5xx or a hang: the in-memory count answers, with the same budget (so some calls are refused).
        expect(outage.failedWhileDown).toBe(0);
        expect(outage.slowestWhileDownMs).toBeLessThan(3_000);
        expect(outage.limitedWhileDown).toBe(CALLS_WHILE_DOWN - POINTS);
        // The spent budget survived in Redis: once it counts there again, the client is still refused.
        expect(outage.lost).toBe(0);
        expect(outage.failedAfter).toBe(0);
      }, 60_000);
    }
  },
);
