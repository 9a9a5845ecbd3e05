import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertArgBytes, exceedsJsonDepth, LimitExceeded, MAX_JSON_DEPTH } from './limits.js';

/** The obvious recursive definition, for values shallow enough to recurse on. */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

describe('exceedsJsonDepth', () => {
  it('agrees with the recursive definition of depth on any JSON value and any cap', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 10 }), (value, cap) => {
        expect(exceedsJsonDepth(value, cap)).toBe(depthOf(value) > cap);
      }),
    );
  });

  it('measures documents far deeper than the stack allows, without recursing', () => {
    for (const [open, close] of [
      ['[', ']'],
      ['{"a":', '}'],
    ] as const) {
      const deep = JSON.parse(`${open.repeat(100_000)}0${close.repeat(100_000)}`);
      expect(exceedsJsonDepth(deep, MAX_JSON_DEPTH)).toBe(true);
      expect(exceedsJsonDepth(deep, 100_000)).toBe(false);
    }
  });

  it('terminates at once on a cyclic or shared object, which no parsed document holds', () => {
    const cycle: Record<string, unknown> = {};
    cycle.a = cycle;
    cycle.b = cycle;
    expect(exceedsJsonDepth(cycle, MAX_JSON_DEPTH)).toBe(true);
    const shared = { leaf: 1 };
    expect(exceedsJsonDepth([shared, shared], MAX_JSON_DEPTH)).toBe(true);
  });

  it('counts a scalar as depth 0 and {} or [] as depth 1', () => {
    expect(exceedsJsonDepth('text', 0)).toBe(false);
    expect(exceedsJsonDepth({}, 0)).toBe(true);
    expect(exceedsJsonDepth([[]], 1)).toBe(true);
    expect(exceedsJsonDepth([[]], 2)).toBe(false);
  });
});

describe('assertArgBytes on deep arguments', () => {
  it('refuses arguments nested 100,000 deep with a clear error, not a stack overflow', () => {
    const deep = JSON.parse(`{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(() => assertArgBytes(deep, 1024 * 1024)).toThrow(LimitExceeded);
    expect(() => assertArgBytes(deep, 1024 * 1024)).toThrow(
      'arguments: objects and arrays nested more than 256 levels deep; the limit is 256',
    );
  });

  it('accepts arguments nested exactly to the limit', () => {
    const atLimit = JSON.parse(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`);
    expect(() => assertArgBytes(atLimit, 1024 * 1024)).not.toThrow();
  });
});

describe('JSON.parse', () => {
  // Every entry point parses with JSON.parse before it checks the depth; that is safe only because V8 parses
  // without recursion. Should a Node release change that, this fails first.
  it('parses a document nested 1,000,000 deep without exhausting the stack', () => {
    const depth = 1_000_000;
    expect(() => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`)).not.toThrow();
  });
});
