import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Metrics } from './metrics.js';

describe('Metrics', () => {
  it('counts calls by outcome and renders a cumulative latency histogram', () => {
    const metrics = new Metrics();
    metrics.observe({ server: 'fs', tool: 'grep', outcome: 'ok', ms: 3 });
    metrics.observe({ server: 'fs', tool: 'grep', outcome: 'ok', ms: 300 });
    metrics.observe({ server: 'fs', tool: 'grep', outcome: 'refused', ms: 1 });
    const text = metrics.render();
    expect(text).toContain('rampart_tool_calls_total{server="fs",tool="grep",outcome="ok"} 2');
    expect(text).toContain('rampart_tool_calls_total{server="fs",tool="grep",outcome="refused"} 1');
    expect(text).toContain('rampart_tool_call_duration_seconds_bucket{server="fs",tool="grep",le="0.001"} 1');
    expect(text).toContain('rampart_tool_call_duration_seconds_bucket{server="fs",tool="grep",le="0.005"} 2');
    expect(text).toContain('rampart_tool_call_duration_seconds_bucket{server="fs",tool="grep",le="0.5"} 3');
    expect(text).toContain('rampart_tool_call_duration_seconds_bucket{server="fs",tool="grep",le="+Inf"} 3');
    expect(text).toContain('rampart_tool_call_duration_seconds_count{server="fs",tool="grep"} 3');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('property: label values cannot break out of their quotes (no forged series)', () => {
    fc.assert(
      fc.property(fc.string(), (tool) => {
        const metrics = new Metrics();
        metrics.observe({ server: 'fs', tool, outcome: 'ok', ms: 1 });
        const line =
          metrics
            .render()
            .split('\n')
            .find((l) => l.startsWith('rampart_tool_calls_total{')) ?? '';
        expect(line).toMatch(
          /^rampart_tool_calls_total\{server="fs",tool="(?:[^"\\\n]|\\.)*",outcome="ok"\} 1$/,
        );
      }),
    );
  });

  it('property: every bucket count is at most the next one and the last equals the total', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 120_000, noNaN: true }), { minLength: 1, maxLength: 50 }),
        (durations) => {
          const metrics = new Metrics();
          for (const ms of durations) metrics.observe({ server: 's', tool: 't', outcome: 'ok', ms });
          const counts = metrics
            .render()
            .split('\n')
            .filter((l) => l.includes('_bucket{'))
            .map((l) => Number(l.split(' ').at(-1)));
          for (let i = 1; i < counts.length; i++)
            expect(counts[i - 1]).toBeLessThanOrEqual(counts[i] as number);
          expect(counts.at(-1)).toBe(durations.length);
        },
      ),
    );
  });
});
