import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedLineReader, type ReadLine } from './line-reader.js';

/** What the reader must report for one line, given the cap and how many bytes of each end it keeps. */
function expected(line: string, maxBytes: number, keep: number): ReadLine {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= maxBytes) return { kind: 'line', text: line.endsWith('\r') ? line.slice(0, -1) : line };
  return {
    kind: 'oversized',
    bytes: bytes.length,
    head: bytes.subarray(0, keep).toString('utf8'),
    tail: bytes.subarray(Math.max(0, bytes.length - keep)).toString('utf8'),
  };
}

/** `data` cut at random places into chunks, some of them empty. */
function chunked(data: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of [...points, data.length]) {
    chunks.push(data.subarray(start, point));
    start = point;
  }
  return chunks;
}

const line = fc.string({ unit: fc.constantFrom('a', 'é', '🙂', '\r', '{', '"', ' '), maxLength: 60 });

describe('BoundedLineReader', () => {
  it('delivers every line under the cap intact and refuses every line over it, whatever the chunking', () => {
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 12 }),
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        fc.boolean(),
        (lines, maxBytes, keep, cuts, lastTerminated) => {
          const text = lines.join('\n') + (lastTerminated && lines.length > 0 ? '\n' : '');
          const reader = new BoundedLineReader(maxBytes, keep);
          const read: ReadLine[] = [];
          for (const chunk of chunked(Buffer.from(text, 'utf8'), cuts)) {
            read.push(...reader.push(chunk));
            expect(reader.heldBytes).toBeLessThanOrEqual(maxBytes);
          }
          const last = reader.end();
          if (last) read.push(last);
          // A final empty line without its newline is no line at all.
          const sent = !lastTerminated && lines.at(-1) === '' ? lines.slice(0, -1) : lines;
          expect(read).toEqual(sent.map((l) => expected(l, maxBytes, keep)));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('holds at most the cap of a 20 MB line, and reads the next line as usual', () => {
    const reader = new BoundedLineReader(1024, 16);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let held = 0;
    for (let sent = 0; sent < 20 * 1024 * 1024; sent += chunk.length) {
      expect(reader.push(chunk)).toEqual([]);
      held = Math.max(held, reader.heldBytes);
    }
    expect(held).toBeLessThanOrEqual(1024);
    expect(reader.push(Buffer.from('\n{"ok":1}\n'))).toEqual([
      { kind: 'oversized', bytes: 20 * 1024 * 1024, head: 'x'.repeat(16), tail: 'x'.repeat(16) },
      { kind: 'line', text: '{"ok":1}' },
    ]);
  });
});
