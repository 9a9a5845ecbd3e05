import { z } from 'zod';
import { defineTool, READ_ONLY, type ToolDefinition } from '../../core/define.js';
import { Refusal } from '../../core/errors.js';
import { admit, allowedSchema } from './admit.js';
import type { Engine } from './engine.js';
import { textTable } from './text-table.js';

const PLACEHOLDERS = { postgres: '$1, $2, …', mysql: '?', sqlite: '? or ?1, ?2, …' } as const;

function sqlArg(engine: Engine) {
  return z
    .string()
    .min(1)
    .describe(
      `One ${engine.dialect === 'postgres' ? 'PostgreSQL' : engine.dialect === 'mysql' ? 'MySQL/MariaDB' : 'SQLite'} statement; values go in params, written as ${PLACEHOLDERS[engine.dialect]}`,
    );
}

const paramsArg = z
  .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .max(1_000)
  .default([])
  .describe('Values for the placeholders, in order');

const schemaArg = (engine: Engine) =>
  z
    .string()
    .optional()
    .describe(`Schema; default ${engine.schemas[0]} (allowed: ${engine.schemas.join(', ')})`);

function listSchemasTool(engine: Engine): ToolDefinition {
  return defineTool({
    name: 'list_schemas',
    title: 'List Schemas',
    description:
      'The database engine, the schemas these tools may reach (MySQL: databases; unqualified names resolve in the ' +
      'first), and warnings about the connection. Call it first.',
    input: z.object({}),
    output: z.object({
      dialect: z.enum(['sqlite', 'postgres', 'mysql']),
      schemas: z.array(z.string()),
      warnings: z.array(z.string()).describe('Things about this connection the operator should fix'),
    }),
    annotations: READ_ONLY,
    handler: async () => ({
      dialect: engine.dialect,
      schemas: [...engine.schemas],
      warnings: [...engine.warnings],
    }),
    present: (r) =>
      [
        `${r.dialect}; schemas: ${r.schemas.join(', ')} (unqualified names resolve in ${r.schemas[0]})`,
        ...r.warnings.map((w) => `WARNING: ${w}`),
      ].join('\n'),
  });
}

function listTablesTool(engine: Engine): ToolDefinition {
  return defineTool({
    name: 'list_tables',
    title: 'List Tables',
    description: 'Tables and views of one allowed schema, by name. Use describe_table for columns and keys.',
    input: z.object({ schema: schemaArg(engine) }),
    output: z.object({
      schema: z.string(),
      tables: z.array(z.object({ name: z.string(), type: z.enum(['table', 'view']) })),
    }),
    annotations: READ_ONLY,
    handler: async (args, ctx) => {
      const schema = allowedSchema(engine, args.schema);
      const tables = await engine.listTables(schema, ctx.signal);
      return { schema, tables: tables.map((t) => ({ name: t.name, type: t.type })) };
    },
    present: (r) =>
      r.tables.length === 0
        ? `No tables or views in ${r.schema}.`
        : `${r.schema}:\n${r.tables.map((t) => `${t.name}${t.type === 'view' ? ' (view)' : ''}`).join('\n')}`,
  });
}

function describeTableTool(engine: Engine): ToolDefinition {
  return defineTool({
    name: 'describe_table',
    title: 'Describe Table',
    description:
      'Columns (name, type, nullable, default), primary key, foreign keys and indexes of one table or view. The ' +
      'name is looked up as a value, never spliced into SQL.',
    input: z.object({
      table: z
        .string()
        .min(1)
        .max(512)
        .describe('Table or view name, exactly as stored (no quotes, no schema)'),
      schema: schemaArg(engine),
    }),
    output: z.object({
      schema: z.string(),
      name: z.string(),
      type: z.enum(['table', 'view']),
      columns: z.array(
        z.object({
          name: z.string(),
          type: z.string(),
          nullable: z.boolean(),
          default: z.string().nullable(),
        }),
      ),
      primaryKey: z.array(z.string()),
      foreignKeys: z.array(
        z.object({
          columns: z.array(z.string()),
          references: z.object({ schema: z.string(), table: z.string(), columns: z.array(z.string()) }),
        }),
      ),
      indexes: z.array(z.object({ name: z.string(), columns: z.array(z.string()), unique: z.boolean() })),
    }),
    annotations: READ_ONLY,
    handler: async (args, ctx) => {
      const schema = allowedSchema(engine, args.schema);
      const found = await engine.describeTable(schema, args.table, ctx.signal);
      if (!found) throw new Refusal(`table: no table or view named "${args.table}" in schema ${schema}`);
      return {
        ...found,
        columns: [...found.columns],
        primaryKey: [...found.primaryKey],
        foreignKeys: found.foreignKeys.map((k) => ({
          columns: [...k.columns],
          references: { ...k.references, columns: [...k.references.columns] },
        })),
        indexes: found.indexes.map((i) => ({ ...i, columns: [...i.columns] })),
      };
    },
    present: (r) => {
      const columns = textTable(
        ['column', 'type', 'nullable', 'default'],
        r.columns.map((c) => [c.name, c.type, c.nullable ? 'yes' : 'no', c.default]),
      );
      const lines = [`${r.schema}.${r.name} (${r.type})`, columns];
      if (r.primaryKey.length > 0) lines.push(`primary key: ${r.primaryKey.join(', ')}`);
      for (const k of r.foreignKeys)
        lines.push(
          `foreign key (${k.columns.join(', ')}) → ${k.references.schema}.${k.references.table} (${k.references.columns.join(', ')})`,
        );
      for (const i of r.indexes)
        lines.push(`${i.unique ? 'unique index' : 'index'} ${i.name} (${i.columns.join(', ')})`);
      return lines.join('\n');
    },
  });
}

const rowsOutput = z.object({
  columns: z.array(z.string()),
  rows: z.array(z.array(z.unknown())).describe('One array a row, in column order'),
  rowCount: z.number().int(),
  truncated: z.boolean().describe('True when more rows existed than were returned'),
});

function queryTool(engine: Engine, maxRows: number): ToolDefinition {
  return defineTool({
    name: 'query',
    title: 'Query',
    description:
      `Runs one read-only statement (SELECT, WITH, VALUES, TABLE) and returns its rows. The engine itself runs it ` +
      `read-only; statements that write, change settings, or reach server files are refused. At most max_rows rows ` +
      `(up to ${maxRows}) come back; aggregate or add WHERE/LIMIT rather than paging through large tables.`,
    input: z.object({
      sql: sqlArg(engine),
      params: paramsArg,
      max_rows: z
        .number()
        .int()
        .positive()
        .max(maxRows)
        .default(Math.min(200, maxRows))
        .describe('Most rows to return'),
    }),
    output: rowsOutput,
    annotations: READ_ONLY,
    continuation: 'narrow the query (WHERE, fewer columns) or lower max_rows',
    handler: async (args, ctx) => {
      await admit(engine, args.sql, 'read', ctx.signal);
      const result = await engine.query(args.sql, args.params, args.max_rows, ctx.signal);
      return {
        columns: [...result.columns],
        rows: result.rows.map((row) => [...row]),
        rowCount: result.rows.length,
        truncated: result.truncated,
      };
    },
    present: (r) =>
      [
        textTable(r.columns, r.rows),
        r.truncated
          ? `(${r.rowCount} rows shown; more exist — add a WHERE clause or LIMIT/OFFSET, or raise max_rows)`
          : `(${r.rowCount} row${r.rowCount === 1 ? '' : 's'})`,
      ].join('\n'),
  });
}

function explainTool(engine: Engine): ToolDefinition {
  return defineTool({
    name: 'explain',
    title: 'Explain Query',
    description:
      "The engine's plan for one read-only statement, without running it (PostgreSQL EXPLAIN (FORMAT JSON), MySQL " +
      'EXPLAIN FORMAT=JSON, SQLite EXPLAIN QUERY PLAN). The same statements as query are accepted.',
    input: z.object({ sql: sqlArg(engine), params: paramsArg }),
    output: z.object({ plan: z.unknown() }),
    annotations: READ_ONLY,
    handler: async (args, ctx) => {
      await admit(engine, args.sql, 'read', ctx.signal);
      return { plan: await engine.explain(args.sql, args.params, ctx.signal) };
    },
    present: (r) => JSON.stringify(r.plan, null, 2),
  });
}

function executeTool(engine: Engine): ToolDefinition {
  return defineTool({
    name: 'execute',
    title: 'Execute Statement',
    description:
      'Runs one statement that changes data or structure: INSERT, UPDATE, DELETE, (MySQL) REPLACE, (PostgreSQL) ' +
      'MERGE, and CREATE/ALTER/DROP of tables, indexes and views, inside the allowed schemas. It is committed at ' +
      'once. Transaction control, settings, roles, functions and server files are refused.',
    input: z.object({ sql: sqlArg(engine), params: paramsArg }),
    output: z.object({ rowsAffected: z.number().int() }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    handler: async (args, ctx) => {
      await admit(engine, args.sql, 'write', ctx.signal);
      return engine.execute(args.sql, args.params, ctx.signal);
    },
    present: (r) => `${r.rowsAffected} row${r.rowsAffected === 1 ? '' : 's'} affected`,
  });
}

export function dbTools(
  engine: Engine,
  options: { allowWrites: boolean; maxRows: number },
): ToolDefinition[] {
  return [
    listSchemasTool(engine),
    listTablesTool(engine),
    describeTableTool(engine),
    queryTool(engine, options.maxRows),
    explainTool(engine),
    ...(options.allowWrites ? [executeTool(engine)] : []),
  ];
}
