import type { ResourceDefinition, ResourceTemplateDefinition } from '../../core/define.js';
import { Refusal } from '../../core/errors.js';
import { decodeVariable, JSON_TYPE, jsonContents as json } from '../../core/resource-json.js';
import type { Engine, TableDescription, TableInfo } from './engine.js';

/** How many tables resources/list offers as `db://tables/{table}`; `db://tables` and completion reach them all. */
const LISTED_TABLES = 500;

/** Every table and view of the allowed schemas, in schema order: the engine's own listing, nothing more. */
async function allTables(engine: Engine, signal: AbortSignal): Promise<TableInfo[]> {
  const tables: TableInfo[] = [];
  for (const schema of engine.schemas) tables.push(...(await engine.listTables(schema, signal)));
  return tables;
}

/** How a table is named in a URI: bare in the first (default) schema, `schema.table` in the others. */
export function tableRef(engine: Engine, table: Pick<TableInfo, 'schema' | 'name'>): string {
  return table.schema === engine.schemas[0] ? table.name : `${table.schema}.${table.name}`;
}

function tableUri(engine: Engine, table: TableInfo): string {
  return `db://tables/${encodeURIComponent(tableRef(engine, table))}`;
}

/**
 * The table a `{table}` names, through the engine's describe (the same lookup as describe_table): `schema.table`
 * when the prefix is an allowed schema, else a table of the default schema. A schema outside the allowed ones is
 * refused by name, so a table there is never looked up.
 */
export async function describeRef(
  engine: Engine,
  ref: string,
  signal: AbortSignal,
): Promise<TableDescription> {
  const dot = ref.indexOf('.');
  const prefix = dot > 0 ? ref.slice(0, dot) : undefined;
  const qualified = prefix !== undefined && engine.schemas.includes(prefix);
  if (qualified) {
    const found = await engine.describeTable(prefix, ref.slice(dot + 1), signal);
    if (found) return found;
  }
  const fallback = engine.schemas[0] as string;
  const found = await engine.describeTable(fallback, ref, signal);
  if (found) return found;
  if (prefix !== undefined && !qualified)
    throw new Refusal(
      `table "${ref}": schema "${prefix}" is outside the allowed schemas (${engine.schemas.join(', ')})`,
    );
  throw new Refusal(`table "${ref}": no table or view by that name in ${qualified ? prefix : fallback}`);
}

function schemasResource(engine: Engine): ResourceDefinition {
  return {
    name: 'schemas',
    title: 'Database schemas',
    description:
      'The engine, the schemas (MySQL: databases) this server may reach, the first being where unqualified names ' +
      'resolve, and warnings about the connection.',
    uri: 'db://schemas',
    mimeType: JSON_TYPE,
    read: async () =>
      json('db://schemas', {
        dialect: engine.dialect,
        schemas: [...engine.schemas],
        warnings: [...engine.warnings],
      }),
  };
}

function tablesResource(engine: Engine): ResourceDefinition {
  return {
    name: 'tables',
    title: 'Database tables',
    description:
      'Every table and view of the allowed schemas, with its schema, type and the db://tables/{table} URI that ' +
      'describes it.',
    uri: 'db://tables',
    mimeType: JSON_TYPE,
    read: async (signal) => {
      const tables = await allTables(engine, signal);
      return json('db://tables', {
        tables: tables.map((t) => ({
          schema: t.schema,
          name: t.name,
          type: t.type,
          uri: tableUri(engine, t),
        })),
      });
    },
  };
}

function tableTemplate(engine: Engine): ResourceTemplateDefinition {
  return {
    name: 'table',
    title: 'Database table',
    description:
      'One table or view: columns (type, nullable, default), primary key, foreign keys and indexes. {table} is a ' +
      `table of ${engine.schemas[0]}, or schema.table for another allowed schema.`,
    uriTemplate: 'db://tables/{table}',
    mimeType: JSON_TYPE,
    async list(signal) {
      const tables = await allTables(engine, signal);
      return tables.slice(0, LISTED_TABLES).map((t) => ({
        uri: tableUri(engine, t),
        name: tableRef(engine, t),
        mimeType: JSON_TYPE,
      }));
    },
    async read(uri, variables, signal) {
      const ref = decodeVariable(variables.table, 'table');
      if (ref === '') throw new Refusal('table is empty; give a table name');
      return json(uri.href, await describeRef(engine, ref, signal));
    },
    complete: {
      table: async (value, _context, signal) => {
        const typed = value.toLowerCase();
        return (await allTables(engine, signal))
          .map((t) => tableRef(engine, t))
          .filter((ref) => ref.toLowerCase().startsWith(typed))
          .sort();
      },
    },
  };
}

/** The db server's resources: its schemas, its tables, and each table described. */
export function dbResources(engine: Engine): {
  resources: ResourceDefinition[];
  resourceTemplates: ResourceTemplateDefinition[];
} {
  return {
    resources: [schemasResource(engine), tablesResource(engine)],
    resourceTemplates: [tableTemplate(engine)],
  };
}
