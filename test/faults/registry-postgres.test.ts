import { expect, it } from 'vitest';
import { describeWithBinary } from './describe-with-binary.js';
import { postgresBinaries } from './own-postgres.js';
import { registryPostgresOutage } from './registry-postgres.js';

const bin = postgresBinaries();

describeWithBinary('initdb (PostgreSQL)', bin, 'faults: the registry on a PostgreSQL that crashes', () => {
  it('PostgreSQL crashed and restarted under a running registry: 50001 answers fast, nothing acknowledged lost, service resumes by itself', async () => {
    const outage = await registryPostgresOutage({ bin: bin as string, writes: 40, callsWhileDown: 6 });
    expect(outage.acknowledged).toBe(40);
    expect(outage.failedWhileDown).toBe(outage.callsWhileDown);
    expect(outage.slowestWhileDownMs).toBeLessThan(3_000);
    // Confluent's answer for a store failure; the log says which store and why, the client is not told where it is.
    expect(outage.messagesWhileDown).toEqual([
      'HTTP 500: {"error_code":50001,"message":"Error in the backend data store"}',
    ]);
    expect(outage.log).toMatch(/answered 50001 to (GET|POST) \/subjects\/.*ECONNREFUSED 127\.0\.0\.1:\d+/);
    expect(outage.lost).toBe(0);
    expect(outage.failedAfter).toBe(0);
  }, 120_000);
});
