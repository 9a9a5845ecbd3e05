/** Tool-call and rate-limit metrics in Prometheus' text exposition format. No dependencies, no I/O. */

export interface CallObservation {
  readonly server: string;
  readonly tool: string;
  readonly outcome: string;
  readonly ms: number;
}

export interface MetricsSink {
  observe(call: CallObservation): void;
}

/** A request the gateway refused for its client's rate limit, and how many calls it held. */
export interface RateLimitObservation {
  readonly server: string;
  readonly client: string;
  readonly calls: number;
}

/** Latency buckets in seconds: fine below 100 ms, where most calls are, and out to the default time budget. */
const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

interface Series {
  readonly labels: string;
  count: number;
  sum: number;
  readonly buckets: number[];
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(pairs: Record<string, string>): string {
  return Object.entries(pairs)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',');
}

export class Metrics implements MetricsSink {
  private readonly calls = new Map<string, { labels: string; value: number }>();
  private readonly durations = new Map<string, Series>();
  private readonly limited = new Map<string, { labels: string; requests: number; calls: number }>();

  observe({ server, tool, outcome, ms }: CallObservation): void {
    const callLabels = labels({ server, tool, outcome });
    const counter = this.calls.get(callLabels) ?? { labels: callLabels, value: 0 };
    counter.value++;
    this.calls.set(callLabels, counter);
    const seriesLabels = labels({ server, tool });
    let series = this.durations.get(seriesLabels);
    if (!series) {
      series = { labels: seriesLabels, count: 0, sum: 0, buckets: BUCKETS.map(() => 0) };
      this.durations.set(seriesLabels, series);
    }
    const seconds = ms / 1000;
    series.count++;
    series.sum += seconds;
    BUCKETS.forEach((le, i) => {
      if (seconds <= le) (series as Series).buckets[i] = ((series as Series).buckets[i] ?? 0) + 1;
    });
  }

  rateLimited({ server, client, calls }: RateLimitObservation): void {
    const seriesLabels = labels({ server, client });
    const counter = this.limited.get(seriesLabels) ?? { labels: seriesLabels, requests: 0, calls: 0 };
    counter.requests++;
    counter.calls += calls;
    this.limited.set(seriesLabels, counter);
  }

  render(): string {
    const lines = [
      '# HELP rampart_tool_calls_total Tool calls by server, tool and outcome (ok, refused, error, timeout, cancelled, confirming).',
      '# TYPE rampart_tool_calls_total counter',
      ...[...this.calls.values()].map((c) => `rampart_tool_calls_total{${c.labels}} ${c.value}`),
      '# HELP rampart_tool_call_duration_seconds Tool call latency by server and tool.',
      '# TYPE rampart_tool_call_duration_seconds histogram',
    ];
    for (const series of this.durations.values()) {
      BUCKETS.forEach((le, i) => {
        lines.push(
          `rampart_tool_call_duration_seconds_bucket{${series.labels},le="${le}"} ${series.buckets[i]}`,
        );
      });
      lines.push(`rampart_tool_call_duration_seconds_bucket{${series.labels},le="+Inf"} ${series.count}`);
      lines.push(`rampart_tool_call_duration_seconds_sum{${series.labels}} ${series.sum}`);
      lines.push(`rampart_tool_call_duration_seconds_count{${series.labels}} ${series.count}`);
    }
    lines.push(
      "# HELP rampart_rate_limited_total Requests refused with 429 for their client's rate limit, by server and client.",
      '# TYPE rampart_rate_limited_total counter',
      ...[...this.limited.values()].map((c) => `rampart_rate_limited_total{${c.labels}} ${c.requests}`),
      '# HELP rampart_rate_limited_calls_total JSON-RPC calls in the requests refused for the rate limit.',
      '# TYPE rampart_rate_limited_calls_total counter',
      ...[...this.limited.values()].map((c) => `rampart_rate_limited_calls_total{${c.labels}} ${c.calls}`),
    );
    return `${lines.join('\n')}\n`;
  }
}
