import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompiledQuery, compileQuery, type GrepMatch, type GrepQuery, grepFile } from './grep.js';

let dir: string;
let counter = 0;

beforeAll(() => {
  dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-grep-')));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const signal = () => new AbortController().signal;

function query(partial: Partial<GrepQuery> & { pattern: string }): CompiledQuery {
  return compileQuery({
    literal: false,
    ignoreCase: false,
    before: 0,
    after: 0,
    maxLineChars: 500,
    ...partial,
  });
}

function writeTemp(data: string | Buffer): string {
  const file = path.join(dir, `g${counter++}.txt`);
  writeFileSync(file, data);
  return file;
}

async function withHandle<T>(
  file: string,
  run: (handle: FileHandle, size: number) => Promise<T>,
): Promise<T> {
  const handle = await open(file, 'r');
  try {
    return await run(handle, (await handle.stat()).size);
  } finally {
    await handle.close();
  }
}

/** Runs grepFile over `file` and collects what it emits. */
async function grep(file: string, q: CompiledQuery, budget = 1_000_000, emitResult = () => true) {
  return withHandle(file, async (handle, size) => {
    const emitted: GrepMatch[] = [];
    const result = await grepFile(
      handle,
      size,
      'the/path',
      q,
      budget,
      (match) => {
        emitted.push(match);
        return emitResult();
      },
      signal(),
    );
    return { ...result, emitted };
  });
}

function naiveLines(text: string): string[] {
  if (text === '') return [];
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

function clip(line: string, max: number): string {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The model: every line that matches, with its 1-based number and context lines around it. */
function naiveGrep(text: string, q: GrepQuery, test: (line: string) => boolean): GrepMatch[] {
  const lines = naiveLines(text);
  const out: GrepMatch[] = [];
  lines.forEach((raw, i) => {
    if (!test(raw)) return;
    out.push({
      path: 'the/path',
      line: i + 1,
      text: clip(raw, q.maxLineChars),
      ...(q.before > 0
        ? { before: lines.slice(Math.max(0, i - q.before), i).map((l) => clip(l, q.maxLineChars)) }
        : {}),
      ...(q.after > 0
        ? { after: lines.slice(i + 1, i + 1 + q.after).map((l) => clip(l, q.maxLineChars)) }
        : {}),
    });
  });
  return out;
}

describe('compileQuery', () => {
  it('matches literal text, special characters included', () => {
    const q = query({ pattern: 'a.b(c)*', literal: true });
    expect(q.test('xx a.b(c)* yy')).toBe(true);
    expect(q.test('aXb(c)')).toBe(false);
    expect(q.needle?.toString()).toBe('a.b(c)*');
  });

  it('matches literal text ignoring case, without a byte needle', () => {
    const q = query({ pattern: 'a.B', literal: true, ignoreCase: true });
    expect(q.test('xA.bx')).toBe(true);
    expect(q.test('xAxbx')).toBe(false);
    expect(q.needle).toBeUndefined();
  });

  it('compiles regular expressions in unicode mode', () => {
    expect(query({ pattern: '^.$' }).test('🙂')).toBe(true);
    expect(query({ pattern: 'É', ignoreCase: true }).test('é')).toBe(true);
    expect(query({ pattern: '^a' }).test('ba')).toBe(false);
  });

  it('throws on an invalid regular expression', () => {
    expect(() => query({ pattern: '(' })).toThrow(SyntaxError);
    expect(() => query({ pattern: 'a{2,1}' })).toThrow(SyntaxError);
  });

  it('is stateless between lines (no lastIndex carried over)', () => {
    const q = query({ pattern: 'a' });
    expect([q.test('a'), q.test('a'), q.test('a')]).toEqual([true, true, true]);
  });
});

describe('grepFile', () => {
  it('finds matching lines with their numbers and context', async () => {
    const file = writeTemp('one\ntwo\nthree\nfour\nfive\n');
    const result = await grep(file, query({ pattern: 'o', before: 1, after: 1 }));
    expect(result.verdict).toBe('searched');
    expect(result.matches).toBe(3);
    expect(result.emitted).toEqual([
      { path: 'the/path', line: 1, text: 'one', before: [], after: ['two'] },
      { path: 'the/path', line: 2, text: 'two', before: ['one'], after: ['three'] },
      { path: 'the/path', line: 4, text: 'four', before: ['three'], after: ['five'] },
    ]);
  });

  it('strips CR from CRLF lines and cuts long lines with an ellipsis', async () => {
    const file = writeTemp('hello world\r\nbye\r\n');
    const result = await grep(file, query({ pattern: 'world$', maxLineChars: 5 }));
    // The raw line ends in \r, so `world$` does not match it; a literal does.
    expect(result.emitted).toEqual([]);
    const literal = await grep(file, query({ pattern: 'world', literal: true, maxLineChars: 5 }));
    expect(literal.emitted).toEqual([{ path: 'the/path', line: 1, text: 'hello…' }]);
  });

  it('searches an empty file', async () => {
    expect(await grep(writeTemp(''), query({ pattern: '' }))).toEqual({
      verdict: 'searched',
      matches: 0,
      emitted: [],
    });
  });

  it('gives the verdict binary when a NUL byte is in the first 8000 bytes', async () => {
    const file = writeTemp(
      Buffer.concat([Buffer.from('match\n'.repeat(100)), Buffer.from([0]), Buffer.from('match\n')]),
    );
    expect(await grep(file, query({ pattern: 'match', literal: true }))).toEqual({
      verdict: 'binary',
      matches: 0,
      emitted: [],
    });
  });

  it('searches a file whose first NUL byte comes after 8000 bytes', async () => {
    const file = writeTemp(
      Buffer.concat([Buffer.from('x'.repeat(8000)), Buffer.from([0]), Buffer.from('\nmatch\n')]),
    );
    const result = await grep(file, query({ pattern: 'match', literal: true }));
    expect(result.verdict).toBe('searched');
    expect(result.emitted.map((m) => m.line)).toEqual([2]);
  });

  it('stops at the budget', async () => {
    const file = writeTemp('a\n'.repeat(10));
    const result = await grep(file, query({ pattern: 'a' }), 3);
    expect(result.emitted.map((m) => m.line)).toEqual([1, 2, 3]);
  });

  it('stops when emit says so', async () => {
    const file = writeTemp('a\n'.repeat(10));
    const result = await grep(file, query({ pattern: 'a' }), 100, () => false);
    expect(result.emitted).toHaveLength(1);
  });

  /** Lines over a small alphabet so that matches, case variants and empty lines are frequent. */
  const line = fc.string({
    unit: fc.constantFrom('a', 'b', 'A', 'é', 'É', '日', ' ', '.', '\r'),
    maxLength: 8,
  });
  const text = fc
    .tuple(fc.array(line, { maxLength: 30 }), fc.boolean())
    .map(([lines, trailing]) => (lines.length === 0 ? '' : lines.join('\n') + (trailing ? '\n' : '')));
  const shape = fc.record({
    ignoreCase: fc.boolean(),
    before: fc.integer({ min: 0, max: 2 }),
    after: fc.integer({ min: 0, max: 2 }),
    maxLineChars: fc.integer({ min: 1, max: 10 }),
  });

  it('agrees with a naive line filter in literal mode', async () => {
    const pattern = fc.string({
      unit: fc.constantFrom('a', 'b', 'A', 'é', 'É', '.', ' '),
      minLength: 1,
      maxLength: 3,
    });
    await fc.assert(
      fc.asyncProperty(text, pattern, shape, async (t, p, s) => {
        const q: GrepQuery = { pattern: p, literal: true, ...s };
        const test = s.ignoreCase
          ? (l: string) => l.toLowerCase().includes(p.toLowerCase())
          : (l: string) => l.includes(p);
        const expected = naiveGrep(t, q, test);
        const result = await grep(writeTemp(t), compileQuery(q));
        expect(result.emitted).toEqual(expected);
        expect(result.matches).toBe(expected.length);
      }),
      { numRuns: 150 },
    );
  });

  it('agrees with a naive line filter in regex mode', async () => {
    const pattern = fc.constantFrom(
      'a',
      'a+b',
      '^a',
      'b$',
      '[aé]b',
      '.',
      '^$',
      'é|日',
      'A',
      '\\s',
      'a.?b',
      '^\\s*$',
      '\\r',
    );
    await fc.assert(
      fc.asyncProperty(text, pattern, shape, async (t, p, s) => {
        const q: GrepQuery = { pattern: p, literal: false, ...s };
        const regex = new RegExp(p, s.ignoreCase ? 'iu' : 'u');
        const expected = naiveGrep(t, q, (l) => regex.test(l));
        const result = await grep(writeTemp(t), compileQuery(q));
        expect(result.emitted).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('emits the first `budget` matches in order when there is no after-context', async () => {
    await fc.assert(
      fc.asyncProperty(
        text,
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 2 }),
        async (t, budget, before) => {
          const q: GrepQuery = {
            pattern: 'a',
            literal: true,
            ignoreCase: false,
            before,
            after: 0,
            maxLineChars: 50,
          };
          const expected = naiveGrep(t, q, (l) => l.includes('a')).slice(0, budget);
          const result = await grep(writeTemp(t), compileQuery(q), budget);
          expect(result.emitted).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  });

  describe('a file larger than 8 MiB, read in chunks', () => {
    let bigFile: string;
    let bigText: string;
    const needleLines = new Set<number>();

    beforeAll(() => {
      // Lines of varying byte length with multi-byte characters; NEEDLE on every 9973rd line, on the lines
      // that straddle the 4 MiB and 8 MiB chunk boundaries, and on the last line, which has no newline.
      const lines: string[] = [];
      let bytes = 0;
      const boundaries = [4 * 1024 * 1024, 8 * 1024 * 1024];
      for (let i = 0; bytes < 9.5 * 1024 * 1024; i++) {
        const line = `L${i} ${'é'.repeat(10 + (i % 7))}${'x'.repeat(30 + (i % 41))}`;
        const end = bytes + Buffer.byteLength(line) + 1;
        const straddles = boundaries.some((b) => bytes < b && end > b);
        if (i % 9973 === 0 || straddles) needleLines.add(i + 1);
        lines.push(needleLines.has(i + 1) ? line.replace('xxxxxx', 'NEEDLE') : line);
        bytes = end;
      }
      lines.push('last NEEDLE line');
      needleLines.add(lines.length);
      bigText = lines.join('\n');
      bigFile = writeTemp(bigText);
    });

    it('finds every literal match with its correct line number', async () => {
      const result = await grep(bigFile, query({ pattern: 'NEEDLE', literal: true }));
      expect(result.verdict).toBe('searched');
      expect(result.emitted.map((m) => m.line)).toEqual([...needleLines]);
      const lines = naiveLines(bigText);
      for (const match of result.emitted) expect(match.text).toBe(lines[match.line - 1]);
    });

    it('finds every regex match with its correct line number', async () => {
      const result = await grep(bigFile, query({ pattern: 'NEE+DLE' }));
      expect(result.emitted.map((m) => m.line)).toEqual([...needleLines]);
    });

    it('keeps context lines right across chunk boundaries', async () => {
      const q: GrepQuery = {
        pattern: 'NEEDLE',
        literal: true,
        ignoreCase: false,
        before: 2,
        after: 2,
        maxLineChars: 500,
      };
      const result = await grep(bigFile, compileQuery(q));
      expect(result.emitted).toEqual(naiveGrep(bigText, q, (l) => l.includes('NEEDLE')));
    });

    it('stops at the budget with the first matches', async () => {
      const result = await grep(bigFile, query({ pattern: 'NEEDLE', literal: true }), 3);
      expect(result.emitted.map((m) => m.line)).toEqual([...needleLines].slice(0, 3));
    });

    it('gives the verdict binary when a NUL byte is near the start', async () => {
      const file = writeTemp(Buffer.concat([Buffer.from([0x61, 0]), Buffer.from(bigText)]));
      expect((await grep(file, query({ pattern: 'NEEDLE', literal: true }))).verdict).toBe('binary');
    });

    it('stops when the signal is aborted', async () => {
      const controller = new AbortController();
      controller.abort(new Error('stop'));
      await withHandle(bigFile, async (handle, size) => {
        await expect(
          grepFile(handle, size, 'p', query({ pattern: 'NEEDLE' }), 10, () => true, controller.signal),
        ).rejects.toThrow('stop');
      });
    });
  });

  it('escapes regex syntax in literal ignore-case mode', async () => {
    const q = query({ pattern: '[a]+', literal: true, ignoreCase: true });
    const result = await grep(writeTemp('aaa\nx[A]+y\n'), q);
    expect(result.emitted.map((m) => m.line)).toEqual([2]);
  });
});
