import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLineRange, readTailLines } from './io.js';

const HUGE = 1 << 30;
let dir: string;
let counter = 0;

beforeAll(() => {
  dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-io-')));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const signal = () => new AbortController().signal;

/** The model: a file's lines are its text split on \n, where a final \n ends the last line rather than starting a new one. */
function naiveLines(text: string): string[] {
  if (text === '') return [];
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

async function withFile<T>(text: string, run: (handle: FileHandle, size: number) => Promise<T>): Promise<T> {
  const file = path.join(dir, `f${counter++}.txt`);
  writeFileSync(file, text);
  const handle = await open(file, 'r');
  try {
    return await run(handle, (await handle.stat()).size);
  } finally {
    await handle.close();
    rmSync(file);
  }
}

/** Lines with empty ones, multi-byte and astral characters and stray \r; a trailing newline or not. */
const line = fc.string({ unit: fc.constantFrom('a', 'b', ' ', 'é', '日', '🙂', '\r'), maxLength: 12 });
const fileText = fc
  .tuple(fc.array(line, { maxLength: 25 }), fc.boolean())
  .map(([lines, trailing]) => (lines.length === 0 ? '' : lines.join('\n') + (trailing ? '\n' : '')));

describe('readLineRange', () => {
  it('reads a range of lines', async () => {
    await withFile('zero\none\ntwo\nthree\n', async (handle) => {
      expect(await readLineRange(handle, 1, 2, HUGE, signal())).toEqual({
        lines: ['one', 'two'],
        truncated: false,
        eof: false,
      });
      expect((await readLineRange(handle, 3, 10, HUGE, signal())).lines).toEqual(['three']);
      expect((await readLineRange(handle, 4, 10, HUGE, signal())).lines).toEqual([]);
      expect((await readLineRange(handle, 99, 10, HUGE, signal())).eof).toBe(true);
    });
  });

  it('reads no lines when asked for none', async () => {
    await withFile('zero\none\n', async (handle) => {
      expect((await readLineRange(handle, 0, 0, HUGE, signal())).lines).toEqual([]);
    });
  });

  it('matches the naive line model', async () => {
    await fc.assert(
      fc.asyncProperty(
        fileText,
        fc.nat(30),
        fc.oneof(fc.integer({ min: 1, max: 30 }), fc.constant(Number.POSITIVE_INFINITY)),
        async (text, start, count) => {
          const expected = naiveLines(text).slice(start, start + count);
          const result = await withFile(text, (handle) =>
            readLineRange(handle, start, count, HUGE, signal()),
          );
          expect(result.lines).toEqual(expected);
          expect(result.truncated).toBe(false);
          if (start + count > naiveLines(text).length) expect(result.eof).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('stays within a small byte budget and says it was truncated', async () => {
    await fc.assert(
      fc.asyncProperty(fileText, fc.nat(10), fc.integer({ min: 1, max: 30 }), async (text, start, budget) => {
        const expected = naiveLines(text).slice(start);
        const result = await withFile(text, (handle) =>
          readLineRange(handle, start, Number.POSITIVE_INFINITY, budget, signal()),
        );
        const content = result.lines.join('\n');
        expect(bytes(content)).toBeLessThanOrEqual(budget);
        expect(result.truncated).toBe(bytes(expected.join('\n')) > budget);
        if (!result.truncated) {
          expect(result.lines).toEqual(expected);
          return;
        }
        // Whole lines from the start of the range, or one line cut short (never mid-character).
        const [first] = result.lines;
        if (result.lines.length === 1 && first !== expected[0]) {
          expect(expected[0]?.startsWith(first as string)).toBe(true);
        } else {
          expect(result.lines).toEqual(expected.slice(0, result.lines.length));
          expect(result.lines.length).toBeLessThan(expected.length);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('cuts a single overlong line at a character boundary', async () => {
    await withFile('🙂🙂🙂\n', async (handle) => {
      const result = await readLineRange(handle, 0, 1, 6, signal());
      expect(result).toEqual({ lines: ['🙂'], truncated: true, eof: false });
    });
  });

  it('reads across 64 KiB chunk boundaries, multi-byte characters included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 60_000, max: 70_000 }),
        fc.constantFrom('a', 'é', '日', '🙂'),
        fc.array(line, { minLength: 1, maxLength: 40 }),
        fc.nat(40),
        async (padding, char, lines, start) => {
          const text = `${char.repeat(padding / char.length)}\n${lines.join('\n')}\n`.repeat(2);
          const all = naiveLines(text);
          const result = await withFile(text, (handle) => readLineRange(handle, start, 10, HUGE, signal()));
          expect(result.lines).toEqual(all.slice(start, start + 10));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('stops when the signal is aborted', async () => {
    await withFile('a\nb\n', async (handle) => {
      const controller = new AbortController();
      controller.abort(new Error('stop'));
      await expect(readLineRange(handle, 0, 1, HUGE, controller.signal)).rejects.toThrow('stop');
    });
  });
});

describe('readTailLines', () => {
  it('reads the last lines', async () => {
    await withFile('one\ntwo\nthree\n', async (handle, size) => {
      expect((await readTailLines(handle, size, 2, HUGE, signal())).lines).toEqual(['two', 'three']);
      expect((await readTailLines(handle, size, 10, HUGE, signal())).lines).toEqual(['one', 'two', 'three']);
      expect((await readTailLines(handle, size, 0, HUGE, signal())).lines).toEqual([]);
    });
    await withFile('', async (handle, size) => {
      expect(await readTailLines(handle, size, 3, HUGE, signal())).toEqual({
        lines: [],
        truncated: false,
        eof: true,
      });
    });
  });

  it('matches the naive line model', async () => {
    await fc.assert(
      fc.asyncProperty(fileText, fc.integer({ min: 1, max: 30 }), async (text, count) => {
        const result = await withFile(text, (handle, size) =>
          readTailLines(handle, size, count, HUGE, signal()),
        );
        expect(result.lines).toEqual(naiveLines(text).slice(-count));
        expect(result.truncated).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it('says truncated when its last line alone is over the budget', async () => {
    await withFile('xxxxxxxxxx', async (handle, size) => {
      const result = await readTailLines(handle, size, 1, 4, signal());
      expect(result.truncated).toBe(true);
      expect(result.lines).toEqual(['xxxx']);
    });
  });

  it('stays within a small byte budget, returning whole lines unless it says truncated', async () => {
    await fc.assert(
      fc.asyncProperty(
        fileText,
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 30 }),
        async (text, count, budget) => {
          const expected = naiveLines(text).slice(-count);
          const result = await withFile(text, (handle, size) =>
            readTailLines(handle, size, count, budget, signal()),
          );
          expect(bytes(result.lines.join('\n'))).toBeLessThanOrEqual(budget);
          if (!result.truncated) {
            expect(result.lines).toEqual(expected);
            return;
          }
          // Whole lines from the end, the first of which may have lost its start (never mid-character).
          const n = result.lines.length;
          expect(n).toBeLessThanOrEqual(count);
          const tail = expected.slice(expected.length - n);
          expect(result.lines.slice(1)).toEqual(tail.slice(1));
          if (n > 0) expect(tail[0]?.endsWith(result.lines[0] as string)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads across 64 KiB chunk boundaries, multi-byte characters included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 60_000, max: 140_000 }),
        fc.constantFrom('a', 'é', '日', '🙂'),
        fc.array(line, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 50 }),
        async (padding, char, lines, count) => {
          const text = `${lines.join('\n')}\n${char.repeat(padding / char.length)}\n${lines.join('\n')}`;
          const result = await withFile(text, (handle, size) =>
            readTailLines(handle, size, count, HUGE, signal()),
          );
          expect(result.lines).toEqual(naiveLines(text).slice(-count));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('stops when the signal is aborted', async () => {
    await withFile('a\nb\n', async (handle, size) => {
      const controller = new AbortController();
      controller.abort(new Error('stop'));
      await expect(readTailLines(handle, size, 1, HUGE, controller.signal)).rejects.toThrow('stop');
    });
  });
});
