import type { Client } from '@modelcontextprotocol/client';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  choicesOf,
  formatMs,
  isSnapshot,
  minuteRows,
  type HistorySnapshot as PageSnapshot,
  peakRateOf,
  ratesOf,
  secondsOf,
  selectSeries,
  seriesLabel,
} from '../../console/src/metrics-history.js';
import { Metrics } from '../../src/core/metrics.js';
import { gatewayConfigSchema } from '../../src/gateway/config.js';
import { bucketOf, LATENCY_BOUNDS_MS } from '../../src/gateway/console-latency-buckets.js';
import {
  type HistorySnapshot,
  MAX_SERIES,
  MetricsHistory,
  MINUTE_MS,
  OTHER,
  observeInto,
  WINDOW_MINUTES,
} from '../../src/gateway/console-metrics-history.js';
import { type RunningGateway, startGateway } from '../../src/gateway/serve.js';
import { connectOverHttp, postMcp, toolCallBody } from '../helpers/http-client.js';
import { type Layout, makeLayout } from '../helpers/sandbox.js';
import { type Signed, signInOverHttp, TOKEN } from './helpers.js';

const HISTORY = '/console/api/metrics/history';
/** Neighbouring latency bounds are this far apart. */
const STEP = 2 ** (1 / 4);
const FIRST_BOUND = LATENCY_BOUNDS_MS[0] as number;
const LAST_BOUND = LATENCY_BOUNDS_MS.at(-1) as number;

/** The nearest-rank q-quantile of `values`: the value at rank ceil(q·n) once sorted. */
function nearestRank(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] as number;
}

/** A clock tests move by hand. */
function manualClock(start = Date.UTC(2026, 0, 1, 12, 0, 0)) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

function seriesOf(snapshot: HistorySnapshot, server: string, tool: string) {
  return snapshot.series.find((s) => s.server === server && s.tool === tool);
}

describe('metrics history: latency buckets', () => {
  it('each duration falls in the bucket whose (lower, upper] bounds hold it', () => {
    fc.assert(
      fc.property(fc.double({ min: FIRST_BOUND, max: LAST_BOUND, noNaN: true }), (ms) => {
        const i = bucketOf(ms);
        expect(ms).toBeLessThanOrEqual(LATENCY_BOUNDS_MS[i] as number);
        if (i > 0) expect(ms).toBeGreaterThan(LATENCY_BOUNDS_MS[i - 1] as number);
      }),
      { numRuns: 2000 },
    );
    for (const bound of LATENCY_BOUNDS_MS) expect(LATENCY_BOUNDS_MS[bucketOf(bound)]).toBe(bound);
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(-5)).toBe(0);
    expect(bucketOf(Number.NaN)).toBe(0);
    expect(bucketOf(LAST_BOUND * 10)).toBe(LATENCY_BOUNDS_MS.length);
  });

  it('p50 and p99 are never below the true percentile and at most one bucket (19 %) above it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 200_000, noNaN: true }), { minLength: 1, maxLength: 300 }),
        (durations) => {
          const clock = manualClock();
          const history = new MetricsHistory({ now: clock.now });
          for (const ms of durations) history.observe({ server: 's', tool: 't', outcome: 'ok', ms });
          const series = seriesOf(history.snapshot(), 's', 't');
          const slowest = Math.max(...durations);
          for (const [q, reported] of [
            [0.5, series?.p50Ms.at(-1)],
            [0.99, series?.p99Ms.at(-1)],
            [0.5, series?.total.p50Ms],
            [0.99, series?.total.p99Ms],
          ] as const) {
            const truth = nearestRank(durations, q);
            expect(reported).toBeTypeOf('number');
            expect(reported as number).toBeGreaterThanOrEqual(truth);
            expect(reported as number).toBeLessThanOrEqual(slowest);
            if (truth > FIRST_BOUND && truth <= LAST_BOUND)
              expect(reported as number).toBeLessThanOrEqual(truth * STEP * (1 + 1e-12));
            else if (truth <= FIRST_BOUND) expect(reported as number).toBeLessThanOrEqual(FIRST_BOUND);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('metrics history: the last hour by minute', () => {
  it('rollover: counts match a model of the calls made in the last 60 minutes, however the clock moves on', () => {
    const step = fc.record({
      advanceMs: fc.integer({ min: 0, max: 25 * MINUTE_MS }),
      calls: fc.array(
        fc.record({
          tool: fc.constantFrom('a', 'b', 'c'),
          outcome: fc.constantFrom('ok', 'ok', 'refused', 'error', 'timeout', 'cancelled', 'confirming'),
          ms: fc.double({ min: 0, max: 5_000, noNaN: true }),
        }),
        { maxLength: 8 },
      ),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const clock = manualClock();
        const history = new MetricsHistory({ now: clock.now });
        const made: { minute: number; tool: string; error: boolean }[] = [];
        for (const { advanceMs, calls } of steps) {
          clock.advance(advanceMs);
          for (const call of calls) {
            history.observe({ server: 'fs', ...call });
            if (call.outcome === 'confirming') continue;
            const error = call.outcome !== 'ok';
            made.push({ minute: Math.floor(clock.now() / MINUTE_MS), tool: call.tool, error });
          }
        }
        const snapshot = history.snapshot();
        const current = Math.floor(clock.now() / MINUTE_MS);
        expect(snapshot.minutes).toHaveLength(WINDOW_MINUTES);
        expect(snapshot.minutes.at(-1)).toBe(current * MINUTE_MS);
        const recent = made.filter((c) => c.minute > current - WINDOW_MINUTES);
        for (const tool of ['a', 'b', 'c']) {
          const mine = recent.filter((c) => c.tool === tool);
          const series = seriesOf(snapshot, 'fs', tool);
          if (mine.length === 0) {
            expect(series).toBeUndefined();
            continue;
          }
          const calls = snapshot.minutes.map(
            (start) => mine.filter((c) => c.minute * MINUTE_MS === start).length,
          );
          const errors = snapshot.minutes.map(
            (start) => mine.filter((c) => c.minute * MINUTE_MS === start && c.error).length,
          );
          expect(series?.calls).toEqual(calls);
          expect(series?.errors).toEqual(errors);
          expect(series?.total).toMatchObject({
            calls: mine.length,
            errors: mine.filter((c) => c.error).length,
          });
          series?.calls.forEach((n, i) => {
            expect(series.p50Ms[i] === null).toBe(n === 0);
          });
        }
        expect(history.size).toBe(new Set(recent.map((c) => c.tool)).size);
      }),
      { numRuns: 300 },
    );
  });

  it('a call waiting for confirmation is not counted until it finishes', () => {
    const history = new MetricsHistory();
    history.observe({ server: 'db', tool: 'execute', outcome: 'confirming', ms: 2 });
    expect(history.snapshot().series).toEqual([]);
    history.observe({ server: 'db', tool: 'execute', outcome: 'ok', ms: 2 });
    expect(seriesOf(history.snapshot(), 'db', 'execute')?.total.calls).toBe(1);
  });

  it('feeds the same observation to the Prometheus metrics and the history', () => {
    const metrics = new Metrics();
    const history = new MetricsHistory();
    const sink = observeInto(metrics, history);
    sink.observe({ server: 'fs', tool: 'grep', outcome: 'timeout', ms: 30_000 });
    expect(metrics.render()).toContain(
      'rampart_tool_calls_total{server="fs",tool="grep",outcome="timeout"} 1',
    );
    expect(seriesOf(history.snapshot(), 'fs', 'grep')?.total).toEqual({
      calls: 1,
      errors: 1,
      p50Ms: 30_000,
      p99Ms: 30_000,
    });
  });

  it('memory flood: 100,000 distinct tool names keep at most 500 series; the rest are counted under (other)', () => {
    const clock = manualClock();
    const history = new MetricsHistory({ now: clock.now });
    for (let n = 0; n < 100_000; n++) {
      history.observe({ server: 'fs', tool: `flood_${n}`, outcome: 'refused', ms: 1 });
      if (n % 10_000 === 0) clock.advance(MINUTE_MS / 2);
    }
    expect(history.size).toBe(MAX_SERIES);
    const snapshot = history.snapshot();
    expect(snapshot.capped).toBe(true);
    expect(snapshot.series).toHaveLength(MAX_SERIES + 1);
    const other = seriesOf(snapshot, OTHER.server, OTHER.tool);
    expect(other?.total).toMatchObject({ calls: 100_000 - MAX_SERIES, errors: 100_000 - MAX_SERIES });
    // Nothing is lost from the totals, and the answer the page reads stays small.
    expect(snapshot.series.reduce((sum, s) => sum + s.total.calls, 0)).toBe(100_000);
    expect(JSON.stringify(snapshot).length).toBeLessThan(1_000_000);

    // An hour later the flood is forgotten and new tools get series of their own again.
    clock.advance(WINDOW_MINUTES * MINUTE_MS);
    history.observe({ server: 'fs', tool: 'read_text_file', outcome: 'ok', ms: 1 });
    expect(history.size).toBe(1);
    expect(history.snapshot().capped).toBe(false);
    expect(history.snapshot().series.map((s) => s.tool)).toEqual(['read_text_file']);
  });
});

describe('GET /console/api/metrics/history against a real gateway', () => {
  let layout: Layout;
  let gateway: RunningGateway;
  let client: Client;
  let signed: Signed;

  beforeAll(async () => {
    layout = makeLayout();
    gateway = await startGateway({
      config: gatewayConfigSchema.parse({ port: 0, logLevel: 'silent' }),
      servers: [{ name: 'fs', kind: 'fs', options: { roots: [layout.root], readOnly: true } }],
      source: 'test',
      env: { RAMPART_TOKEN: TOKEN },
    });
    client = await connectOverHttp(`${gateway.url}/mcp/fs`, TOKEN);
    signed = await signInOverHttp(gateway.url);
  });

  afterAll(async () => {
    await client?.close();
    await gateway?.close();
    layout?.cleanup();
  });

  const session = () => ({ cookie: signed.cookie, 'x-rampart-csrf': signed.csrf, origin: gateway.url });

  async function history(): Promise<HistorySnapshot> {
    const response = await fetch(`${gateway.url}${HISTORY}`, { headers: session() });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    return (await response.json()) as HistorySnapshot;
  }

  it('counts the calls and errors made through a real MCP client, as /metrics does, with percentiles in bounds', async () => {
    for (let n = 0; n < 5; n++) await client.callTool({ name: 'list_directory', arguments: { path: '.' } });
    const outside = await client.callTool({ name: 'read_text_file', arguments: { path: layout.secretFile } });
    expect(outside.isError).toBe(true);
    await client.callTool({ name: 'read_text_file', arguments: { path: 'hello.txt' } });

    const snapshot = await history();
    expect(snapshot.minutes).toHaveLength(60);
    expect(snapshot.now).toBeGreaterThanOrEqual(snapshot.minutes.at(-1) as number);
    const list = seriesOf(snapshot, 'fs', 'list_directory');
    const read = seriesOf(snapshot, 'fs', 'read_text_file');
    expect(list?.total).toMatchObject({ calls: 5, errors: 0 });
    expect(read?.total).toMatchObject({ calls: 2, errors: 1 });
    // The calls are in the last minute or two (the test may cross a minute's end).
    expect((list?.calls.at(-1) ?? 0) + (list?.calls.at(-2) ?? 0)).toBe(5);
    expect(snapshot.series.map((s) => s.tool)).toEqual(['list_directory', 'read_text_file']);
    expect(snapshot.capped).toBe(false);

    // Percentiles are bucket bounds or the slowest call, and agree with the Prometheus histogram of the same calls.
    const metrics = await (
      await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).text();
    const buckets = [
      ...metrics.matchAll(
        /rampart_tool_call_duration_seconds_bucket\{server="fs",tool="list_directory",le="([\d.e+-]+)"\} (\d+)/g,
      ),
    ].map((m) => ({ le: Number(m[1]) * 1000, count: Number(m[2]) }));
    const allUnder = buckets.find((b) => b.count === 5)?.le;
    const noneUnder = buckets.filter((b) => b.count === 0).at(-1)?.le ?? 0;
    const { p50Ms, p99Ms } = list?.total ?? {};
    expect(p50Ms).toBeTypeOf('number');
    expect(p99Ms as number).toBeGreaterThanOrEqual(p50Ms as number);
    expect(p99Ms as number).toBeLessThanOrEqual(allUnder as number);
    expect(p50Ms as number).toBeGreaterThan(noneUnder);
    expect(metrics).toMatch(/rampart_tool_calls_total\{server="fs",tool="list_directory",outcome="ok"\} 5\n/);
  });

  it('series flood: calls to 200 made-up tool names through the gateway add no series', async () => {
    const names = ['<img src=x onerror=alert(1)>', ...Array.from({ length: 199 }, (_, n) => `made_up_${n}`)];
    for (const name of names) {
      const response = await postMcp(`${gateway.url}/mcp/fs`, toolCallBody(name, {}), TOKEN);
      await response.text();
    }
    const snapshot = await history();
    expect(snapshot.series.map((s) => s.tool).filter((tool) => names.includes(tool))).toEqual([]);
    expect(snapshot.series.every((s) => s.server === 'fs')).toBe(true);
  });

  it('signed out: a request without a session cookie gets no history (401)', async () => {
    const response = await fetch(`${gateway.url}${HISTORY}`, { headers: { origin: gateway.url } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_session' });
  });

  it('CSRF: a request with the cookie but without the CSRF header is refused (403)', async () => {
    const response = await fetch(`${gateway.url}${HISTORY}`, {
      headers: { cookie: signed.cookie, origin: gateway.url },
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: 'csrf' });
  });

  it('cross-origin: a page of another port of the same host is refused (403), even with the cookie and token', async () => {
    const other = new URL(gateway.url);
    other.port = String(Number(other.port) + 1);
    const response = await fetch(`${gateway.url}${HISTORY}`, {
      headers: { ...session(), origin: other.origin },
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: 'cross_origin' });
    const site = await fetch(`${gateway.url}${HISTORY}`, {
      headers: { ...session(), 'sec-fetch-site': 'same-site' },
    });
    expect(site.status).toBe(403);
  });
});

describe("the metrics page's reading of the history", () => {
  it('rates divide by 60 s, and by the time elapsed for the current minute; minute rows are newest first', () => {
    const clock = manualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
    const history = new MetricsHistory({ now: clock.now });
    for (let n = 0; n < 120; n++) history.observe({ server: 'fs', tool: 'grep', outcome: 'ok', ms: 2 });
    clock.advance(MINUTE_MS + 15_000);
    for (let n = 0; n < 30; n++) history.observe({ server: 'fs', tool: 'grep', outcome: 'error', ms: 4 });
    history.observe({ server: 'db', tool: 'query', outcome: 'ok', ms: 1 });
    const snapshot = history.snapshot() as PageSnapshot;
    const grep = snapshot.series.find((s) => s.tool === 'grep') as PageSnapshot['series'][number];
    expect(secondsOf(snapshot).slice(-2)).toEqual([60, 15]);
    expect(ratesOf(snapshot, grep).slice(-2)).toEqual([2, 2]);
    expect(peakRateOf(snapshot, grep)).toBe(2);
    expect(minuteRows(snapshot, [grep]).map((r) => [r.calls, r.errors, r.perSecond])).toEqual([
      [30, 30, 2],
      [120, 0, 2],
    ]);
    expect(selectSeries(snapshot, { server: 'db', tool: '' }).map(seriesLabel)).toEqual(['db / query']);
    expect(choicesOf(snapshot, 'fs')).toEqual({ servers: ['db', 'fs'], tools: ['grep'] });
    expect(isSnapshot(JSON.parse(JSON.stringify(snapshot)))).toBe(true);
    expect(isSnapshot({ error: 'not_found' })).toBe(false);
    expect([formatMs(null), formatMs(0.8409), formatMs(2.378), formatMs(1234.5)]).toEqual([
      '–',
      '0.84 ms',
      '2.4 ms',
      '1,235 ms',
    ]);
  });
});
