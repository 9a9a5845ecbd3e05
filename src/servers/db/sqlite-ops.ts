import type BetterSqlite3 from 'better-sqlite3';
import { Refusal } from '../../core/errors.js';
import type { QueryResult, SqlParam, TableDescription, TableInfo } from './engine.js';
import { jsonCell } from './values.js';

type Db = BetterSqlite3.Database;

/**
 * The engine's own verdict, after the gate's: SQLite knows whether a prepared statement can write, and a read
 * must also return rows (which excludes ATTACH, PRAGMA assignments and the like, which SQLite counts as read-only).
 */
function prepareRead(db: Db, sql: string): BetterSqlite3.Statement {
  const statement = db.prepare(sql);
  if (!statement.readonly || !statement.reader) throw new Refusal('the statement is not a read-only query');
  return statement;
}

export function listTables(db: Db, schema: string): TableInfo[] {
  const rows = db
    .prepare(
      `SELECT name, type FROM pragma_table_list WHERE schema = ? AND type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name`,
    )
    .all(schema) as { name: string; type: 'table' | 'view' }[];
  return rows.map((row) => ({ schema, name: row.name, type: row.type }));
}

export function describeTable(db: Db, schema: string, table: string): TableDescription | undefined {
  const found = db
    .prepare(
      `SELECT name, type FROM pragma_table_list WHERE schema = ? AND name = ? AND type IN ('table', 'view')`,
    )
    .get(schema, table) as { name: string; type: 'table' | 'view' } | undefined;
  if (!found) return undefined;
  // Table-valued pragma functions take the table name as a bound parameter: no identifier is ever spliced in.
  const columns = db
    .prepare(
      'SELECT name, type, "notnull" AS not_null, dflt_value, pk FROM pragma_table_info(?, ?) ORDER BY cid',
    )
    .all(table, schema) as {
    name: string;
    type: string;
    not_null: number;
    dflt_value: string | null;
    pk: number;
  }[];
  const keys = db
    .prepare(
      'SELECT id, seq, "table" AS target, "from" AS source, "to" AS dest FROM pragma_foreign_key_list(?, ?) ORDER BY id, seq',
    )
    .all(table, schema) as { id: number; target: string; source: string; dest: string | null }[];
  const foreignKeys = new Map<
    number,
    { columns: string[]; references: { schema: string; table: string; columns: string[] } }
  >();
  for (const key of keys) {
    const entry = foreignKeys.get(key.id) ?? {
      columns: [],
      references: { schema, table: key.target, columns: [] },
    };
    entry.columns.push(key.source);
    if (key.dest) entry.references.columns.push(key.dest);
    foreignKeys.set(key.id, entry);
  }
  const indexes = (
    db
      .prepare('SELECT name, "unique" AS isUnique FROM pragma_index_list(?, ?) ORDER BY name')
      .all(table, schema) as {
      name: string;
      isUnique: number;
    }[]
  ).map((index) => ({
    name: index.name,
    unique: index.isUnique === 1,
    columns: (
      db.prepare('SELECT name FROM pragma_index_info(?, ?) ORDER BY seqno').all(index.name, schema) as {
        name: string | null;
      }[]
    ).map((c) => c.name ?? '(expression)'),
  }));
  return {
    schema,
    name: found.name,
    type: found.type,
    columns: columns.map((c) => ({
      name: c.name,
      type: c.type,
      nullable: c.not_null === 0 && c.pk === 0,
      default: c.dflt_value,
    })),
    primaryKey: columns
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name),
    foreignKeys: [...foreignKeys.values()],
    indexes,
  };
}

export function query(db: Db, sql: string, params: readonly SqlParam[], maxRows: number): QueryResult {
  const statement = prepareRead(db, sql).raw(true);
  const columns = statement.columns().map((c) => c.name);
  const rows: unknown[][] = [];
  let truncated = false;
  for (const row of statement.iterate(...params.map(bindable)) as Iterable<unknown[]>) {
    if (rows.length === maxRows) {
      truncated = true;
      break;
    }
    rows.push(row.map(jsonCell));
  }
  return { columns, rows, truncated };
}

export function explain(db: Db, sql: string, params: readonly SqlParam[]): unknown {
  prepareRead(db, sql);
  return db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params.map(bindable));
}

export function execute(db: Db, sql: string, params: readonly SqlParam[]): { rowsAffected: number } {
  const statement = db.prepare(sql);
  const info = statement.reader
    ? { changes: statement.all(...params.map(bindable)).length }
    : statement.run(...params.map(bindable));
  return { rowsAffected: Number(info.changes) };
}

/** SQLite has no boolean type: bind true and false as 1 and 0, as SQLite itself stores them. */
function bindable(param: SqlParam): string | number | null {
  return typeof param === 'boolean' ? Number(param) : param;
}
