import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './paths.js';

/**
 * A small, dependency-free SVG chart writer for BENCHMARKS.md: grouped bars (Rampart vs its anchor per workload)
 * and lines (how a time grows with the input). Every piece of text is escaped.
 */

export interface BarGroup {
  readonly label: string;
  /** One bar per series, in the order of `series`; NaN leaves a gap (a contender that did not run). */
  readonly values: readonly number[];
}

export interface BarChart {
  readonly title: string;
  readonly unit: string;
  readonly series: readonly string[];
  readonly groups: readonly BarGroup[];
  /**
   * A logarithmic y axis with a tick at each power of ten, for workloads that differ by orders of magnitude; bars
   * rise from the axis floor, a decade below the smallest value. A value ≤ 0 has no place on it and leaves a gap.
   */
  readonly logY?: boolean;
}

export interface LineSeries {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
  /** A logarithmic x axis, for inputs that grow by orders of magnitude. */
  readonly logX?: boolean;
}

const COLORS = ['#2b6cb0', '#dd6b20', '#718096', '#38a169', '#805ad5'];
const FONT = 'font-family="system-ui, sans-serif"';

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const n = (value: number) => Number(value.toFixed(1));

function text(x: number, y: number, content: string, extra = '', size = 12): string {
  return `<text x="${n(x)}" y="${n(y)}" ${FONT} font-size="${size}" ${extra}>${escapeXml(content)}</text>`;
}

function formatValue(value: number): string {
  if (value === 0) return '0';
  const size = Math.abs(value);
  if (size >= 1000) return Math.round(value).toLocaleString('en-US');
  if (size >= 100) return value.toFixed(0);
  if (size >= 10) return value.toFixed(1);
  if (size >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}

/** Rough advance of one character, for laying out text without measuring it: 12 px and 10 px type. */
const CHAR = 7;
const SMALL_CHAR = 6;
const LEGEND_TOP = 44;

/** Where each legend item goes: left to right, wrapping before `right`. */
function legendPlaces(series: readonly string[], x: number, right: number): { x: number; y: number }[] {
  let at = x;
  let row = LEGEND_TOP;
  return series.map((name) => {
    const width = 18 + name.length * CHAR + 24;
    if (at > x && at + width > right) {
      at = x;
      row += 18;
    }
    const place = { x: at, y: row };
    at += width;
    return place;
  });
}

function legend(series: readonly string[], x: number, right = Number.POSITIVE_INFINITY): string[] {
  return legendPlaces(series, x, right).map(
    (place, i) =>
      `<rect x="${n(place.x)}" y="${place.y - 10}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>${text(place.x + 18, place.y, series[i] ?? '')}`,
  );
}

function frame(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    text(width / 2, 22, title, 'text-anchor="middle" font-weight="bold"', 14),
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** Where a value sits on the y axis: 0 at the bottom of the plot, 1 at its top; undefined when it has no place. */
interface Scale {
  readonly ticks: readonly { readonly value: number; readonly label: string }[];
  readonly at: (value: number) => number | undefined;
}

/** `50.0` as `50`, `2.50` as `2.5`: a round tick needs no trailing zeros. */
const trimZeros = (label: string) => (label.includes('.') ? label.replace(/\.?0+$/, '') : label);

/** A round tick step at or above `rough`: 1, 2, 2.5 or 5 times a power of ten. */
function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const step of [1, 2, 2.5, 5]) if (step * power >= rough) return step * power;
  return 10 * power;
}

/** Ticks from 0 in round steps, at most six, the last at or above every value. */
function linearScale(values: readonly number[]): Scale {
  const peak = Math.max(0, ...values);
  const step = peak > 0 ? niceStep(peak / 5) : 0.25;
  const count = Math.max(1, Math.ceil(peak / step - 1e-9));
  const max = count * step;
  const ticks = [];
  for (let i = 0; i <= count; i++) ticks.push({ value: i * step, label: trimZeros(formatValue(i * step)) });
  return {
    ticks,
    at: (value) => (Number.isFinite(value) ? Math.max(0, value) / max : undefined),
  };
}

const powerLabel = (power: number) =>
  power >= 0 ? (10 ** power).toLocaleString('en-US') : (10 ** power).toFixed(-power);

function logScale(values: readonly number[]): Scale {
  const positive = values.filter((v) => v > 0);
  // The floor sits strictly below the smallest value, so that every bar has a height.
  const EPSILON = 1e-9;
  const low = positive.length === 0 ? 0 : Math.ceil(Math.log10(Math.min(...positive)) - EPSILON) - 1;
  const top = positive.length === 0 ? 1 : Math.ceil(Math.log10(Math.max(...positive)) - EPSILON);
  const high = Math.max(top, low + 1);
  const ticks = [];
  for (let power = low; power <= high; power++) ticks.push({ value: 10 ** power, label: powerLabel(power) });
  return {
    ticks,
    at: (value) =>
      value > 0 && Number.isFinite(value) ? (Math.log10(value) - low) / (high - low) : undefined,
  };
}

/** Splits `label` into lines of at most `chars` characters at spaces; a longer word keeps its own line. */
function wrap(label: string, chars: number): string[] {
  const lines: string[] = [];
  for (const word of label.split(/\s+/).filter(Boolean)) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= chars)
      lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.length > 0 ? lines : [''];
}

export function barChartSvg(chart: BarChart): string {
  const values = chart.groups.flatMap((g) => g.values.filter(Number.isFinite));
  const scale = chart.logY ? logScale(values) : linearScale(values);
  const left = 34 + Math.max(...scale.ticks.map((t) => t.label.length)) * CHAR;
  const plotHeight = 220;
  const barWidth = 22;
  const barsWidth = chart.series.length * barWidth;
  const labels = chart.groups.map((g) => g.label);
  // Wide enough for each label in three lines and its longest word on one.
  const narrowest = Math.max(
    barsWidth + 28,
    ...labels.map((l) => (Math.ceil(l.length / 3) + 2) * CHAR),
    ...labels.flatMap((l) => l.split(/\s+/).map((word) => (word.length + 1) * CHAR)),
  );
  const width = Math.ceil(
    Math.max(420, left + chart.groups.length * narrowest + 20, chart.title.length * 8 + 40),
  );
  const right = width - 10;
  // The groups share the plot's whole width.
  const groupWidth = (right - 10 - left) / Math.max(1, chart.groups.length);
  const valueLabel = (value: number) => (scale.at(value) === undefined ? '' : formatValue(value));
  const longestValue = Math.max(0, ...values.map((v) => valueLabel(v).length));
  // Room above the top tick for the value printed over the tallest bar.
  const legendEnd = Math.max(LEGEND_TOP, ...legendPlaces(chart.series, left, right).map((p) => p.y));
  const top = legendEnd + 10 + longestValue * SMALL_CHAR + 8;
  const base = top + plotHeight;
  const y = (fraction: number) => base - fraction * plotHeight;
  const lines = labels.map((l) => wrap(l, Math.floor(groupWidth / CHAR) - 1));
  const height = base + 22 + (Math.max(1, ...lines.map((l) => l.length)) - 1) * 14 + 16;
  const body: string[] = legend(chart.series, left, right);
  for (const tick of scale.ticks) {
    const at = y(scale.at(tick.value) ?? 0);
    body.push(
      `<line x1="${n(left)}" x2="${right}" y1="${n(at)}" y2="${n(at)}" stroke="#e2e8f0"/>`,
      text(left - 6, at + 4, tick.label, 'text-anchor="end" fill="#4a5568"'),
    );
  }
  const axis = chart.logY ? `${chart.unit} (log scale)` : chart.unit;
  const middle = top + plotHeight / 2;
  body.push(text(14, middle, axis, `text-anchor="middle" transform="rotate(-90 14 ${n(middle)})"`));
  chart.groups.forEach((group, g) => {
    const x0 = left + g * groupWidth + (groupWidth - barsWidth) / 2;
    group.values.forEach((value, s) => {
      const fraction = scale.at(value);
      if (fraction === undefined) return;
      const x = x0 + s * barWidth;
      const barTop = y(fraction);
      // Rotated to run up from the bar's top, centred on the bar: a glyph's body sits left of its baseline.
      const labelX = x + (barWidth - 3) / 2 + 3.5;
      body.push(
        `<rect x="${n(x)}" y="${n(barTop)}" width="${barWidth - 3}" height="${n(base - barTop)}" fill="${COLORS[s % COLORS.length]}"><title>${escapeXml(`${group.label}, ${chart.series[s]}: ${formatValue(value)} ${chart.unit}`)}</title></rect>`,
        text(
          labelX,
          barTop - 4,
          formatValue(value),
          `fill="#2d3748" transform="rotate(-90 ${n(labelX)} ${n(barTop - 4)})"`,
          10,
        ),
      );
    });
    lines[g]?.forEach((line, i) => {
      body.push(text(x0 + barsWidth / 2, base + 18 + i * 14, line, 'text-anchor="middle"'));
    });
  });
  return frame(width, height, chart.title, body);
}

/** Whether bar values span more than `factor` from the smallest positive one to the largest: a case for logY. */
export function spansOver(groups: readonly BarGroup[], factor = 20): boolean {
  const positive = groups.flatMap((g) => g.values.filter((v) => v > 0 && Number.isFinite(v)));
  return positive.length > 0 && Math.max(...positive) / Math.min(...positive) > factor;
}

export function lineChartSvg(chart: LineChart): string {
  const left = 70;
  const top = 56;
  const plotWidth = 480;
  const plotHeight = 240;
  const width = left + plotWidth + 30;
  const height = top + plotHeight + 56;
  const xs = chart.series.flatMap((s) => s.points.map(([x]) => x));
  const ys = chart.series.flatMap((s) => s.points.map(([, value]) => value));
  const toX = (value: number) => (chart.logX ? Math.log10(Math.max(value, 1e-9)) : value);
  const xMin = Math.min(...xs.map(toX));
  const xMax = Math.max(...xs.map(toX));
  const scale = linearScale(ys);
  const px = (value: number) => left + ((toX(value) - xMin) / (xMax - xMin || 1)) * plotWidth;
  const py = (value: number) => top + plotHeight - (scale.at(value) ?? 0) * plotHeight;
  const body: string[] = legend(
    chart.series.map((s) => s.name),
    left,
  );
  for (const tick of scale.ticks) {
    body.push(
      `<line x1="${left}" x2="${left + plotWidth}" y1="${n(py(tick.value))}" y2="${n(py(tick.value))}" stroke="#e2e8f0"/>`,
      text(left - 6, py(tick.value) + 4, tick.label, 'text-anchor="end" fill="#4a5568"'),
    );
  }
  for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
    body.push(text(px(x), top + plotHeight + 18, x.toLocaleString('en-US'), 'text-anchor="middle"'));
  }
  body.push(
    text(left + plotWidth / 2, top + plotHeight + 40, chart.xLabel, 'text-anchor="middle"'),
    text(14, top + plotHeight / 2, chart.yLabel, `transform="rotate(-90 14 ${top + plotHeight / 2})"`),
  );
  chart.series.forEach((series, s) => {
    const color = COLORS[s % COLORS.length];
    const points = [...series.points].sort((a, b) => a[0] - b[0]);
    body.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map(([x, value]) => `${n(px(x))},${n(py(value))}`).join(' ')}"/>`,
      ...points.map(
        ([x, value]) =>
          `<circle cx="${n(px(x))}" cy="${n(py(value))}" r="3" fill="${color}"><title>${escapeXml(`${series.name}: ${formatValue(value)} at ${x}`)}</title></circle>`,
      ),
    );
  });
  return frame(width, height, chart.title, body);
}

/** Where the charts live: beside BENCHMARKS.md, linked from each section. */
export const CHART_DIR = 'docs/bench';

/** Writes `svg` to docs/bench/<name>.svg under `repo`; returns the path to link from BENCHMARKS.md. */
export function writeChart(repo: string, name: string, svg: string): string {
  const relative = `${CHART_DIR}/${name}.svg`;
  mkdirSync(path.join(repo, CHART_DIR), { recursive: true });
  writeFileSync(path.join(repo, relative), svg);
  return relative;
}

/** A chart a bench writes beside its section, with the alt text that embeds it there. */
export interface SectionChart {
  /** The file name without `.svg`: `<section>-<what>`. */
  readonly name: string;
  readonly alt: string;
  readonly svg: string;
}

/** The Markdown image that shows `chart` from where a recorded run's saveCharts puts it. */
export function chartImage(chart: SectionChart): string {
  return `![${chart.alt.replace(/[[\]\n]/g, ' ')}](${CHART_DIR}/${chart.name}.svg)`;
}

/**
 * Writes a run's charts: into docs/bench when the run also writes its BENCHMARKS.md section, else under the
 * temporary directory, so that a quick run never replaces the charts of a recorded one. Returns the directory.
 */
export function saveCharts(charts: readonly SectionChart[], recorded: boolean): string {
  const root = recorded ? REPO_ROOT : path.join(os.tmpdir(), 'rampart-bench-charts');
  for (const chart of charts) writeChart(root, chart.name, chart.svg);
  return path.join(root, CHART_DIR);
}
