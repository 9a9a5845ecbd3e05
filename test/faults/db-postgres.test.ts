import { expect, it } from 'vitest';
import { dbPostgresOutage } from './db-postgres.js';
import { describeWithBinary } from './describe-with-binary.js';
import { postgresBinaries } from './own-postgres.js';

const bin = postgresBinaries();

describeWithBinary('initdb (PostgreSQL)', bin, 'faults: the db server on a PostgreSQL that crashes', () => {
  it('PostgreSQL crashed and restarted under a running db server: clear errors fast, nothing acknowledged lost, service resumes by itself', async () => {
    const outage = await dbPostgresOutage({ bin: bin as string, writes: 40, callsWhileDown: 6 });
    expect(outage.acknowledged).toBe(40);
    expect(outage.failedWhileDown).toBe(outage.callsWhileDown);
    expect(outage.slowestWhileDownMs).toBeLessThan(3_000);
    for (const message of outage.messagesWhileDown)
      expect(message).toMatch(
        /^PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres is unavailable \(.+\); try again shortly/,
      );
    expect(outage.lost).toBe(0);
    expect(outage.failedAfter).toBe(0);
  }, 120_000);
});
