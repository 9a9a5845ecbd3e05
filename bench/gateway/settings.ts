/** How long and how hard the gateway benchmark runs; each value can be overridden from the environment. */
export interface GatewaySettings {
  /** Concurrent keep-alive clients in the throughput rounds (BENCH_GATEWAY_CONCURRENCY). */
  readonly concurrency: number;
  /** Rounds, each measuring both servers in turn (BENCH_GATEWAY_ROUNDS). */
  readonly rounds: number;
  /** Untimed load on each server once, before the first round. */
  readonly initialWarmupSeconds: number;
  /** Untimed load before each measured round, on that round's fresh connections. */
  readonly roundWarmupSeconds: number;
  /** Measured seconds per server per round (BENCH_GATEWAY_ROUND_SECONDS). */
  readonly roundSeconds: number;
  /** Concurrent clients in the soak (BENCH_GATEWAY_SOAK_CLIENTS). */
  readonly soakClients: number;
  /** Untimed load before the soak's starting memory sample. */
  readonly soakWarmupSeconds: number;
  /** Length of the soak (BENCH_GATEWAY_SOAK_SECONDS). */
  readonly soakSeconds: number;
  /** How often the server reports its memory during the soak. */
  readonly memoryIntervalMs: number;
}

export const STANDARD: GatewaySettings = {
  concurrency: 16,
  rounds: 5,
  initialWarmupSeconds: 3,
  roundWarmupSeconds: 1,
  roundSeconds: 5,
  soakClients: 50,
  soakWarmupSeconds: 3,
  soakSeconds: 60,
  memoryIntervalMs: 1000,
};

function fromEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return n;
}

export function gatewaySettings(): GatewaySettings {
  return {
    ...STANDARD,
    concurrency: fromEnv('BENCH_GATEWAY_CONCURRENCY', STANDARD.concurrency, 1),
    rounds: fromEnv('BENCH_GATEWAY_ROUNDS', STANDARD.rounds, 1),
    roundSeconds: fromEnv('BENCH_GATEWAY_ROUND_SECONDS', STANDARD.roundSeconds, 1),
    soakClients: fromEnv('BENCH_GATEWAY_SOAK_CLIENTS', STANDARD.soakClients, 1),
    soakSeconds: fromEnv('BENCH_GATEWAY_SOAK_SECONDS', STANDARD.soakSeconds, 1),
  };
}

/** True when every setting is the standard one, so the numbers may replace the recorded ones. */
export function isStandard(settings: GatewaySettings): boolean {
  return (Object.keys(STANDARD) as (keyof GatewaySettings)[]).every((k) => settings[k] === STANDARD[k]);
}
