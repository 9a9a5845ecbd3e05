import { barChartSvg, type SectionChart, spansOver } from '../lib/chart.js';

/** One workload's p50: the Rampart tool call and the plain git command that gives the same answer. */
export interface GitP50 {
  readonly title: string;
  readonly rampart: number;
  readonly git: number;
}

export function gitChart(workloads: readonly GitP50[]): SectionChart {
  const groups = workloads.map((w) => ({ label: w.title, values: [w.rampart, w.git] }));
  return {
    name: 'git-p50',
    alt: 'git: p50 per call, Rampart git tool vs the plain git command, per workload',
    svg: barChartSvg({
      title: 'p50 per call: Rampart vs the plain git command',
      unit: 'ms',
      series: ['Rampart (MCP call over stdio)', 'plain git command'],
      groups,
      logY: spansOver(groups),
    }),
  };
}
