import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BarChart, barChartSvg, chartImage, saveCharts, spansOver } from '../bench/lib/chart.js';

/** The text of every `<text>` element, in order. */
const texts = (svg: string) => [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

/** The bars: every rect carrying a <title>, with its bottom edge. */
const bars = (svg: string) =>
  [
    ...svg.matchAll(
      /<rect x="[^"]+" y="([^"]+)" width="[^"]+" height="([^"]+)"[^>]*><title>([^<]*)<\/title>/g,
    ),
  ].map((m) => ({ bottom: Number(m[1]) + Number(m[2]), title: m[3] }));

/** Gridline heights by tick label: each tick is a <line> followed by its label. */
function ticks(svg: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const m of svg.matchAll(/<line [^>]*y1="([^"]+)"[^>]*\/>\n<text [^>]*>([^<]*)<\/text>/g))
    found.set(m[2] ?? '', Number(m[1]));
  return found;
}

const fs: BarChart = {
  title: 'fs workloads',
  unit: 'ms',
  series: ['Rampart', 'reference', 'find / grep -r'],
  groups: [
    { label: 'round trip p50', values: [0.3, 0.42, Number.NaN] },
    { label: 'search_files', values: [646, 10_213, 161] },
  ],
  logY: true,
};

describe('barChartSvg', () => {
  it('puts log ticks at the powers of ten around the values, bars rising from the floor', () => {
    const svg = barChartSvg(fs);
    const axis = ticks(svg);
    expect([...axis.keys()]).toEqual(['0.1', '1', '10', '100', '1,000', '10,000', '100,000']);
    const floor = axis.get('0.1') as number;
    const decade = floor - (axis.get('1') as number);
    expect(decade).toBeGreaterThan(0);
    // Evenly spaced decades.
    expect(floor - (axis.get('100,000') as number)).toBeCloseTo(6 * decade, 0);
    for (const bar of bars(svg)) expect(bar.bottom).toBeCloseTo(floor, 0);
    expect(texts(svg)).toContain('ms (log scale)');
    // Values are printed on the bars.
    expect(texts(svg)).toEqual(expect.arrayContaining(['0.30', '10,213', '161']));
  });

  it('keeps a linear axis from 0 unless asked', () => {
    const svg = barChartSvg({ ...fs, logY: undefined });
    expect([...ticks(svg).keys()]).toEqual(['0', '2,500', '5,000', '7,500', '10,000', '12,500']);
    expect(svg).not.toContain('log scale');
  });

  it('leaves a gap for NaN, and on a log axis for values ≤ 0', () => {
    const linear = bars(barChartSvg({ ...fs, logY: false }));
    expect(linear).toHaveLength(5);
    expect(linear.map((b) => b.title)).not.toContain(expect.stringContaining('find / grep -r: NaN'));
    const log = barChartSvg({ ...fs, groups: [{ label: 'zero', values: [0, 5, Number.NaN] }] });
    expect(bars(log)).toHaveLength(1);
    expect(log).not.toMatch(/NaN|Infinity/);
  });

  it('escapes hostile labels everywhere and stays well-formed', () => {
    const hostile = `<script>alert("x")</script> & 'quoted'`;
    const svg = barChartSvg({
      title: hostile,
      unit: `ms"><script>`,
      series: [hostile, 'plain'],
      groups: [{ label: `"${hostile}"`, values: [1, 2] }],
    });
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;quoted&apos;');
    const tag = /<\/?[a-z]+(\s+[a-zA-Z0-9:-]+="[^"<>]*")*\s*\/?>/g;
    const rest = svg.replace(tag, '').replace(/&(amp|lt|gt|quot|apos);/g, '');
    expect(rest).not.toMatch(/[<>"'&]/);
  });

  it('writes the same bytes for the same chart', () => {
    expect(barChartSvg(fs)).toBe(barChartSvg(structuredClone(fs)));
  });

  it('wraps a long workload label onto lines of the group', () => {
    const svg = barChartSvg({
      title: 't',
      unit: 'ms',
      series: ['Rampart', 'git'],
      groups: [
        { label: 'git_log (10 commits)', values: [8, 5] },
        { label: 'git_diff HEAD~50..HEAD', values: [40, 30] },
        { label: 'git_diff HEAD~50 (against the working tree)', values: [30, 20] },
        { label: 'git_status', values: [12, 9] },
      ],
    });
    const lines = texts(svg).filter((t) => /against|working|tree/.test(t ?? ''));
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.length).toBeLessThanOrEqual(3);
    expect(lines.join(' ')).toContain('(against the working tree)');
  });
});

describe('spansOver', () => {
  it('tells when the positive values span more than the factor', () => {
    expect(spansOver(fs.groups)).toBe(true);
    expect(spansOver([{ label: 'a', values: [10, 150, Number.NaN, 0] }])).toBe(false);
    expect(spansOver([{ label: 'a', values: [10, 150] }], 10)).toBe(true);
  });
});

describe('saving charts', () => {
  it('embeds by the docs/bench path and writes a quick run outside the repository', () => {
    const chart = { name: 'chart-test-quick', alt: 'a [bracketed] alt', svg: '<svg/>' };
    expect(chartImage(chart)).toBe('![a  bracketed  alt](docs/bench/chart-test-quick.svg)');
    const dir = saveCharts([chart], false);
    expect(dir.startsWith(os.tmpdir())).toBe(true);
    expect(readFileSync(path.join(dir, 'chart-test-quick.svg'), 'utf8')).toBe('<svg/>');
    expect(existsSync(path.resolve(import.meta.dirname, '../docs/bench/chart-test-quick.svg'))).toBe(false);
  });
});
