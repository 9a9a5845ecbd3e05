import {
  formatMs,
  formatRate,
  type HistorySnapshot,
  MAX_DRAWN,
  minuteRows,
  peakRateOf,
  type SeriesHistory,
  seriesKey,
  seriesLabel,
} from '../metrics-history';

/** Rows of the per-minute table at most (60 minutes of every drawn series fit). */
const MAX_MINUTE_ROWS = MAX_DRAWN * 60;

function minuteOf(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour12: false, hour: '2-digit', minute: '2-digit' });
}

function NumberHeads({ rate }: { rate?: string }) {
  const heads = ['Calls', 'Errors', ...(rate ? [rate] : []), 'p50', 'p99'];
  return (
    <>
      {heads.map((head) => (
        <th key={head} scope="col" className="number">
          {head}
        </th>
      ))}
    </>
  );
}

/** The hour's totals of each selected tool. */
export function HourTable({
  snapshot,
  series,
}: {
  snapshot: HistorySnapshot;
  series: readonly SeriesHistory[];
}) {
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

/** The charts' numbers, minute by minute, folded away under a summary. */
export function MinuteTable({
  snapshot,
  series,
}: {
  snapshot: HistorySnapshot;
  series: readonly SeriesHistory[];
}) {
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
