import type { Outage } from '../../test/faults/outage.js';
import { barChartSvg, type SectionChart, spansOver } from '../lib/chart.js';

/** `sessions server (Redis store): Redis killed (kill -9) and started again` as `sessions server: Redis killed`. */
export function shortScenario(scenario: string): string {
  const colon = scenario.indexOf(': ');
  if (colon === -1) return scenario;
  const who = scenario.slice(0, colon).replace(/ \([^)]*\)/g, '');
  const fault = scenario.slice(colon + 2).replace(/ \(.*$/, '');
  return `${who}: ${fault}`;
}

/**
 * Per fault, how long a caller waited at worst while the service was down and how soon after its restart a call
 * succeeded again. Nothing else survives these faults here to compare with, so these are Rampart's own numbers.
 */
export function recoveryChart(outages: readonly Outage[]): SectionChart {
  const groups = outages.map((o) => ({
    label: shortScenario(o.scenario),
    values: [o.slowestWhileDownMs, o.recoveredMs],
  }));
  return {
    name: 'reliability-recovery',
    alt: 'reliability: per fault, the slowest answer while the service was down and the first success after its restart; Rampart only, no anchor',
    svg: barChartSvg({
      title: 'Per fault: slowest answer while down, first success after the restart (Rampart only)',
      unit: 'ms',
      series: ['slowest answer while down', 'first success after the restart'],
      groups,
      logY: spansOver(groups),
    }),
  };
}
