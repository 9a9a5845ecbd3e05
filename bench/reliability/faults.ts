import { dbPostgresOutage } from '../../test/faults/db-postgres.js';
import { gatewayRedisOutage } from '../../test/faults/gateway-redis.js';
import type { Outage } from '../../test/faults/outage.js';
import { registryPostgresOutage } from '../../test/faults/registry-postgres.js';
import { sessionsRedisOutage } from '../../test/faults/sessions-redis.js';

export interface FaultSettings {
  /** initdb's directory, or undefined when PostgreSQL cannot be run here. */
  readonly postgresBin: string | undefined;
  readonly writes: number;
  readonly callsWhileDown: number;
}

/** The scenarios of test/faults, with more writes and more calls while down than the tests make. */
export async function runFaults(
  settings: FaultSettings,
  progress: (line: string) => void,
): Promise<Outage[]> {
  const { writes, callsWhileDown } = settings;
  const scenarios: (() => Promise<Outage>)[] = [
    () => sessionsRedisOutage({ fault: 'kill', writes, callsWhileDown }),
    () => sessionsRedisOutage({ fault: 'freeze', writes, callsWhileDown }),
    () => gatewayRedisOutage({ fault: 'kill', points: writes, callsWhileDown }),
    () => gatewayRedisOutage({ fault: 'freeze', points: writes, callsWhileDown }),
  ];
  const bin = settings.postgresBin;
  if (bin) {
    scenarios.push(
      () => registryPostgresOutage({ bin, writes, callsWhileDown }),
      () => dbPostgresOutage({ bin, writes, callsWhileDown }),
    );
  }
  const outages: Outage[] = [];
  for (const scenario of scenarios) {
    const outage = await scenario();
    progress(
      `  ${outage.scenario}: lost ${outage.lost}, slowest while down ${outage.slowestWhileDownMs.toFixed(0)} ms`,
    );
    outages.push(outage);
  }
  return outages;
}
