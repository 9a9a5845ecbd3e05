import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globToRegExp } from './glob.js';

describe('list_scopes patterns', () => {
  it('matches like fnmatch', () => {
    expect(globToRegExp('issue:*').test('issue:12/part')).toBe(true);
    expect(globToRegExp('issue:?').test('issue:12')).toBe(false);
    expect(globToRegExp('session:claude_[12]').test('session:claude_2')).toBe(true);
    expect(globToRegExp('session:claude_[!12]').test('session:claude_2')).toBe(false);
    expect(globToRegExp('a.b').test('aXb')).toBe(false);
  });

  it('a pattern without wildcards matches exactly itself, whatever characters it has', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/[*?[]/.test(s)),
        fc.string(),
        (literal, other) => {
          const re = globToRegExp(literal);
          expect(re.test(literal)).toBe(true);
          if (other !== literal) expect(re.test(other)).toBe(false);
        },
      ),
    );
  });
});
