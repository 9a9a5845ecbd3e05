export class ProtoSyntaxError extends Error {
  override readonly name = 'ProtoSyntaxError';
}

export interface Token {
  /** For strings, the decoded value. */
  readonly text: string;
  readonly line: number;
  readonly kind: 'word' | 'string' | 'symbol';
}

const SYMBOLS = new Set(['{', '}', '(', ')', '[', ']', ';', '=', ',', '<', '>', ':', '-', '+', '/']);
const WORD = /[A-Za-z0-9_.]/;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/** Splits .proto source into words (identifiers and numbers), decoded strings and symbols; comments go. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      i++;
    } else if (c === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      if (end === -1) throw new ProtoSyntaxError(`unterminated comment (line ${line})`);
      line += source.slice(i, end).split('\n').length - 1;
      i = end + 2;
    } else if (c === '"' || c === "'") {
      const [text, next] = readString(source, i, line);
      tokens.push({ text, line, kind: 'string' });
      i = next;
    } else if (SYMBOLS.has(c)) {
      tokens.push({ text: c, line, kind: 'symbol' });
      i++;
    } else if (WORD.test(c)) {
      let j = i;
      // An exponent's sign belongs to the number: 1e-5.
      while (
        j < source.length &&
        (WORD.test(source[j] as string) ||
          ((source[j] === '-' || source[j] === '+') &&
            /^[0-9.][0-9.]*[eE]$/.test(source.slice(i, j)) &&
            !/^0[xX]/.test(source.slice(i, j))))
      )
        j++;
      tokens.push({ text: source.slice(i, j), line, kind: 'word' });
      i = j;
    } else {
      throw new ProtoSyntaxError(`unexpected character ${JSON.stringify(c)} (line ${line})`);
    }
  }
  return tokens;
}

function readString(source: string, start: number, line: number): [string, number] {
  const quote = source[start];
  let text = '';
  let i = start + 1;
  for (;;) {
    const c = source[i];
    if (c === undefined || c === '\n') throw new ProtoSyntaxError(`unterminated string (line ${line})`);
    if (c === quote) return [text, i + 1];
    if (c !== '\\') {
      text += c;
      i++;
      continue;
    }
    const e = source[i + 1] ?? '';
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      text += simple;
      i += 2;
    } else if (e === 'x' || e === 'X') {
      const hex = /^[0-9a-fA-F]{1,2}/.exec(source.slice(i + 2, i + 4))?.[0];
      if (!hex) throw new ProtoSyntaxError(`bad \\x escape in a string (line ${line})`);
      text += String.fromCharCode(Number.parseInt(hex, 16));
      i += 2 + hex.length;
    } else if (/[0-7]/.test(e)) {
      const octal = /^[0-7]{1,3}/.exec(source.slice(i + 1, i + 4))?.[0] as string;
      text += String.fromCharCode(Number.parseInt(octal, 8) & 0xff);
      i += 1 + octal.length;
    } else if (e === 'u' || e === 'U') {
      const width = e === 'u' ? 4 : 8;
      const hex = source.slice(i + 2, i + 2 + width);
      const code = /^[0-9a-fA-F]+$/.test(hex) && hex.length === width ? Number.parseInt(hex, 16) : Number.NaN;
      if (!(code <= 0x10ffff)) throw new ProtoSyntaxError(`bad \\${e} escape in a string (line ${line})`);
      text += String.fromCodePoint(code);
      i += 2 + width;
    } else {
      throw new ProtoSyntaxError(`unknown escape \\${e} in a string (line ${line})`);
    }
  }
}
