import fc from 'fast-check';

/** Characters that matter to JSON, JSONC and YAML readers, so that random text often gets somewhere. */
const JSONISH = [...'{}[]",:/*\\ \n\t\r0123456789-.eE+truefalsnul#&!|>\'?@%`~\u2028\u0000\ud800'];

/** Any text: every code unit (lone surrogates and NUL included), whole graphemes, or JSON-ish characters. */
export const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  fc.string({ unit: fc.constantFrom(...JSONISH), maxLength: 400 }),
);

/** Brackets nested far deeper than any real document, closed or not, with something in the middle. */
export const deeplyNested = fc
  .record({
    depth: fc.integer({ min: 500, max: 20_000 }),
    open: fc.constantFrom('[', '{"a":', '{"type":"array","items":', '(', '/*'),
    middle: fc.constantFrom('', '1', '"x"', 'null', '{'),
    closed: fc.boolean(),
  })
  .map(({ depth, open, middle, closed }) => {
    const close =
      { '[': ']', '{"a":': '}', '{"type":"array","items":': '}', '(': ')', '/*': '*/' }[open] ?? '';
    return open.repeat(depth) + middle + (closed ? close.repeat(depth) : '');
  });

type Edit = { at: number; kind: 'insert' | 'delete' | 'replace'; text: string };

const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('insert', 'delete', 'replace'),
  text: fc.string({ unit: fc.constantFrom(...JSONISH), minLength: 1, maxLength: 3 }),
});

/** A few random edits (insertions, deletions, replacements) of a valid text: nearly valid input. */
export function mutated(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(valid, fc.array(edit, { minLength: 1, maxLength: 4 })).map(([text, edits]) =>
    edits.reduce((current, { at, kind, text: piece }) => {
      const i = current.length === 0 ? 0 : at % (current.length + 1);
      if (kind === 'insert') return current.slice(0, i) + piece + current.slice(i);
      if (kind === 'delete') return current.slice(0, i) + current.slice(i + piece.length);
      return current.slice(0, i) + piece + current.slice(i + piece.length);
    }, text),
  );
}
