import type pg from 'pg';

/**
 * The layout this code writes, kept in `registry_meta` (stores from before that table are at 1 once their tables
 * are brought up to date). Layout 2 has layout 1's tables; what changed is the text of the rows a rewrite brings
 * up to date (see `rewriteOnce`).
 */
const LAYOUT = 2;
const TABLES_LAYOUT = 1;

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
CREATE TABLE IF NOT EXISTS registry_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
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
  const fresh = await client.query("SELECT 1 WHERE to_regclass('registry_schemas') IS NULL");
  await client.query(TABLES);
  for (const upgrade of UPGRADES) {
    if ((await client.query(upgrade.needed)).rowCount) await client.query(upgrade.ddl);
  }
  await client.query(INDEXES);
  // New tables have no rows to rewrite.
  await client.query(
    "INSERT INTO registry_meta (key, value) VALUES ('layout', $1) ON CONFLICT (key) DO NOTHING",
    [String(fresh.rowCount ? LAYOUT : TABLES_LAYOUT)],
  );
}

/**
 * Runs `rewrite` (the rows' part of the upgrade to layout 2) unless the store has that layout, and records it;
 * the caller holds the DDL lock in a transaction, so instances opening the same store at once rewrite once.
 * Answers what `rewrite` answers, 0 when there was nothing to do.
 */
export async function rewriteOnce(client: pg.PoolClient, rewrite: () => Promise<number>): Promise<number> {
  const layout = await client.query<{ value: string }>(
    "SELECT value FROM registry_meta WHERE key = 'layout'",
  );
  if (Number(layout.rows[0]?.value ?? TABLES_LAYOUT) >= LAYOUT) return 0;
  const changed = await rewrite();
  await client.query("UPDATE registry_meta SET value = $1 WHERE key = 'layout'", [String(LAYOUT)]);
  return changed;
}
