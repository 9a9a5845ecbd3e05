import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { gateStatement } from '../../src/guards/sql.js';
import { type LexDialect, SqlLexError, tokenize } from '../../src/guards/sql-lexer.js';
import { gatePostgres, loadPostgresParser } from '../../src/guards/sql-postgres.js';
import { fuzzParameters, fuzzTimeoutMs, onlyOwnErrors } from './budget.js';
import { anyText } from './inputs.js';

/** Pieces that matter to a SQL lexer: keywords, every quote and comment form, parameters, escapes, numbers. */
const PIECES = [
  'SELECT',
  'select',
  'FROM',
  'WHERE',
  'WITH',
  'INSERT',
  'INTO',
  'OUTFILE',
  'DELETE',
  'UNION',
  'ATTACH',
  'PRAGMA',
  'load_file',
  'pg_read_file',
  'set_config',
  'a',
  't',
  'x.y',
  'ß',
  'é',
  '*',
  ',',
  ';',
  '(',
  ')',
  '.',
  '=',
  '-',
  '+',
  "'",
  "''",
  "'\\''",
  '"',
  '""',
  '`',
  '``',
  '[',
  ']',
  '--',
  '-- ',
  '--1',
  '#',
  '/*',
  '*/',
  '/*!',
  '/*M!',
  '$1',
  '$$',
  '$tag$',
  ':p',
  '@v',
  '@@g',
  '?',
  '1',
  '1.5',
  '.5',
  '1e+5',
  '0x1F',
  "E'\\n'",
  "N'x'",
  "x'ab'",
  '\\',
  ' ',
  '\n',
  '\t',
  '\r',
  '\0',
  '\u00a0',
  '\u2028',
  '\ud800',
];
const sqlish = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((parts) => parts.join(''));
const spacedSqlish = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((parts) => parts.join(' '));
const input = fc.oneof(sqlish, spacedSqlish, anyText);
const dialect = fc.constantFrom<LexDialect>('sqlite', 'mysql');
const mode = fc.constantFrom<'read' | 'write'>('read', 'write');

const lexError = (error: unknown) => error instanceof SqlLexError;
const never = () => false;

describe('the SQL lexer and statement gates on generated and hostile input', () => {
  beforeAll(() => loadPostgresParser());

  it(
    'the lexer throws nothing but its own error, and its tokens are the input’s own text, in order',
    () => {
      fc.assert(
        fc.property(input, dialect, (sql, d) => {
          const tokens = onlyOwnErrors(() => tokenize(sql, d), lexError, 'tokenize');
          if (!tokens) return;
          let previous = -1;
          for (const token of tokens) {
            expect(token.start).toBeGreaterThan(previous);
            expect(token.start).toBeLessThan(sql.length);
            previous = token.start;
            if (
              token.kind === 'string' ||
              token.kind === 'number' ||
              token.kind === 'param' ||
              token.kind === 'punct'
            )
              expect(sql.startsWith(token.text, token.start)).toBe(true);
            const raw = sql.slice(token.start, token.start + token.text.length);
            // Upper-casing can change a word's length (ß → SS): only ASCII words are compared letter for letter.
            if (token.kind === 'word' && /^[A-Za-z0-9_$]*$/.test(raw))
              expect(raw.toUpperCase()).toBe(token.text);
          }
        }),
        fuzzParameters(1_000),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'whitespace between tokens never changes them (the lexer splits where the engine does)',
    () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.constantFrom('SELECT', 'a', 'x.y', '1.5', "'s'", '"q"', '`b`', '(', ')', ',', ';', ':p', '?'),
            { maxLength: 20 },
          ),
          dialect,
          fc.constantFrom(' ', '\n', '\t', ' /* c */ '),
          (parts, d, gap) => {
            const tight = tokenize(parts.join(' '), d).map(({ kind, text }) => [kind, text]);
            const loose = tokenize(parts.join(gap), d).map(({ kind, text }) => [kind, text]);
            expect(loose).toEqual(tight);
          },
        ),
        fuzzParameters(500),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'the SQLite and MySQL gate answers every input with a verdict, never an exception',
    () => {
      fc.assert(
        fc.property(input, dialect, mode, (sql, d, m) => {
          const verdict = onlyOwnErrors(
            () => gateStatement(sql, { dialect: d, mode: m, allowedSchemas: ['app'] }),
            never,
            'gateStatement',
          );
          if (verdict && !verdict.ok) expect(verdict.reason.length).toBeGreaterThan(0);
        }),
        fuzzParameters(1_000),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'the PostgreSQL gate answers every input with a verdict, never an exception',
    () => {
      fc.assert(
        fc.property(
          fc.oneof(
            input,
            fc.integer({ min: 100, max: 20_000 }).map((n) => `SELECT ${'('.repeat(n)}1${')'.repeat(n)}`),
          ),
          mode,
          (sql, m) => {
            const verdict = onlyOwnErrors(
              () => gatePostgres(sql, { mode: m, allowedSchemas: ['app'] }),
              never,
              'gatePostgres',
            );
            if (verdict && !verdict.ok) expect(verdict.reason.length).toBeGreaterThan(0);
          },
        ),
        fuzzParameters(500),
      );
    },
    fuzzTimeoutMs(),
  );
});
