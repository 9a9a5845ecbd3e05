import { barChartSvg, type SectionChart, spansOver } from '../lib/chart.js';

interface Percentiles {
  readonly p50: number;
  readonly p99: number;
}

/** One response size: the guarded client's and plain undici's latency, in milliseconds. */
export interface HttpLatency {
  readonly title: string;
  readonly rampart: Percentiles;
  readonly undici: Percentiles;
}

export function httpChart(workloads: readonly HttpLatency[]): SectionChart {
  const us = (ms: number) => ms * 1000;
  const groups = workloads.flatMap((w) =>
    (['p50', 'p99'] as const).map((p) => ({
      label: `${w.title} ${p}`,
      values: [us(w.rampart[p]), us(w.undici[p])],
    })),
  );
  return {
    name: 'http-latency',
    alt: 'http: p50 and p99 per request, the guarded client vs plain undici, per response size',
    svg: barChartSvg({
      title: 'Latency per request: guarded client vs plain undici',
      unit: 'µs',
      series: ['Rampart GuardedClient', 'plain undici'],
      groups,
      logY: spansOver(groups),
    }),
  };
}
