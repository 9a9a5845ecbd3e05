import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { type AuditEntry, followAudit, type StreamState } from '../audit-stream';
import { Choice, FilterRow } from '../components/choice';

/** Entries kept on the page; older ones fall off the end. */
const MAX_SHOWN = 500;
const OUTCOMES = ['ok', 'refused', 'error', 'timeout', 'cancelled', 'confirming', 'rate_limited'];

interface Row {
  readonly key: number;
  readonly entry: AuditEntry;
  /** Lower-cased text the free-text filter searches: tool, principal, message and the (redacted) arguments. */
  readonly haystack: string;
}

interface Filters {
  readonly server: string;
  readonly tool: string;
  readonly outcome: string;
  readonly text: string;
}

function rowOf(key: number, entry: AuditEntry): Row {
  const haystack = [entry.server, entry.tool, entry.client, entry.message ?? '', JSON.stringify(entry.args)]
    .join('\n')
    .toLowerCase();
  return { key, entry, haystack };
}

function matches(row: Row, filters: Filters): boolean {
  const { entry } = row;
  if (filters.server && entry.server !== filters.server) return false;
  if (filters.tool && entry.tool !== filters.tool) return false;
  if (filters.outcome && entry.outcome !== filters.outcome) return false;
  return !filters.text || row.haystack.includes(filters.text.toLowerCase());
}

function stateText(state: StreamState): string {
  switch (state.status) {
    case 'connecting':
      return 'Connecting to the audit stream…';
    case 'live':
      return 'Live: new calls appear as they happen.';
    case 'reconnecting':
      return `Connection lost (${state.reason}); reconnecting in ${Math.ceil(state.retryInMs / 1000)} s…`;
    case 'stopped':
      return `The audit stream stopped: ${state.reason}.`;
  }
}

function timeOf(ts: string): string {
  const date = new Date(ts);
  return Number.isNaN(date.getTime()) ? ts : date.toLocaleTimeString(undefined, { hour12: false });
}

/** The gateway's audit records, live, newest first; every value is rendered as text. */
export function AuditPage() {
  const [rows, setRows] = useState<readonly Row[]>([]);
  const [state, setState] = useState<StreamState>({ status: 'connecting' });
  const [paused, setPaused] = useState(false);
  const [held, setHeld] = useState(0);
  const [filters, setFilters] = useState<Filters>({ server: '', tool: '', outcome: '', text: '' });
  const pausedRef = useRef(false);
  const heldRows = useRef<Row[]>([]);
  const textId = useId();

  useEffect(() => {
    let key = 0;
    return followAudit({
      onState: setState,
      onEntry: (entry) => {
        key += 1;
        const row = rowOf(key, entry);
        if (pausedRef.current) {
          heldRows.current.push(row);
          setHeld(heldRows.current.length);
          return;
        }
        setRows((now) => [row, ...now].slice(0, MAX_SHOWN));
      },
    });
  }, []);

  const togglePause = () => {
    const next = !pausedRef.current;
    pausedRef.current = next;
    setPaused(next);
    if (!next) {
      const waiting = heldRows.current.reverse();
      heldRows.current = [];
      setHeld(0);
      setRows((now) => [...waiting, ...now].slice(0, MAX_SHOWN));
    }
  };

  const servers = useMemo(() => [...new Set(rows.map((r) => r.entry.server))].sort(), [rows]);
  const tools = useMemo(
    () =>
      [
        ...new Set(
          rows.filter((r) => !filters.server || r.entry.server === filters.server).map((r) => r.entry.tool),
        ),
      ].sort(),
    [rows, filters.server],
  );
  const shown = rows.filter((row) => matches(row, filters));
  const set = (change: Partial<Filters>) => setFilters((now) => ({ ...now, ...change }));
  const lost = state.status === 'reconnecting' || state.status === 'stopped';

  return (
    <>
      <h1>Audit</h1>
      <p className={lost ? 'notice error' : 'status'} role="status" aria-live="polite">
        {stateText(state)}
      </p>
      <FilterRow label="Filter audit records">
        <Choice
          all="all"
          label="Server"
          value={filters.server}
          options={servers}
          onChange={(server) => set({ server, tool: '' })}
        />
        <Choice
          all="all"
          label="Tool"
          value={filters.tool}
          options={tools}
          onChange={(tool) => set({ tool })}
        />
        <Choice
          all="all"
          label="Outcome"
          value={filters.outcome}
          options={OUTCOMES}
          onChange={(outcome) => set({ outcome })}
        />
        <div className="field">
          <label htmlFor={textId}>Text</label>
          <input
            id={textId}
            type="search"
            value={filters.text}
            placeholder="principal, argument, message…"
            onChange={(event) => set({ text: event.target.value })}
          />
        </div>
        <button type="button" aria-pressed={paused} onClick={togglePause}>
          {paused ? `Resume${held > 0 ? ` (${held} new)` : ''}` : 'Pause'}
        </button>
      </FilterRow>

      <table className="audit">
        <caption>
          {shown.length} of {rows.length} calls{paused ? ', paused' : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Server</th>
            <th scope="col">Tool</th>
            <th scope="col">Principal</th>
            <th scope="col">Outcome</th>
            <th scope="col" className="number">
              Duration
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map(({ key, entry }) => (
            <tr key={key} className="audit-row">
              <td>
                <time dateTime={entry.ts}>{timeOf(entry.ts)}</time>
              </td>
              <td>{entry.server}</td>
              <td className="tool-name">{entry.tool}</td>
              <td>{entry.client}</td>
              <td className={entry.outcome === 'ok' ? undefined : 'error'} title={entry.message}>
                {entry.outcome}
                {entry.message ? `: ${entry.message}` : ''}
              </td>
              <td className="number">{entry.ms} ms</td>
            </tr>
          ))}
        </tbody>
      </table>

      {rows.length === 0 ? (
        <p className="help">No calls yet: call a tool from a server's playground.</p>
      ) : null}
    </>
  );
}
