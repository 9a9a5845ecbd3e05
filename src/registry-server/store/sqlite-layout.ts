import type Database from 'better-sqlite3';

/**
 * The layout this code writes; `PRAGMA user_version` records which one a file has (0: the first). Layout 2 has
 * layout 1's tables; what changed is the text of the rows a rewrite brings up to date (see `rewriteOnce`).
 */
const LAYOUT = 2;
const TABLES_LAYOUT = 1;

const TABLES = `
CREATE TABLE IF NOT EXISTS schemas (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  schema TEXT NOT NULL,
  refs TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  metadata TEXT,
  rule_set TEXT
);
CREATE INDEX IF NOT EXISTS schemas_by_fingerprint ON schemas(fingerprint);
CREATE TABLE IF NOT EXISTS versions (
  subject TEXT NOT NULL,
  version INTEGER NOT NULL,
  schema_id INTEGER NOT NULL REFERENCES schemas(id),
  deleted INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (subject, version)
);
CREATE INDEX IF NOT EXISTS versions_by_schema ON versions(schema_id);
CREATE TABLE IF NOT EXISTS refs (
  schema_id INTEGER NOT NULL REFERENCES schemas(id),
  subject TEXT NOT NULL,
  version INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS refs_by_target ON refs(subject, version);
CREATE TABLE IF NOT EXISTS settings (
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (kind, subject)
);
`;

// Layout 0 kept one id per content with a UNIQUE fingerprint, which SQLite cannot drop: the table is rebuilt with
// the same ids (SQLite's documented way to change a table), and gains the metadata and rule set columns.
const FROM_LAYOUT_0 = `
CREATE TABLE schemas_next (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  schema TEXT NOT NULL,
  refs TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  metadata TEXT,
  rule_set TEXT
);
INSERT INTO schemas_next (id, type, schema, refs, fingerprint) SELECT id, type, schema, refs, fingerprint FROM schemas;
DROP TABLE schemas;
ALTER TABLE schemas_next RENAME TO schemas;
`;

/**
 * Creates the tables of a new file, or brings an older file to the current layout, in one IMMEDIATE transaction
 * that re-reads the layout first, so processes opening the same file at once upgrade it once.
 */
export function prepareSqliteLayout(db: Database.Database): void {
  const layout = () => layoutOf(db);
  if (layout() >= TABLES_LAYOUT) return;
  // Foreign keys cannot change inside a transaction, and the rebuild briefly drops the table others point at.
  db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      if (layout() >= TABLES_LAYOUT) return;
      const existing = db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schemas'")
        .get();
      if (existing) db.exec(FROM_LAYOUT_0);
      db.exec(TABLES);
      const broken = db.pragma('foreign_key_check') as unknown[];
      if (broken.length > 0) throw new Error(`the registry file has ${broken.length} dangling references`);
      // A new file has no rows to rewrite.
      db.pragma(`user_version = ${existing ? TABLES_LAYOUT : LAYOUT}`);
    }).immediate();
  } finally {
    db.pragma('foreign_keys = ON');
  }
}

/**
 * Runs `rewrite` (the rows' part of the upgrade to layout 2) unless the file has that layout, and records it, in
 * one IMMEDIATE transaction that re-reads the layout first, so processes opening the same file at once rewrite
 * once. Answers what `rewrite` answers, 0 when there was nothing to do.
 */
export function rewriteOnce(db: Database.Database, rewrite: () => number): number {
  if (layoutOf(db) >= LAYOUT) return 0;
  return db
    .transaction(() => {
      if (layoutOf(db) >= LAYOUT) return 0;
      const changed = rewrite();
      db.pragma(`user_version = ${LAYOUT}`);
      return changed;
    })
    .immediate();
}

const layoutOf = (db: Database.Database) => db.pragma('user_version', { simple: true }) as number;
