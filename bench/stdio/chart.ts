import type { RoundTrip } from '../fs/round-trip.js';
import { barChartSvg, type SectionChart, spansOver } from '../lib/chart.js';

/** In the order the bench measures them: the same bare server on each transport, then `rampart fs`. */
const SERIES = [
  'bare server, SDK StdioServerTransport',
  'bare server, Rampart StdioLineTransport',
  'rampart fs',
];

export function stdioChart(trips: readonly (RoundTrip | undefined)[]): SectionChart {
  const groups = (['p50', 'p99'] as const).map((p) => ({
    label: p,
    values: SERIES.map((_, i) => trips[i]?.[p] ?? Number.NaN),
  }));
  return {
    name: 'stdio-round-trip',
    alt: "stdio: p50 and p99 round trip of a trivial call, the SDK's transport vs Rampart's on the same bare server, and rampart fs",
    svg: barChartSvg({
      title: "Trivial call round trip: SDK's stdio transport vs Rampart's",
      unit: 'ms',
      series: SERIES,
      groups,
      logY: spansOver(groups),
    }),
  };
}
