import { useEffect, useId, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './metrics-chart.css';

/** One line of a chart: its values by minute (null where there is nothing to draw). */
export interface ChartLine {
  readonly key: string;
  readonly label: string;
  readonly color: string;
  /** A dash pattern, for the second line of the same series (p50 beside p99). */
  readonly dash?: readonly number[];
  /** Dots at the values: for lines with gaps, where a lone minute would otherwise draw nothing. */
  readonly points?: boolean;
  readonly values: readonly (number | null)[];
}

interface MetricsChartProps {
  readonly title: string;
  /** What the chart shows, for a person who cannot see the canvas; the table below holds the numbers. */
  readonly description: string;
  readonly unit: string;
  /** The start of each minute, in ms since the epoch. */
  readonly minutes: readonly number[];
  readonly lines: readonly ChartLine[];
  /** A logarithmic value axis: latencies of one hour span microseconds to seconds. */
  readonly log?: boolean;
}

const HEIGHT = 200;
const AXIS = '#4a5561';
const GRID = '#e1e5ea';
/** The smallest value a logarithmic axis draws; a call measured at 0 ms is drawn there. */
const LOG_FLOOR = 0.01;

function dataOf(minutes: readonly number[], lines: readonly ChartLine[], log: boolean): uPlot.AlignedData {
  return [
    minutes.map((ms) => ms / 1000),
    ...lines.map((line) =>
      line.values.map((value) => (value === null ? null : log ? Math.max(value, LOG_FLOOR) : value)),
    ),
  ];
}

function optionsOf(props: MetricsChartProps, width: number): uPlot.Options {
  const log = props.log === true;
  return {
    width,
    height: HEIGHT,
    // The page draws one legend for the three charts, as buttons and text a keyboard and a reader can use.
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: true },
      y: log ? { distr: 3, log: 10 } : { range: (_plot, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
    },
    axes: [
      { stroke: AXIS, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID, width: 1 } },
      {
        stroke: AXIS,
        label: props.unit,
        labelSize: 20,
        size: 56,
        grid: { stroke: GRID, width: 1 },
        ticks: { stroke: GRID, width: 1 },
      },
    ],
    series: [
      {},
      ...props.lines.map(
        (line): uPlot.Series => ({
          label: line.label,
          stroke: line.color,
          width: 2,
          ...(line.dash ? { dash: [...line.dash] } : {}),
          spanGaps: false,
          points: { show: line.points === true, size: 6, fill: line.color },
        }),
      ),
    ],
  };
}

/**
 * A uPlot line chart over the last hour, as wide as its box (it follows the window's width). The canvas is an
 * image to assistive technology, named and described; the numbers are in the page's tables.
 */
export function MetricsChart(props: MetricsChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const titleId = useId();
  const descriptionId = useId();
  // A new set of lines (or axis) needs a new chart; new values for the same lines only new data.
  const shape = JSON.stringify([
    props.log === true,
    props.lines.map((l) => [l.key, l.color, l.dash, l.points]),
  ]);
  const latest = useRef(props);
  latest.current = props;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the chart is rebuilt when its shape changes; data alone goes through setData below
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const current = latest.current;
    const chart = new uPlot(
      optionsOf(current, Math.max(200, element.clientWidth)),
      dataOf(current.minutes, current.lines, current.log === true),
      element,
    );
    plot.current = chart;
    const resized = new ResizeObserver(() => {
      const width = Math.max(200, element.clientWidth);
      if (width !== chart.width) chart.setSize({ width, height: HEIGHT });
    });
    resized.observe(element);
    return () => {
      resized.disconnect();
      chart.destroy();
      plot.current = undefined;
    };
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(dataOf(props.minutes, props.lines, props.log === true));
  }, [props.minutes, props.lines, props.log]);

  return (
    <figure className="metrics-chart">
      <figcaption id={titleId}>{props.title}</figcaption>
      <p id={descriptionId} className="help">
        {props.description}
      </p>
      <div
        ref={box}
        className="metrics-canvas"
        role="img"
        aria-labelledby={titleId}
        aria-describedby={descriptionId}
      />
    </figure>
  );
}
