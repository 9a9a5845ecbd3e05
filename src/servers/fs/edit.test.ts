import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Refusal } from '../../core/errors.js';
import { applyEdits, fencedDiff } from './edit.js';

function refusalOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(Refusal);
    return (error as Error).message;
  }
  throw new Error('expected a Refusal');
}

/** Text made of short lines over a small alphabet, so that repeats and near-repeats are common. */
const lineText = fc.string({
  unit: fc.constantFrom('a', 'b', ' ', '\t', 'é', '🙂', '`', '$&'),
  maxLength: 8,
});
const lfText = fc.array(lineText, { minLength: 1, maxLength: 12 }).map((lines) => lines.join('\n'));

/** Some substring of `text` that occurs exactly once in it, if there is one. */
function uniqueSubstrings(text: string): string[] {
  const found: string[] = [];
  for (let start = 0; start < text.length; start++) {
    for (let end = start + 1; end <= Math.min(text.length, start + 12); end++) {
      const candidate = text.slice(start, end);
      if (text.indexOf(candidate) === text.lastIndexOf(candidate)) found.push(candidate);
    }
  }
  return found;
}

describe('applyEdits', () => {
  it('replaces an exact match', () => {
    expect(applyEdits('alpha\nbeta\ngamma\n', [{ oldText: 'beta', newText: 'BETA' }], 'f')).toBe(
      'alpha\nBETA\ngamma\n',
    );
  });

  it('applies edits in order, each on the result of the last', () => {
    const edits = [
      { oldText: 'one', newText: 'two' },
      { oldText: 'two two', newText: 'three' },
    ];
    expect(applyEdits('one two', edits, 'f')).toBe('three');
  });

  it('inserts replacement text literally, $ patterns included', () => {
    expect(applyEdits('price: X', [{ oldText: 'X', newText: "$& $1 $$ $'" }], 'f')).toBe(
      "price: $& $1 $$ $'",
    );
  });

  it('matches ignoring indentation and re-indents the replacement', () => {
    const file = 'function f() {\n    if (x) {\n        return 1;\n    }\n}\n';
    const edit = { oldText: 'if (x) {\n    return 1;\n}', newText: 'if (y) {\n    return 2;\n}' };
    expect(applyEdits(file, [edit], 'f.ts')).toBe(
      'function f() {\n    if (y) {\n        return 2;\n    }\n}\n',
    );
  });

  it('matches ignoring trailing spaces and keeps the matched block indentation with tabs', () => {
    const file = 'root:\n\tchild: 1   \n\tother: 2\n';
    expect(applyEdits(file, [{ oldText: 'child: 1\nother: 2', newText: 'child: 10\nother: 20' }], 'f')).toBe(
      'root:\n\tchild: 10\n\tother: 20\n',
    );
  });

  it('refuses an ambiguous edit (matches twice), naming edits[i]', () => {
    const message = refusalOf(() =>
      applyEdits(
        'x = 1\ny = 2\nx = 1\n',
        [
          { oldText: 'y = 2', newText: 'y = 3' },
          { oldText: 'x = 1', newText: 'x = 9' },
        ],
        'src/a.ts',
      ),
    );
    expect(message).toBe(
      'edits[1].oldText matches more than one place in "src/a.ts"; include more surrounding lines',
    );
  });

  it('refuses an edit that matches twice ignoring indentation', () => {
    const message = refusalOf(() =>
      applyEdits('  a\n  b\n    a\n    b\n', [{ oldText: 'a\nb', newText: 'c' }], 'f'),
    );
    expect(message).toBe(
      'edits[0].oldText matches more than one place in "f" (ignoring indentation); include more lines',
    );
  });

  it('refuses an edit that is not found', () => {
    expect(refusalOf(() => applyEdits('abc\n', [{ oldText: 'xyz', newText: '' }], 'f'))).toBe(
      'edits[0].oldText was not found in "f", even ignoring indentation',
    );
  });

  it('refuses an empty oldText', () => {
    expect(refusalOf(() => applyEdits('abc', [{ oldText: '', newText: 'x' }], 'f'))).toBe(
      'edits[0].oldText is empty',
    );
  });

  it('throws when a later edit fails, so the caller writes nothing', () => {
    const edits = [
      { oldText: 'a', newText: 'A' },
      { oldText: 'missing', newText: 'M' },
    ];
    expect(refusalOf(() => applyEdits('a b c', edits, 'f'))).toMatch(/^edits\[1\]\.oldText was not found/);
  });

  it('keeps a CRLF file CRLF, matching LF edits', () => {
    const file = 'one\r\ntwo\r\nthree\r\n';
    expect(applyEdits(file, [{ oldText: 'one\ntwo', newText: 'uno\ndos\nmas' }], 'f')).toBe(
      'uno\r\ndos\r\nmas\r\nthree\r\n',
    );
    expect(applyEdits(file, [{ oldText: 'two\r\nthree', newText: '2\r\n3' }], 'f')).toBe('one\r\n2\r\n3\r\n');
  });

  it('keeps an LF file LF when the edit uses CRLF', () => {
    expect(applyEdits('one\ntwo\n', [{ oldText: 'one\r\ntwo', newText: 'a\r\nb' }], 'f')).toBe('a\nb\n');
  });

  it('keeps the line endings of a mixed file outside the edit', () => {
    expect(applyEdits('a\r\nb\nc\r\n', [{ oldText: 'b', newText: 'B' }], 'f')).toBe('a\r\nB\nc\r\n');
    // An LF edit spanning a CRLF line of a mixed file is still found, line by line.
    expect(applyEdits('a\r\nb\nc\r\n', [{ oldText: 'a\nb', newText: 'A\nB' }], 'f')).toBe('A\nB\nc\r\n');
  });

  it('replacing X by X where X occurs once is the identity (LF text)', () => {
    fc.assert(
      fc.property(
        lfText.filter((t) => uniqueSubstrings(t).length > 0),
        fc.nat(),
        (text, pick) => {
          const choices = uniqueSubstrings(text);
          const x = choices[pick % choices.length] as string;
          expect(applyEdits(text, [{ oldText: x, newText: x }], 'f')).toBe(text);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('replacing X by X where X occurs once is the identity (CRLF and mixed line endings)', () => {
    const eol = fc.constantFrom('\n', '\r\n');
    const text = fc
      .array(fc.tuple(lineText, eol), { minLength: 1, maxLength: 10 })
      .map((lines) => lines.map(([line, end]) => line + end).join(''));
    fc.assert(
      fc.property(text, fc.nat(), (t, pick) => {
        // Candidates never start or end between the \r and \n of a line break.
        const choices = uniqueSubstrings(t).filter((x) => {
          const at = t.indexOf(x);
          return (
            !(x.startsWith('\n') && t[at - 1] === '\r') && !(x.endsWith('\r') && t[at + x.length] === '\n')
          );
        });
        if (choices.length === 0) return;
        const x = choices[pick % choices.length] as string;
        expect(applyEdits(t, [{ oldText: x, newText: x }], 'f')).toBe(t);
      }),
      { numRuns: 200 },
    );
  });

  it('replacing a unique X by Y is a plain substitution in LF text', () => {
    fc.assert(
      fc.property(
        lfText.filter((t) => uniqueSubstrings(t).length > 0),
        fc.nat(),
        lineText,
        (text, pick, y) => {
          const choices = uniqueSubstrings(text);
          const x = choices[pick % choices.length] as string;
          const at = text.indexOf(x);
          expect(applyEdits(text, [{ oldText: x, newText: y }], 'f')).toBe(
            text.slice(0, at) + y + text.slice(at + x.length),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('fencedDiff', () => {
  it('is a unified diff inside a diff fence', async () => {
    const out = await fencedDiff('a.txt', 'one\ntwo\n', 'one\nTWO\n');
    expect(out.startsWith('```diff\n')).toBe(true);
    expect(out.endsWith('```\n\n')).toBe(true);
    expect(out).toContain('--- a.txt\toriginal');
    expect(out).toContain('+++ a.txt\tmodified');
    expect(out).toContain('-two\n+TWO');
  });

  it('shows CRLF files as LF', async () => {
    expect(await fencedDiff('f', 'a\r\nb\r\n', 'a\r\nc\r\n')).not.toContain('\r');
  });

  it('uses a fence longer than any backtick run inside, so content cannot end it', async () => {
    expect((await fencedDiff('f', 'a```b\n', 'a````c\n')).startsWith('`````diff\n')).toBe(true);
    const text = fc.string({ unit: fc.constantFrom('`', '`', 'a', '\n'), maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(text, text, async (before, after) => {
        const out = await fencedDiff('f', before, after);
        const fence = /^`+/.exec(out)?.[0] ?? '';
        expect(fence.length).toBeGreaterThanOrEqual(3);
        expect(out.endsWith(`${fence}\n\n`)).toBe(true);
        const body = out.slice(fence.length + 'diff\n'.length, out.length - fence.length - 2);
        const longestRun = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
        expect(fence.length).toBeGreaterThan(longestRun);
      }),
      { numRuns: 200 },
    );
  });
});
