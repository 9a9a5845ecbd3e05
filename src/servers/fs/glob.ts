import { createRequire } from 'node:module';
import type picomatchType from 'picomatch';

export type PathTest = (relative: string) => boolean;

let loaded: typeof picomatchType | undefined;
/** picomatch, loaded on the first glob rather than at start-up (start-up time is measured against the reference). */
function library(): typeof picomatchType {
  loaded ??= createRequire(import.meta.url)('picomatch') as typeof picomatchType;
  return loaded;
}

function picomatch(pattern: string, options: picomatchType.PicomatchOptions): picomatchType.Matcher {
  return library()(pattern, options);
}

const options = { dot: true } as const;

/**
 * picomatch's own test, without its wrapper: a search tests every path of the tree (a hundred thousand in a large
 * one), and the wrapper's per-call work cost as much as the expression. An input equal to the glob matches, as in
 * picomatch (`a[b]` names the file `a[b]`).
 */
function compiled(pattern: string): PathTest {
  const expression = library().makeRe(pattern, options);
  return (relative) => relative === pattern || expression.test(relative);
}

/** `**` + `/` + one segment, possibly repeated: matches a name at any depth. */
const ANY_DEPTH_NAME = /^(?:\*\*\/)+([^/]+)$/;

/**
 * A glob matched against the path relative to the search root, as the reference server does. `**` + `/` + a
 * name glob (the common search) only depends on the last segment, so only that is tested.
 */
export function globMatcher(pattern: string): PathTest {
  const name = ANY_DEPTH_NAME.exec(pattern)?.[1];
  if (name === undefined || name.includes('**') || name.startsWith('!')) return compiled(pattern);
  const test = compiled(name);
  return (relative) => test(relative.slice(relative.lastIndexOf('/') + 1));
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
