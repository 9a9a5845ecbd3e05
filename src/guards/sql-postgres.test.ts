import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { gatePostgres, loadPostgresParser } from './sql-postgres.js';

const READ = { mode: 'read' as const, allowedSchemas: ['app'] };

beforeAll(async () => {
  await loadPostgresParser();
});

describe('gatePostgres', () => {
  it('property: a quoted literal (any text, dollar quotes too) never changes the verdict', () => {
    fc.assert(
      fc.property(fc.string(), (body) => {
        if (body.includes('\0')) return;
        expect(gatePostgres(`SELECT '${body.replaceAll("'", "''")}' AS v`, READ).ok).toBe(true);
        // The body must not close the quote early: "$q" + "$q$" would end it at the body's own "$q$".
        const closesAtEnd = `${body}$q$`.indexOf('$q$') === body.length;
        if (closesAtEnd) expect(gatePostgres(`SELECT $q$${body}$q$ AS v`, READ).ok).toBe(true);
      }),
    );
  });

  it('property: denied functions are refused however they are written', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          'pg_read_file',
          'pg_ls_dir',
          'lo_import',
          'set_config',
          'nextval',
          'dblink',
          'query_to_xml',
          'pg_ls_waldir',
        ),
        fc.constantFrom('', 'pg_catalog.', 'PG_CATALOG.', '"pg_catalog".'),
        fc.boolean(),
        (name, schema, upper) => {
          const called = `${schema}${upper ? name.toUpperCase() : name}`;
          expect(gatePostgres(`SELECT * FROM (SELECT ${called}('x')) s`, READ).ok).toBe(false);
        },
      ),
    );
  });

  it('property: a data-modifying statement is refused wherever it is nested', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          'DELETE FROM t RETURNING *',
          'UPDATE t SET a = 1 RETURNING *',
          'INSERT INTO t VALUES (1) RETURNING *',
        ),
        fc.integer({ min: 1, max: 3 }),
        (dml, depth) => {
          let sql = `WITH d AS (${dml}) SELECT * FROM d`;
          for (let i = 1; i < depth; i++) sql = `WITH w${i} AS (SELECT 1) SELECT * FROM (${sql}) x${i}`;
          expect(gatePostgres(sql, READ).ok).toBe(false);
        },
      ),
    );
  });

  it('refuses schemas outside the allowlist in relations and functions, and admits the system catalogs', () => {
    expect(gatePostgres('SELECT * FROM other.t', READ).ok).toBe(false);
    expect(gatePostgres('SELECT other.f()', READ).ok).toBe(false);
    expect(gatePostgres('SELECT * FROM app.t JOIN pg_catalog.pg_class c ON true', READ).ok).toBe(true);
    expect(gatePostgres('SELECT table_name FROM information_schema.tables', READ).ok).toBe(true);
  });

  it('refuses every statement but a query in read mode, naming it', () => {
    for (const [sql, named] of [
      ['SET ROLE postgres', 'SET'],
      ['COMMIT', 'transaction control'],
      ["COPY t TO PROGRAM 'id'", 'COPY'],
      ['DO $$ BEGIN END $$', 'DO'],
      ['EXPLAIN ANALYZE DELETE FROM t', 'EXPLAIN'],
    ] as const) {
      const verdict = gatePostgres(sql, READ);
      expect(verdict.ok).toBe(false);
      if (!verdict.ok) expect(verdict.reason).toContain(named);
    }
  });

  it('in write mode keeps writes inside the allowlist and refuses other objects', () => {
    const write = { mode: 'write' as const, allowedSchemas: ['app'] };
    expect(gatePostgres('INSERT INTO t VALUES (1)', write).ok).toBe(true);
    expect(gatePostgres('INSERT INTO other.t VALUES (1)', write).ok).toBe(false);
    expect(gatePostgres('DROP TABLE other.t', write).ok).toBe(false);
    expect(gatePostgres('DROP SCHEMA app CASCADE', write).ok).toBe(false);
    expect(gatePostgres('CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql', write).ok).toBe(
      false,
    );
    expect(gatePostgres('ALTER TABLE other.t ADD COLUMN b int', write).ok).toBe(false);
  });
});
