/** One newline-terminated line read from a stream. */
export type ReadLine =
  | { readonly kind: 'line'; readonly text: string }
  /** Longer than the cap: discarded as it arrived; only its first and last bytes were kept. */
  | { readonly kind: 'oversized'; readonly bytes: number; readonly head: string; readonly tail: string };

const NEWLINE = 0x0a;
const EMPTY = Buffer.alloc(0);

/** The last `keep` bytes of `before` followed by `after`, copied so that no larger chunk stays referenced. */
function lastBytes(before: Buffer, after: Buffer, keep: number): Buffer {
  if (after.length >= keep) return Buffer.from(after.subarray(after.length - keep));
  const fromBefore = Math.min(before.length, keep - after.length);
  return Buffer.concat([before.subarray(before.length - fromBefore), after]);
}

/**
 * Splits a byte stream into lines (a trailing `\r` is dropped) and never holds more than `maxBytes` of one line:
 * a longer line is discarded as it streams in, keeping only its first and last `keep` bytes, and is reported,
 * with its length, once its newline arrives. The line after it is read as usual.
 */
export class BoundedLineReader {
  private parts: Buffer[] = [];
  /** Bytes of the current line so far, held or discarded. */
  private size = 0;
  private discarding = false;
  private head: Buffer = EMPTY;
  private tail: Buffer = EMPTY;

  constructor(
    private readonly maxBytes: number,
    private readonly keep = 1024,
  ) {}

  /** Bytes held for the line in progress: never more than `maxBytes`. */
  get heldBytes(): number {
    return this.discarding ? 0 : this.size;
  }

  /** Feeds one chunk; returns the lines it completed, in order. */
  push(chunk: Buffer): ReadLine[] {
    const lines: ReadLine[] = [];
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      lines.push(this.finish(chunk.subarray(start, end)));
      start = end + 1;
    }
    if (start < chunk.length) this.hold(chunk.subarray(start));
    return lines;
  }

  /** The last line, when the stream ended without its newline. */
  end(): ReadLine | undefined {
    if (this.size === 0 && !this.discarding) return undefined;
    return this.finish(EMPTY);
  }

  private hold(piece: Buffer): void {
    if (!this.discarding && this.size + piece.length <= this.maxBytes) {
      this.parts.push(piece);
      this.size += piece.length;
      return;
    }
    this.discard(piece);
  }

  /** Counts `piece` as part of an oversized line, which from then on holds only its first and last bytes. */
  private discard(piece: Buffer): void {
    if (!this.discarding) {
      this.discarding = true;
      const held = this.parts;
      this.parts = [];
      this.size = 0;
      for (const part of held) this.count(part);
    }
    this.count(piece);
  }

  private count(piece: Buffer): void {
    if (this.head.length < this.keep)
      this.head = Buffer.concat([this.head, piece.subarray(0, this.keep - this.head.length)]);
    this.tail = lastBytes(this.tail, piece, this.keep);
    this.size += piece.length;
  }

  private finish(last: Buffer): ReadLine {
    let line: ReadLine;
    if (!this.discarding && this.size + last.length <= this.maxBytes) {
      const bytes = this.parts.length === 0 ? last : Buffer.concat([...this.parts, last]);
      const text = bytes.toString('utf8');
      line = { kind: 'line', text: text.endsWith('\r') ? text.slice(0, -1) : text };
    } else {
      this.discard(last);
      line = {
        kind: 'oversized',
        bytes: this.size,
        head: this.head.toString('utf8'),
        tail: this.tail.toString('utf8'),
      };
    }
    this.parts = [];
    this.size = 0;
    this.discarding = false;
    this.head = EMPTY;
    this.tail = EMPTY;
    return line;
  }
}
