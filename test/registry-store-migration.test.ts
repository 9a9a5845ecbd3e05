import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type RunningRegistry,
  registryServerConfigSchema,
  startRegistryServer,
} from '../src/registry-server/index.js';
import { PG_ADMIN_URL } from './helpers/databases.js';
import { POSTGRES_V0, SQLITE_V0 } from './helpers/registry-layout-v0.js';
import { restClient } from './helpers/registry-rest.js';
import { describeWithService } from './helpers/services.js';

const SCHEMA = '{"type":"record","name":"Old","fields":[{"name":"f","type":"int"}]}';
// The fingerprint the stores have always written for an Avro schema without references.
const FINGERPRINT = createHash('sha256').update(`AVRO\u0000${SCHEMA}\u0000[]`).digest('hex');

/** What a registry opened on an old database must still do, and what it may now do too. */
async function checkUpgraded(registry: RunningRegistry): Promise<void> {
  const call = restClient(() => registry.url);
  expect((await call('GET', '/subjects/old-value/versions/1')).body).toMatchObject({ id: 7, schema: SCHEMA });
  expect((await call('POST', '/subjects/old-value', { schema: SCHEMA })).body).toMatchObject({
    id: 7,
    version: 1,
  });
  // Same content elsewhere still gets the existing id.
  expect((await call('POST', '/subjects/new-value/versions', { schema: SCHEMA })).body).toMatchObject({
    id: 7,
  });
  // Same content under a second id, which the old UNIQUE fingerprint forbade.
  await call('PUT', '/mode/imported?force=true', { mode: 'IMPORT' });
  const imported = await call('POST', '/subjects/imported/versions', { schema: SCHEMA, id: 70, version: 1 });
  expect(imported).toMatchObject({ status: 200, body: { id: 70, version: 1 } });
  expect((await call('GET', '/schemas/ids/7')).body).toMatchObject({ schema: SCHEMA });
}

describe('registry-server opens SQLite files written before duplicate ids', () => {
  const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-registry-migrate-')));
  const file = path.join(base, 'registry.db');
  let registry: RunningRegistry | undefined;
  afterAll(async () => {
    await registry?.close();
    rmSync(base, { recursive: true, force: true });
  });

  it('upgrades the old layout in place, keeping ids, versions and settings', async () => {
    const db = new Database(file);
    db.exec(SQLITE_V0);
    db.prepare('INSERT INTO schemas VALUES (7, ?, ?, ?, ?)').run('AVRO', SCHEMA, '[]', FINGERPRINT);
    db.prepare('INSERT INTO versions VALUES (?, 1, 7, 0)').run('old-value');
    db.prepare("INSERT INTO settings VALUES ('compatibility', '', 'NONE')").run();
    db.close();
    const config = { port: 0, sqlitePath: file, logLevel: 'silent' };
    registry = await startRegistryServer(registryServerConfigSchema.parse(config));
    await checkUpgraded(registry);
    expect((await restClient(() => registry?.url ?? '')('GET', '/config')).body).toEqual({
      compatibilityLevel: 'NONE',
    });
    // Opening it again is a no-op.
    await registry.close();
    registry = await startRegistryServer(registryServerConfigSchema.parse(config));
    const call = restClient(() => registry?.url ?? '');
    expect((await call('GET', '/schemas/ids/70')).body).toMatchObject({ schema: SCHEMA });
  });
});

await describeWithService(
  'PostgreSQL',
  5432,
  'registry-server opens PostgreSQL stores written before duplicate ids',
  () => {
    const database = `rampart_migrate_${randomBytes(4).toString('hex')}`;
    const url = PG_ADMIN_URL.replace(/\/test$/, `/${database}`);
    let registry: RunningRegistry | undefined;
    const admin = async (sql: string, target = PG_ADMIN_URL, values: unknown[] = []) => {
      const client = new pg.Client({ connectionString: target });
      await client.connect();
      try {
        await client.query(sql, values);
      } finally {
        await client.end();
      }
    };
    afterAll(async () => {
      await registry?.close();
      await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    });

    it('upgrades the old layout in place, keeping ids, versions and the id sequence', async () => {
      await admin(`CREATE DATABASE ${database}`);
      await admin(POSTGRES_V0, url);
      await admin("INSERT INTO registry_schemas VALUES (7, 'AVRO', $1, '[]', $2)", url, [
        SCHEMA,
        FINGERPRINT,
      ]);
      await admin("SELECT setval('registry_schema_ids', 7)", url);
      await admin("INSERT INTO registry_versions VALUES ('old-value', 1, 7, FALSE)", url);
      const config = { port: 0, store: 'postgres', postgresUrl: url, logLevel: 'silent' };
      registry = await startRegistryServer(registryServerConfigSchema.parse(config));
      await checkUpgraded(registry);
      const call = restClient(() => registry?.url ?? '');
      const fresh = await call('POST', '/subjects/fresh/versions', {
        schema: SCHEMA.replace('Old', 'Fresh'),
      });
      expect(fresh.body.id).toBeGreaterThan(70);
      await registry.close();
      registry = await startRegistryServer(registryServerConfigSchema.parse(config));
      expect((await restClient(() => registry?.url ?? '')('GET', '/schemas/ids/70')).status).toBe(200);
    });
  },
);
