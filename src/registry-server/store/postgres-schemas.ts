import type pg from 'pg';
import { idTaken } from '../errors.js';
import type { RuleSet, SchemaMetadata, SchemaReference, SchemaType, StoredSchema } from '../schemas/types.js';
import type { CheckReads, NewSchema, RegistrationCheck, SubjectVersion } from './types.js';

/** The schema rows a registration reads and writes, through the connection of its transaction. */

export interface SchemaRow {
  id: number;
  type: string;
  schema: string;
  refs: SchemaReference[];
  fingerprint: string;
  metadata: SchemaMetadata | null;
  rule_set: RuleSet | null;
}

export const toSchema = (row: SchemaRow): StoredSchema => ({
  id: row.id,
  type: row.type as SchemaType,
  schema: row.schema,
  references: row.refs,
  ...(row.metadata ? { metadata: row.metadata } : {}),
  ...(row.rule_set ? { ruleSet: row.rule_set } : {}),
  fingerprint: row.fingerprint,
});

/**
 * How many ids the sequence may hand out that imported schemas already hold before a registration gives up.
 * An import raises the sequence past its id as it writes it, so only ids taken in that instant collide: a few
 * at most. More means the sequence sits below a run of imported ids, which trying again here will not cure.
 */
const MAX_ID_COLLISIONS = 100;

/** The ids that hold this content, oldest first (IMPORT mode may give one content several). */
export async function idsWithFingerprint(client: pg.PoolClient, fingerprint: string): Promise<number[]> {
  const sql = 'SELECT id FROM registry_schemas WHERE fingerprint = $1 ORDER BY id';
  return (await client.query<{ id: number }>(sql, [fingerprint])).rows.map((r) => r.id);
}

/** What `check` asks to read, read through the transaction's connection: schemas by id, then referenced versions. */
export async function checkReads(
  client: pg.PoolClient,
  check: RegistrationCheck,
  live: readonly SubjectVersion[],
): Promise<CheckReads> {
  const schemas = new Map<number, StoredSchema>();
  const ids = check.needs(live);
  if (ids.length > 0) {
    const sql = 'SELECT * FROM registry_schemas WHERE id = ANY($1)';
    for (const row of (await client.query<SchemaRow>(sql, [ids])).rows) schemas.set(row.id, toSchema(row));
  }
  const reads = { schemas, referenced: [] as [SchemaReference, StoredSchema | undefined][] };
  for (let more = check.references(reads); more.length > 0; more = check.references(reads)) {
    for (const reference of more) {
      const found = await client.query<SchemaRow>(
        `SELECT s.* FROM registry_versions v JOIN registry_schemas s ON s.id = v.schema_id
         WHERE v.subject = $1 AND NOT v.deleted AND ($2::int = -1 OR v.version = $2::int)
         ORDER BY v.version DESC LIMIT 1`,
        [reference.subject, reference.version],
      );
      const row = found.rows[0];
      reads.referenced.push([reference, row ? toSchema(row) : undefined]);
    }
  }
  return reads;
}

/** Writes new content under the sequence's next id, passing over ids that imported schemas already hold. */
export async function newId(client: pg.PoolClient, schema: NewSchema): Promise<number> {
  for (let collisions = 0; ; collisions++) {
    const id = await insertRow(client, schema, undefined);
    if (id !== undefined) return id;
    if (collisions >= MAX_ID_COLLISIONS) {
      throw new Error(
        `the sequence registry_schema_ids handed out ${collisions} ids that imported schemas hold; raise it with setval`,
      );
    }
  }
}

/** The id IMPORT mode asks for: written with this content, or already holding it; an id other content holds is refused. */
export async function importedId(client: pg.PoolClient, schema: NewSchema, id: number): Promise<number> {
  if ((await insertRow(client, schema, id)) !== undefined) {
    // The sequence only moves up: setting it back below ids it has handed out would hand them out again.
    await client.query(
      `SELECT setval('registry_schema_ids', GREATEST(last_value, $1)) FROM registry_schema_ids
       WHERE last_value < $1 OR NOT is_called`,
      [id],
    );
    return id;
  }
  const holder = await client.query<{ fingerprint: string }>(
    'SELECT fingerprint FROM registry_schemas WHERE id = $1',
    [id],
  );
  if (holder.rows[0]?.fingerprint === schema.fingerprint) return id;
  throw idTaken(id);
}

/**
 * Writes a schema row under `id` or the sequence's next, with its references; undefined when the id is taken
 * (an insert racing this one for the same id waits for it, then finds it taken).
 */
async function insertRow(
  client: pg.PoolClient,
  schema: NewSchema,
  id: number | undefined,
): Promise<number | undefined> {
  const inserted = await client.query<{ id: number }>(
    `INSERT INTO registry_schemas (id, type, schema, refs, fingerprint, metadata, rule_set)
     VALUES (COALESCE($1, nextval('registry_schema_ids')), $2, $3, $4, $5, $6, $7)
     ON CONFLICT DO NOTHING RETURNING id`,
    [
      id ?? null,
      schema.type,
      schema.schema,
      JSON.stringify(schema.references),
      schema.fingerprint,
      schema.metadata ? JSON.stringify(schema.metadata) : null,
      schema.ruleSet ? JSON.stringify(schema.ruleSet) : null,
    ],
  );
  const written = inserted.rows[0]?.id;
  if (written === undefined) return undefined;
  for (const ref of schema.references) {
    await client.query('INSERT INTO registry_refs (schema_id, subject, version) VALUES ($1, $2, $3)', [
      written,
      ref.subject,
      ref.version,
    ]);
  }
  return written;
}
