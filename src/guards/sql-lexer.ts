/**
 * A lexer for SQLite and MySQL/MariaDB that knows exactly where strings, quoted identifiers and comments begin
 * and end in each dialect, so that the statement gate sees the same token boundaries the engine does. Getting
 * this wrong is how text-matching gates are bypassed (`'\'' INTO OUTFILE`, `--1`), so every rule here mirrors
 * the engine's own, and anything the lexer does not understand is refused rather than guessed at.
 */

export type LexDialect = 'sqlite' | 'mysql';

export type TokenKind = 'word' | 'identifier' | 'string' | 'number' | 'param' | 'punct';

export interface Token {
  readonly kind: TokenKind;
  /** Source text; for `word`, upper-cased; for `identifier`, the unquoted name. */
  readonly text: string;
  readonly start: number;
}

export class SqlLexError extends Error {}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v';
}

/** Index just past a quoted run opened at `start` by `quote`; doubled quotes (and in MySQL backslashes) escape. */
function endOfQuoted(sql: string, start: number, quote: string, backslash: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const ch = sql[i];
    if (backslash && ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  throw new SqlLexError(`unterminated ${quote} quote starting at character ${start + 1}`);
}

function unquote(raw: string, quote: string, close = quote): string {
  return raw.slice(1, -1).split(`${close}${close}`).join(close);
}

export function tokenize(sql: string, dialect: LexDialect): Token[] {
  const mysql = dialect === 'mysql';
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    const next = sql[i + 1];
    if (isSpace(ch)) {
      i++;
      continue;
    }
    if (ch === '\0') throw new SqlLexError('NUL characters are not accepted in SQL');
    // `--` starts a comment in SQLite always, in MySQL only when followed by a space, a control character or the
    // end: `1--1` is arithmetic there.
    if (ch === '-' && next === '-' && (!mysql || i + 2 >= sql.length || sql.charCodeAt(i + 2) <= 32)) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
      continue;
    }
    if (mysql && ch === '#') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
      continue;
    }
    if (ch === '/' && next === '*') {
      // MySQL runs the inside of /*! … */ (and MariaDB of /*M! … */) as code: no gate can see through that.
      if (mysql && (sql[i + 2] === '!' || (sql[i + 2] === 'M' && sql[i + 3] === '!'))) {
        throw new SqlLexError('MySQL executable comments (/*! … */) are not accepted');
      }
      const end = sql.indexOf('*/', i + 2);
      if (end === -1) {
        // SQLite ends an unterminated comment at the end of input; MySQL refuses it. Either way, nothing follows.
        if (mysql) throw new SqlLexError(`unterminated comment starting at character ${i + 1}`);
        i = sql.length;
        continue;
      }
      i = end + 2;
      continue;
    }
    if (ch === "'") {
      const end = endOfQuoted(sql, i, "'", mysql);
      tokens.push({ kind: 'string', text: sql.slice(i, end), start: i });
      i = end;
      continue;
    }
    if (ch === '"') {
      const end = endOfQuoted(sql, i, '"', mysql);
      // A string in MySQL (unless ANSI_QUOTES), an identifier in SQLite: opaque to the gate either way.
      tokens.push(
        mysql
          ? { kind: 'string', text: sql.slice(i, end), start: i }
          : { kind: 'identifier', text: unquote(sql.slice(i, end), '"'), start: i },
      );
      i = end;
      continue;
    }
    if (ch === '`') {
      const end = endOfQuoted(sql, i, '`', false);
      tokens.push({ kind: 'identifier', text: unquote(sql.slice(i, end), '`'), start: i });
      i = end;
      continue;
    }
    if (!mysql && ch === '[') {
      const end = sql.indexOf(']', i);
      if (end === -1) throw new SqlLexError(`unterminated [ identifier starting at character ${i + 1}`);
      tokens.push({ kind: 'identifier', text: sql.slice(i + 1, end), start: i });
      i = end + 1;
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(next ?? ''))) {
      let end = i + 1;
      while (end < sql.length && /[0-9A-Za-z_.]/.test(sql[end] as string)) {
        if ((sql[end] === 'e' || sql[end] === 'E') && (sql[end + 1] === '+' || sql[end + 1] === '-')) end++;
        end++;
      }
      tokens.push({ kind: 'number', text: sql.slice(i, end), start: i });
      i = end;
      continue;
    }
    if (WORD_START.test(ch)) {
      let end = i + 1;
      while (end < sql.length && WORD_PART.test(sql[end] as string)) end++;
      tokens.push({ kind: 'word', text: sql.slice(i, end).toUpperCase(), start: i });
      i = end;
      continue;
    }
    if (ch === '?' || ((ch === ':' || ch === '@' || ch === '$') && WORD_PART.test(next ?? ''))) {
      let end = i + 1;
      if (ch === '@' && next === '@') end++;
      while (end < sql.length && WORD_PART.test(sql[end] as string)) end++;
      tokens.push({ kind: 'param', text: sql.slice(i, end), start: i });
      i = end;
      continue;
    }
    tokens.push({ kind: 'punct', text: ch, start: i });
    i++;
  }
  return tokens;
}
