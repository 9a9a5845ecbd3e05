import { expect, it } from 'vitest';
import { describeWithBinary } from './describe-with-binary.js';
import { dbLoadThroughCrash, registryLoadThroughCrash, sessionsLoadThroughKill } from './load.js';
import { postgresBinaries } from './own-postgres.js';
import { redisServerBinary } from './own-redis.js';

const bin = postgresBinaries();
/** Long enough that connections are checked out, mid-transaction, when PostgreSQL goes. */
const CLOCK = { crashAtMs: 1_500, downMs: 2_000, totalMs: 6_000 };

describeWithBinary(
  'initdb (PostgreSQL)',
  bin,
  'faults under load: PostgreSQL crashes mid-transaction',
  () => {
    it('the registry keeps running when PostgreSQL crashes under 8 clients registering, and loses nothing acknowledged', async () => {
      const run = await registryLoadThroughCrash(bin as string, 8, CLOCK);
      expect(run.acknowledged).toBeGreaterThan(0);
      expect(run.failed).toBeGreaterThan(0);
      expect(run.lost).toBe(0);
      expect(run.slowestMs).toBeLessThan(3_000);
      expect(run.recoveredMs).toBeLessThan(5_000);
    }, 120_000);

    it('the db server keeps running when PostgreSQL crashes under 8 clients inserting, and loses nothing acknowledged', async () => {
      const run = await dbLoadThroughCrash(bin as string, 8, CLOCK);
      expect(run.acknowledged).toBeGreaterThan(0);
      expect(run.failed).toBeGreaterThan(0);
      expect(run.lost).toBe(0);
      expect(run.slowestMs).toBeLessThan(3_000);
      expect(run.recoveredMs).toBeLessThan(5_000);
    }, 120_000);
  },
);

describeWithBinary('redis-server', redisServerBinary(), 'faults under load: Redis killed mid-stream', () => {
  it('the sessions Redis store keeps every acknowledged increment when Redis is killed under 8 clients', async () => {
    const run = await sessionsLoadThroughKill(8, CLOCK);
    expect(run.acknowledged).toBeGreaterThan(0);
    expect(run.failed).toBeGreaterThan(0);
    expect(run.lost).toBe(0);
    expect(run.slowestMs).toBeLessThan(3_000);
    expect(run.recoveredMs).toBeLessThan(5_000);
  }, 60_000);
});
