import { barChartSvg, type SectionChart, spansOver } from '../lib/chart.js';

const OPERATIONS = ['store_data', 'retrieve_data', 'compare_and_set'] as const;

/**
 * Each store operation's p50 in both stores against raw ioredis making the same round trips: SET for a store,
 * GET for a retrieve, GET then SET for a compare-and-set. `p50` takes the bench's contender names.
 */
export function sessionsChart(p50: (contender: string) => number): SectionChart {
  const raw: Record<(typeof OPERATIONS)[number], number> = {
    store_data: p50('raw SET'),
    retrieve_data: p50('raw GET'),
    compare_and_set: p50('raw GET') + p50('raw SET'),
  };
  const groups = OPERATIONS.map((op) => ({
    label: op,
    values: [p50(`redis ${op}`), p50(`file ${op}`), raw[op]],
  }));
  return {
    name: 'sessions-p50',
    alt: 'sessions: p50 per operation, Redis and file stores vs raw ioredis making the same round trips',
    svg: barChartSvg({
      title: 'p50 per operation: session stores vs raw ioredis',
      unit: 'ms',
      series: ['Redis store', 'file store', 'raw ioredis, same round trips'],
      groups,
      logY: spansOver(groups),
    }),
  };
}
