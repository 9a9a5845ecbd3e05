import { createRequire } from 'node:module';
import fc from 'fast-check';
import type picomatchType from 'picomatch';
import { describe, expect, it } from 'vitest';
import { globMatcher } from './glob.js';

const picomatch = createRequire(import.meta.url)('picomatch') as typeof picomatchType;
const reference = (pattern: string) => picomatch(pattern, { dot: true });

const segment = fc.stringMatching(/^[a-c.\-_]{1,4}(\.(ts|js|json))?$/).filter((s) => s !== '.' && s !== '..');
const relativePath = fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('/'));
const nameGlob = fc.oneof(
  segment,
  fc.constantFrom(
    '*',
    '*.ts',
    '*.spec.ts',
    '.*',
    'a*',
    '*b*',
    '?.ts',
    '[ab]*',
    '{a,b}.ts',
    '*.{ts,js}',
    '!(a)*',
  ),
);
const anyDepth = fc
  .tuple(fc.integer({ min: 1, max: 2 }), nameGlob)
  .map(([repeat, name]) => `${'**/'.repeat(repeat)}${name}`);

describe('globMatcher', () => {
  it('matches exactly as picomatch does for any-depth name globs (the fast path)', () => {
    fc.assert(
      fc.property(anyDepth, relativePath, (pattern, relative) => {
        expect(globMatcher(pattern)(relative)).toBe(reference(pattern)(relative));
      }),
      { numRuns: 5000 },
    );
  });

  it('matches exactly as picomatch does for globs with directories', () => {
    const withDirs = fc
      .tuple(
        fc.array(fc.oneof(segment, fc.constantFrom('*', '**', '?')), { minLength: 1, maxLength: 3 }),
        nameGlob,
      )
      .map(([dirs, name]) => [...dirs, name].join('/'));
    fc.assert(
      fc.property(withDirs, relativePath, (pattern, relative) => {
        expect(globMatcher(pattern)(relative)).toBe(reference(pattern)(relative));
      }),
      { numRuns: 5000 },
    );
  });

  it('treats a path equal to the glob as a match, as picomatch does', () => {
    expect(globMatcher('a[b]')('a[b]')).toBe(true);
    expect(globMatcher('**/a[b]')('x/a[b]')).toBe(reference('**/a[b]')('x/a[b]'));
  });
});
