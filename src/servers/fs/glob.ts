import { createRequire } from 'node:module';
import type picomatchType from 'picomatch';

export type PathTest = (relative: string) => boolean;

let loaded: typeof picomatchType | undefined;
/** picomatch, loaded on the first glob rather than at start-up (start-up time is measured against the reference). */
function picomatch(pattern: string, options: picomatchType.PicomatchOptions): picomatchType.Matcher {
  loaded ??= createRequire(import.meta.url)('picomatch') as typeof picomatchType;
  return loaded(pattern, options);
}

const options = { dot: true } as const;

/** A glob matched against the path relative to the search root, as the reference server does. */
export function globMatcher(pattern: string): PathTest {
  return picomatch(pattern, options);
}

/**
 * Exclusion as people write it: a pattern without a slash or wildcard (`node_modules`) excludes that name at
 * any depth, with everything below it; a pattern with them is matched against the relative path.
 */
export function excludeMatcher(patterns: readonly string[]): PathTest {
  if (patterns.length === 0) return () => false;
  const tests = patterns.flatMap((pattern) => {
    if (pattern.includes('*') || pattern.includes('/')) return [picomatch(pattern, options)];
    return [
      picomatch(pattern, options),
      picomatch(`**/${pattern}`, options),
      picomatch(`**/${pattern}/**`, options),
    ];
  });
  return (relative) => tests.some((test) => test(relative));
}

/**
 * Include/exclude filters in the style of `grep --include`: a pattern without a slash is tested against
 * the file name, one with a slash against the relative path.
 */
export function nameOrPathMatcher(patterns: readonly string[]): PathTest {
  const tests = patterns.map((pattern) => {
    const test = picomatch(pattern, options);
    if (pattern.includes('/')) return test;
    return (relative: string) => test(relative.slice(relative.lastIndexOf('/') + 1));
  });
  return (relative) => tests.some((test) => test(relative));
}

/** How deep a glob can match: unbounded with `**` (or braces that may hide a slash), else its segment count. */
export function globDepth(pattern: string): number {
  if (pattern.includes('**') || pattern.includes('{')) return Number.POSITIVE_INFINITY;
  return pattern.split('/').filter(Boolean).length;
}
