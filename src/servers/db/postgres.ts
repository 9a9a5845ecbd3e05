import pg from 'pg';
import { ConfigError } from '../../core/config.js';
import { Refusal } from '../../core/errors.js';
import { assertSchemasExist, connectChecked, type EngineSettings } from './connect.js';
import type { Engine, QueryResult, SqlParam, TableDescription, TableInfo } from './engine.js';
import { ReadPipeline } from './pg-pipeline.js';
import { typeParsers } from './pg-types.js';
import { unavailable } from './pg-unavailable.js';

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** One statement over the extended protocol (parse, bind, execute), which cannot carry a second statement. */
function extended(text: string, values: readonly SqlParam[]): pg.QueryConfig {
  return { text, values: [...values], queryMode: 'extended' } as pg.QueryConfig;
}

interface Privileges {
  user: string;
  schema: string | null;
  superuser: boolean;
  readFiles: boolean;
  writeFiles: boolean;
  programs: boolean;
}

const PRIVILEGES_SQL = `
  SELECT current_user AS user, current_schema() AS schema, r.rolsuper AS superuser,
         pg_has_role(current_user, 'pg_read_server_files', 'MEMBER') AS "readFiles",
         pg_has_role(current_user, 'pg_write_server_files', 'MEMBER') AS "writeFiles",
         pg_has_role(current_user, 'pg_execute_server_program', 'MEMBER') AS programs
  FROM pg_roles r WHERE r.rolname = current_user`;

function privilegeWarnings(p: Privileges): string[] {
  const held = [
    p.superuser ? 'is a superuser' : undefined,
    p.readFiles ? 'can read server files (pg_read_server_files)' : undefined,
    p.writeFiles ? 'can write server files (pg_write_server_files)' : undefined,
    p.programs ? 'can run programs on the server (pg_execute_server_program)' : undefined,
  ].filter((s): s is string => s !== undefined);
  if (held.length === 0) return [];
  return [
    `the PostgreSQL role "${p.user}" ${held.join(', ')}. Rampart refuses the functions and statements that ` +
      'reach server files or programs, but a SELECT-only role is the safer connection (see the README).',
  ];
}

/**
 * PostgreSQL: every read runs as one statement over the extended protocol (which cannot carry a second
 * statement) inside a READ ONLY transaction, with a statement timeout and search_path set to the allowed
 * schemas, and is always rolled back.
 */
export class PostgresEngine implements Engine {
  readonly dialect = 'postgres' as const;

  private constructor(
    private readonly pool: pg.Pool,
    readonly schemas: readonly string[],
    readonly warnings: readonly string[],
    private readonly settings: EngineSettings,
  ) {}

  static async connect(settings: EngineSettings): Promise<PostgresEngine> {
    const pool = new pg.Pool({
      connectionString: settings.url,
      max: settings.poolSize,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
      application_name: 'rampart-db',
      types: typeParsers,
    });
    pool.on('error', () => {}); // an idle client's connection dropped: the pool replaces it
    return connectChecked(
      settings,
      () => pool.end(),
      async () => {
        const privileges = (await pool.query<Privileges>(PRIVILEGES_SQL)).rows[0] as Privileges;
        const schemas =
          settings.schemas.length > 0 ? settings.schemas : privileges.schema ? [privileges.schema] : [];
        if (schemas.length === 0)
          throw new ConfigError(`${settings.shownUrl}: the role has no default schema; give --schemas`);
        const found = await pool.query<{ nspname: string }>(
          'SELECT nspname FROM pg_namespace WHERE nspname = ANY($1::text[])',
          [schemas],
        );
        assertSchemasExist(
          settings,
          schemas,
          found.rows.map((r) => r.nspname),
        );
        return new PostgresEngine(pool, schemas, privilegeWarnings(privileges), settings);
      },
    );
  }

  /** What every transaction sets first: the statement timeout, and search_path holding only the allowed schemas. */
  private transactionSettings(): string[] {
    const timeout = Math.max(1, Math.floor(this.settings.statementTimeoutMs));
    return [
      `SET LOCAL statement_timeout = ${timeout}`,
      `SET LOCAL search_path TO ${this.schemas.map(quoteIdent).join(', ')}`,
    ];
  }

  /**
   * Runs `work` on one pooled connection, cancelling its statement if the call is cancelled. On failure the
   * connection's transaction is rolled back before the connection goes back to the pool.
   */
  private async onConnection<T>(
    signal: AbortSignal,
    work: (client: pg.PoolClient) => Promise<T>,
  ): Promise<T> {
    const client = await this.pool.connect().catch((error: unknown) => {
      throw unavailable(error, this.settings.shownUrl, false) ?? error;
    });
    const cancel = () => {
      void this.pool
        .query('SELECT pg_cancel_backend($1)', [(client as unknown as { processID: number }).processID])
        .catch(() => {});
    };
    signal.addEventListener('abort', cancel, { once: true });
    let broken = false;
    // A checked-out connection that dies between statements (the server crashed) says so with an 'error' event on
    // the client; unheard, that event ends the process. The next statement then fails, and the call with it.
    const onError = () => {
      broken = true;
    };
    client.on('error', onError);
    try {
      return await work(client);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw unavailable(error, this.settings.shownUrl, true) ?? asRefusal(error);
    } finally {
      signal.removeEventListener('abort', cancel);
      // A broken client keeps the listener: it may still report its end after it is released.
      if (!broken) client.removeListener('error', onError);
      client.release(broken);
    }
  }

  /** Runs `work` inside one transaction (read-only ones always roll back). */
  private transaction<T>(
    readOnly: boolean,
    signal: AbortSignal,
    work: (client: pg.PoolClient) => Promise<T>,
  ): Promise<T> {
    return this.onConnection(signal, async (client) => {
      const begin = `BEGIN TRANSACTION ${readOnly ? 'READ ONLY' : 'READ WRITE'}`;
      await client.query([begin, ...this.transactionSettings()].join('; '));
      const result = await work(client);
      await client.query(readOnly ? 'ROLLBACK' : 'COMMIT');
      return result;
    });
  }

  async listTables(schema: string, signal: AbortSignal): Promise<TableInfo[]> {
    return this.transaction(true, signal, async (client) => {
      const { rows } = await client.query<{ name: string; kind: string }>(
        `SELECT c.relname AS name, c.relkind AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY c.relname`,
        [schema],
      );
      return rows.map((r) => ({
        schema,
        name: r.name,
        type: r.kind === 'v' || r.kind === 'm' ? 'view' : 'table',
      }));
    });
  }

  async describeTable(
    schema: string,
    table: string,
    signal: AbortSignal,
  ): Promise<TableDescription | undefined> {
    return this.transaction(true, signal, async (client) => {
      const relation = await client.query<{ oid: number; kind: string }>(
        `SELECT c.oid, c.relkind AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`,
        [schema, table],
      );
      const found = relation.rows[0];
      if (!found) return undefined;
      const columns = await client.query<{
        name: string;
        type: string;
        nullable: boolean;
        default: string | null;
      }>(
        `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable,
                pg_get_expr(d.adbin, d.adrelid) AS default
         FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
        [found.oid],
      );
      const constraints = await client.query<{
        type: string;
        columns: string[];
        refSchema: string | null;
        refTable: string | null;
        refColumns: string[] | null;
      }>(
        `SELECT c.contype AS type,
                ARRAY(SELECT attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute ON attrelid = c.conrelid AND attnum = k.n ORDER BY k.i)::text[] AS columns,
                fn.nspname AS "refSchema", fc.relname AS "refTable",
                ARRAY(SELECT attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute ON attrelid = c.confrelid AND attnum = k.n ORDER BY k.i)::text[] AS "refColumns"
         FROM pg_constraint c LEFT JOIN pg_class fc ON fc.oid = c.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
         WHERE c.conrelid = $1 AND c.contype IN ('p', 'f') ORDER BY c.conname`,
        [found.oid],
      );
      const indexes = await client.query<{ name: string; unique: boolean; columns: string[] }>(
        `SELECT ic.relname AS name, i.indisunique AS unique,
                ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts::int) k ORDER BY k)::text[] AS columns
         FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = $1 ORDER BY ic.relname`,
        [found.oid],
      );
      return {
        schema,
        name: table,
        type: found.kind === 'v' || found.kind === 'm' ? 'view' : 'table',
        columns: columns.rows,
        primaryKey: constraints.rows.find((c) => c.type === 'p')?.columns ?? [],
        foreignKeys: constraints.rows
          .filter((c) => c.type === 'f')
          .map((c) => ({
            columns: c.columns,
            references: { schema: c.refSchema ?? '', table: c.refTable ?? '', columns: c.refColumns ?? [] },
          })),
        indexes: indexes.rows,
      };
    });
  }

  /** The hot path: the whole read-only transaction in one round trip (see ReadPipeline). */
  query(
    sql: string,
    params: readonly SqlParam[],
    maxRows: number,
    signal: AbortSignal,
  ): Promise<QueryResult> {
    return this.onConnection(signal, (client) => {
      const pipeline = new ReadPipeline(this.transactionSettings(), sql, params, maxRows);
      client.query(pipeline as unknown as pg.Submittable);
      return pipeline.done;
    });
  }

  async explain(sql: string, params: readonly SqlParam[], signal: AbortSignal): Promise<unknown> {
    return this.transaction(true, signal, async (client) => {
      const { rows } = await client.query(extended(`EXPLAIN (FORMAT JSON) ${sql}`, params));
      return (rows[0] as { 'QUERY PLAN'?: unknown } | undefined)?.['QUERY PLAN'] ?? rows;
    });
  }

  async execute(
    sql: string,
    params: readonly SqlParam[],
    signal: AbortSignal,
  ): Promise<{ rowsAffected: number }> {
    return this.transaction(false, signal, async (client) => {
      const result = await client.query(extended(sql, params));
      return { rowsAffected: result.rowCount ?? 0 };
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** PostgreSQL's own refusals (read-only transaction, permissions, syntax) are answers for the model, not faults. */
function asRefusal(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (code === '57014')
    return new Refusal('the statement was cancelled: it ran past the time limit or the call was cancelled');
  if (
    typeof code === 'string' &&
    /^[0-9A-Z]{5}$/.test(code) &&
    !code.startsWith('08') &&
    !code.startsWith('57P')
  ) {
    return new Refusal(`PostgreSQL refused the statement: ${(error as Error).message}`);
  }
  return error;
}
