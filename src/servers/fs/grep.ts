import type { FileHandle } from 'node:fs/promises';

export interface GrepMatch {
  readonly path: string;
  /** 1-based line number. */
  readonly line: number;
  readonly text: string;
  readonly before?: string[];
  readonly after?: string[];
}

export interface GrepQuery {
  readonly pattern: string;
  readonly literal: boolean;
  readonly ignoreCase: boolean;
  readonly before: number;
  readonly after: number;
  /** Longest line shown; longer ones are cut with an ellipsis. */
  readonly maxLineChars: number;
}

export interface CompiledQuery extends GrepQuery {
  readonly test: (line: string) => boolean;
  /** Bytes that must occur in a file for it to match, when that can be known without decoding it. */
  readonly needle?: Buffer;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function compileQuery(query: GrepQuery): CompiledQuery {
  if (query.literal && !query.ignoreCase) {
    const { pattern } = query;
    return { ...query, test: (line) => line.includes(pattern), needle: Buffer.from(pattern, 'utf8') };
  }
  const source = query.literal ? escapeRegExp(query.pattern) : query.pattern;
  const regex = new RegExp(source, query.ignoreCase ? 'iu' : 'u');
  return { ...query, test: (line) => regex.test(line) };
}

const CHUNK_BYTES = 4 * 1024 * 1024;
const BINARY_SNIFF_BYTES = 8000;

function clip(line: string, max: number): string {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Line-by-line matcher whose state (line number, context windows) carries across chunks. */
class LineScanner {
  private lineNo = 0;
  private readonly recent: string[] = [];
  private readonly waiting: { match: GrepMatch & { after: string[] }; remaining: number }[] = [];
  matches = 0;

  constructor(
    private readonly path: string,
    private readonly query: CompiledQuery,
    private readonly emit: (match: GrepMatch) => boolean,
    private readonly budget: number,
  ) {}

  /** Feeds complete lines; returns false once the caller should stop (budget reached or emit said stop). */
  feed(lines: string[]): boolean {
    const { query } = this;
    for (const raw of lines) {
      this.lineNo++;
      for (const w of this.waiting) {
        if (w.remaining > 0) {
          w.match.after.push(clip(raw, query.maxLineChars));
          w.remaining--;
        }
      }
      while (this.waiting.length > 0 && (this.waiting[0]?.remaining ?? 0) === 0) this.flush();
      if (query.test(raw)) {
        const match = {
          path: this.path,
          line: this.lineNo,
          text: clip(raw, query.maxLineChars),
          ...(query.before > 0 ? { before: this.recent.slice() } : {}),
          after: [] as string[],
        };
        this.matches++;
        if (query.after > 0) this.waiting.push({ match, remaining: query.after });
        else if (!this.send(match)) return false;
        if (this.matches >= this.budget && query.after === 0) return false;
      }
      if (query.before > 0) {
        this.recent.push(clip(raw, query.maxLineChars));
        if (this.recent.length > query.before) this.recent.shift();
      }
      if (this.matches >= this.budget && this.waiting.length === 0) return false;
    }
    return true;
  }

  /** Advances past lines known not to match (only valid when no context is being kept). */
  skip(count: number): void {
    this.lineNo += count;
  }

  private flush(): boolean {
    const w = this.waiting.shift();
    return w ? this.send(w.match) : true;
  }

  private send(match: GrepMatch & { after: string[] }): boolean {
    const { after, ...rest } = match;
    return this.emit(this.query.after > 0 ? { ...rest, after } : rest);
  }

  finish(): void {
    while (this.waiting.length > 0) this.flush();
  }
}

export type FileVerdict = 'binary' | 'searched';

/** Files up to this size are read whole (and, from a walk, synchronously); larger ones in chunks. */
export const WHOLE_FILE_BYTES = 8 * 1024 * 1024;

/**
 * Searches a whole file's bytes. Files with no NUL byte in their first 8000 bytes are text. A literal
 * needle is looked for in the raw bytes first, so most files are never decoded.
 */
export function grepBuffer(
  data: Buffer,
  path: string,
  query: CompiledQuery,
  budget: number,
  emit: (match: GrepMatch) => boolean,
): { verdict: FileVerdict; matches: number } {
  if (data.length === 0) return { verdict: 'searched', matches: 0 };
  if (data.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return { verdict: 'binary', matches: 0 };
  if (query.needle && !data.includes(query.needle)) return { verdict: 'searched', matches: 0 };
  const scanner = new LineScanner(path, query, emit, budget);
  const text = data.toString('utf8');
  scanner.feed(text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n'));
  scanner.finish();
  return { verdict: 'searched', matches: scanner.matches };
}

/**
 * Searches one open file of any size: whole when small, else in chunks cut at line ends, so memory stays
 * bounded.
 */
export async function grepFile(
  handle: FileHandle,
  size: number,
  path: string,
  query: CompiledQuery,
  budget: number,
  emit: (match: GrepMatch) => boolean,
  signal: AbortSignal,
): Promise<{ verdict: FileVerdict; matches: number }> {
  if (size <= WHOLE_FILE_BYTES) {
    const buffer = Buffer.allocUnsafe(size);
    const { bytesRead } = await handle.read(buffer, 0, size, 0);
    return grepBuffer(buffer.subarray(0, bytesRead), path, query, budget, emit);
  }
  const scanner = new LineScanner(path, query, emit, budget);
  let position = 0;
  let carry = Buffer.alloc(0);
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  for (;;) {
    if (signal.aborted) throw signal.reason;
    const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, position);
    if (position === 0 && chunk.subarray(0, Math.min(bytesRead, BINARY_SNIFF_BYTES)).includes(0)) {
      return { verdict: 'binary', matches: 0 };
    }
    position += bytesRead;
    const data = Buffer.concat([carry, chunk.subarray(0, bytesRead)]);
    if (bytesRead === 0) {
      if (data.length > 0) scanner.feed([data.toString('utf8')]);
      break;
    }
    const lastNewline = data.lastIndexOf(0x0a);
    if (lastNewline === -1) {
      carry = data;
      continue;
    }
    carry = Buffer.from(data.subarray(lastNewline + 1));
    const complete = data.subarray(0, lastNewline);
    if (query.needle && !complete.includes(query.needle) && query.before === 0 && query.after === 0) {
      // No match possible in these lines; only the line count needs to advance.
      let count = 1;
      for (let i = complete.indexOf(0x0a); i !== -1; i = complete.indexOf(0x0a, i + 1)) count++;
      scanner.skip(count);
      continue;
    }
    if (!scanner.feed(complete.toString('utf8').split('\n'))) break;
  }
  scanner.finish();
  return { verdict: 'searched', matches: scanner.matches };
}
