import pg from 'pg';
import { hideUrlPassword } from '../../guards/redact.js';
import type { SchemaReference, SchemaType, StoredSchema } from '../schemas/types.js';
import {
  GLOBAL,
  type NewSchema,
  type Registration,
  type RegistryStore,
  type SubjectVersion,
} from './types.js';

const DDL = `
CREATE TABLE IF NOT EXISTS registry_schemas (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  schema TEXT NOT NULL,
  refs JSONB NOT NULL,
  fingerprint TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS registry_versions (
  subject TEXT NOT NULL,
  version INTEGER NOT NULL,
  schema_id INTEGER NOT NULL REFERENCES registry_schemas(id),
  deleted BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (subject, version)
);
CREATE SEQUENCE IF NOT EXISTS registry_schema_ids;
CREATE INDEX IF NOT EXISTS registry_versions_by_schema ON registry_versions(schema_id);
CREATE TABLE IF NOT EXISTS registry_refs (
  schema_id INTEGER NOT NULL REFERENCES registry_schemas(id),
  subject TEXT NOT NULL,
  version INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS registry_refs_by_target ON registry_refs(subject, version);
CREATE TABLE IF NOT EXISTS registry_settings (
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (kind, subject)
);
`;

/** Advisory lock key for creating the tables. */
const DDL_LOCK = 727_001;

interface SchemaRow {
  id: number;
  type: string;
  schema: string;
  refs: SchemaReference[];
}

interface VersionRow {
  subject: string;
  version: number;
  schema_id: number;
  deleted: boolean;
}

const toSchema = (row: SchemaRow): StoredSchema => ({
  id: row.id,
  type: row.type as SchemaType,
  schema: row.schema,
  references: row.refs,
});

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
  private constructor(private readonly pool: pg.Pool) {}

  static async open(url: string): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    pool.on('error', () => {});
    try {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1)', [DDL_LOCK]);
        await client.query(DDL);
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
    return new PostgresStore(pool);
  }

  async register(
    subject: string,
    schema: NewSchema,
    check: (live: readonly SubjectVersion[]) => void,
    forced?: { id?: number; version?: number },
  ): Promise<Registration> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `rampart-registry:${subject}`,
      ]);
      const live = (
        await client.query<VersionRow>(
          'SELECT * FROM registry_versions WHERE subject = $1 AND NOT deleted ORDER BY version',
          [subject],
        )
      ).rows.map(toVersion);
      const findExisting = async () =>
        (
          await client.query<SchemaRow>('SELECT * FROM registry_schemas WHERE fingerprint = $1', [
            schema.fingerprint,
          ])
        ).rows[0];
      const existing = await findExisting();
      const same = existing && !forced?.version ? live.find((v) => v.id === existing?.id) : undefined;
      if (same) {
        await client.query('COMMIT');
        return { id: same.id, version: same.version, created: false };
      }
      check(live);
      let id = existing?.id;
      if (id === undefined) {
        // A new schema takes the next id, unless a concurrent registration of the same schema commits first: the
        // unique fingerprint makes this insert wait for it, then do nothing, and its id is read back instead.
        const inserted = await client.query<{ id: number }>(
          `INSERT INTO registry_schemas (id, type, schema, refs, fingerprint)
           VALUES (COALESCE($1, nextval('registry_schema_ids')), $2, $3, $4, $5)
           ON CONFLICT (fingerprint) DO NOTHING RETURNING id`,
          [
            forced?.id ?? null,
            schema.type,
            schema.schema,
            JSON.stringify(schema.references),
            schema.fingerprint,
          ],
        );
        id = inserted.rows[0]?.id;
        if (id !== undefined) {
          for (const ref of schema.references) {
            await client.query(
              'INSERT INTO registry_refs (schema_id, subject, version) VALUES ($1, $2, $3)',
              [id, ref.subject, ref.version],
            );
          }
          if (forced?.id !== undefined) {
            // An imported id must never be handed out again by the sequence.
            await client.query(
              "SELECT setval('registry_schema_ids', GREATEST((SELECT last_value FROM registry_schema_ids), $1))",
              [forced.id],
            );
          }
        } else {
          id = (await findExisting())?.id;
          if (id === undefined)
            throw new Error('a schema with this fingerprint vanished during registration');
        }
      }
      const version =
        forced?.version ??
        ((
          await client.query<{ max: number | null }>(
            'SELECT MAX(version) AS max FROM registry_versions WHERE subject = $1',
            [subject],
          )
        ).rows[0]?.max ?? 0) + 1;
      await client.query('INSERT INTO registry_versions (subject, version, schema_id) VALUES ($1, $2, $3)', [
        subject,
        version,
        id,
      ]);
      await client.query('COMMIT');
      return { id, version, created: true };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async schemaById(id: number): Promise<StoredSchema | undefined> {
    const row = (await this.pool.query<SchemaRow>('SELECT * FROM registry_schemas WHERE id = $1', [id]))
      .rows[0];
    return row ? toSchema(row) : undefined;
  }

  async schemaByFingerprint(fingerprint: string): Promise<StoredSchema | undefined> {
    const row = (
      await this.pool.query<SchemaRow>('SELECT * FROM registry_schemas WHERE fingerprint = $1', [fingerprint])
    ).rows[0];
    return row ? toSchema(row) : undefined;
  }

  async subjects(includeDeleted: boolean): Promise<string[]> {
    const sql = includeDeleted
      ? 'SELECT DISTINCT subject FROM registry_versions ORDER BY subject'
      : 'SELECT DISTINCT subject FROM registry_versions WHERE NOT deleted ORDER BY subject';
    return (await this.pool.query<{ subject: string }>(sql)).rows.map((r) => r.subject);
  }

  async versions(subject: string, includeDeleted: boolean): Promise<SubjectVersion[]> {
    const rows = (
      await this.pool.query<VersionRow>(
        'SELECT * FROM registry_versions WHERE subject = $1 ORDER BY version',
        [subject],
      )
    ).rows;
    return rows.map(toVersion).filter((v) => includeDeleted || !v.deleted);
  }

  async versionsOfSchema(id: number, includeDeleted: boolean): Promise<SubjectVersion[]> {
    const rows = (
      await this.pool.query<VersionRow>(
        'SELECT * FROM registry_versions WHERE schema_id = $1 ORDER BY subject, version',
        [id],
      )
    ).rows;
    return rows.map(toVersion).filter((v) => includeDeleted || !v.deleted);
  }

  async referencedBy(subject: string, version: number): Promise<number[]> {
    const rows = (
      await this.pool.query<{ id: number }>(
        `SELECT DISTINCT r.schema_id AS id FROM registry_refs r
         JOIN registry_versions v ON v.schema_id = r.schema_id AND NOT v.deleted
         WHERE r.subject = $1 AND r.version = $2 ORDER BY r.schema_id`,
        [subject, version],
      )
    ).rows;
    return rows.map((r) => r.id);
  }

  async softDelete(subject: string, versions: readonly number[]): Promise<void> {
    await this.pool.query(
      'UPDATE registry_versions SET deleted = TRUE WHERE subject = $1 AND version = ANY($2)',
      [subject, versions],
    );
  }

  async hardDelete(subject: string, versions: readonly number[]): Promise<void> {
    await this.pool.query('DELETE FROM registry_versions WHERE subject = $1 AND version = ANY($2)', [
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

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async setting(kind: string, subject: string | null): Promise<string | undefined> {
    const row = (
      await this.pool.query<{ value: string }>(
        'SELECT value FROM registry_settings WHERE kind = $1 AND subject = $2',
        [kind, subject ?? GLOBAL],
      )
    ).rows[0];
    return row?.value;
  }

  private async putSetting(kind: string, subject: string | null, value: string | null): Promise<void> {
    if (value === null) {
      await this.pool.query('DELETE FROM registry_settings WHERE kind = $1 AND subject = $2', [
        kind,
        subject ?? GLOBAL,
      ]);
      return;
    }
    await this.pool.query(
      `INSERT INTO registry_settings (kind, subject, value) VALUES ($1, $2, $3)
       ON CONFLICT (kind, subject) DO UPDATE SET value = EXCLUDED.value`,
      [kind, subject ?? GLOBAL, value],
    );
  }
}
