import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbConfigSchema, openEngine } from '../../src/servers/db/index.js';
import {
  type Fixture,
  mariadbFixture,
  type PostgresFixture,
  postgresFixture,
  sqliteFixture,
  T_ROWS,
} from '../helpers/databases.js';
import { type Session, spawnRampart } from '../helpers/mcp.js';
import { type Layout, makeLayout } from '../helpers/sandbox.js';
import { describeWithService } from '../helpers/services.js';

type Attack = readonly [name: string, sql: (f: Fixture) => string];

/** Each attack must come back as a refusal, and leave app.t with its rows and the data outside unread. */
function refusesEveryAttack(
  label: string,
  setup: (dir: string) => Promise<{ fixture: Fixture; url: string }>,
  attacks: readonly Attack[],
  outfiles: (fixture: Fixture) => string[] = () => [],
) {
  describe(label, () => {
    let layout: Layout;
    let fixture: Fixture;
    let db: Session;

    beforeAll(async () => {
      layout = makeLayout();
      const made = await setup(layout.base);
      fixture = made.fixture;
      const schemas = made.url.startsWith('sqlite:') ? [] : ['--schemas', fixture.app];
      db = await spawnRampart(['db', made.url, ...schemas, '--log-level', 'silent']);
    });

    afterAll(async () => {
      await db?.close();
      await fixture?.cleanup();
      layout?.cleanup();
    });

    for (const [name, sql] of attacks) {
      it(`refuses ${name}`, async () => {
        const result = await db.call('query', { sql: sql(fixture) });
        expect(result.isError, result.text).toBe(true);
        expect(result.text).not.toContain('top secret');
        expect(result.text.split('\n')).toHaveLength(1);
        expect(await fixture.countT()).toBe(T_ROWS);
      });
    }

    it('refuses identifier injection through describe_table', async () => {
      const result = await db.call('describe_table', { table: 't); DROP TABLE t; --' });
      expect(result.isError).toBe(true);
      expect(result.text).toContain('no table or view named');
      expect(await fixture.countT()).toBe(T_ROWS);
    });

    it('refuses a schema outside the allowlist as a tool argument', async () => {
      const result = await db.call('list_tables', { schema: fixture.other });
      expect(result.isError).toBe(true);
      expect(result.text).toContain('outside the allowed schemas');
    });

    it('wrote no file on the server', () => {
      for (const file of outfiles(fixture)) expect(existsSync(file)).toBe(false);
    });
  });
}

const COMMON: readonly Attack[] = [
  ['stacked statements (SELECT 1; DROP TABLE t)', () => 'SELECT 1; DROP TABLE t'],
  ['COMMIT; DROP TABLE t', () => 'COMMIT; DROP TABLE t'],
  ['ROLLBACK; DELETE FROM t', () => 'ROLLBACK; DELETE FROM t'],
  ['a plain DELETE', () => 'DELETE FROM t'],
  [
    'a writable CTE (WITH d AS (DELETE … RETURNING *) SELECT …)',
    () => 'WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d',
  ],
];

const POSTGRES: readonly Attack[] = [
  ...COMMON,
  ["pg_read_file('/etc/passwd')", () => "SELECT pg_read_file('/etc/passwd')"],
  [
    'pg_catalog.pg_read_file, schema-qualified and upper-case',
    () => "SELECT PG_CATALOG.PG_READ_FILE('/etc/passwd')",
  ],
  ["pg_ls_dir('.')", () => "SELECT * FROM pg_ls_dir('.')"],
  ["lo_import('/etc/passwd')", () => "SELECT lo_import('/etc/passwd')"],
  ["COPY … TO PROGRAM 'id'", (f) => `COPY ${f.app}.t TO PROGRAM 'id'`],
  ["COPY … FROM '/etc/passwd'", (f) => `COPY ${f.app}.t FROM '/etc/passwd'`],
  ['SET default_transaction_read_only = off', () => 'SET default_transaction_read_only = off'],
  ['SET ROLE postgres', () => 'SET ROLE postgres'],
  [
    'SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE',
    () => 'SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE',
  ],
  [
    "set_config('default_transaction_read_only', 'off', false)",
    () => "SELECT set_config('default_transaction_read_only', 'off', false)",
  ],
  ["nextval('s')", () => "SELECT nextval('s')"],
  [
    'dynamic SQL through query_to_xml',
    () => "SELECT query_to_xml('DELETE FROM t RETURNING *', true, true, '')",
  ],
  ['a table outside the allowlist by qualified name', (f) => `SELECT * FROM ${f.other}.secrets`],
  ['a table outside the allowlist through search_path', (f) => `SET search_path TO ${f.other}`],
  [
    'a table outside the allowlist by unqualified name (search_path holds only the allowlist)',
    () => 'SELECT * FROM secrets',
  ],
  ['SELECT … INTO a new table', () => 'SELECT * INTO stolen FROM t'],
  ['DO blocks', () => 'DO $$ BEGIN DELETE FROM t; END $$'],
];

const MARIADB: readonly Attack[] = [
  ...COMMON,
  ['SELECT … INTO OUTFILE', (f) => `SELECT * FROM t INTO OUTFILE '/tmp/rampart-outfile-${f.app}-1'`],
  ['INTO DUMPFILE', (f) => `SELECT name FROM t LIMIT 1 INTO DUMPFILE '/tmp/rampart-outfile-${f.app}-2'`],
  [
    'INTO OUTFILE hidden behind a backslash-escaped quote',
    (f) => `SELECT 'a\\' INTO OUTFILE '/tmp/rampart-outfile-${f.app}-3' -- '`,
  ],
  [
    'INTO OUTFILE after --1 (arithmetic in MySQL, not a comment)',
    (f) => `SELECT 1 --1 INTO OUTFILE '/tmp/rampart-outfile-${f.app}-4'`,
  ],
  ["LOAD_FILE('/etc/passwd')", () => "SELECT LOAD_FILE('/etc/passwd')"],
  ['LOAD DATA INFILE', (f) => `LOAD DATA INFILE '/etc/passwd' INTO TABLE ${f.app}.t`],
  ['SET SESSION TRANSACTION READ WRITE', () => 'SET SESSION TRANSACTION READ WRITE'],
  ['an executable comment (/*! … */)', () => 'SELECT /*!50000 1; DROP TABLE t */ 1'],
  ['USE of another database', (f) => `USE ${f.other}`],
  ['a table outside the allowlist by qualified name', (f) => `SELECT * FROM ${f.other}.secrets`],
  ['a table outside the allowlist, backquoted', (f) => `SELECT v FROM \`${f.other}\`.\`secrets\``],
  ['the mysql system database', () => 'SELECT * FROM mysql.user'],
];

const SQLITE: readonly Attack[] = [
  ['stacked statements (SELECT 1; DROP TABLE t)', () => 'SELECT 1; DROP TABLE t'],
  ['a plain DELETE', () => 'DELETE FROM t'],
  ['COMMIT; DROP TABLE t', () => 'COMMIT; DROP TABLE t'],
  ['ATTACH DATABASE', () => "ATTACH DATABASE '/tmp/rampart-attached.sqlite' AS x"],
  ["load_extension('/tmp/evil')", () => "SELECT load_extension('/tmp/evil')"],
  ['PRAGMA writable_schema = 1', () => 'PRAGMA writable_schema = 1'],
  ['PRAGMA journal_mode = WAL', () => 'PRAGMA journal_mode = WAL'],
  ['PRAGMA query_only = 0', () => 'PRAGMA query_only = 0'],
  ["VACUUM INTO '/tmp/…'", () => "VACUUM INTO '/tmp/rampart-vacuum.sqlite'"],
  ['a DELETE hidden after a comment', () => '/* SELECT */ DELETE FROM t'],
];

refusesEveryAttack(
  'SQL attacks on SQLite',
  async (dir) => {
    const fixture = await sqliteFixture(dir);
    return { fixture, url: fixture.url };
  },
  SQLITE,
  () => ['/tmp/rampart-attached.sqlite', '/tmp/rampart-vacuum.sqlite'],
);

await describeWithService('PostgreSQL', 5432, 'SQL attacks on PostgreSQL', () => {
  let shared: PostgresFixture | undefined;
  const once = async () => {
    shared ??= await postgresFixture();
    return shared;
  };
  refusesEveryAttack(
    'as the superuser',
    async () => {
      const fixture = await once();
      return { fixture: { ...fixture, cleanup: async () => {} }, url: fixture.url };
    },
    POSTGRES,
  );
  it('says loudly, in list_schemas, when the connection is a superuser, and not for a SELECT-only role', async () => {
    const fixture = await once();
    const admin = await spawnRampart(['db', fixture.url, '--schemas', fixture.app, '--log-level', 'silent']);
    const reader = await spawnRampart([
      'db',
      fixture.readerUrl,
      '--schemas',
      fixture.app,
      '--log-level',
      'silent',
    ]);
    try {
      const loud = await admin.call('list_schemas', {});
      expect(loud.text).toMatch(/WARNING: the PostgreSQL role "postgres" is a superuser/);
      expect(loud.structured?.warnings).toHaveLength(1);
      expect((await reader.call('list_schemas', {})).structured?.warnings).toEqual([]);
    } finally {
      await admin.close();
      await reader.close();
    }
  });
  refusesEveryAttack(
    'as a SELECT-only role',
    async () => {
      const fixture = await once();
      return { fixture, url: fixture.readerUrl };
    },
    POSTGRES,
  );
});

await describeWithService('MariaDB', 3306, 'SQL attacks on MariaDB', () => {
  refusesEveryAttack(
    'as root',
    async () => {
      const fixture = await mariadbFixture();
      return { fixture, url: fixture.url };
    },
    MARIADB,
    (f) => [1, 2, 3, 4].map((n) => `/tmp/rampart-outfile-${f.app}-${n}`),
  );
});

/** The gate is the second layer: with it bypassed, the engine itself still refuses to write. */
function engineRefusesWrites(
  name: string,
  make: () => Promise<{ fixture: Fixture; url: string; schemas: string[] }>,
) {
  it(`${name} refuses a DELETE handed straight to the engine, past the gate, as its most privileged user`, async () => {
    const { fixture, url, schemas } = await make();
    const engine = await openEngine(dbConfigSchema.parse({ url, schemas, logLevel: 'silent' }));
    try {
      const signal = new AbortController().signal;
      for (const sql of [
        'DELETE FROM t',
        'SELECT 1; DELETE FROM t',
        'WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d',
      ]) {
        await expect(engine.query(sql, [], 10, signal), sql).rejects.toThrow();
      }
      expect(await fixture.countT()).toBe(T_ROWS);
    } finally {
      await engine.close();
      await fixture.cleanup();
    }
  });
}

describe('read-only by the engine, not by the gate', () => {
  engineRefusesWrites('SQLite', async () => {
    const layout = makeLayout();
    const fixture = await sqliteFixture(layout.base);
    return { fixture: { ...fixture, cleanup: async () => layout.cleanup() }, url: fixture.url, schemas: [] };
  });
});

await describeWithService('PostgreSQL', 5432, 'read-only by the PostgreSQL engine, not by the gate', () => {
  engineRefusesWrites('PostgreSQL', async () => {
    const fixture = await postgresFixture();
    return { fixture, url: fixture.url, schemas: [fixture.app] };
  });
});

await describeWithService('MariaDB', 3306, 'read-only by the MariaDB engine, not by the gate', () => {
  engineRefusesWrites('MariaDB', async () => {
    const fixture = await mariadbFixture();
    return { fixture, url: fixture.url, schemas: [fixture.app] };
  });
});
