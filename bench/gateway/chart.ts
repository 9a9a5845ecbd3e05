import { barChartSvg, type SectionChart, spansOver } from '../lib/chart.js';
import type { GatewayResults } from './report.js';

const SERIES = ['Rampart serve (auth, limiter, audit)', 'bare SDK v2 handler'];

/** Rampart against the bare handler under the same clients: calls/s round by round, then p50 and p99. */
export function gatewayCharts(results: GatewayResults): SectionChart[] {
  const { rampart, bare, settings } = results;
  const clients = `${settings.concurrency} concurrent clients`;
  const rounds = [
    ...rampart.rounds.map((r, i) => ({
      label: `round ${i + 1}`,
      values: [r.callsPerSecond, bare.rounds[i]?.callsPerSecond ?? Number.NaN],
    })),
    { label: 'median', values: [rampart.callsPerSecond, bare.callsPerSecond] },
  ];
  const latency = [
    { label: 'p50', values: [rampart.p50, bare.p50] },
    { label: 'p99', values: [rampart.p99, bare.p99] },
  ];
  return [
    {
      name: 'gateway-throughput',
      alt: `gateway: calls/s of Rampart serve vs the bare SDK v2 handler, ${clients}, each round and the median`,
      svg: barChartSvg({
        title: `Calls/s, ${clients}: Rampart vs bare handler`,
        unit: 'calls/s',
        series: SERIES,
        groups: rounds,
      }),
    },
    {
      name: 'gateway-latency',
      alt: `gateway: p50 and p99 latency of Rampart serve vs the bare SDK v2 handler, ${clients}`,
      svg: barChartSvg({
        title: `Latency per call, ${clients} (median of rounds)`,
        unit: 'ms',
        series: SERIES,
        groups: latency,
        logY: spansOver(latency),
      }),
    },
  ];
}
