import { barChartSvg, type SectionChart, spansOver } from '../lib/chart.js';

interface Rate {
  readonly perSecond: number;
}

/** One store's requests per second in each workload. */
export interface StoreRates {
  readonly store: string;
  readonly register: Rate;
  readonly reregister: Rate;
  readonly lookup: Rate;
  readonly byId: Rate;
}

const WORKLOADS = [
  ['register (new subject)', 'register'],
  ['re-register (existing)', 'reregister'],
  ['lookup', 'lookup'],
  ['GET /schemas/ids/{id}', 'byId'],
] as const;

/** No anchor runs here (a Confluent registry needs Kafka), so the chart sets the two stores side by side. */
export function registryChart(stores: readonly StoreRates[]): SectionChart {
  const groups = WORKLOADS.map(([label, key]) => ({ label, values: stores.map((s) => s[key].perSecond) }));
  return {
    name: 'registry-throughput',
    alt: 'registry: requests/s per workload, the embedded registry on each store; no anchor (a Confluent registry needs Kafka)',
    svg: barChartSvg({
      title: 'Requests/s per workload, by store (no anchor: Confluent needs Kafka)',
      unit: 'requests/s',
      series: stores.map((s) => `Rampart on ${s.store}`),
      groups,
      logY: spansOver(groups),
    }),
  };
}
