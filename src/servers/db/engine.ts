/** What every database engine behind the db server offers; one implementation per engine. */

export type Dialect = 'sqlite' | 'postgres' | 'mysql';
export type SqlParam = string | number | boolean | null;

export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
  /** True when more rows existed than max_rows. */
  readonly truncated: boolean;
}

export interface ColumnInfo {
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
  readonly default: string | null;
}

export interface ForeignKeyInfo {
  readonly columns: readonly string[];
  readonly references: {
    readonly schema: string;
    readonly table: string;
    readonly columns: readonly string[];
  };
}

export interface IndexInfo {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
}

export interface TableInfo {
  readonly schema: string;
  readonly name: string;
  readonly type: 'table' | 'view';
}

export interface TableDescription extends TableInfo {
  readonly columns: readonly ColumnInfo[];
  readonly primaryKey: readonly string[];
  readonly foreignKeys: readonly ForeignKeyInfo[];
  readonly indexes: readonly IndexInfo[];
}

export interface Engine {
  readonly dialect: Dialect;
  /** Schemas the tools may reach, in order; the first is where unqualified names resolve. */
  readonly schemas: readonly string[];
  /** Things an operator must hear about (a superuser connection, say), shown at start and by list_schemas. */
  readonly warnings: readonly string[];
  /**
   * Which of these names are schemas here (MySQL only: its `db.table` and `alias.column` look alike, so the gate
   * asks the engine). Engines whose gate places every qualifier leave it out.
   */
  schemasAmong?(names: readonly string[], signal: AbortSignal): Promise<string[]>;
  listTables(schema: string, signal: AbortSignal): Promise<TableInfo[]>;
  /** Undefined when no such table or view exists in that schema. */
  describeTable(schema: string, table: string, signal: AbortSignal): Promise<TableDescription | undefined>;
  /** One read-only statement, already admitted by the gate. */
  query(sql: string, params: readonly SqlParam[], maxRows: number, signal: AbortSignal): Promise<QueryResult>;
  /** The plan of one read-only statement, without running it. */
  explain(sql: string, params: readonly SqlParam[], signal: AbortSignal): Promise<unknown>;
  /** One writing statement (only registered with --allow-writes). */
  execute(sql: string, params: readonly SqlParam[], signal: AbortSignal): Promise<{ rowsAffected: number }>;
  close(): Promise<void>;
}
