import { serverProjectFiles } from '../common.js';
import { serverKey } from '../names.js';
import { readme } from '../readme.js';
import type { DbSpec, GenerateOptions } from '../spec.js';

const SERVER = `import { defineServer, openDatabase, type ServerDefinition, type ToolDefinition } from 'rampart-mcp/toolkit';
import settings from './settings.json' with { type: 'json' };
import { listTablesTool } from './tools/list_tables.js';
import { queryTool } from './tools/query.js';

/** Opens the database read-only (the engine refuses writes) and serves its tools. */
export async function createServer(url: string): Promise<ServerDefinition> {
  const engine = await openDatabase({ url, schemas: settings.schemas });
  const tools: ToolDefinition[] = [listTablesTool(engine), queryTool(engine)];
  return defineServer({
    name: settings.name,
    version: '0.1.0',
    instructions: settings.description,
    tools,
    dispose: () => engine.close(),
  });
}
`;

const INDEX = `#!/usr/bin/env node
import { serveStdio } from 'rampart-mcp/toolkit';
import { createServer } from './server.js';
import settings from './settings.json' with { type: 'json' };

// The connection URL comes from the environment, never from a file in the project or from the model.
const url = process.env[settings.urlEnv];
if (!url) {
  console.error(\`set \${settings.urlEnv} to the database URL (sqlite:<path>, postgres://… or mysql://…)\`);
  process.exit(2);
}
// serveStdio calls the server's dispose (which closes the engine) when stdin ends or a signal comes.
await serveStdio(await createServer(url));
`;

const LIST_TABLES = `import { defineTool, type Engine, READ_ONLY } from 'rampart-mcp/toolkit';
import { z } from 'zod';

export function listTablesTool(engine: Engine) {
  return defineTool({
    name: 'list_tables',
    title: 'List tables',
    description: 'Lists the tables and views of an allowed schema (default: the first allowed one).',
    input: z.object({
      schema: z.string().optional().describe('An allowed schema; leave out for the default'),
    }),
    output: z.object({
      tables: z.array(z.object({ schema: z.string(), name: z.string(), type: z.enum(['table', 'view']) })),
    }),
    annotations: READ_ONLY,
    handler: async ({ schema }, { signal }) => {
      const chosen = schema ?? engine.schemas[0] ?? 'main';
      if (!engine.schemas.includes(chosen)) throw new Error(\`schema "\${chosen}" is not allowed\`);
      return { tables: await engine.listTables(chosen, signal) };
    },
  });
}
`;

const QUERY = `import { admitSql, defineTool, type Engine, READ_ONLY } from 'rampart-mcp/toolkit';
import { z } from 'zod';

export function queryTool(engine: Engine) {
  return defineTool({
    name: 'query',
    title: 'Query',
    description:
      'Runs one read-only SQL statement with positional parameters and returns its rows. Writes are refused by the engine itself.',
    input: z.object({
      sql: z.string().max(100_000).describe('One SELECT (or WITH … SELECT) statement; use ? or $1 for values'),
      params: z
        .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
        .default([])
        .describe('Values for the placeholders'),
      max_rows: z.number().int().min(1).max(1000).default(100).describe('Most rows returned, at most 1000'),
    }),
    output: z.object({
      columns: z.array(z.string()),
      rows: z.array(z.array(z.unknown())),
      truncated: z.boolean().describe('True when more rows existed than max_rows'),
    }),
    annotations: READ_ONLY,
    handler: async ({ sql, params, max_rows }, { signal }) => {
      await admitSql(engine, sql, 'read', signal);
      const result = await engine.query(sql, params, max_rows, signal);
      return { columns: [...result.columns], rows: result.rows.map((row) => [...row]), truncated: result.truncated };
    },
  });
}
`;

const TEST = `import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectTestClient, openDatabase, type TestClient } from 'rampart-mcp/toolkit';
import { createServer } from '../src/server.js';

// The tools and the gate are proven on SQLite, which needs no service; the engine is chosen by the URL.
describe('the db server, through a real MCP client', () => {
  let dir: string;
  let client: TestClient;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'db-server-'));
    const url = \`sqlite:\${path.join(dir, 'app.db')}\`;
    const setup = await openDatabase({ url, allowWrites: true });
    const signal = AbortSignal.timeout(10_000);
    await setup.execute('CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)', [], signal);
    await setup.execute("INSERT INTO users (name) VALUES ('ada'), ('grace')", [], signal);
    await setup.close();
    client = await connectTestClient(await createServer(url));
  });

  after(async () => {
    await client.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('list_tables lists the tables', async () => {
    const answer = await client.call('list_tables', {});
    assert.equal(answer.isError, false, answer.text);
    assert.deepEqual(answer.structured?.tables, [{ schema: 'main', name: 'users', type: 'table' }]);
  });

  it('query runs a read with parameters', async () => {
    const answer = await client.call('query', { sql: 'SELECT name FROM users WHERE id = ?', params: [2] });
    assert.equal(answer.isError, false, answer.text);
    assert.deepEqual(answer.structured?.rows, [['grace']]);
  });

  it('refuses a write on the read-only database (DELETE)', async () => {
    const answer = await client.call('query', { sql: 'DELETE FROM users' });
    assert.equal(answer.isError, true);
    const count = await client.call('query', { sql: 'SELECT count(*) FROM users' });
    assert.deepEqual(count.structured?.rows, [[2]]);
  });

  it('refuses a second statement stacked after a read (SELECT 1; DROP TABLE)', async () => {
    const answer = await client.call('query', { sql: 'SELECT 1; DROP TABLE users' });
    assert.equal(answer.isError, true);
  });

  it('refuses a write hidden in a CTE', async () => {
    const answer = await client.call('query', { sql: 'WITH x AS (DELETE FROM users RETURNING id) SELECT * FROM x' });
    assert.equal(answer.isError, true);
  });

  it('refuses ATTACH DATABASE (reaching another file)', async () => {
    const other = path.join(dir, 'other.db');
    const answer = await client.call('query', { sql: \`ATTACH DATABASE '\${other}' AS other\` });
    assert.equal(answer.isError, true);
    assert.equal(existsSync(other), false);
  });

  it('refuses loading an extension (load_extension)', async () => {
    const answer = await client.call('query', { sql: "SELECT load_extension('/tmp/evil.so')" });
    assert.equal(answer.isError, true);
  });

  it('refuses a schema outside the allowlist', async () => {
    const answer = await client.call('list_tables', { schema: 'temp' });
    assert.equal(answer.isError, true);
  });
});
`;

/** A read-only SQL server: list_tables and query behind the SQL gate, the engine opened read-only. */
export function dbProject(spec: DbSpec, options: GenerateOptions): Map<string, string> {
  const schemas = spec.schemas.length > 0 ? spec.schemas : spec.engine === 'sqlite' ? ['main'] : [];
  const settings = {
    name: serverKey(spec.name),
    description: spec.description,
    urlEnv: spec.urlEnv,
    schemas,
  };
  const example =
    spec.engine === 'sqlite'
      ? 'sqlite:/path/to/app.db'
      : spec.engine === 'postgres'
        ? 'postgres://reader@localhost/app'
        : 'mysql://reader@localhost/app';
  return new Map([
    ...serverProjectFiles(spec, options, [], { [spec.urlEnv]: `\${${spec.urlEnv}}` }),
    ['src/settings.json', `${JSON.stringify(settings, null, 2)}\n`],
    ['src/index.ts', INDEX],
    ['src/server.ts', SERVER],
    ['src/tools/list_tables.ts', LIST_TABLES],
    ['src/tools/query.ts', QUERY],
    ['test/server.test.ts', TEST],
    [
      'README.md',
      readme(spec, {
        about: `A read-only SQL server. Set \`${spec.urlEnv}\` to the database URL, e.g. \`${example}\`; for PostgreSQL and MySQL, connect as a role that can only SELECT, and only on the tables it may read: the gate keeps queries inside the allowed schemas, and table-level access is the engine's (GRANTs; for SQLite, a file that holds only those tables).`,
        tools: [
          ['list_tables', 'the tables and views of an allowed schema'],
          ['query', 'one read-only statement with parameters, rows capped'],
        ],
        refuses: [
          'any write (DELETE, DROP, a write in a CTE): the engine opens the database read-only, and the gate refuses it first',
          'stacked statements (`SELECT 1; DROP TABLE …`)',
          'ATTACH DATABASE and extension loading',
          'schemas outside the allowlist',
        ],
        args: [],
      }),
    ],
  ]);
}
