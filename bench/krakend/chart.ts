import { barChartSvg, type SectionChart, spansOver } from '../lib/chart.js';

/** The krakend engine's times in milliseconds; only validation has an anchor, bare ajv on the same schema. */
export interface KrakendTimes {
  readonly validate: { readonly rampart: number; readonly ajv: number };
  readonly audit: number;
  readonly searchP50: number;
  readonly searchP99: number;
  readonly indexBuild: number;
  readonly indexLoad: number;
  readonly schemaCompile: number;
}

export function krakendChart(times: KrakendTimes): SectionChart {
  const alone = (label: string, value: number) => ({ label, values: [value, Number.NaN] });
  const groups = [
    { label: 'validate 1 MB config, p50', values: [times.validate.rampart, times.validate.ajv] },
    alone('audit 1 MB config, p50', times.audit),
    alone('docs search p50', times.searchP50),
    alone('docs search p99', times.searchP99),
    alone('docs index build', times.indexBuild),
    alone('docs index load from cache', times.indexLoad),
    alone('v2.13 schema compile, cold', times.schemaCompile),
  ];
  return {
    name: 'krakend-workloads',
    alt: 'krakend: time per workload, Rampart vs bare ajv for validation; the other workloads have no anchor',
    svg: barChartSvg({
      title: 'krakend engine: time per workload (bare ajv where there is one)',
      unit: 'ms',
      series: ['Rampart', 'bare ajv (floor)'],
      groups,
      logY: spansOver(groups),
    }),
  };
}
