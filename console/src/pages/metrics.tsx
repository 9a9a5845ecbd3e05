import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, consoleFetch, reasonOf } from '../api';
import { Choice, FilterRow } from '../components/choice';
import { MetricsCharts } from '../components/metrics-charts';
import { HourTable, MinuteTable } from '../components/metrics-tables';
import { QueryStatus } from '../components/query-status';
import {
  choicesOf,
  type HistorySnapshot,
  isSnapshot,
  MAX_DRAWN,
  type Selection,
  selectSeries,
} from '../metrics-history';

/** How often the open page asks again: the gateway keeps minutes, so this shows a call within 10 s. */
const REFRESH_MS = 10_000;

async function fetchHistory(): Promise<HistorySnapshot> {
  const response = await consoleFetch('/console/api/metrics/history');
  if (!response.ok) throw new ApiError(response.status, await reasonOf(response));
  const body: unknown = await response.json().catch(() => undefined);
  if (!isSnapshot(body))
    throw new ApiError(response.status, 'the gateway answered something else than a history');
  return body;
}

function timeOf(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour12: false });
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
      <QueryStatus query={history} failed="The metrics are unavailable: " />
      {snapshot && snapshot.series.length === 0 && (
        <p className="empty">
          No calls yet in the last hour. Call a tool from a <Link to="/servers">server's playground</Link>; it
          shows here within {REFRESH_MS / 1000} seconds.
        </p>
      )}
      {snapshot && snapshot.series.length > 0 && (
        <>
          <FilterRow label="Choose what the charts show">
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
          </FilterRow>
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
              <MetricsCharts snapshot={snapshot} drawn={drawn} />
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
