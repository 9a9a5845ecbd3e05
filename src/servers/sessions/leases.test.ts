import fc from 'fast-check';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { acquire, LEASES, type LeaseRequest, overlaps, release, renew } from './leases.js';

const segment = fc.constantFrom('src', 'api', 'lib', 'a.ts', 'b.ts', 'docs', 'x');
const literalPath = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));
const globPath = fc
  .tuple(fc.array(segment, { maxLength: 3 }), fc.constantFrom('**', '*', '*.ts', '**/*.ts', 'a*'))
  .map(([parts, tail]) => [...parts, tail].join('/'));

const request = (
  resource: string,
  holder: string,
  mode: 'exclusive' | 'shared' = 'exclusive',
): LeaseRequest => ({
  resource,
  mode,
  holder,
  session: holder,
  machine: 'm',
  ttlMs: 1000,
});

describe('lease overlap', () => {
  it('never misses a real overlap: a glob overlaps every path it matches', () => {
    fc.assert(
      fc.property(globPath, literalPath, (glob, literal) => {
        if (picomatch(glob)(literal)) {
          expect(overlaps(`path:${glob}`, `path:${literal}`)).toBe(true);
          expect(overlaps(`path:${literal}`, `path:${glob}`)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('two globs that match a common path overlap', () => {
    fc.assert(
      fc.property(globPath, globPath, literalPath, (a, b, literal) => {
        if (picomatch(a)(literal) && picomatch(b)(literal))
          expect(overlaps(`path:${a}`, `path:${b}`)).toBe(true);
      }),
    );
  });

  it('plain names overlap only when equal, and never with paths', () => {
    expect(overlaps('deploy', 'deploy')).toBe(true);
    expect(overlaps('deploy', 'deploy2')).toBe(false);
    expect(overlaps('deploy', 'path:deploy')).toBe(false);
    expect(overlaps('path:src/a.ts', 'path:src/b.ts')).toBe(false);
    // Found by the property above: picomatch's `lib/**` also matches `lib` itself.
    expect(overlaps('path:lib/**', 'path:lib')).toBe(true);
    expect(overlaps('path:lib/**', 'path:library/x')).toBe(false);
  });
});

describe('lease rules', () => {
  it('exclusive excludes everyone, shared admits shared only, and expiry frees', () => {
    let doc = LEASES.empty;
    const step = <T>(r: { next: typeof doc; result: T }) => {
      doc = r.next;
      return r.result;
    };
    expect(step(acquire(doc, request('path:src/**', 'a', 'shared'), 0)).ok).toBe(true);
    expect(step(acquire(doc, request('path:src/api/x.ts', 'b', 'shared'), 0)).ok).toBe(true);
    const refused = step(acquire(doc, request('path:src/api/x.ts', 'c'), 0));
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.conflicts.map((l) => l.holder).sort()).toEqual(['a', 'b']);
    expect(step(renew(doc, 'path:src/**', 'a', 5000, 500))?.expiresAt).toBe(5500);
    expect(step(release(doc, 'path:src/api/x.ts', 'b', 600))).toBe(true);
    expect(step(acquire(doc, request('path:src/api/x.ts', 'c'), 5600)).ok).toBe(true);
    expect(step(renew(doc, 'path:src/**', 'a', 1000, 5600))).toBeUndefined();
  });
});
