import pg from 'pg';
import { createLogger, type Logger } from '../../core/log.js';
import { hideUrlPassword } from '../../guards/redact.js';
import type { SchemaType, StoredSchema } from '../schemas/types.js';
import { KeyedQueue } from './keyed-queue.js';
import { preparePostgresLayout, rewriteOnce } from './postgres-layout.js';
import {
  checkReads,
  idsWithFingerprint,
  importedId,
  newId,
  type SchemaRow,
  toSchema,
} from './postgres-schemas.js';
import { retryTransient } from './transient.js';
import {
  GLOBAL,
  type NewSchema,
  type Registration,
  type RegistrationCheck,
  type RegistryStore,
  type SchemaRewrite,
  type SubjectVersion,
} from './types.js';

/** Advisory lock key for creating the tables. */
const DDL_LOCK = 727_001;

interface VersionRow {
  subject: string;
  version: number;
  schema_id: number;
  deleted: boolean;
}

const toVersion = (row: VersionRow): SubjectVersion => ({
  subject: row.subject,
  version: row.version,
  id: row.schema_id,
  deleted: row.deleted,
});

/**
 * PostgreSQL: several registry instances share one database. A registration holds a transaction-scoped advisory
 * lock on its subject (so versions are dense and checked against what precedes them); new schemas take ids from a
 * sequence, and the unique fingerprint makes equal schemas registered at once under different subjects share one.
 */
export class PostgresStore implements RegistryStore {
  private readonly registrations = new KeyedQueue();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
  ) {}

  static async open(url: string, logger: Logger = createLogger({ level: 'silent' })): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      // A registration holds its subject's lock until it commits: a client that froze mid-transaction must not
      // hold it for ever, so the server ends such a session.
      idle_in_transaction_session_timeout: 60_000,
    });
    pool.on('error', (error) => {
      logger.warn(`registry store: an idle connection to ${hideUrlPassword(url)} failed: ${error.message}`);
    });
    try {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1)', [DDL_LOCK]);
        await preparePostgresLayout(client);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end();
      throw new Error(
        `cannot open the registry store at ${hideUrlPassword(url)}: ${(error as Error).message}`,
      );
    }
    return new PostgresStore(pool, logger);
  }

  async register(
    subject: string,
    schema: NewSchema,
    check: RegistrationCheck,
    forced?: { id?: number; version?: number },
  ): Promise<Registration> {
    // Registrations of one subject queue here rather than each holding a pool connection while it waits for the
    // subject's advisory lock, which would leave nothing for reads and other subjects.
    return this.registrations.run(subject, () =>
      retryTransient(
        () => this.transaction((client) => this.registerIn(client, subject, schema, check, forced)),
        (error, attempt) => this.warnRetry('register', error, attempt),
      ),
    );
  }

  private async registerIn(
    client: pg.PoolClient,
    subject: string,
    schema: NewSchema,
    check: RegistrationCheck,
    forced: { id?: number; version?: number } | undefined,
  ): Promise<Registration> {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `rampart-registry:${subject}`,
    ]);
    const all = (
      await client.query<VersionRow>('SELECT * FROM registry_versions WHERE subject = $1 ORDER BY version', [
        subject,
      ])
    ).rows.map(toVersion);
    const live = all.filter((v) => !v.deleted);
    // Equal content registered at once under other subjects holds other subjects' locks: this lock on the content
    // makes the second wait for the first to commit and then find its id. It is always taken after the subject's,
    // so no two registrations wait on each other in a circle.
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `rampart-registry-content:${schema.fingerprint}`,
    ]);
    const holders = await idsWithFingerprint(client, schema.fingerprint);
    // Already there: the same content (under the requested id, at the requested version, when they are given).
    // This also answers a try whose commit landed but whose answer was lost with the connection.
    const same = live.find(
      (v) =>
        holders.includes(v.id) &&
        (forced?.id === undefined || v.id === forced.id) &&
        (forced?.version === undefined || v.version === forced.version),
    );
    if (same) return { id: same.id, version: same.version, created: false };
    check.run(live, await checkReads(client, check, live));
    const id =
      forced?.id !== undefined
        ? await importedId(client, schema, forced.id)
        : (holders[0] ?? (await newId(client, schema)));
    const version = forced?.version ?? (all[all.length - 1]?.version ?? 0) + 1;
    await client.query('INSERT INTO registry_versions (subject, version, schema_id) VALUES ($1, $2, $3)', [
      subject,
      version,
      id,
    ]);
    return { id, version, created: true };
  }

  /** Runs `work` in a transaction on one pooled connection; a connection that broke is not given back for reuse. */
  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    // A checked-out connection that dies between statements (the server crashed) says so with an 'error' event on
    // the client; unheard, that event ends the process. The next statement then fails, and the work with it.
    const onError = () => {
      broken = true;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      // A broken client keeps the listener: it may still report its end after it is released.
      if (!broken) client.removeListener('error', onError);
      client.release(broken);
    }
  }

  /** One statement on any pooled connection, tried again after a transient failure. */
  private query<R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>> {
    return retryTransient(
      () => this.pool.query<R>(sql, params),
      (error, attempt) => this.warnRetry('query', error, attempt),
    );
  }

  private warnRetry(what: string, error: Error, attempt: number): void {
    const code = (error as { code?: unknown }).code;
    this.logger.warn(
      `registry store: ${what} failed (${error.message}${code ? `, ${code}` : ''}); trying again`,
      {
        attempt,
      },
    );
  }

  async schemaById(id: number): Promise<StoredSchema | undefined> {
    const row = (await this.query<SchemaRow>('SELECT * FROM registry_schemas WHERE id = $1', [id])).rows[0];
    return row ? toSchema(row) : undefined;
  }

  async schemasByFingerprint(fingerprint: string): Promise<StoredSchema[]> {
    const sql = 'SELECT * FROM registry_schemas WHERE fingerprint = $1 ORDER BY id';
    return (await this.query<SchemaRow>(sql, [fingerprint])).rows.map(toSchema);
  }

  async schemasByFingerprintPattern(prefix: string): Promise<StoredSchema[]> {
    const sql = "SELECT * FROM registry_schemas WHERE fingerprint LIKE $1 || '%' ORDER BY id";
    return (await this.query<SchemaRow>(sql, [prefix])).rows.map(toSchema);
  }

  async maxSchemaId(): Promise<number> {
    return (
      (await this.query<{ max: number | null }>('SELECT MAX(id) AS max FROM registry_schemas')).rows[0]
        ?.max ?? 0
    );
  }

  async allVersions(includeDeleted: boolean): Promise<SubjectVersion[]> {
    const sql = includeDeleted
      ? 'SELECT * FROM registry_versions ORDER BY subject, version'
      : 'SELECT * FROM registry_versions WHERE NOT deleted ORDER BY subject, version';
    return (await this.query<VersionRow>(sql)).rows.map(toVersion);
  }

  async subjects(includeDeleted: boolean): Promise<string[]> {
    const sql = includeDeleted
      ? 'SELECT DISTINCT subject FROM registry_versions ORDER BY subject'
      : 'SELECT DISTINCT subject FROM registry_versions WHERE NOT deleted ORDER BY subject';
    return (await this.query<{ subject: string }>(sql)).rows.map((r) => r.subject);
  }

  async versions(subject: string, includeDeleted: boolean): Promise<SubjectVersion[]> {
    const rows = (
      await this.query<VersionRow>('SELECT * FROM registry_versions WHERE subject = $1 ORDER BY version', [
        subject,
      ])
    ).rows;
    return rows.map(toVersion).filter((v) => includeDeleted || !v.deleted);
  }

  async versionsOfSchema(id: number, includeDeleted: boolean): Promise<SubjectVersion[]> {
    const rows = (
      await this.query<VersionRow>(
        'SELECT * FROM registry_versions WHERE schema_id = $1 ORDER BY subject, version',
        [id],
      )
    ).rows;
    return rows.map(toVersion).filter((v) => includeDeleted || !v.deleted);
  }

  async referencedBy(subject: string, version: number): Promise<number[]> {
    const rows = (
      await this.query<{ id: number }>(
        `SELECT DISTINCT r.schema_id AS id FROM registry_refs r
         JOIN registry_versions v ON v.schema_id = r.schema_id AND NOT v.deleted
         WHERE r.subject = $1 AND r.version = $2 ORDER BY r.schema_id`,
        [subject, version],
      )
    ).rows;
    return rows.map((r) => r.id);
  }

  async softDelete(subject: string, versions: readonly number[]): Promise<void> {
    await this.query('UPDATE registry_versions SET deleted = TRUE WHERE subject = $1 AND version = ANY($2)', [
      subject,
      versions,
    ]);
  }

  async hardDelete(subject: string, versions: readonly number[]): Promise<void> {
    await this.query('DELETE FROM registry_versions WHERE subject = $1 AND version = ANY($2)', [
      subject,
      versions,
    ]);
  }

  async compatibility(subject: string | null): Promise<string | undefined> {
    return this.setting('compatibility', subject);
  }

  async setCompatibility(subject: string | null, level: string | null): Promise<void> {
    await this.putSetting('compatibility', subject, level);
  }

  async normalize(subject: string | null): Promise<boolean | undefined> {
    const value = await this.setting('normalize', subject);
    return value === undefined ? undefined : value === 'true';
  }

  async setNormalize(subject: string | null, normalize: boolean | null): Promise<void> {
    await this.putSetting('normalize', subject, normalize === null ? null : String(normalize));
  }

  async mode(subject: string | null): Promise<string | undefined> {
    return this.setting('mode', subject);
  }

  async setMode(subject: string | null, mode: string | null): Promise<void> {
    await this.putSetting('mode', subject, mode);
  }

  async alias(subject: string): Promise<string | undefined> {
    return this.setting('alias', subject);
  }

  async setAlias(subject: string, target: string | null): Promise<void> {
    await this.putSetting('alias', subject, target);
  }

  async rewriteSchemas(type: SchemaType, rewrite: SchemaRewrite): Promise<number> {
    return this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [DDL_LOCK]);
      return rewriteOnce(client, async () => {
        const sql = 'SELECT * FROM registry_schemas WHERE type = $1 ORDER BY id';
        let changed = 0;
        for (const row of (await client.query<SchemaRow>(sql, [type])).rows) {
          const next = rewrite(toSchema(row));
          if (!next || (next.schema === row.schema && next.fingerprint === row.fingerprint)) continue;
          await client.query('UPDATE registry_schemas SET schema = $1, fingerprint = $2 WHERE id = $3', [
            next.schema,
            next.fingerprint,
            row.id,
          ]);
          changed++;
        }
        return changed;
      });
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async setting(kind: string, subject: string | null): Promise<string | undefined> {
    const row = (
      await this.query<{ value: string }>(
        'SELECT value FROM registry_settings WHERE kind = $1 AND subject = $2',
        [kind, subject ?? GLOBAL],
      )
    ).rows[0];
    return row?.value;
  }

  private async putSetting(kind: string, subject: string | null, value: string | null): Promise<void> {
    if (value === null) {
      await this.query('DELETE FROM registry_settings WHERE kind = $1 AND subject = $2', [
        kind,
        subject ?? GLOBAL,
      ]);
      return;
    }
    await this.query(
      `INSERT INTO registry_settings (kind, subject, value) VALUES ($1, $2, $3)
       ON CONFLICT (kind, subject) DO UPDATE SET value = EXCLUDED.value`,
      [kind, subject ?? GLOBAL, value],
    );
  }
}
