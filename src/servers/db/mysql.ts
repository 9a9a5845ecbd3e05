import mysql from 'mysql2/promise';
import { ConfigError } from '../../core/config.js';
import { Refusal } from '../../core/errors.js';
import { assertSchemasExist, connectChecked, type EngineSettings } from './connect.js';
import type { Engine, QueryResult, SqlParam, TableDescription, TableInfo } from './engine.js';
import { jsonCell } from './values.js';

type Connection = mysql.PoolConnection;

function grantWarnings(user: string, grants: string[]): string[] {
  const global = grants.filter((g) => / ON \*\.\* TO /i.test(g));
  const risky = ['ALL PRIVILEGES', 'FILE', 'SUPER'].filter((p) =>
    global.some((g) => new RegExp(`\\b${p}\\b`, 'i').test(g)),
  );
  if (risky.length === 0) return [];
  return [
    `the MySQL user ${user} holds ${risky.join(', ')} on *.*. Rampart refuses INTO OUTFILE, LOAD_FILE and LOAD DATA, ` +
      'but a SELECT-only user is the safer connection (see the README).',
  ];
}

/**
 * MySQL and MariaDB: every read runs as one prepared statement (which cannot carry a second one; multiple
 * statements are off for the connection too) inside a READ ONLY transaction that is always rolled back, with the
 * server's own statement time limit and row limit (sql_select_limit) set for the call.
 */
export class MysqlEngine implements Engine {
  readonly dialect = 'mysql' as const;

  private constructor(
    private readonly pool: mysql.Pool,
    readonly schemas: readonly string[],
    readonly warnings: readonly string[],
    private readonly mariadb: boolean,
    private readonly settings: EngineSettings,
  ) {}

  static async connect(settings: EngineSettings): Promise<MysqlEngine> {
    const pool = mysql.createPool({
      uri: settings.url,
      connectionLimit: settings.poolSize,
      multipleStatements: false,
      supportBigNumbers: true,
      bigNumberStrings: false, // numbers when exact, text past 2^53
      dateStrings: true,
      connectTimeout: 10_000,
      // Unqualified names resolve in the first allowed schema; USE is refused, so it stays that way.
      ...(settings.schemas[0] ? { database: settings.schemas[0] } : {}),
    });
    return connectChecked(
      settings,
      () => pool.end(),
      async () => {
        const [[about]] = (await pool.query(
          'SELECT DATABASE() AS db, VERSION() AS version, CURRENT_USER() AS user',
        )) as unknown as [{ db: string | null; version: string; user: string }[]];
        if (!about) throw new Error('no answer to SELECT DATABASE()');
        const schemas = settings.schemas.length > 0 ? settings.schemas : about.db ? [about.db] : [];
        if (schemas.length === 0)
          throw new ConfigError(
            `${settings.shownUrl} names no database; add one to the URL or give --schemas`,
          );
        const [found] = (await pool.query(
          'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)',
          [schemas],
        )) as unknown as [{ name: string }[]];
        assertSchemasExist(
          settings,
          schemas,
          found.map((r) => r.name),
        );
        const [grants] = (await pool.query('SHOW GRANTS')) as unknown as [Record<string, string>[]];
        const warnings = grantWarnings(
          about.user,
          grants.map((row) => Object.values(row)[0] ?? ''),
        );
        return new MysqlEngine(pool, schemas, warnings, /mariadb/i.test(about.version), settings);
      },
    );
  }

  /** The qualifiers the gate could not place that name a schema here (and so are outside the allowlist). */
  async schemasAmong(names: readonly string[], signal: AbortSignal): Promise<string[]> {
    if (names.length === 0) return [];
    return this.session(signal, undefined, async (conn) => {
      const [rows] = (await conn.query(
        'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)',
        [names],
      )) as unknown as [{ name: string }[]];
      return rows.map((r) => r.name);
    });
  }

  private timeLimit(): string {
    const ms = Math.max(1, Math.floor(this.settings.statementTimeoutMs));
    return this.mariadb ? `max_statement_time = ${ms / 1000}` : `max_execution_time = ${ms}`;
  }

  /** One pooled connection with the call's limits set; its query is killed if the call is cancelled. */
  private async session<T>(
    signal: AbortSignal,
    rowLimit: number | undefined,
    work: (conn: Connection) => Promise<T>,
  ): Promise<T> {
    const conn = await this.pool.getConnection();
    const kill = () => {
      void this.pool.query(`KILL QUERY ${Number(conn.threadId)}`).catch(() => {});
    };
    signal.addEventListener('abort', kill, { once: true });
    let broken = false;
    try {
      await conn.query(
        `SET SESSION ${this.timeLimit()}, sql_select_limit = ${rowLimit === undefined ? 'DEFAULT' : rowLimit + 1}`,
      );
      return await work(conn);
    } catch (error) {
      broken = signal.aborted;
      throw asRefusal(error);
    } finally {
      signal.removeEventListener('abort', kill);
      if (broken) conn.destroy();
      else conn.release();
    }
  }

  private async readOnly<T>(
    signal: AbortSignal,
    rowLimit: number | undefined,
    work: (conn: Connection) => Promise<T>,
  ): Promise<T> {
    return this.session(signal, rowLimit, async (conn) => {
      await conn.query('START TRANSACTION READ ONLY');
      try {
        return await work(conn);
      } finally {
        await conn.query('ROLLBACK');
      }
    });
  }

  async listTables(schema: string, signal: AbortSignal): Promise<TableInfo[]> {
    return this.readOnly(signal, undefined, async (conn) => {
      const [rows] = (await conn.execute(
        'SELECT TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
        [schema],
      )) as unknown as [{ name: string; type: string }[]];
      return rows.map((r) => ({ schema, name: r.name, type: /VIEW/i.test(r.type) ? 'view' : 'table' }));
    });
  }

  async describeTable(
    schema: string,
    table: string,
    signal: AbortSignal,
  ): Promise<TableDescription | undefined> {
    return this.readOnly(signal, undefined, async (conn) => {
      const [found] = (await conn.execute(
        'SELECT TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
        [schema, table],
      )) as unknown as [{ type: string }[]];
      if (!found[0]) return undefined;
      const [columns] = (await conn.execute(
        `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE = 'YES' AS nullable, COLUMN_DEFAULT AS dflt, COLUMN_KEY AS colkey
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
        [schema, table],
      )) as unknown as [{ name: string; type: string; nullable: number; dflt: string | null }[]];
      const [keys] = (await conn.execute(
        `SELECT CONSTRAINT_NAME AS name, COLUMN_NAME AS col, REFERENCED_TABLE_SCHEMA AS refSchema,
                REFERENCED_TABLE_NAME AS refTable, REFERENCED_COLUMN_NAME AS refCol
         FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION`,
        [schema, table],
      )) as unknown as [
        {
          name: string;
          col: string;
          refSchema: string | null;
          refTable: string | null;
          refCol: string | null;
        }[],
      ];
      const [stats] = (await conn.execute(
        `SELECT INDEX_NAME AS name, NON_UNIQUE AS nonUnique, COLUMN_NAME AS col FROM information_schema.STATISTICS
         WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
        [schema, table],
      )) as unknown as [{ name: string; nonUnique: number | string; col: string | null }[]];
      const foreign = new Map<
        string,
        { columns: string[]; references: { schema: string; table: string; columns: string[] } }
      >();
      for (const key of keys.filter((k) => k.refTable)) {
        const entry = foreign.get(key.name) ?? {
          columns: [],
          references: { schema: key.refSchema ?? schema, table: key.refTable ?? '', columns: [] },
        };
        entry.columns.push(key.col);
        if (key.refCol) entry.references.columns.push(key.refCol);
        foreign.set(key.name, entry);
      }
      const indexes = new Map<string, { name: string; unique: boolean; columns: string[] }>();
      for (const stat of stats) {
        const entry = indexes.get(stat.name) ?? {
          name: stat.name,
          unique: Number(stat.nonUnique) === 0,
          columns: [],
        };
        entry.columns.push(stat.col ?? '(expression)');
        indexes.set(stat.name, entry);
      }
      return {
        schema,
        name: table,
        type: /VIEW/i.test(found[0].type) ? 'view' : 'table',
        columns: columns.map((c) => ({
          name: c.name,
          type: c.type,
          nullable: Boolean(Number(c.nullable)),
          default: c.dflt,
        })),
        primaryKey: keys.filter((k) => k.name === 'PRIMARY').map((k) => k.col),
        foreignKeys: [...foreign.values()],
        indexes: [...indexes.values()],
      };
    });
  }

  async query(
    sql: string,
    params: readonly SqlParam[],
    maxRows: number,
    signal: AbortSignal,
  ): Promise<QueryResult> {
    return this.readOnly(signal, maxRows, async (conn) => {
      const [rows, fields] = (await conn.execute({ sql, rowsAsArray: true }, [...params])) as unknown as [
        unknown[][],
        { name: string }[] | undefined,
      ];
      if (!Array.isArray(rows)) throw new Refusal('the statement returned no rows');
      return {
        columns: (fields ?? []).map((f) => f.name),
        rows: rows.slice(0, maxRows).map((row) => row.map(jsonCell)),
        truncated: rows.length > maxRows,
      };
    });
  }

  async explain(sql: string, params: readonly SqlParam[], signal: AbortSignal): Promise<unknown> {
    return this.readOnly(signal, undefined, async (conn) => {
      const [rows] = (await conn.query(`EXPLAIN FORMAT=JSON ${sql}`, [...params])) as unknown as [
        Record<string, string>[],
      ];
      const text = Object.values(rows[0] ?? {})[0];
      try {
        return typeof text === 'string' ? JSON.parse(text) : rows;
      } catch {
        return text;
      }
    });
  }

  async execute(
    sql: string,
    params: readonly SqlParam[],
    signal: AbortSignal,
  ): Promise<{ rowsAffected: number }> {
    return this.session(signal, undefined, async (conn) => {
      const [result] = (await conn.execute(sql, [...params])) as unknown as [{ affectedRows?: number }];
      return { rowsAffected: result.affectedRows ?? 0 };
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** The server's own refusals (read-only transaction, permissions, syntax) are answers for the model. */
function asRefusal(error: unknown): unknown {
  const e = error as { code?: unknown; errno?: unknown; sqlMessage?: string; message?: string };
  if (e.errno === 1317 || e.errno === 3024 || e.errno === 1969)
    return new Refusal('the statement was cancelled: it ran past the time limit or the call was cancelled');
  if (typeof e.sqlMessage === 'string') return new Refusal(`MySQL refused the statement: ${e.sqlMessage}`);
  return error;
}
