import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { idTaken } from '../errors.js';
import type { RuleSet, SchemaMetadata, SchemaReference, SchemaType, StoredSchema } from '../schemas/types.js';
import { prepareSqliteLayout, rewriteOnce } from './sqlite-layout.js';
import {
  type CheckReads,
  GLOBAL,
  type NewSchema,
  type Registration,
  type RegistrationCheck,
  type RegistryStore,
  type SchemaRewrite,
  type SubjectVersion,
} from './types.js';

interface SchemaRow {
  id: number;
  type: string;
  schema: string;
  refs: string;
  fingerprint: string;
  metadata: string | null;
  rule_set: string | null;
}

interface VersionRow {
  subject: string;
  version: number;
  schema_id: number;
  deleted: number;
}

function toSchema(row: SchemaRow): StoredSchema {
  return {
    id: row.id,
    type: row.type as SchemaType,
    schema: row.schema,
    references: JSON.parse(row.refs) as SchemaReference[],
    ...(row.metadata ? { metadata: JSON.parse(row.metadata) as SchemaMetadata } : {}),
    ...(row.rule_set ? { ruleSet: JSON.parse(row.rule_set) as RuleSet } : {}),
    fingerprint: row.fingerprint,
  };
}

function toVersion(row: VersionRow): SubjectVersion {
  return { subject: row.subject, version: row.version, id: row.schema_id, deleted: row.deleted === 1 };
}

/**
 * The default store: one SQLite file (WAL, 0600 in a 0700 directory). Registration is one IMMEDIATE transaction,
 * so concurrent processes on the same file still get dense versions and one id per schema.
 */
export class SqliteStore implements RegistryStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    if (file !== ':memory:') {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      // Created 0600 before SQLite opens it; SQLite gives its -wal and -shm files the same mode.
      closeSync(openSync(file, 'a', 0o600));
    }
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    prepareSqliteLayout(this.db);
  }

  async register(
    subject: string,
    schema: NewSchema,
    check: RegistrationCheck,
    forced?: { id?: number; version?: number },
  ): Promise<Registration> {
    // One IMMEDIATE transaction: it takes the write lock first, so the versions the check sees are the ones the
    // new version follows, even with other processes on the same file.
    const write = this.db.transaction((): Registration => {
      const live = (
        this.db
          .prepare('SELECT * FROM versions WHERE subject = ? AND deleted = 0 ORDER BY version')
          .all(subject) as VersionRow[]
      ).map(toVersion);
      // IMPORT mode may have given this content several ids; without a requested id the oldest is reused.
      const holders = (
        this.db
          .prepare('SELECT id FROM schemas WHERE fingerprint = ? ORDER BY id')
          .all(schema.fingerprint) as {
          id: number;
        }[]
      ).map((r) => r.id);
      const same = live.find(
        (v) =>
          holders.includes(v.id) &&
          (forced?.id === undefined || v.id === forced.id) &&
          (forced?.version === undefined || v.version === forced.version),
      );
      if (same) return { id: same.id, version: same.version, created: false };
      check.run(live, this.checkReads(check, live));
      let id = forced?.id ?? holders[0];
      if (forced?.id !== undefined && !holders.includes(forced.id)) {
        if (this.db.prepare('SELECT 1 FROM schemas WHERE id = ?').get(forced.id)) throw idTaken(forced.id);
        id = undefined;
      }
      if (id === undefined) {
        const inserted = this.db
          .prepare(
            'INSERT INTO schemas (id, type, schema, refs, fingerprint, metadata, rule_set) VALUES (?, ?, ?, ?, ?, ?, ?)',
          )
          .run(
            forced?.id ?? null,
            schema.type,
            schema.schema,
            JSON.stringify(schema.references),
            schema.fingerprint,
            schema.metadata ? JSON.stringify(schema.metadata) : null,
            schema.ruleSet ? JSON.stringify(schema.ruleSet) : null,
          );
        id = Number(inserted.lastInsertRowid);
        const addRef = this.db.prepare('INSERT INTO refs (schema_id, subject, version) VALUES (?, ?, ?)');
        for (const ref of schema.references) addRef.run(id, ref.subject, ref.version);
      }
      const max = this.db
        .prepare('SELECT MAX(version) AS max FROM versions WHERE subject = ?')
        .get(subject) as {
        max: number | null;
      };
      const version = forced?.version ?? (max.max ?? 0) + 1;
      this.db
        .prepare('INSERT INTO versions (subject, version, schema_id) VALUES (?, ?, ?)')
        .run(subject, version, id);
      return { id, version, created: true };
    });
    return write.immediate();
  }

  /** What `check` asks to read, read in the caller's transaction: schemas by id, then referenced versions. */
  private checkReads(check: RegistrationCheck, live: readonly SubjectVersion[]): CheckReads {
    const byId = this.db.prepare('SELECT * FROM schemas WHERE id = ?');
    const referenced = this.db.prepare(
      `SELECT s.* FROM versions v JOIN schemas s ON s.id = v.schema_id
       WHERE v.subject = ? AND v.deleted = 0 AND (? = -1 OR v.version = ?) ORDER BY v.version DESC LIMIT 1`,
    );
    const schemas = new Map<number, StoredSchema>();
    for (const id of check.needs(live)) {
      const row = byId.get(id) as SchemaRow | undefined;
      if (row) schemas.set(id, toSchema(row));
    }
    const reads = { schemas, referenced: [] as [SchemaReference, StoredSchema | undefined][] };
    for (let more = check.references(reads); more.length > 0; more = check.references(reads)) {
      for (const r of more) {
        const row = referenced.get(r.subject, r.version, r.version) as SchemaRow | undefined;
        reads.referenced.push([r, row ? toSchema(row) : undefined]);
      }
    }
    return reads;
  }

  async schemaById(id: number): Promise<StoredSchema | undefined> {
    const row = this.db.prepare('SELECT * FROM schemas WHERE id = ?').get(id) as SchemaRow | undefined;
    return row ? toSchema(row) : undefined;
  }

  async schemasByFingerprint(fingerprint: string): Promise<StoredSchema[]> {
    const rows = this.db
      .prepare('SELECT * FROM schemas WHERE fingerprint = ? ORDER BY id')
      .all(fingerprint) as SchemaRow[];
    return rows.map(toSchema);
  }

  async schemasByFingerprintPattern(prefix: string): Promise<StoredSchema[]> {
    const rows = this.db
      .prepare("SELECT * FROM schemas WHERE fingerprint LIKE ? || '%' ORDER BY id")
      .all(prefix) as SchemaRow[];
    return rows.map(toSchema);
  }

  async maxSchemaId(): Promise<number> {
    return (this.db.prepare('SELECT MAX(id) AS max FROM schemas').get() as { max: number | null }).max ?? 0;
  }

  async allVersions(includeDeleted: boolean): Promise<SubjectVersion[]> {
    const sql = includeDeleted
      ? 'SELECT * FROM versions ORDER BY subject, version'
      : 'SELECT * FROM versions WHERE deleted = 0 ORDER BY subject, version';
    return (this.db.prepare(sql).all() as VersionRow[]).map(toVersion);
  }

  async subjects(includeDeleted: boolean): Promise<string[]> {
    const sql = includeDeleted
      ? 'SELECT DISTINCT subject FROM versions ORDER BY subject'
      : 'SELECT DISTINCT subject FROM versions WHERE deleted = 0 ORDER BY subject';
    return (this.db.prepare(sql).all() as { subject: string }[]).map((r) => r.subject);
  }

  async versions(subject: string, includeDeleted: boolean): Promise<SubjectVersion[]> {
    const rows = this.db
      .prepare('SELECT * FROM versions WHERE subject = ? ORDER BY version')
      .all(subject) as VersionRow[];
    return rows.map(toVersion).filter((v) => includeDeleted || !v.deleted);
  }

  async versionsOfSchema(id: number, includeDeleted: boolean): Promise<SubjectVersion[]> {
    const rows = this.db
      .prepare('SELECT * FROM versions WHERE schema_id = ? ORDER BY subject, version')
      .all(id) as VersionRow[];
    return rows.map(toVersion).filter((v) => includeDeleted || !v.deleted);
  }

  async referencedBy(subject: string, version: number): Promise<number[]> {
    const rows = this.db
      .prepare(
        `SELECT DISTINCT r.schema_id AS id FROM refs r
         JOIN versions v ON v.schema_id = r.schema_id AND v.deleted = 0
         WHERE r.subject = ? AND r.version = ? ORDER BY r.schema_id`,
      )
      .all(subject, version) as { id: number }[];
    return rows.map((r) => r.id);
  }

  async softDelete(subject: string, versions: readonly number[]): Promise<void> {
    const mark = this.db.prepare('UPDATE versions SET deleted = 1 WHERE subject = ? AND version = ?');
    this.db.transaction(() => {
      for (const v of versions) mark.run(subject, v);
    })();
  }

  async hardDelete(subject: string, versions: readonly number[]): Promise<void> {
    const remove = this.db.prepare('DELETE FROM versions WHERE subject = ? AND version = ?');
    this.db.transaction(() => {
      for (const v of versions) remove.run(subject, v);
    })();
  }

  async compatibility(subject: string | null): Promise<string | undefined> {
    return this.setting('compatibility', subject);
  }

  async setCompatibility(subject: string | null, level: string | null): Promise<void> {
    this.putSetting('compatibility', subject, level);
  }

  async normalize(subject: string | null): Promise<boolean | undefined> {
    const value = this.setting('normalize', subject);
    return value === undefined ? undefined : value === 'true';
  }

  async setNormalize(subject: string | null, normalize: boolean | null): Promise<void> {
    this.putSetting('normalize', subject, normalize === null ? null : String(normalize));
  }

  async mode(subject: string | null): Promise<string | undefined> {
    return this.setting('mode', subject);
  }

  async setMode(subject: string | null, mode: string | null): Promise<void> {
    this.putSetting('mode', subject, mode);
  }

  async alias(subject: string): Promise<string | undefined> {
    return this.setting('alias', subject);
  }

  async setAlias(subject: string, target: string | null): Promise<void> {
    this.putSetting('alias', subject, target);
  }

  async rewriteSchemas(type: SchemaType, rewrite: SchemaRewrite): Promise<number> {
    return rewriteOnce(this.db, () => {
      const rows = this.db
        .prepare('SELECT * FROM schemas WHERE type = ? ORDER BY id')
        .all(type) as SchemaRow[];
      const update = this.db.prepare('UPDATE schemas SET schema = ?, fingerprint = ? WHERE id = ?');
      let changed = 0;
      for (const row of rows) {
        const next = rewrite(toSchema(row));
        if (!next || (next.schema === row.schema && next.fingerprint === row.fingerprint)) continue;
        update.run(next.schema, next.fingerprint, row.id);
        changed++;
      }
      return changed;
    });
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private setting(kind: string, subject: string | null): string | undefined {
    const row = this.db
      .prepare('SELECT value FROM settings WHERE kind = ? AND subject = ?')
      .get(kind, subject ?? GLOBAL) as { value: string } | undefined;
    return row?.value;
  }

  private putSetting(kind: string, subject: string | null, value: string | null): void {
    if (value === null) {
      this.db.prepare('DELETE FROM settings WHERE kind = ? AND subject = ?').run(kind, subject ?? GLOBAL);
    } else {
      this.db
        .prepare(
          'INSERT INTO settings (kind, subject, value) VALUES (?, ?, ?) ON CONFLICT (kind, subject) DO UPDATE SET value = excluded.value',
        )
        .run(kind, subject ?? GLOBAL, value);
    }
  }
}
