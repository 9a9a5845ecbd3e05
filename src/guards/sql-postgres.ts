import { loadModule, parseSync } from '@libpg-query/parser';
import type { GateMode, GateVerdict } from './sql.js';

/**
 * The statement gate for PostgreSQL, on PostgreSQL's own grammar (libpg_query): the second layer behind the READ
 * ONLY transaction. It admits one statement of an allowed kind and refuses what a read-only transaction does not
 * stop — server files and programs, settings, sequences, dynamic SQL, locks — and any name qualified with a
 * schema outside the allowlist.
 */

let loading: Promise<void> | undefined;

/** The parser is WebAssembly, loaded once; call before the first `gatePostgres`. */
export function loadPostgresParser(): Promise<void> {
  loading ??= loadModule();
  return loading;
}

const DENIED_FUNCTIONS = new Set([
  'pg_read_file',
  'pg_read_binary_file',
  'pg_stat_file',
  'pg_file_write',
  'pg_file_rename',
  'pg_file_unlink',
  'pg_file_sync',
  'pg_logdir_ls',
  'pg_current_logfile',
  'set_config',
  'nextval',
  'setval',
  'dblink',
  'dblink_exec',
  'dblink_connect',
  'dblink_connect_u',
  'dblink_send_query',
  'loread',
  'lowrite',
  'query_to_xml',
  'query_to_xml_and_xmlschema',
  'query_to_xmlschema',
  'cursor_to_xml',
  'cursor_to_xmlschema',
  'table_to_xml',
  'table_to_xml_and_xmlschema',
  'schema_to_xml',
  'schema_to_xml_and_xmlschema',
  'database_to_xml',
  'database_to_xml_and_xmlschema',
  'pg_terminate_backend',
  'pg_cancel_backend',
  'pg_reload_conf',
  'pg_rotate_logfile',
  'pg_switch_wal',
  'pg_promote',
  'pg_create_restore_point',
  'pg_notify',
  'pg_import_system_collations',
  'pg_log_backend_memory_contexts',
  'pg_drop_replication_slot',
  'pg_replication_origin_create',
  'pg_replication_origin_drop',
]);
/** Whole families: directory listings, large objects (lo_import reads server files), advisory locks, slots. */
const DENIED_PREFIXES = [
  'pg_ls_',
  'lo_',
  'pg_advisory_',
  'pg_try_advisory_',
  'pg_create_',
  'binary_upgrade_',
];

/** Read by every query: the system catalogs, which PostgreSQL itself filters by privilege. */
const SYSTEM_SCHEMAS = new Set(['pg_catalog', 'information_schema']);

const DML = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);
const WRITE_ROOTS = new Set([
  ...DML,
  'SelectStmt',
  'CreateStmt',
  'CreateTableAsStmt',
  'IndexStmt',
  'ViewStmt',
  'AlterTableStmt',
  'DropStmt',
]);
const DROPPABLE = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_INDEX']);

type Node = Record<string, unknown>;

const STATEMENT_NAMES: Record<string, string> = {
  VariableSetStmt: 'SET',
  VariableShowStmt: 'SHOW',
  TransactionStmt: 'transaction control (BEGIN, COMMIT, ROLLBACK)',
  CopyStmt: 'COPY',
  DoStmt: 'DO',
  CallStmt: 'CALL',
  ExplainStmt: 'EXPLAIN (use the explain tool)',
  GrantStmt: 'GRANT',
  GrantRoleStmt: 'GRANT',
  LoadStmt: 'LOAD',
};

function statementName(kind: string): string {
  return STATEMENT_NAMES[kind] ?? kind.replace(/Stmt$/, '').toUpperCase();
}

function refuse(reason: string): GateVerdict {
  return { ok: false, reason };
}

function stringsOf(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((item) => ((item as { String?: { sval?: string } }).String?.sval ?? '') as string);
}

function isDenied(name: string): boolean {
  return DENIED_FUNCTIONS.has(name) || DENIED_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** Every `[key, object]` pair in the tree, depth first: node types (`RangeVar`) and fields (`relation`). */
function* walk(value: unknown): Generator<[string, Node]> {
  if (Array.isArray(value)) {
    for (const item of value) yield* walk(item);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value as Node)) {
    if (child !== null && typeof child === 'object' && !Array.isArray(child)) {
      yield [key, child as Node];
    }
    yield* walk(child);
  }
}

export interface PostgresGateOptions {
  readonly mode: GateMode;
  readonly allowedSchemas: readonly string[];
}

export function gatePostgres(sql: string, options: PostgresGateOptions): GateVerdict {
  if (sql.includes('\0')) return refuse('NUL characters are not accepted in SQL');
  let statements: { stmt?: Node }[];
  try {
    statements = (parseSync(sql) as { stmts?: { stmt?: Node }[] }).stmts ?? [];
  } catch (error) {
    return refuse(`the statement does not parse: ${(error as Error).message}`);
  }
  if (statements.length === 0) return refuse('the statement is empty');
  if (statements.length > 1)
    return refuse('only one statement is accepted; remove everything after the first ";"');
  const root = statements[0]?.stmt ?? {};
  const [kind, body] = Object.entries(root)[0] as [string, Node];
  const allowed = new Set(options.allowedSchemas);

  if (options.mode === 'read') {
    if (kind !== 'SelectStmt')
      return refuse(
        `only SELECT, WITH, VALUES and TABLE statements can be run here, not ${statementName(kind)}`,
      );
    if (body.intoClause) return refuse('SELECT … INTO is not accepted (it creates a table)');
  } else if (!WRITE_ROOTS.has(kind)) {
    return refuse(
      `${statementName(kind)} statements are not accepted; execute runs INSERT, UPDATE, DELETE, MERGE and CREATE/ALTER/DROP of tables, indexes and views`,
    );
  }
  if (kind === 'DropStmt') {
    if (!DROPPABLE.has(body.removeType as string))
      return refuse('only tables, views and indexes can be dropped');
    for (const object of (body.objects as { List?: { items?: unknown } }[]) ?? []) {
      const names = stringsOf(object.List?.items);
      if (names.length > 1 && !allowed.has(names[0] as string))
        return refuse(`schema "${names[0]}" is outside the allowed schemas (${[...allowed].join(', ')})`);
    }
  }

  for (const [type, node] of walk(root)) {
    if (options.mode === 'read' && DML.has(type))
      return refuse('statements that modify data are not accepted, including inside WITH');
    if (options.mode === 'read' && type === 'SelectStmt' && node.lockingClause)
      return refuse('locking reads (FOR UPDATE, FOR SHARE) are not accepted');
    if (type === 'FuncCall') {
      const names = stringsOf(node.funcname);
      const name = (names[names.length - 1] ?? '').toLowerCase();
      if (isDenied(name))
        return refuse(`${name}() is not accepted: it reaches outside the query's data or changes state`);
      const schema = names.length > 1 ? (names[0] as string) : undefined;
      if (schema !== undefined && !allowed.has(schema) && !SYSTEM_SCHEMAS.has(schema))
        return refuse(`schema "${schema}" is outside the allowed schemas (${[...allowed].join(', ')})`);
    }
    if (type === 'RangeVar' || type === 'relation' || type === 'rel' || type === 'view') {
      const schema = node.schemaname as string | undefined;
      if (schema !== undefined && !allowed.has(schema) && !SYSTEM_SCHEMAS.has(schema))
        return refuse(`schema "${schema}" is outside the allowed schemas (${[...allowed].join(', ')})`);
    }
  }
  return { ok: true, kind: statementName(kind), qualifiers: [] };
}
