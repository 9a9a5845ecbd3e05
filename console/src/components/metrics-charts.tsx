import { useMemo } from 'react';
import {
  type HistorySnapshot,
  ratesOf,
  type SeriesHistory,
  seriesKey,
  seriesLabel,
} from '../metrics-history';
import { type ChartLine, MetricsChart } from './metrics-chart';

/** One colour per drawn series, each at least 4.5:1 against the white page. */
const PALETTE = ['#0b5cad', '#b42318', '#1a7f37', '#8250df', '#9a6700', '#0e7490', '#bf3989', '#4a5561'];
const DASH = [6, 4];

function Swatch({ color, dashed }: { color: string; dashed?: boolean }) {
  return (
    <svg width="28" height="10" aria-hidden="true" focusable="false">
      <line
        x1="0"
        y1="5"
        x2="28"
        y2="5"
        stroke={color}
        strokeWidth="3"
        {...(dashed ? { strokeDasharray: DASH.join(' ') } : {})}
      />
    </svg>
  );
}

function colorOf(i: number): string {
  return PALETTE[i % PALETTE.length] as string;
}

/** The three charts, each of one of the sets of lines MetricsCharts draws. */
const CHARTS = [
  {
    lines: 'rates',
    title: 'Calls per second',
    description: 'Calls per second in each minute of the last hour, one line per tool.',
    unit: 'calls/s',
    log: false,
  },
  {
    lines: 'latency',
    title: 'Latency, p50 and p99',
    description:
      'The median (dashed) and 99th percentile (solid) call duration in each minute, in milliseconds, on a logarithmic scale.',
    unit: 'ms',
    log: true,
  },
  {
    lines: 'errors',
    title: 'Errors',
    description: 'Calls refused, failed, timed out or cancelled in each minute, one line per tool.',
    unit: 'errors/min',
    log: false,
  },
] as const;

/** The legend and the three charts (calls/s, p50 and p99 latency, errors) of the drawn series. */
export function MetricsCharts({
  snapshot,
  drawn,
}: {
  snapshot: HistorySnapshot;
  drawn: readonly SeriesHistory[];
}) {
  const lines = useMemo(() => {
    const rates: ChartLine[] = [];
    const latency: ChartLine[] = [];
    const errors: ChartLine[] = [];
    drawn.forEach((series, i) => {
      const key = seriesKey(series);
      const label = seriesLabel(series);
      const color = colorOf(i);
      rates.push({ key, label, color, values: ratesOf(snapshot, series) });
      latency.push({ key: `${key}p99`, label: `${label} p99`, color, points: true, values: series.p99Ms });
      latency.push({
        key: `${key}p50`,
        label: `${label} p50`,
        color,
        dash: DASH,
        points: true,
        values: series.p50Ms,
      });
      errors.push({ key, label, color, values: series.errors });
    });
    return { rates, latency, errors };
  }, [snapshot, drawn]);

  return (
    <>
      <section className="metrics-legend" aria-labelledby="metrics-legend">
        <h2 id="metrics-legend">Legend</h2>
        <ul>
          {drawn.map((series, i) => (
            <li key={seriesKey(series)}>
              <Swatch color={colorOf(i)} />
              <span className="tool-name">{seriesLabel(series)}</span>
            </li>
          ))}
          <li>
            <Swatch color="#4a5561" />
            <span>p99</span>
            <Swatch color="#4a5561" dashed />
            <span>p50 (latency chart)</span>
          </li>
        </ul>
      </section>
      <div className="metrics-charts">
        {CHARTS.map((chart) => (
          <MetricsChart
            key={chart.lines}
            title={chart.title}
            description={chart.description}
            unit={chart.unit}
            minutes={snapshot.minutes}
            lines={lines[chart.lines]}
            log={chart.log}
          />
        ))}
      </div>
    </>
  );
}
