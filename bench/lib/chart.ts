import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

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

/** A round axis maximum at or above `value`: 1, 2 or 5 times a power of ten. */
function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function formatValue(value: number): string {
  if (value === 0) return '0';
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function legend(series: readonly string[], x: number, y: number): string[] {
  return series.map((name, i) => {
    const at = x + i * 190;
    return `<rect x="${at}" y="${y - 10}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>${text(at + 18, y, name)}`;
  });
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

export function barChartSvg(chart: BarChart): string {
  const left = 60;
  const top = 56;
  const plotHeight = 220;
  const barWidth = 22;
  const groupWidth = chart.series.length * barWidth + 28;
  const width = Math.max(420, left + chart.groups.length * groupWidth + 20);
  const height = top + plotHeight + 50;
  const finite = chart.groups.flatMap((g) => g.values.filter(Number.isFinite));
  const max = niceMax(Math.max(0, ...finite));
  const y = (value: number) => top + plotHeight - (value / max) * plotHeight;
  const body: string[] = legend(chart.series, left, 44);
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    const value = max * tick;
    body.push(
      `<line x1="${left}" x2="${width - 10}" y1="${n(y(value))}" y2="${n(y(value))}" stroke="#e2e8f0"/>`,
      text(left - 6, y(value) + 4, formatValue(value), 'text-anchor="end" fill="#4a5568"'),
    );
  }
  body.push(text(14, top + plotHeight / 2, chart.unit, `transform="rotate(-90 14 ${top + plotHeight / 2})"`));
  chart.groups.forEach((group, g) => {
    const x0 = left + 14 + g * groupWidth;
    group.values.forEach((value, s) => {
      if (!Number.isFinite(value)) return;
      const x = x0 + s * barWidth;
      body.push(
        `<rect x="${n(x)}" y="${n(y(value))}" width="${barWidth - 3}" height="${n(top + plotHeight - y(value))}" fill="${COLORS[s % COLORS.length]}"><title>${escapeXml(`${group.label}, ${chart.series[s]}: ${formatValue(value)} ${chart.unit}`)}</title></rect>`,
      );
    });
    body.push(
      text(
        x0 + (chart.series.length * barWidth) / 2,
        top + plotHeight + 18,
        group.label,
        'text-anchor="middle"',
      ),
    );
  });
  return frame(width, height, chart.title, body);
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
  const yMax = niceMax(Math.max(0, ...ys));
  const px = (value: number) => left + ((toX(value) - xMin) / (xMax - xMin || 1)) * plotWidth;
  const py = (value: number) => top + plotHeight - (value / yMax) * plotHeight;
  const body: string[] = legend(
    chart.series.map((s) => s.name),
    left,
    44,
  );
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    const value = yMax * tick;
    body.push(
      `<line x1="${left}" x2="${left + plotWidth}" y1="${n(py(value))}" y2="${n(py(value))}" stroke="#e2e8f0"/>`,
      text(left - 6, py(value) + 4, formatValue(value), 'text-anchor="end" fill="#4a5568"'),
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
