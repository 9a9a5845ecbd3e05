import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertArgBytes,
  byteLength,
  capText,
  DEFAULT_LIMITS,
  LimitExceeded,
  shrinkToFit,
  truncateUtf8,
  truncationMarker,
} from './limits.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const MARKER = '\n[truncated: showed ';

/** Every string kind that matters for UTF-8: ASCII, multi-byte, astral (4-byte) and combining sequences. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 80 }),
  fc.string({ unit: fc.constantFrom('a', 'é', '日', '🙂', '\u0301', '\n'), maxLength: 60 }),
);

/** The size of `value` once every string and array in it is empty: nothing that keeps its shape can be smaller. */
function floorBytes(value: Json): number {
  const emptied = (v: Json): Json => {
    if (typeof v === 'string') return '';
    if (Array.isArray(v)) return [];
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, emptied(item)]));
    }
    return v;
  };
  return byteLength(JSON.stringify(emptied(value)));
}

/** The shrunk value keeps the original's shape: same keys, same types, strings cut from the start, arrays cut at the tail. */
function expectSameShape(original: Json, shrunk: Json, at = '$'): void {
  if (typeof original === 'string') {
    expect(typeof shrunk, at).toBe('string');
    const text = shrunk as string;
    if (text === original || text === '') return;
    const cut = text.lastIndexOf(MARKER);
    expect(cut, `${at} is cut without a marker`).toBeGreaterThanOrEqual(0);
    expect(original.startsWith(text.slice(0, cut)), `${at} is not a prefix`).toBe(true);
    return;
  }
  if (Array.isArray(original)) {
    expect(Array.isArray(shrunk), at).toBe(true);
    const items = shrunk as Json[];
    expect(items.length).toBeLessThanOrEqual(original.length);
    items.forEach((item, i) => {
      expectSameShape(original[i] as Json, item, `${at}[${i}]`);
    });
    return;
  }
  if (original !== null && typeof original === 'object') {
    expect(shrunk !== null && typeof shrunk === 'object' && !Array.isArray(shrunk), at).toBe(true);
    const object = shrunk as { [key: string]: Json };
    expect(Object.keys(object).sort()).toEqual(Object.keys(original).sort());
    for (const key of Object.keys(original)) {
      expectSameShape(original[key] as Json, object[key] as Json, `${at}.${key}`);
    }
    return;
  }
  expect(JSON.stringify(shrunk), at).toBe(JSON.stringify(original));
}

describe('truncateUtf8', () => {
  it('cuts on character boundaries', () => {
    expect(truncateUtf8('héllo', 2)).toBe('h');
    expect(truncateUtf8('héllo', 3)).toBe('hé');
    expect(truncateUtf8('🙂🙂', 7)).toBe('🙂');
    expect(truncateUtf8('🙂', 3)).toBe('');
    expect(truncateUtf8('abc', 0)).toBe('');
    expect(truncateUtf8('abc', -5)).toBe('');
    expect(truncateUtf8('abc', 100)).toBe('abc');
  });

  it('returns a prefix within the budget that never splits a character', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: -2, max: 200 }), (text, maxBytes) => {
        const out = truncateUtf8(text, maxBytes);
        expect(text.startsWith(out)).toBe(true);
        expect(byteLength(out)).toBeLessThanOrEqual(Math.max(0, maxBytes));
        expect(Buffer.from(out, 'utf8').toString('utf8')).toBe(out);
        expect(out).not.toContain('\uFFFD');
      }),
      { numRuns: 300 },
    );
  });

  it('returns the longest such prefix', () => {
    fc.assert(
      fc.property(anyText, fc.nat(200), (text, maxBytes) => {
        const out = truncateUtf8(text, maxBytes);
        if (out === text) {
          expect(byteLength(text)).toBeLessThanOrEqual(Math.max(0, maxBytes));
          return;
        }
        const next = String.fromCodePoint(text.codePointAt(out.length) as number);
        expect(byteLength(out + next)).toBeGreaterThan(maxBytes);
      }),
      { numRuns: 300 },
    );
  });
});

describe('capText', () => {
  const how = 'call again with offset=10';

  it('leaves text that fits alone', () => {
    expect(capText('hello', 5, how)).toEqual({ text: 'hello', truncated: false });
  });

  it('cuts text that does not fit and says how much it showed', () => {
    const text = 'x'.repeat(1000);
    const result = capText(text, 200, how);
    expect(result.truncated).toBe(true);
    expect(byteLength(result.text)).toBeLessThanOrEqual(200);
    const shown = result.text.indexOf(MARKER);
    expect(result.text.slice(shown)).toBe(truncationMarker(shown, 1000, how));
    expect(result.text).toContain(how);
  });

  it('fits within maxBytes whenever maxBytes has room for the marker', () => {
    fc.assert(
      fc.property(anyText, fc.nat(300), (text, extra) => {
        const total = byteLength(text);
        const maxBytes = byteLength(truncationMarker(total, total, how)) + extra;
        const result = capText(text, maxBytes, how);
        expect(byteLength(result.text)).toBeLessThanOrEqual(maxBytes);
        if (total <= maxBytes) {
          expect(result).toEqual({ text, truncated: false });
          return;
        }
        expect(result.truncated).toBe(true);
        const cut = result.text.lastIndexOf(MARKER);
        const kept = result.text.slice(0, cut);
        expect(text.startsWith(kept)).toBe(true);
        expect(result.text.slice(cut)).toBe(truncationMarker(byteLength(kept), total, how));
      }),
      { numRuns: 300 },
    );
  });
});

describe('shrinkToFit', () => {
  const how = 'narrow the request';

  it('returns the value itself when it fits, and never modifies a value it cuts', () => {
    const value = { a: [1, 2, 3], b: 'text' };
    expect(shrinkToFit(value, 1000, how)).toEqual({ value, truncated: false });
    const big = { a: 'x'.repeat(5000) };
    const cut = shrinkToFit(big, 2048, how);
    expect(cut.truncated).toBe(true);
    expect(big.a).toHaveLength(5000);
  });

  it('cuts the longest string and marks it', () => {
    const value = { path: '/a', content: 'x'.repeat(10_000) };
    const result = shrinkToFit(value, 2048, how);
    expect(result.truncated).toBe(true);
    expect(byteLength(JSON.stringify(result.value))).toBeLessThanOrEqual(2048);
    expect(result.value.path).toBe('/a');
    expect(result.value.content).toContain('[truncated: showed');
    expect(result.value.content).toContain(how);
    expect(value.content).toHaveLength(10_000);
  });

  it('drops the tail of the longest array', () => {
    const value = { entries: Array.from({ length: 1000 }, (_, i) => ({ name: `file-${i}`, size: i })) };
    const result = shrinkToFit(value, 4096, how);
    expect(byteLength(JSON.stringify(result.value))).toBeLessThanOrEqual(4096);
    expect(result.value.entries.length).toBeGreaterThan(10);
    expect(result.value.entries).toEqual(value.entries.slice(0, result.value.entries.length));
  });

  it('fits an object of many medium strings (each cut is smaller than its marker)', () => {
    const value: Record<string, string> = {};
    for (let i = 0; i < 40; i++) value[`k${i}`] = 'x'.repeat(100);
    const result = shrinkToFit(value, 2048, how);
    expect(byteLength(JSON.stringify(result.value))).toBeLessThanOrEqual(2048);
    expectSameShape(value, result.value as Json);
  });

  it('fits an object of many small arrays (more than its round limit)', () => {
    const value: Record<string, number[]> = {};
    for (let i = 0; i < 200; i++) value[`k${i}`] = [12345678];
    const result = shrinkToFit(value, 2048, how);
    expect(byteLength(JSON.stringify(result.value))).toBeLessThanOrEqual(2048);
    expectSameShape(value, result.value as Json);
  });

  const bigString = fc.oneof(
    fc.string({ unit: 'grapheme-ascii', maxLength: 3000 }),
    fc.string({ unit: 'binary', maxLength: 1500 }),
    fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u0001', 'é', '🙂'), maxLength: 1500 }),
  );
  const leaf = fc.oneof(
    { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }) as fc.Arbitrary<Json> },
    { weight: 2, arbitrary: bigString },
    { weight: 1, arbitrary: fc.array(bigString, { maxLength: 20 }) },
    {
      weight: 1,
      arbitrary: fc.array(fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, { maxLength: 300 }),
    },
  );
  const wrapped = fc.oneof(
    fc.dictionary(fc.string({ maxLength: 8 }), leaf, { maxKeys: 8 }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ minLength: 30, maxLength: 200 }), {
      minKeys: 20,
      maxKeys: 80,
    }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.array(fc.integer(), { maxLength: 4 }), { maxKeys: 200 }),
    fc.record({ items: fc.array(fc.record({ name: bigString, n: fc.integer() }), { maxLength: 30 }) }),
  ) as fc.Arbitrary<{ [key: string]: Json }>;

  it('fits the budget and keeps the shape of any JSON object', () => {
    fc.assert(
      fc.property(wrapped, fc.integer({ min: 2048, max: 16_384 }), (value, budget) => {
        const before = JSON.stringify(value);
        const result = shrinkToFit(value, budget, how);
        const size = byteLength(JSON.stringify(result.value));
        expect(JSON.stringify(value)).toBe(before);
        if (byteLength(before) <= budget) {
          expect(result.truncated).toBe(false);
          expect(JSON.stringify(result.value)).toBe(before);
          return;
        }
        expect(result.truncated).toBe(true);
        expect(size).toBeLessThanOrEqual(Math.max(budget, floorBytes(value)));
        expectSameShape(value, result.value as Json);
      }),
      { numRuns: 150 },
    );
  });
});

describe('assertArgBytes', () => {
  it('refuses arguments above the cap with a LimitExceeded', () => {
    expect(() => assertArgBytes({ data: 'x'.repeat(100) }, 50)).toThrow(LimitExceeded);
    expect(() => assertArgBytes({ data: 'x'.repeat(100) }, 50)).toThrow(
      /arguments are 111 bytes; the limit is 50/,
    );
  });

  it('accepts arguments at the cap and counts missing arguments as {}', () => {
    expect(() => assertArgBytes({ a: 1 }, 7)).not.toThrow();
    expect(() => assertArgBytes(undefined, 2)).not.toThrow();
    expect(() => assertArgBytes(undefined, 1)).toThrow(LimitExceeded);
  });

  it('counts UTF-8 bytes, not characters', () => {
    expect(() => assertArgBytes({ s: '🙂'.repeat(10) }, 30)).toThrow(LimitExceeded);
  });

  it('throws exactly when the JSON encoding is over the cap', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary' }), fc.nat(400), (args, maxBytes) => {
        const size = byteLength(JSON.stringify(args ?? {}));
        if (size > maxBytes) expect(() => assertArgBytes(args, maxBytes)).toThrow(LimitExceeded);
        else expect(() => assertArgBytes(args, maxBytes)).not.toThrow();
      }),
      { numRuns: 200 },
    );
  });

  it('has sane defaults', () => {
    expect(DEFAULT_LIMITS.maxArgBytes).toBe(1024 * 1024);
    expect(DEFAULT_LIMITS.maxResultBytes).toBe(1024 * 1024);
    expect(DEFAULT_LIMITS.timeoutMs).toBe(60_000);
  });
});
