import { gzipSync } from 'node:zlib';

export interface TarEntry {
  /** A relative path with `/` separators, e.g. `node_modules/yaml/package.json`; directories end without `/`. */
  readonly path: string;
  readonly type: 'file' | 'directory';
  readonly mode: number;
  readonly data?: Buffer;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

export function refusal(entryPath: string, why: string): Error {
  return new Error(`archive entry ${JSON.stringify(entryPath)} is refused: ${why}`);
}

/** Refuses a path an extractor could place outside its target directory: absolute, `.`/`..`/empty segments, NUL. */
export function checkPath(entryPath: string): void {
  if (entryPath.includes('\0')) throw refusal(entryPath, 'it contains a NUL byte');
  if (entryPath.startsWith('/')) throw refusal(entryPath, 'it is absolute');
  for (const segment of entryPath.split('/')) {
    if (segment === '..') throw refusal(entryPath, 'it has a ".." segment, which climbs out of the archive');
    if (segment === '.') throw refusal(entryPath, 'it has a "." segment');
    if (segment === '') throw refusal(entryPath, 'it has an empty segment');
  }
}

/** Splits a stored name into ustar's 155-byte prefix and 100-byte name at a `/`, or refuses it. */
function splitName(entryPath: string, stored: string): { name: string; prefix: string } {
  if (Buffer.byteLength(stored) <= 100) return { name: stored, prefix: '' };
  for (let i = stored.indexOf('/'); i !== -1; i = stored.indexOf('/', i + 1)) {
    const prefix = stored.slice(0, i);
    const name = stored.slice(i + 1);
    // An empty name field (a directory split at its trailing `/`) is read as no entry by some extractors.
    if (name !== '' && Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100)
      return { name, prefix };
  }
  throw refusal(
    entryPath,
    'it is too long for ustar (at most a 155-byte prefix and a 100-byte name, split at a /)',
  );
}

function header(entry: TarEntry, size: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  checkPath(entry.path);
  const stored = entry.type === 'directory' ? `${entry.path}/` : entry.path;
  const { name, prefix } = splitName(entry.path, stored);
  block.write(name, 0, 100, 'utf8');
  block.write(octal(entry.mode & 0o7777, 8), 100, 8, 'ascii');
  block.write(octal(0, 8), 108, 8, 'ascii');
  block.write(octal(0, 8), 116, 8, 'ascii');
  block.write(octal(size, 12), 124, 12, 'ascii');
  // A fixed time keeps the archive reproducible: the same inputs give the same bytes and the same checksum.
  block.write(octal(0, 12), 136, 12, 'ascii');
  block.write('        ', 148, 8, 'ascii');
  block.write(entry.type === 'directory' ? '5' : '0', 156, 1, 'ascii');
  block.write('ustar\u000000', 257, 8, 'ascii');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return block;
}

/**
 * A gzipped ustar archive of the entries, in the order given (directories before what they hold). Throws, naming
 * the entry, before writing anything when an entry's path is unsafe or does not fit.
 */
export function tarGz(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const data = entry.type === 'file' ? (entry.data ?? Buffer.alloc(0)) : Buffer.alloc(0);
    parts.push(header(entry, data.length), data);
    const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
    if (pad > 0) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return gzipSync(Buffer.concat(parts), { level: 9 });
}
