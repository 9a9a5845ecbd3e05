import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRecordsWhen } from './helpers/audit.js';
import { type Fixture, mariadbFixture, postgresFixture, sqliteFixture } from './helpers/databases.js';
import { connectDb, type Session } from './helpers/mcp.js';
import { type Layout, makeLayout } from './helpers/sandbox.js';
import { describeWithService } from './helpers/services.js';

interface Engine {
  readonly name: string;
  readonly setup: (dir: string) => Promise<Fixture>;
}

function textOfResource(result: { contents: unknown[] }): string {
  return (result.contents[0] as { text: string }).text;
}

/** The db server's resources through a real MCP client, on one engine. */
function offersItsTablesAsResources(engine: Engine) {
  let layout: Layout;
  let fixture: Fixture;
  let db: Session;
  let auditLog: string;

  beforeAll(async () => {
    layout = makeLayout();
    fixture = await engine.setup(layout.base);
    auditLog = path.join(layout.base, 'audit.jsonl');
    db = await connectDb({
      url: fixture.url,
      ...(engine.name === 'sqlite' ? {} : { schemas: [fixture.app] }),
      auditLog,
    });
  });

  afterAll(async () => {
    await db?.close();
    await fixture?.cleanup();
    layout?.cleanup();
  });

  it('lists db://schemas and db://tables, and each table through the db://tables/{table} template', async () => {
    const listed = await db.client.listResources();
    const uris = listed.resources.map((r) => r.uri);
    expect(uris).toEqual(
      expect.arrayContaining([
        'db://schemas',
        'db://tables',
        'db://tables/t',
        'db://tables/parent',
        'db://tables/child',
      ]),
    );
    expect(uris.some((uri) => uri.includes('secrets'))).toBe(false);
    const templates = await db.client.listResourceTemplates();
    expect(templates.resourceTemplates.map((t) => t.uriTemplate)).toEqual(['db://tables/{table}']);
  });

  it('reads db://schemas: the engine and the allowed schemas', async () => {
    const schemas = JSON.parse(textOfResource(await db.client.readResource({ uri: 'db://schemas' })));
    expect(schemas).toMatchObject({
      dialect: engine.name === 'mariadb' ? 'mysql' : engine.name,
      schemas: [fixture.app],
    });
  });

  it('reads db://tables: every table of the allowed schemas with its schema and URI', async () => {
    const { tables } = JSON.parse(textOfResource(await db.client.readResource({ uri: 'db://tables' }))) as {
      tables: { schema: string; name: string; type: string; uri: string }[];
    };
    expect(tables.map((t) => t.name).sort()).toEqual(['child', 'parent', 't']);
    expect(tables.every((t) => t.schema === fixture.app && t.type === 'table')).toBe(true);
    expect(tables.find((t) => t.name === 'child')?.uri).toBe('db://tables/child');
  });

  it('reads db://tables/{table}: columns, nullability, defaults, primary key, foreign keys and indexes', async () => {
    const child = JSON.parse(textOfResource(await db.client.readResource({ uri: 'db://tables/child' }))) as {
      columns: { name: string; nullable: boolean }[];
      primaryKey: string[];
      foreignKeys: { columns: string[]; references: { table: string; columns: string[] } }[];
      indexes: { name: string; columns: string[] }[];
    };
    expect(child.columns.map((c) => c.name)).toEqual(['id', 'parent_id', 'note']);
    expect(child.columns.find((c) => c.name === 'id')?.nullable).toBe(false);
    expect(child.primaryKey).toEqual(['id']);
    expect(child.foreignKeys).toEqual([
      expect.objectContaining({
        columns: ['parent_id'],
        references: expect.objectContaining({ table: 'parent', columns: ['id'] }),
      }),
    ]);
    expect(child.indexes.some((i) => i.name === 'child_note' && i.columns.join() === 'note')).toBe(true);
    const qualified = JSON.parse(
      textOfResource(await db.client.readResource({ uri: `db://tables/${fixture.app}.t` })),
    ) as { name: string; columns: { name: string; default: string | null }[] };
    expect(qualified.name).toBe('t');
    expect(qualified.columns[1]?.default).toMatch(/x/);
  });

  it('completes {table} from the tables of the allowed schemas', async () => {
    const all = await db.client.complete({
      ref: { type: 'ref/resource', uri: 'db://tables/{table}' },
      argument: { name: 'table', value: '' },
    });
    expect(all.completion.values.sort()).toEqual(['child', 'parent', 't']);
    const some = await db.client.complete({
      ref: { type: 'ref/resource', uri: 'db://tables/{table}' },
      argument: { name: 'table', value: 'p' },
    });
    expect(some.completion.values).toEqual(['parent']);
  });

  it('refuses db://tables/{table} for a table outside the allowlist', async () => {
    await expect(db.client.readResource({ uri: `db://tables/${fixture.other}.secrets` })).rejects.toThrow(
      new RegExp(`schema "${fixture.other}" is outside the allowed schemas`),
    );
    await expect(db.client.readResource({ uri: 'db://tables/secrets' })).rejects.toThrow(
      /no table or view by that name/,
    );
    const completed = await db.client.complete({
      ref: { type: 'ref/resource', uri: 'db://tables/{table}' },
      argument: { name: 'table', value: fixture.other },
    });
    expect(completed.completion.values).toEqual([]);
    const { tables } = JSON.parse(textOfResource(await db.client.readResource({ uri: 'db://tables' }))) as {
      tables: { name: string }[];
    };
    expect(tables.some((t) => t.name === 'secrets')).toBe(false);
  });

  it('answers any {table} with a table of an allowed schema or a one-line refusal, never another schema', async () => {
    const names = fc.oneof(
      fc.string({ maxLength: 24 }),
      fc.constantFrom(
        't',
        'child',
        `${fixture.app}.t`,
        `${fixture.other}.secrets`,
        `${fixture.other}.`,
        '.t',
      ),
      fc
        .tuple(fc.constantFrom(fixture.app, fixture.other, 'main', 'x'), fc.string({ maxLength: 8 }))
        .map(([schema, name]) => `${schema}.${name}`),
    );
    await fc.assert(
      fc.asyncProperty(names, async (name) => {
        if (name === '') return;
        try {
          const described = JSON.parse(
            textOfResource(await db.client.readResource({ uri: `db://tables/${encodeURIComponent(name)}` })),
          ) as { schema: string };
          expect(described.schema).toBe(fixture.app);
        } catch (error) {
          const message = (error as Error).message;
          expect(message).not.toContain('internal error');
          expect(message).not.toContain('top secret');
          expect(message).toMatch(/table|schema|Resource/);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('audits each resource read, the refused ones too, with the URI read', async () => {
    await db.client.readResource({ uri: 'db://tables/parent' });
    await db.client.readResource({ uri: 'db://tables/nowhere' }).catch(() => undefined);
    const records = await auditRecordsWhen(
      auditLog,
      (r) => r.tool === 'resource:table' && (r.args as { uri: string }).uri === 'db://tables/nowhere',
    );
    expect(records).toContainEqual(
      expect.objectContaining({
        server: 'db',
        tool: 'resource:table',
        args: { uri: 'db://tables/parent' },
        outcome: 'ok',
      }),
    );
    expect(records).toContainEqual(
      expect.objectContaining({
        tool: 'resource:table',
        args: { uri: 'db://tables/nowhere' },
        outcome: 'refused',
        message: expect.stringContaining('no table or view'),
      }),
    );
    expect(records.some((r) => r.tool === 'resource:schemas' && r.outcome === 'ok')).toBe(true);
  });
}

describe('db resources on SQLite', () => {
  offersItsTablesAsResources({ name: 'sqlite', setup: sqliteFixture });
});

await describeWithService('PostgreSQL', 5432, 'db resources on PostgreSQL', () => {
  offersItsTablesAsResources({ name: 'postgres', setup: () => postgresFixture() });
});

await describeWithService('MariaDB', 3306, 'db resources on MariaDB', () => {
  offersItsTablesAsResources({ name: 'mariadb', setup: () => mariadbFixture() });
});
