import type pg from 'pg';

const TABLES = `
CREATE TABLE IF NOT EXISTS registry_schemas (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  schema TEXT NOT NULL,
  refs JSONB NOT NULL,
  fingerprint TEXT NOT NULL,
  metadata JSONB,
  rule_set JSONB
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

// The first layout kept one id per content with a UNIQUE fingerprint; IMPORT mode may now give content several
// ids, so the constraint goes (a plain index serves lookups and GUID prefixes), and schemas gain metadata and rules.
const UPGRADES: readonly { readonly needed: string; readonly ddl: string }[] = [
  {
    needed: `SELECT 1 FROM pg_constraint
             WHERE conrelid = 'registry_schemas'::regclass AND conname = 'registry_schemas_fingerprint_key'`,
    ddl: 'ALTER TABLE registry_schemas DROP CONSTRAINT registry_schemas_fingerprint_key',
  },
  {
    needed: `SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = 'registry_schemas' AND column_name = 'metadata')`,
    ddl: 'ALTER TABLE registry_schemas ADD COLUMN metadata JSONB, ADD COLUMN rule_set JSONB',
  },
];

const INDEXES =
  'CREATE INDEX IF NOT EXISTS registry_schemas_by_fingerprint ON registry_schemas(fingerprint text_pattern_ops)';

/**
 * Creates the tables, or brings older ones to the current layout; the caller holds the DDL lock in a transaction.
 * Each upgrade runs only where it is needed, so instances starting on a current database take no table locks.
 */
export async function preparePostgresLayout(client: pg.PoolClient): Promise<void> {
  await client.query(TABLES);
  for (const upgrade of UPGRADES) {
    if ((await client.query(upgrade.needed)).rowCount) await client.query(upgrade.ddl);
  }
  await client.query(INDEXES);
}
