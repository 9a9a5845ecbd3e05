/** The tables the registry stores created before schemas could share content (one id per fingerprint, UNIQUE). */

export const SQLITE_V0 = `
CREATE TABLE schemas (id INTEGER PRIMARY KEY, type TEXT NOT NULL, schema TEXT NOT NULL, refs TEXT NOT NULL,
  fingerprint TEXT NOT NULL UNIQUE);
CREATE TABLE versions (subject TEXT NOT NULL, version INTEGER NOT NULL,
  schema_id INTEGER NOT NULL REFERENCES schemas(id), deleted INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (subject, version));
CREATE INDEX versions_by_schema ON versions(schema_id);
CREATE TABLE refs (schema_id INTEGER NOT NULL REFERENCES schemas(id), subject TEXT NOT NULL, version INTEGER NOT NULL);
CREATE INDEX refs_by_target ON refs(subject, version);
CREATE TABLE settings (kind TEXT NOT NULL, subject TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, subject));
`;

export const POSTGRES_V0 = `
CREATE TABLE registry_schemas (id INTEGER PRIMARY KEY, type TEXT NOT NULL, schema TEXT NOT NULL, refs JSONB NOT NULL,
  fingerprint TEXT NOT NULL UNIQUE);
CREATE TABLE registry_versions (subject TEXT NOT NULL, version INTEGER NOT NULL,
  schema_id INTEGER NOT NULL REFERENCES registry_schemas(id), deleted BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (subject, version));
CREATE SEQUENCE registry_schema_ids;
CREATE INDEX registry_versions_by_schema ON registry_versions(schema_id);
CREATE TABLE registry_refs (schema_id INTEGER NOT NULL REFERENCES registry_schemas(id), subject TEXT NOT NULL,
  version INTEGER NOT NULL);
CREATE INDEX registry_refs_by_target ON registry_refs(subject, version);
CREATE TABLE registry_settings (kind TEXT NOT NULL, subject TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (kind, subject));
`;
