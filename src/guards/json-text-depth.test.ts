import fc from 'fast-check';
import { visit } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { exceedsTextDepth } from './json-text-depth.js';
import { exceedsJsonDepth } from './limits.js';

/** How deep jsonc-parser's recursive descent goes on `text`, whatever state the text is in. */
function parserDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  const enter = () => {
    depth++;
    deepest = Math.max(deepest, depth);
  };
  const leave = () => {
    depth--;
  };
  visit(
    text,
    { onObjectBegin: enter, onArrayBegin: enter, onObjectEnd: leave, onArrayEnd: leave },
    { disallowComments: true, allowTrailingComma: false },
  );
  return deepest;
}

/** Text made of the characters that matter to nesting, so that random strings exercise every path. */
const jsonish = fc
  .array(fc.constantFrom(...'{}[[],,"\\/*\n\r:1 '.split(''), '"k":'), { maxLength: 80 })
  .map((parts) => parts.join(''));

describe('exceedsTextDepth', () => {
  it('agrees with the depth of the parsed value on any JSON text, pretty-printed or not', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 8 }),
        fc.constantFrom(undefined, 2),
        fc.integer({ min: 0, max: 10 }),
        (value, indent, cap) => {
          const text = JSON.stringify(value, null, indent);
          expect(exceedsTextDepth(text, cap)).toBe(exceedsJsonDepth(value, cap));
        },
      ),
    );
  });

  it('never lets jsonc-parser nest deeper than it allows, on any text, valid or not', () => {
    fc.assert(
      fc.property(jsonish, fc.integer({ min: 0, max: 6 }), (text, cap) => {
        if (!exceedsTextDepth(text, cap)) expect(parserDepth(text)).toBeLessThanOrEqual(cap);
      }),
      { numRuns: 2000 },
    );
  });

  it('counts brackets hidden after a string that a line break ends, as jsonc-parser does', () => {
    const text = `["open\n${'['.repeat(300)}`;
    expect(parserDepth(text)).toBe(301);
    expect(exceedsTextDepth(text, 256)).toBe(true);
  });

  it('is not fooled by a closer that does not match, which jsonc-parser skips', () => {
    const mismatched = `${'[},'.repeat(300)}0${']'.repeat(300)}`;
    expect(parserDepth(mismatched)).toBe(300);
    expect(exceedsTextDepth(mismatched, 256)).toBe(true);
  });

  it('is not fooled by closers in comments or strings', () => {
    const sneaky = `${'[/* ]]] */ "]]]", '.repeat(300)}${']'.repeat(300)}`;
    expect(parserDepth(sneaky)).toBe(300);
    expect(exceedsTextDepth(sneaky, 256)).toBe(true);
  });

  it('measures text far deeper than the stack allows, without recursing', () => {
    const deep = `${'{"a":['.repeat(500_000)}${']}'.repeat(500_000)}`;
    expect(exceedsTextDepth(deep, 256)).toBe(true);
    expect(exceedsTextDepth(deep, 1_000_000)).toBe(false);
  });
});
