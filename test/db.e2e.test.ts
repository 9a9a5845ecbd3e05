import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, mariadbFixture, postgresFixture, sqliteFixture, T_ROWS } from './helpers/databases.js';
import { type Session, spawnRampart } from './helpers/mcp.js';
import { type Layout, makeLayout } from './helpers/sandbox.js';
import { describeWithService } from './helpers/services.js';

interface Engine {
  readonly name: string;
  readonly placeholder: string;
  readonly setup: (dir: string) => Promise<Fixture>;
  /** Date and time values and the text they must come back as. */
  readonly dateTimes: { readonly sql: string; readonly expected: readonly string[] };
}

/** The db server's tools, end to end over stdio, on one engine. */
function behavesAsADatabaseServer(engine: Engine) {
  let layout: Layout;
  let fixture: Fixture;
  let db: Session;
  let writer: Session;

  beforeAll(async () => {
    layout = makeLayout();
    fixture = await engine.setup(layout.base);
    const schemas = engine.name === 'sqlite' ? [] : ['--schemas', fixture.app];
    db = await spawnRampart(['db', fixture.url, ...schemas, '--log-level', 'silent']);
    writer = await spawnRampart(['db', fixture.url, ...schemas, '--allow-writes', '--log-level', 'silent']);
  });

  afterAll(async () => {
    await db?.close();
    await writer?.close();
    await fixture?.cleanup();
    layout?.cleanup();
  });

  it('lists its schemas and tables', async () => {
    const schemas = await db.call('list_schemas', {});
    expect(schemas.structured).toMatchObject({ schemas: [fixture.app] });
    const tables = await db.call('list_tables', {});
    expect(((tables.structured?.tables ?? []) as { name: string }[]).map((t) => t.name)).toEqual(
      expect.arrayContaining(['t', 'parent', 'child']),
    );
  });

  it('describes a table: columns, nullability, defaults, keys and indexes', async () => {
    const child = await db.call('describe_table', { table: 'child' });
    expect(child.isError).toBe(false);
    const described = child.structured as {
      columns: { name: string; nullable: boolean }[];
      primaryKey: string[];
      foreignKeys: { columns: string[]; references: { table: string; columns: string[] } }[];
      indexes: { name: string; columns: string[] }[];
    };
    expect(described.columns.map((c) => c.name)).toEqual(['id', 'parent_id', 'note']);
    expect(described.columns.find((c) => c.name === 'id')?.nullable).toBe(false);
    expect(described.primaryKey).toEqual(['id']);
    expect(described.foreignKeys).toEqual([
      expect.objectContaining({
        columns: ['parent_id'],
        references: expect.objectContaining({ table: 'parent', columns: ['id'] }),
      }),
    ]);
    expect(described.indexes.some((i) => i.name === 'child_note' && i.columns.join() === 'note')).toBe(true);
    const t = await db.call('describe_table', { table: 't' });
    expect(t.text).toContain('name');
    expect(((t.structured?.columns ?? []) as { default: string | null }[])[1]?.default).toMatch(/x/);
  });

  it('queries with parameters and answers rows plus a text table', async () => {
    const result = await db.call('query', {
      sql: `SELECT id, name FROM t WHERE id >= ${engine.placeholder} ORDER BY id`,
      params: [2],
    });
    expect(result.isError).toBe(false);
    expect(result.structured).toMatchObject({
      columns: ['id', 'name'],
      rows: [
        [2, 'two'],
        [3, 'three'],
      ],
      truncated: false,
    });
    expect(result.text).toMatch(/id \| name/);
    expect(result.text).toContain('(2 rows)');
  });

  it.runIf(engine.dateTimes)(
    'returns dates and times as the engine prints them, never shifted by the server time zone',
    async () => {
      const { sql, expected } = engine.dateTimes ?? { sql: '', expected: [] };
      const schemas = engine.name === 'sqlite' ? [] : ['--schemas', fixture.app];
      // Fourteen hours ahead of UTC: a date read as local midnight and written back as UTC would land a day early.
      const farEast = await spawnRampart(['db', fixture.url, ...schemas, '--log-level', 'silent'], {
        TZ: 'Pacific/Kiritimati',
      });
      try {
        const result = await farEast.call('query', { sql });
        expect(result.structured).toMatchObject({ rows: [expected] });
      } finally {
        await farEast.close();
      }
    },
  );

  it('stops at max_rows and says more rows exist', async () => {
    const result = await db.call('query', { sql: 'SELECT id FROM t ORDER BY id', max_rows: 2 });
    expect(result.structured).toMatchObject({ rows: [[1], [2]], rowCount: 2, truncated: true });
    expect(result.text).toContain('more exist');
  });

  it('explains a query without running it', async () => {
    const result = await db.call('explain', { sql: 'SELECT * FROM t WHERE id = 1' });
    expect(result.isError).toBe(false);
    expect(JSON.stringify(result.structured?.plan)).not.toBe('null');
  });

  it('stops a runaway query at the time limit, and keeps answering', async () => {
    const schemas = engine.name === 'sqlite' ? [] : ['--schemas', fixture.app];
    const quick = await spawnRampart([
      'db',
      fixture.url,
      ...schemas,
      '--timeout-ms',
      '1000',
      '--log-level',
      'silent',
    ]);
    try {
      const began = Date.now();
      // MariaDB caps recursion (max_recursive_iterations), so it gets a cross join that runs for minutes instead.
      const sql =
        engine.name === 'mariadb'
          ? 'SELECT count(*) FROM information_schema.COLUMNS a, information_schema.COLUMNS b, information_schema.COLUMNS c'
          : 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r';
      const runaway = await quick.call('query', { sql });
      expect(runaway.isError).toBe(true);
      expect(runaway.text).toMatch(/time|cancel/);
      expect(Date.now() - began).toBeLessThan(5_000);
      const next = await quick.call('query', { sql: 'SELECT count(*) AS n FROM t' });
      expect(next.structured?.rows).toEqual([[T_ROWS]]);
    } finally {
      await quick.close();
    }
  });

  it('has no execute tool without --allow-writes', async () => {
    const { tools } = await db.client.listTools();
    expect(tools.map((t) => t.name)).not.toContain('execute');
    await expect(
      db.client.callTool({ name: 'execute', arguments: { sql: 'DELETE FROM t' } }),
    ).rejects.toThrow(/execute not found/);
    expect(await fixture.countT()).toBe(T_ROWS);
  });

  it('with --allow-writes, executes one statement inside the allowed schemas', async () => {
    const { tools } = await writer.client.listTools();
    expect(tools.find((t) => t.name === 'execute')?.annotations?.destructiveHint).toBe(true);
    const inserted = await writer.call('execute', {
      sql: `INSERT INTO parent (id) VALUES (${engine.placeholder})`,
      params: [7],
    });
    expect(inserted).toMatchObject({ isError: false, structured: { rowsAffected: 1 } });
    const back = await writer.call('query', { sql: 'SELECT id FROM parent' });
    expect(back.structured?.rows).toEqual([[7]]);

    const stacked = await writer.call('execute', { sql: 'DELETE FROM parent; DROP TABLE t' });
    expect(stacked.isError).toBe(true);
    expect(await fixture.countT()).toBe(T_ROWS);
    if (engine.name !== 'sqlite') {
      const outside = await writer.call('execute', { sql: `DELETE FROM ${fixture.other}.secrets` });
      expect(outside.isError).toBe(true);
      expect(outside.text).toContain(`"${fixture.other}" is outside the allowed schemas`);
    }
    const grant = await writer.call('execute', {
      sql: engine.name === 'sqlite' ? "ATTACH DATABASE 'x' AS x" : 'GRANT SELECT ON t TO public',
    });
    expect(grant.isError).toBe(true);
  });
}

describe('db server on SQLite', () => {
  behavesAsADatabaseServer({
    name: 'sqlite',
    placeholder: '?',
    setup: sqliteFixture,
    dateTimes: {
      sql: "SELECT date('2024-02-29'), strftime('%Y-%m-%d %H:%M:%f', '2024-02-29 23:59:59.123'), time('23:59:59')",
      expected: ['2024-02-29', '2024-02-29 23:59:59.123', '23:59:59'],
    },
  });
});

await describeWithService('PostgreSQL', 5432, 'db server on PostgreSQL', () => {
  behavesAsADatabaseServer({
    name: 'postgres',
    placeholder: '$1',
    setup: () => postgresFixture(),
    dateTimes: {
      sql: "SELECT date '2024-02-29', timestamp '2024-02-29 23:59:59.123456', time '23:59:59.5', interval '1 day 2 hours'",
      expected: ['2024-02-29', '2024-02-29 23:59:59.123456', '23:59:59.5', '1 day 02:00:00'],
    },
  });
});

await describeWithService('MariaDB', 3306, 'db server on MariaDB', () => {
  behavesAsADatabaseServer({
    name: 'mariadb',
    placeholder: '?',
    setup: () => mariadbFixture(),
    dateTimes: {
      sql: "SELECT DATE '2024-02-29', TIMESTAMP '2024-02-29 23:59:59.123456', TIME '23:59:59.5'",
      expected: ['2024-02-29', '2024-02-29 23:59:59.123456', '23:59:59.5'],
    },
  });
});
