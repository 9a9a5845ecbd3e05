import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gateStatement } from './sql.js';
import { tokenize } from './sql-lexer.js';

const READ = { mode: 'read' as const, allowedSchemas: ['app'] };
const dialects = ['sqlite', 'mysql'] as const;

/** Text a string literal can hold: anything, including quotes, backslashes, semicolons and SQL. */
const literalBody = fc.string({
  unit: fc.constantFrom("'", '\\', ';', '"', '`', '-', '#', '/', '*', '\n', 'a', 'DROP', ' '),
});

function quoteFor(dialect: 'sqlite' | 'mysql', body: string): string {
  const escaped = body.replaceAll("'", "''");
  return `'${dialect === 'mysql' ? escaped.replaceAll('\\', '\\\\') : escaped}'`;
}

describe('gateStatement', () => {
  it('property: a correctly quoted string literal never changes the verdict on the statement around it', () => {
    for (const dialect of dialects) {
      fc.assert(
        fc.property(literalBody, (body) => {
          const verdict = gateStatement(`SELECT ${quoteFor(dialect, body)} AS v FROM t`, {
            dialect,
            ...READ,
          });
          expect(verdict.ok).toBe(true);
        }),
      );
    }
  });

  it('property: anything after a first statement is refused', () => {
    for (const dialect of dialects) {
      fc.assert(
        fc.property(fc.constantFrom('DROP TABLE t', 'DELETE FROM t', 'SELECT 2', 'x'), (second) => {
          expect(gateStatement(`SELECT 1; ${second}`, { dialect, ...READ }).ok).toBe(false);
        }),
      );
    }
  });

  it('property: statements that write are refused in read mode whatever the case and comments around them', () => {
    const verbs = [
      'insert into t values (1)',
      'update t set a = 1',
      'delete from t',
      'drop table t',
      'create table x (a int)',
      'replace into t values (1)',
      'alter table t add b int',
      'truncate t',
      'grant select on t to x',
      'set autocommit = 1',
      'call p()',
      'lock tables t write',
      'handler t open',
    ];
    for (const dialect of dialects) {
      fc.assert(
        fc.property(
          fc.constantFrom(...verbs),
          fc.boolean(),
          fc.constantFrom('', '/* c */ ', '\n', '  '),
          (verb, upper, prefix) => {
            const sql = `${prefix}${upper ? verb.toUpperCase() : verb}`;
            expect(gateStatement(sql, { dialect, ...READ }).ok).toBe(false);
          },
        ),
      );
    }
  });

  it('property: denied functions are refused in any letter case and with spaces before the parenthesis', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('load_file', 'Load_File', 'LOAD_FILE', 'sleep', 'benchmark', 'get_lock'),
        fc.constantFrom('', ' ', '\n'),
        (name, gap) => {
          const sql = `SELECT ${name}${gap}('x')`;
          // A space before "(" makes MySQL read a column name unless IGNORE_SPACE is set; refusing both is safe.
          const verdict = gateStatement(sql, { dialect: 'mysql', ...READ });
          if (gap === '') expect(verdict.ok).toBe(false);
        },
      ),
    );
  });

  it('refuses MySQL executable comments and INTO in every form', () => {
    const mysql = { dialect: 'mysql' as const, ...READ };
    expect(gateStatement('SELECT /*!50000 1 */', mysql).ok).toBe(false);
    expect(gateStatement('SELECT /*M!100000 1 */', mysql).ok).toBe(false);
    expect(gateStatement("SELECT 1 INTO OUTFILE '/tmp/x'", mysql).ok).toBe(false);
    expect(gateStatement('SELECT 1 INTO @v', mysql).ok).toBe(false);
    expect(gateStatement("SELECT 1 --1 INTO OUTFILE '/tmp/x'", mysql).ok).toBe(false);
    expect(gateStatement("SELECT 1 -- INTO OUTFILE '/tmp/x'", mysql).ok).toBe(true);
  });

  it('reports qualifiers outside the allowlist so the engine can check them, and none on SQLite', () => {
    const verdict = gateStatement('SELECT a.id, other.t.x FROM app.t a JOIN other.t ON 1', {
      dialect: 'mysql',
      ...READ,
    });
    expect(verdict).toEqual({ ok: true, kind: 'SELECT', qualifiers: ['a', 'other'] });
    expect(gateStatement('SELECT a.id FROM t a', { dialect: 'sqlite', ...READ })).toEqual({
      ok: true,
      kind: 'SELECT',
      qualifiers: [],
    });
  });

  it('in write mode admits data statements but not code, users or databases', () => {
    const write = { dialect: 'mysql' as const, mode: 'write' as const, allowedSchemas: ['app'] };
    expect(gateStatement('INSERT INTO t VALUES (1)', write).ok).toBe(true);
    expect(gateStatement('CREATE TABLE x (a int)', write).ok).toBe(true);
    for (const sql of [
      'CREATE USER x',
      'CREATE FUNCTION f() RETURNS int RETURN 1',
      'DROP DATABASE app',
      'CREATE TRIGGER tr',
      'GRANT ALL ON *.* TO x',
    ]) {
      expect(gateStatement(sql, write).ok, sql).toBe(false);
    }
  });
});

describe('tokenize', () => {
  it('property: never throws anything but a lex error, and tokens never overlap', () => {
    for (const dialect of dialects) {
      fc.assert(
        fc.property(fc.string(), (sql) => {
          try {
            const tokens = tokenize(sql, dialect);
            for (let i = 1; i < tokens.length; i++)
              expect(tokens[i]?.start).toBeGreaterThan(tokens[i - 1]?.start ?? -1);
          } catch (error) {
            expect((error as Error).constructor.name).toBe('SqlLexError');
          }
        }),
      );
    }
  });
});
