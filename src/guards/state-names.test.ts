import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkName, decodeName, encodeName, StateNameRefusal } from './state-names.js';

describe('state names', () => {
  it('round-trips every string through the escape', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 64 }), (value) => {
        expect(decodeName(encodeName(value))).toBe(value);
      }),
    );
  });

  it('an encoded name is one safe path component and one Redis key segment, never . or ..', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 64 }), (value) => {
        const encoded = encodeName(value);
        expect(encoded).toMatch(/^[A-Za-z0-9_%-]*$/);
        expect(encoded).not.toContain('/');
        expect(encoded).not.toContain('.');
        expect(encoded).not.toContain(':');
        expect(encoded).not.toContain('{');
      }),
    );
  });

  it('distinct names never share an encoding', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        fc.pre(a !== b);
        expect(encodeName(a)).not.toBe(encodeName(b));
      }),
    );
  });

  it('refuses empty, over-long and control-character names', () => {
    expect(() => checkName('', 'scope')).toThrow(StateNameRefusal);
    expect(() => checkName('x'.repeat(257), 'key')).toThrow(/longer than 256/);
    expect(() => checkName('a\nb', 'key')).toThrow(/control character/);
    expect(checkName('../../etc/passwd', 'scope')).toBe('../../etc/passwd');
    expect(encodeName('../../etc/passwd')).toBe('%2E%2E%2F%2E%2E%2Fetc%2Fpasswd');
  });
});
