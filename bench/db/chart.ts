import { barChartSvg, type SectionChart, spansOver } from '../lib/chart.js';
import type { DbResults } from './report.js';

const CONTENDERS = ['rampart', 'reference', 'sdk', 'pg'] as const;
const SERIES = ['Rampart db', 'server-postgres 0.6.2', 'bare SDK v2, reference work', 'raw pg (floor)'];

/** Calls/s of every contender per workload and mode; the bulk read and the point query differ tenfold or more. */
export function dbChart(results: DbResults): SectionChart {
  const inFlight = `${results.settings.concurrency} in flight`;
  const groups = results.workloads.flatMap((w) => {
    const stats = results.stats[w.key];
    return [
      { label: `${w.title}, sequential`, values: CONTENDERS.map((k) => stats[k].sequential.callsPerSecond) },
      { label: `${w.title}, ${inFlight}`, values: CONTENDERS.map((k) => stats[k].concurrent.callsPerSecond) },
    ];
  });
  return {
    name: 'db-throughput',
    alt: 'db: calls/s of Rampart vs server-postgres, a bare SDK v2 server and raw pg, per workload and mode',
    svg: barChartSvg({
      title: 'Calls/s per workload (median of rounds)',
      unit: 'calls/s',
      series: SERIES,
      groups,
      logY: spansOver(groups),
    }),
  };
}
