import type { Prng } from '../lib/prng.js';

export type Extension = 'ts' | 'js' | 'json' | 'md' | 'txt' | 'py';

const WORDS = [
  'account',
  'adapter',
  'batch',
  'buffer',
  'cache',
  'channel',
  'client',
  'config',
  'context',
  'cursor',
  'delta',
  'digest',
  'event',
  'filter',
  'format',
  'handler',
  'index',
  'invoice',
  'ledger',
  'limit',
  'loader',
  'mapper',
  'merge',
  'metric',
  'order',
  'parser',
  'payload',
  'policy',
  'queue',
  'record',
  'region',
  'render',
  'report',
  'request',
  'router',
  'schema',
  'session',
  'signal',
  'source',
  'stream',
  'table',
  'tenant',
  'token',
  'tracker',
  'update',
  'user',
  'value',
  'vector',
  'window',
  'worker',
] as const;

const VERBS = ['load', 'parse', 'build', 'merge', 'flush', 'render', 'resolve', 'apply', 'check', 'send'];

function words(prng: Prng, count: number): string {
  return Array.from({ length: count }, () => prng.pick(WORDS)).join(' ');
}

function camel(prng: Prng): string {
  const [first, second] = [prng.pick(VERBS), prng.pick(WORDS)];
  return `${first}${second.charAt(0).toUpperCase()}${second.slice(1)}`;
}

/** One ordinary line of source or prose for the given kind of file. */
function line(ext: Extension, prng: Prng, index: number): string {
  switch (ext) {
    case 'ts':
      return prng.chance(0.2)
        ? `export function ${camel(prng)}${index}(input: string): number {`
        : `  const ${prng.pick(WORDS)}${index} = ${camel(prng)}(${prng.int(0, 999)}); // ${words(prng, 3)}`;
    case 'js':
      return prng.chance(0.2)
        ? `function ${camel(prng)}${index}(input) {`
        : `  const ${prng.pick(WORDS)}${index} = ${camel(prng)}('${words(prng, 2)}');`;
    case 'py':
      return prng.chance(0.2)
        ? `def ${prng.pick(VERBS)}_${prng.pick(WORDS)}_${index}(value):`
        : `    ${prng.pick(WORDS)}_${index} = ${prng.pick(VERBS)}(${prng.int(0, 999)})  # ${words(prng, 3)}`;
    case 'json':
      return `  "${prng.pick(WORDS)}_${index}": "${words(prng, prng.int(1, 4))}",`;
    case 'md':
      return prng.chance(0.15) ? `## ${words(prng, 3)}` : `${words(prng, prng.int(4, 12))}.`;
    case 'txt':
      return `${words(prng, prng.int(3, 10))} ${prng.int(0, 99_999)}`;
  }
}

/** A line that carries the needle, written the way each kind of file would. */
function needleLine(ext: Extension, needle: string): string {
  switch (ext) {
    case 'ts':
    case 'js':
      return `  // TODO(${needle}): drop once the migration is done`;
    case 'py':
      return `    # TODO(${needle}): drop once the migration is done`;
    case 'json':
      return `  "marker": "${needle}",`;
    case 'md':
    case 'txt':
      return `See ${needle} for the migration notes.`;
  }
}

/**
 * Text of one file: 5 to 80 lines of a few hundred bytes to a few KB. `needles` lines (at distinct,
 * random positions) carry the needle. The PRNG is consumed the same way for the same inputs.
 */
export function fileContent(ext: Extension, prng: Prng, needle: string, needles: number): string {
  const count = prng.int(5, 80);
  const lines = Array.from({ length: count }, (_, i) => line(ext, prng, i));
  const positions = new Set<number>();
  while (positions.size < Math.min(needles, count)) positions.add(prng.int(0, count - 1));
  for (const position of positions) lines[position] = needleLine(ext, needle);
  if (ext === 'json') return `{\n${lines.join('\n')}\n  "end": true\n}\n`;
  return `${lines.join('\n')}\n`;
}
