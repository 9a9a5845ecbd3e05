/**
 * The last hour of tool calls as GET /console/api/metrics/history answers it (see
 * src/gateway/console-metrics-history.ts), and what the metrics page derives from it. Pure functions: no DOM, no
 * fetch, so the tests can run them.
 */

export interface SeriesHistory {
  readonly server: string;
  readonly tool: string;
  readonly calls: readonly number[];
  readonly errors: readonly number[];
  readonly p50Ms: readonly (number | null)[];
  readonly p99Ms: readonly (number | null)[];
  readonly total: {
    readonly calls: number;
    readonly errors: number;
    readonly p50Ms: number | null;
    readonly p99Ms: number | null;
  };
}

export interface HistorySnapshot {
  /** The start of each minute (ms since the epoch), oldest first; the last is the current, partial, one. */
  readonly minutes: readonly number[];
  readonly now: number;
  readonly series: readonly SeriesHistory[];
  readonly maxSeries: number;
  readonly capped: boolean;
}

/** Where the gateway counts the calls of series past its cap. */
export const OTHER_SERVER = '(other)';
/** Lines drawn at once: one colour each, and a chart stays readable. */
export const MAX_DRAWN = 8;

/** A series' name on the page: server and tool. */
export function seriesLabel(series: Pick<SeriesHistory, 'server' | 'tool'>): string {
  if (series.server === OTHER_SERVER) return 'other tools (past the series cap)';
  return `${series.server} / ${series.tool}`;
}

/** A stable key for a series. */
export function seriesKey(series: Pick<SeriesHistory, 'server' | 'tool'>): string {
  return JSON.stringify([series.server, series.tool]);
}

export interface Selection {
  /** '' for every server. */
  readonly server: string;
  /** '' for every tool of the server. */
  readonly tool: string;
}

/** The series the selection picks, busiest first (as the gateway sorts them). */
export function selectSeries(snapshot: HistorySnapshot, selection: Selection): SeriesHistory[] {
  return snapshot.series.filter(
    (s) =>
      (!selection.server || s.server === selection.server) && (!selection.tool || s.tool === selection.tool),
  );
}

/** The servers, and the tools of `server` (every tool when ''), that the snapshot has calls of. */
export function choicesOf(snapshot: HistorySnapshot, server: string): { servers: string[]; tools: string[] } {
  const servers = [...new Set(snapshot.series.map((s) => s.server))].sort();
  const tools = [
    ...new Set(snapshot.series.filter((s) => !server || s.server === server).map((s) => s.tool)),
  ].sort();
  return { servers, tools };
}

/** Seconds each minute of the snapshot has lasted: 60, and for the current one the time since it began. */
export function secondsOf(snapshot: HistorySnapshot): number[] {
  const last = snapshot.minutes.length - 1;
  return snapshot.minutes.map((start, i) =>
    i === last ? Math.min(60, Math.max(1, (snapshot.now - start) / 1000)) : 60,
  );
}

/** Calls per second in each minute of the series. */
export function ratesOf(snapshot: HistorySnapshot, series: SeriesHistory): number[] {
  const seconds = secondsOf(snapshot);
  return series.calls.map((calls, i) => calls / (seconds[i] ?? 60));
}

/** The calls per second of the series' busiest minute. */
export function peakRateOf(snapshot: HistorySnapshot, series: SeriesHistory): number {
  return Math.max(0, ...ratesOf(snapshot, series));
}

/** One row of the per-minute table: a minute in which the series had calls. */
export interface MinuteRow {
  readonly key: string;
  readonly start: number;
  readonly label: string;
  readonly calls: number;
  readonly perSecond: number;
  readonly errors: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

/** The minutes with calls of these series, newest first. */
export function minuteRows(snapshot: HistorySnapshot, series: readonly SeriesHistory[]): MinuteRow[] {
  const seconds = secondsOf(snapshot);
  const rows: MinuteRow[] = [];
  for (const s of series) {
    s.calls.forEach((calls, i) => {
      if (calls === 0) return;
      const start = snapshot.minutes[i] ?? 0;
      rows.push({
        key: `${seriesKey(s)}@${start}`,
        start,
        label: seriesLabel(s),
        calls,
        perSecond: calls / (seconds[i] ?? 60),
        errors: s.errors[i] ?? 0,
        p50Ms: s.p50Ms[i] ?? null,
        p99Ms: s.p99Ms[i] ?? null,
      });
    });
  }
  return rows.sort((a, b) => b.start - a.start || a.label.localeCompare(b.label));
}

/** A latency for a person: two significant digits below 10 ms, whole milliseconds above. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '–';
  if (ms < 10) return `${Number(ms.toPrecision(2))} ms`;
  return `${Math.round(ms).toLocaleString('en')} ms`;
}

export function formatRate(perSecond: number): string {
  if (perSecond === 0) return '0';
  if (perSecond < 0.01) return '< 0.01';
  return perSecond < 10 ? perSecond.toFixed(2) : perSecond.toFixed(1);
}

/** Is this the answer the page expects? A gateway of another version answers something else. */
export function isSnapshot(value: unknown): value is HistorySnapshot {
  const answer = value as Partial<HistorySnapshot> | null;
  return (
    typeof answer === 'object' &&
    answer !== null &&
    Array.isArray(answer.minutes) &&
    Array.isArray(answer.series) &&
    typeof answer.now === 'number'
  );
}
