import { chartImage, lineChartSvg, type SectionChart } from '../lib/chart.js';
import { table } from '../lib/markdown.js';
import { formatMs } from '../lib/timing.js';
import type { GrowthPoint } from './growth.js';
import type { Outcome } from './outcome.js';

const median = (outcome: Outcome): number => (outcome.kind === 'timed' ? outcome.timing.median : Number.NaN);

const cell = (outcome: Outcome): string =>
  outcome.kind === 'timed'
    ? formatMs(outcome.timing.median)
    : outcome.kind === 'timeout'
      ? `> ${formatMs(outcome.limitMs)}`
      : 'n/a';

const ratio = (a: Outcome, b: Outcome): string => {
  const value = median(a) / median(b);
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
};

function series(name: string, points: readonly GrowthPoint[], pick: (p: GrowthPoint) => Outcome) {
  return {
    name,
    points: points
      .map((p) => [p.files, median(pick(p))] as const)
      .filter(([, value]) => Number.isFinite(value)),
  };
}

/** How search_files and grep time grow with the tree: one line chart each, Rampart against its command. */
export function growthCharts(points: readonly GrowthPoint[]): SectionChart[] {
  if (points.length < 2) return [];
  return [
    {
      name: 'fs-search-growth',
      alt: 'search_files time by tree size, Rampart vs find, 1k to 100k files',
      svg: lineChartSvg({
        title: 'search_files **/*.spec.ts: time by tree size (median)',
        xLabel: 'files in the tree',
        yLabel: 'ms',
        logX: true,
        series: [
          series('Rampart search_files', points, (p) => p.search.rampart),
          series('find -name', points, (p) => p.search.find),
        ],
      }),
    },
    {
      name: 'fs-grep-growth',
      alt: 'grep time by tree size, Rampart vs grep -r, 1k to 100k files',
      svg: lineChartSvg({
        title: 'grep for a literal: time by tree size (median)',
        xLabel: 'files in the tree',
        yLabel: 'ms',
        logX: true,
        series: [
          series('Rampart grep', points, (p) => p.grep.rampart),
          series('grep -rn --fixed-strings', points, (p) => p.grep.grep),
        ],
      }),
    },
  ];
}

/** The growth subsection of `## fs`: the charts from growthCharts and their table. */
export function renderGrowth(points: readonly GrowthPoint[], charts: readonly SectionChart[]): string {
  if (points.length < 2) return '';
  const rows = points.map((p) => [
    p.files.toLocaleString('en-US'),
    cell(p.search.rampart),
    cell(p.search.find),
    ratio(p.search.rampart, p.search.find),
    cell(p.search.reference),
    cell(p.grep.rampart),
    cell(p.grep.grep),
    ratio(p.grep.rampart, p.grep.grep),
  ]);
  return [
    '### Growth: search_files and grep from 1k to 100k files',
    '',
    ...charts.map(chartImage),
    '',
    'The same generator at each size (the full-size row is the main run above); medians of the runs at each size, ' +
      'every result checked against the command. The reference server is timed on search only: it has no ' +
      'content search.',
    '',
    table(
      ['Files', 'search_files', '`find`', 'Ratio', 'reference search', 'grep', '`grep -r`', 'Ratio'],
      rows,
    ),
    '',
  ].join('\n');
}
