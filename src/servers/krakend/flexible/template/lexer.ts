import { TemplateError } from './errors.js';

export type TokenKind =
  | 'ident'
  | 'keyword'
  | 'field'
  | 'var'
  | 'string'
  | 'number'
  | 'bool'
  | 'nil'
  | 'dot'
  | 'lparen'
  | 'rparen'
  | 'pipe'
  | 'declare'
  | 'assign'
  | 'comma';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly value?: unknown;
  /** Whether whitespace came before it: `$x.a` is one term, `$x .a` two. */
  readonly spaced: boolean;
}

export type Item =
  | { readonly kind: 'text'; readonly text: string; readonly line: number }
  | { readonly kind: 'action'; readonly tokens: readonly Token[]; readonly line: number };

const KEYWORDS = new Set([
  'if',
  'else',
  'end',
  'range',
  'with',
  'template',
  'define',
  'block',
  'break',
  'continue',
]);
const IDENT = /[A-Za-z0-9_]/;
const SPACE = /[ \t\r\n]/;

/** Splits Go template source into text and actions, applying `{{-`/`-}}` trimming and dropping comments. */
export function lex(source: string, file: string): Item[] {
  const items: Item[] = [];
  // Offsets asked for only grow, so lines are counted once, from where the last question left off.
  let counted = 0;
  let countedLine = 1;
  const lineAt = (offset: number) => {
    for (; counted < offset; counted++) if (source.charCodeAt(counted) === 10) countedLine++;
    return countedLine;
  };
  let pos = 0;
  let trimNext = false;
  while (pos <= source.length) {
    const open = source.indexOf('{{', pos);
    let textEnd = open === -1 ? source.length : open;
    const trimLeft = open !== -1 && source[open + 2] === '-' && SPACE.test(source[open + 3] ?? '');
    let textStart = pos;
    if (trimNext) while (textStart < textEnd && SPACE.test(source[textStart] as string)) textStart++;
    if (trimLeft) while (textEnd > textStart && SPACE.test(source[textEnd - 1] as string)) textEnd--;
    if (textEnd > textStart)
      items.push({ kind: 'text', text: source.slice(textStart, textEnd), line: lineAt(textStart) });
    if (open === -1) break;
    const line = lineAt(open);
    let at = open + (trimLeft ? 3 : 2);
    while (SPACE.test(source[at] ?? '')) at++;
    if (source.startsWith('/*', at)) {
      const close = source.indexOf('*/', at + 2);
      if (close === -1) throw new TemplateError(file, line, 'unclosed comment');
      at = close + 2;
      while (SPACE.test(source[at] ?? '')) at++;
      trimNext = source.startsWith('-}}', at);
      if (!trimNext && !source.startsWith('}}', at))
        throw new TemplateError(file, line, 'comment ends before the closing }}');
      pos = at + (trimNext ? 3 : 2);
      continue;
    }
    const { tokens, end, trimRight } = tokenize(source, at, file, line);
    items.push({ kind: 'action', tokens, line });
    trimNext = trimRight;
    pos = end;
  }
  return items;
}

function tokenize(source: string, start: number, file: string, line: number) {
  const tokens: Token[] = [];
  let at = start;
  let spaced = true;
  const push = (kind: TokenKind, text: string, value?: unknown) => {
    tokens.push({ kind, text, spaced, ...(value !== undefined ? { value } : {}) });
    spaced = false;
  };
  for (;;) {
    const c = source[at];
    if (c === undefined) throw new TemplateError(file, line, 'unclosed action: no closing }}');
    if (SPACE.test(c)) {
      if (source.startsWith('-}}', at + 1)) return { tokens, end: at + 4, trimRight: true };
      spaced = true;
      at++;
      continue;
    }
    if (source.startsWith('}}', at)) return { tokens, end: at + 2, trimRight: false };
    if (c === '"') {
      let end = at + 1;
      while (end < source.length && source[end] !== '"') {
        if (source[end] === '\n') throw new TemplateError(file, line, 'unterminated quoted string');
        end += source[end] === '\\' ? 2 : 1;
      }
      const raw = source.slice(at, end + 1);
      let value: string;
      try {
        value = JSON.parse(raw.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1')) as string;
      } catch {
        throw new TemplateError(file, line, `bad quoted string ${raw}`);
      }
      push('string', raw, value);
      at = end + 1;
    } else if (c === '`') {
      const end = source.indexOf('`', at + 1);
      if (end === -1) throw new TemplateError(file, line, 'unterminated raw string');
      push('string', source.slice(at, end + 1), source.slice(at + 1, end));
      at = end + 1;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(source[at + 1] ?? ''))) {
      const match = /^-?(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(
        source.slice(at),
      ) as RegExpExecArray;
      // An integer constant is a Go int (printed as written), anything else a float64.
      const integer = /^-?(?:0x[0-9a-fA-F]+|\d+)$/.test(match[0]);
      const negative = match[0].startsWith('-');
      const magnitude = negative ? match[0].slice(1) : match[0];
      push(
        'number',
        match[0],
        integer ? (negative ? -BigInt(magnitude) : BigInt(magnitude)) : Number(match[0]),
      );
      at += match[0].length;
    } else if (c === '.' || c === '$') {
      let end = at + 1;
      while (IDENT.test(source[end] ?? '')) end++;
      const text = source.slice(at, end);
      push(c === '$' ? 'var' : text === '.' ? 'dot' : 'field', text);
      at = end;
    } else if (/[A-Za-z_]/.test(c)) {
      let end = at;
      while (IDENT.test(source[end] ?? '')) end++;
      const word = source.slice(at, end);
      if (word === 'true' || word === 'false') push('bool', word, word === 'true');
      else if (word === 'nil') push('nil', word);
      else push(KEYWORDS.has(word) ? 'keyword' : 'ident', word);
      at = end;
    } else if (source.startsWith(':=', at)) {
      push('declare', ':=');
      at += 2;
    } else {
      const single: Record<string, TokenKind> = {
        '(': 'lparen',
        ')': 'rparen',
        '|': 'pipe',
        '=': 'assign',
        ',': 'comma',
      };
      const kind = single[c];
      if (!kind) throw new TemplateError(file, line, `unexpected "${c}" in action`);
      push(kind, c);
      at++;
    }
  }
}
