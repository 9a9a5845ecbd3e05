const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SLASH = 0x2f;
const STAR = 0x2a;
const LF = 0x0a;
const CR = 0x0d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Where a string that opened before `from` ends: after its closing quote, or at a line break or the end. */
function stringEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) i++;
    else if (c === LF || c === CR) return i;
  }
  return text.length;
}

function lineEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || c === CR) return i;
  }
  return text.length;
}

/**
 * Whether JSON (or JSONC) text nests objects and arrays deeper than `maxDepth`, read from the text itself, without
 * parsing it and without recursion, so it can guard a parser that recurses (jsonc-parser) before it runs.
 *
 * It reads the text the way jsonc-parser tokenizes it — strings end at an unescaped quote or a line break, `//` and
 * `/* … *\/` are comments — and it never counts less than that parser nests: a closer pops only the bracket it
 * matches, where the parser skips a mismatched one, and brackets the parser skips while recovering from an error
 * are still counted. On valid JSON it is exact.
 */
export function exceedsTextDepth(text: string, maxDepth: number): boolean {
  const open: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i + 1) - 1;
    } else if (c === SLASH) {
      const next = text.charCodeAt(i + 1);
      if (next === SLASH) i = lineEnd(text, i + 2) - 1;
      else if (next === STAR) {
        const end = text.indexOf('*/', i + 2);
        if (end === -1) return false;
        i = end + 1;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (open.length >= maxDepth) return true;
      open.push(c);
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (open[open.length - 1] === (c === CLOSE_BRACE ? OPEN_BRACE : OPEN_BRACKET)) open.pop();
    }
  }
  return false;
}
