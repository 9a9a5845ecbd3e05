import { gunzipSync } from 'node:zlib';
import { checkPath, refusal } from './tar.js';

export interface ReadEntry {
  readonly path: string;
  readonly type: 'file' | 'directory';
  readonly data: Buffer;
}

export interface TarLimits {
  /** Most bytes once unpacked, headers included: a gzip bomb stops here. */
  readonly maxUnpackedBytes: number;
  readonly maxEntries: number;
}

const BLOCK = 512;

function field(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

function octalField(block: Buffer, offset: number, length: number, what: string): number {
  const text = field(block, offset, length).trim();
  if (!/^[0-7]*$/.test(text)) throw new Error(`archive header has a malformed ${what}`);
  return text === '' ? 0 : Number.parseInt(text, 8);
}

function checksumOk(block: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] as number);
  return sum === octalField(block, 148, 8, 'checksum');
}

/**
 * Reads a gzipped ustar archive as the writer beside it makes them, and nothing looser: regular files and
 * directories only (no links, devices or long-name extensions), names that cannot leave the extraction folder,
 * each name once, header checksums right, every byte the headers promise present, and bounded in size and count
 * before anything is allocated for it. Throws, naming the entry, on the first thing out of line.
 */
export function readTarGz(archive: Buffer, limits: TarLimits): ReadEntry[] {
  let tar: Buffer;
  try {
    tar = gunzipSync(archive, { maxOutputLength: limits.maxUnpackedBytes });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError)
      throw new Error(`archive unpacks to more than ${limits.maxUnpackedBytes} bytes`);
    throw new Error(`archive is not valid gzip (truncated or damaged): ${(error as Error).message}`);
  }
  const entries: ReadEntry[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for (;;) {
    if (offset + BLOCK > tar.length)
      throw new Error('archive ends without its end-of-archive blocks (truncated)');
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    if (!checksumOk(header)) throw new Error(`archive header at byte ${offset} has a wrong checksum`);
    const name = field(header, 0, 100);
    const prefix = field(header, 345, 155);
    const stored = prefix ? `${prefix}/${name}` : name;
    const flag = String.fromCharCode(header[156] as number);
    const type = flag === '5' ? 'directory' : flag === '0' || flag === '\0' ? 'file' : undefined;
    const entryPath = stored.endsWith('/') ? stored.slice(0, -1) : stored;
    if (!type) throw refusal(entryPath, `its type "${flag}" is not a regular file or directory`);
    checkPath(entryPath);
    if (seen.has(entryPath)) throw refusal(entryPath, 'it appears twice');
    seen.add(entryPath);
    if (entries.length >= limits.maxEntries)
      throw new Error(`archive has more than ${limits.maxEntries} entries`);
    const size = octalField(header, 124, 12, 'size');
    const start = offset + BLOCK;
    if (start + size > tar.length) throw refusal(entryPath, 'its data is cut short (truncated archive)');
    entries.push({
      path: entryPath,
      type,
      data: type === 'file' ? Buffer.from(tar.subarray(start, start + size)) : Buffer.alloc(0),
    });
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  return entries;
}
