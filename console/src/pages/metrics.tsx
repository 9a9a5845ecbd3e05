import { useQuery } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, consoleFetch } from '../api';
import { type ChartLine, MetricsChart } from '../components/metrics-chart';
import {
  choicesOf,
  formatMs,
  formatRate,
  type HistorySnapshot,
  isSnapshot,
  MAX_DRAWN,
  minuteRows,
  peakRateOf,
  ratesOf,
  type Selection,
  type SeriesHistory,
  selectSeries,
  seriesKey,
  seriesLabel,
} from '../metrics-history';

/** How often the open page asks again: the gateway keeps minutes, so this shows a call within 10 s. */
const REFRESH_MS = 10_000;
/** Rows of the per-minute table at most (60 minutes of every drawn series fit). */
const MAX_MINUTE_ROWS = MAX_DRAWN * 60;
/** One colour per drawn series, each at least 4.5:1 against the white page. */
const PALETTE = ['#0b5cad', '#b42318', '#1a7f37', '#8250df', '#9a6700', '#0e7490', '#bf3989', '#4a5561'];
const DASH = [6, 4];

async function fetchHistory(): Promise<HistorySnapshot> {
  const response = await consoleFetch('/console/api/metrics/history');
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const reason = (body as { error_description?: unknown } | undefined)?.error_description;
    throw new ApiError(
      response.status,
      typeof reason === 'string' ? reason : `the gateway answered ${response.status}`,
    );
  }
  if (!isSnapshot(body))
    throw new ApiError(response.status, 'the gateway answered something else than a history');
  return body;
}

function timeOf(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour12: false });
}

function minuteOf(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour12: false, hour: '2-digit', minute: '2-digit' });
}

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

function Choice(props: {
  label: string;
  value: string;
  all: string;
  options: readonly string[];
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(event) => props.onChange(event.target.value)}>
        <option value="">{props.all}</option>
        {props.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </div>
  );
}

function colorOf(i: number): string {
  return PALETTE[i % PALETTE.length] as string;
}

function Charts({ snapshot, drawn }: { snapshot: HistorySnapshot; drawn: readonly SeriesHistory[] }) {
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
        <MetricsChart
          title="Calls per second"
          description="Calls per second in each minute of the last hour, one line per tool."
          unit="calls/s"
          minutes={snapshot.minutes}
          lines={lines.rates}
        />
        <MetricsChart
          title="Latency, p50 and p99"
          description="The median (dashed) and 99th percentile (solid) call duration in each minute, in milliseconds, on a logarithmic scale."
          unit="ms"
          minutes={snapshot.minutes}
          lines={lines.latency}
          log
        />
        <MetricsChart
          title="Errors"
          description="Calls refused, failed, timed out or cancelled in each minute, one line per tool."
          unit="errors/min"
          minutes={snapshot.minutes}
          lines={lines.errors}
        />
      </div>
    </>
  );
}

function NumberHeads({ rate }: { rate?: string }) {
  return (
    <>
      <th scope="col" className="number">
        Calls
      </th>
      <th scope="col" className="number">
        Errors
      </th>
      {rate ? (
        <th scope="col" className="number">
          {rate}
        </th>
      ) : null}
      <th scope="col" className="number">
        p50
      </th>
      <th scope="col" className="number">
        p99
      </th>
    </>
  );
}

function HourTable({ snapshot, series }: { snapshot: HistorySnapshot; series: readonly SeriesHistory[] }) {
  return (
    <table className="metrics">
      <caption>
        The last hour by tool: {series.length} {series.length === 1 ? 'tool' : 'tools'}. Peak/s is the busiest
        minute's calls per second; percentiles are upper estimates, at most 19 % above the true value.
      </caption>
      <colgroup>
        <col className="name" />
      </colgroup>
      <thead>
        <tr>
          <th scope="col">Tool</th>
          <NumberHeads rate="Peak/s" />
        </tr>
      </thead>
      <tbody>
        {series.map((s) => (
          <tr key={seriesKey(s)} className="metrics-row">
            <th scope="row" className="tool-name">
              {seriesLabel(s)}
            </th>
            <td className="number">{s.total.calls}</td>
            <td className={s.total.errors > 0 ? 'number error' : 'number'}>{s.total.errors}</td>
            <td className="number">{formatRate(peakRateOf(snapshot, s))}</td>
            <td className="number">{formatMs(s.total.p50Ms)}</td>
            <td className="number">{formatMs(s.total.p99Ms)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function MinuteTable({ snapshot, series }: { snapshot: HistorySnapshot; series: readonly SeriesHistory[] }) {
  const rows = minuteRows(snapshot, series);
  const shown = rows.slice(0, MAX_MINUTE_ROWS);
  return (
    <details className="minutes">
      <summary>
        The charts' numbers, minute by minute ({rows.length} {rows.length === 1 ? 'row' : 'rows'})
      </summary>
      <table className="metrics">
        <caption>
          Minutes with calls, newest first{rows.length > shown.length ? ` (the first ${shown.length})` : ''}.
          The calls-per-second chart divides a minute's calls by 60 (the current minute's by its seconds so
          far).
        </caption>
        <colgroup>
          <col className="time" />
          <col className="name" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">Minute</th>
            <th scope="col">Tool</th>
            <NumberHeads />
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <tr key={row.key} className="minute-row">
              <td>
                <time dateTime={new Date(row.start).toISOString()}>{minuteOf(row.start)}</time>
              </td>
              <th scope="row" className="tool-name">
                {row.label}
              </th>
              <td className="number">{row.calls}</td>
              <td className={row.errors > 0 ? 'number error' : 'number'}>{row.errors}</td>
              <td className="number">{formatMs(row.p50Ms)}</td>
              <td className="number">{formatMs(row.p99Ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** Calls per second, p50 and p99 latency and errors per tool over the last hour, with the numbers as tables. */
export function MetricsPage() {
  const history = useQuery({
    queryKey: ['metrics-history'],
    queryFn: fetchHistory,
    refetchInterval: REFRESH_MS,
  });
  const [selection, setSelection] = useState<Selection>({ server: '', tool: '' });
  const snapshot = history.data;
  const selected = useMemo(() => (snapshot ? selectSeries(snapshot, selection) : []), [snapshot, selection]);
  const drawn = useMemo(() => selected.slice(0, MAX_DRAWN), [selected]);
  const choices = snapshot ? choicesOf(snapshot, selection.server) : { servers: [], tools: [] };
  // A choice whose calls have aged out of the hour stays listed, so the select still shows what is chosen.
  const withChosen = (options: string[], chosen: string) =>
    chosen && !options.includes(chosen) ? [...options, chosen] : options;

  return (
    <>
      <h1>Metrics</h1>
      <div className="metrics-updated">
        <p className="status">
          {history.isPending
            ? 'Loading the last hour…'
            : `The last hour, as of ${timeOf(history.dataUpdatedAt)}; it refreshes every ${REFRESH_MS / 1000} s.`}
        </p>
        {/* Never disabled while a refresh runs: a focused button that turns disabled drops the keyboard's focus. */}
        <button type="button" onClick={() => void history.refetch()}>
          Refresh now
        </button>
      </div>
      {history.isError && <p role="alert">The metrics are unavailable: {history.error.message}</p>}
      {snapshot && snapshot.series.length === 0 && (
        <p className="empty">
          No calls yet in the last hour. Call a tool from a <Link to="/servers">server's playground</Link>; it
          shows here within {REFRESH_MS / 1000} seconds.
        </p>
      )}
      {snapshot && snapshot.series.length > 0 && (
        <>
          <form
            className="filters"
            aria-label="Choose what the charts show"
            onSubmit={(event) => event.preventDefault()}
          >
            <Choice
              label="Server"
              all="every server"
              value={selection.server}
              options={withChosen(choices.servers, selection.server)}
              onChange={(server) => setSelection({ server, tool: '' })}
            />
            <Choice
              label="Tool"
              all="every tool"
              value={selection.tool}
              options={withChosen(choices.tools, selection.tool)}
              onChange={(tool) => setSelection((now) => ({ ...now, tool }))}
            />
          </form>
          {snapshot.capped && (
            <p className="notice">
              More than {snapshot.maxSeries} tools had calls this hour; the calls of the others are counted
              together as "other tools".
            </p>
          )}
          {selected.length === 0 ? (
            <p className="empty">No calls of that server and tool in the last hour.</p>
          ) : (
            <>
              {selected.length > drawn.length && (
                <p className="help">
                  The charts draw the {drawn.length} busiest of {selected.length} tools; choose a server or a
                  tool to see the others. The table lists them all.
                </p>
              )}
              <Charts snapshot={snapshot} drawn={drawn} />
              <h2>The numbers</h2>
              <HourTable snapshot={snapshot} series={selected} />
              <MinuteTable snapshot={snapshot} series={drawn} />
            </>
          )}
        </>
      )}
    </>
  );
}
