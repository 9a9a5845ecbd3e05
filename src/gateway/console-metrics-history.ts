import type { CallObservation, MetricsSink } from '../core/metrics.js';
import { consoleJson } from './console-headers.js';
import { BUCKETS, bucketOf, quantileOf } from './console-latency-buckets.js';
import { sessionOf } from './console-request.js';
import type { ConsoleSessions } from './console-session.js';

/**
 * The last hour of tool calls, per server and tool, for the console's metrics page. It is fed the very
 * observations the gateway's Prometheus metrics are (see `observeInto`), so the page and /metrics count the same
 * calls; it only keeps them by minute, and forgets them after an hour.
 */

/** One slot of a series covers this much time. */
export const MINUTE_MS = 60_000;
/** Slots kept per series: the last hour, the current (partial) minute included. */
export const WINDOW_MINUTES = 60;
/** Series (server and tool pairs with a call in the last hour) kept at most; later ones are counted as OTHER. */
export const MAX_SERIES = 500;
/** Where the calls of series past MAX_SERIES are counted, so that totals stay true while memory stays bounded. */
export const OTHER = { server: '(other)', tool: '(other)' } as const;

/** Outcomes counted as errors: refused by the tool's guard, failed, timed out or cancelled. */
const ERROR_OUTCOMES = new Set(['refused', 'error', 'timeout', 'cancelled']);

/**
 * A series' hour, packed: slot i (minute % WINDOW_MINUTES) counts the minute `minute[i]`; a slot stamped with an
 * older minute is stale and is reset when its minute comes round again. Allocated whole when the series is
 * created (about 21 kB), so the memory of the history is a fixed amount per series.
 */
interface Series {
  readonly server: string;
  readonly tool: string;
  lastMinute: number;
  readonly minute: Float64Array;
  readonly calls: Uint32Array;
  readonly errors: Uint32Array;
  readonly maxMs: Float64Array;
  /** WINDOW_MINUTES histograms of BUCKETS counters, one after another. */
  readonly buckets: Uint32Array;
}

/** A series' last hour as the page draws it: one value per minute, oldest first. */
export interface SeriesHistory {
  readonly server: string;
  readonly tool: string;
  readonly calls: number[];
  readonly errors: number[];
  /** Upper estimates of the minute's median and 99th percentile (null in a minute without calls). */
  readonly p50Ms: (number | null)[];
  readonly p99Ms: (number | null)[];
  /** The whole hour: calls, errors and percentiles over every call in it. */
  readonly total: {
    readonly calls: number;
    readonly errors: number;
    readonly p50Ms: number | null;
    readonly p99Ms: number | null;
  };
}

export interface HistorySnapshot {
  /** The start (ms since the epoch) of each minute, oldest first; the last is the current, partial, one. */
  readonly minutes: number[];
  /** When the snapshot was taken: the current minute has lasted `now - minutes[last]` ms. */
  readonly now: number;
  readonly series: SeriesHistory[];
  readonly maxSeries: number;
  /** True when calls of series past maxSeries were counted under OTHER in the last hour. */
  readonly capped: boolean;
}

export interface MetricsHistorySettings {
  /** The clock (ms since the epoch); tests move it. */
  readonly now?: () => number;
  readonly maxSeries?: number;
}

export class MetricsHistory implements MetricsSink {
  private readonly now: () => number;
  private readonly maxSeries: number;
  private readonly series = new Map<string, Series>();
  private readonly other: Series = newSeries(OTHER.server, OTHER.tool);
  private sweptAt = Number.NEGATIVE_INFINITY;

  constructor(settings: MetricsHistorySettings = {}) {
    this.now = settings.now ?? Date.now;
    this.maxSeries = settings.maxSeries ?? MAX_SERIES;
  }

  /** Series with a call in the last hour (OTHER not included). */
  get size(): number {
    this.sweep(Math.floor(this.now() / MINUTE_MS));
    return this.series.size;
  }

  observe({ server, tool, outcome, ms }: CallObservation): void {
    // A call waiting for the person's confirmation has not finished: it is counted when it does.
    if (outcome === 'confirming') return;
    const minute = Math.floor(this.now() / MINUTE_MS);
    this.sweep(minute);
    const key = `${server}\u0000${tool}`;
    let series = this.series.get(key);
    if (!series) {
      if (this.series.size >= this.maxSeries) series = this.other;
      else {
        series = newSeries(server, tool);
        this.series.set(key, series);
      }
    }
    const slot = slotOf(minute);
    const stamp = series.minute[slot] as number;
    // An hour-old slot is reset; a clock that stepped back adds to the newer slot rather than erase it.
    if (stamp < minute) {
      series.minute[slot] = minute;
      series.calls[slot] = 0;
      series.errors[slot] = 0;
      series.maxMs[slot] = 0;
      series.buckets.fill(0, slot * BUCKETS, (slot + 1) * BUCKETS);
    }
    const duration = Number.isFinite(ms) && ms > 0 ? ms : 0;
    series.calls[slot] = (series.calls[slot] as number) + 1;
    if (ERROR_OUTCOMES.has(outcome)) series.errors[slot] = (series.errors[slot] as number) + 1;
    series.maxMs[slot] = Math.max(series.maxMs[slot] as number, duration);
    const bucket = slot * BUCKETS + bucketOf(duration);
    series.buckets[bucket] = (series.buckets[bucket] as number) + 1;
    series.lastMinute = Math.max(series.lastMinute, minute);
  }

  /** The last hour, busiest series first. */
  snapshot(): HistorySnapshot {
    const now = this.now();
    const current = Math.floor(now / MINUTE_MS);
    this.sweep(current);
    const first = current - WINDOW_MINUTES + 1;
    const minutes = Array.from({ length: WINDOW_MINUTES }, (_, i) => (first + i) * MINUTE_MS);
    const series = [...this.series.values()].map((s) => historyOf(s, first));
    const capped = this.other.lastMinute >= first;
    if (capped) series.push(historyOf(this.other, first));
    series.sort(
      (a, b) =>
        b.total.calls - a.total.calls || a.server.localeCompare(b.server) || a.tool.localeCompare(b.tool),
    );
    return { minutes, now, series, maxSeries: this.maxSeries, capped };
  }

  /** Forgets series without a call in the last hour; at most once a minute, so a call pays for it rarely. */
  private sweep(minute: number): void {
    if (minute === this.sweptAt) return;
    this.sweptAt = minute;
    const oldest = minute - WINDOW_MINUTES + 1;
    for (const [key, series] of this.series) if (series.lastMinute < oldest) this.series.delete(key);
  }
}

/** The slot of a minute in a series' ring (a clock before 1970 still lands in the ring). */
function slotOf(minute: number): number {
  return ((minute % WINDOW_MINUTES) + WINDOW_MINUTES) % WINDOW_MINUTES;
}

function newSeries(server: string, tool: string): Series {
  return {
    server,
    tool,
    lastMinute: Number.NEGATIVE_INFINITY,
    minute: new Float64Array(WINDOW_MINUTES).fill(Number.NEGATIVE_INFINITY),
    calls: new Uint32Array(WINDOW_MINUTES),
    errors: new Uint32Array(WINDOW_MINUTES),
    maxMs: new Float64Array(WINDOW_MINUTES),
    buckets: new Uint32Array(WINDOW_MINUTES * BUCKETS),
  };
}

function historyOf(series: Series, first: number): SeriesHistory {
  const calls: number[] = [];
  const errors: number[] = [];
  const p50Ms: (number | null)[] = [];
  const p99Ms: (number | null)[] = [];
  const hour = new Uint32Array(BUCKETS);
  let hourMax = 0;
  for (let minute = first; minute < first + WINDOW_MINUTES; minute++) {
    const slot = slotOf(minute);
    if (series.minute[slot] !== minute) {
      calls.push(0);
      errors.push(0);
      p50Ms.push(null);
      p99Ms.push(null);
      continue;
    }
    const buckets = series.buckets.subarray(slot * BUCKETS, (slot + 1) * BUCKETS);
    const maxMs = series.maxMs[slot] as number;
    calls.push(series.calls[slot] as number);
    errors.push(series.errors[slot] as number);
    p50Ms.push(quantileOf(buckets, 0.5, maxMs));
    p99Ms.push(quantileOf(buckets, 0.99, maxMs));
    for (let i = 0; i < BUCKETS; i++) hour[i] = (hour[i] as number) + (buckets[i] as number);
    hourMax = Math.max(hourMax, maxMs);
  }
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  return {
    server: series.server,
    tool: series.tool,
    calls,
    errors,
    p50Ms,
    p99Ms,
    total: {
      calls: sum(calls),
      errors: sum(errors),
      p50Ms: quantileOf(hour, 0.5, hourMax),
      p99Ms: quantileOf(hour, 0.99, hourMax),
    },
  };
}

/** The gateway's metrics sink, also feeding `history`: one observation, two views of it. */
export function observeInto(sink: MetricsSink, history: MetricsHistory): MetricsSink {
  return {
    observe(call) {
      sink.observe(call);
      history.observe(call);
    },
  };
}

/**
 * GET /console/api/metrics/history: the last hour for a signed-in session (cookie, CSRF header, same origin).
 * Any signed-in principal may read it, as any authenticated caller may read /metrics: both count calls, and
 * neither holds an argument or a principal.
 */
export function metricsHistoryAnswer(
  request: Request,
  sessions: ConsoleSessions,
  publicOrigin: string | undefined,
  history: MetricsHistory,
): Response {
  const session = sessionOf(request, sessions, publicOrigin);
  if (session instanceof Response) return session;
  return consoleJson(history.snapshot());
}
