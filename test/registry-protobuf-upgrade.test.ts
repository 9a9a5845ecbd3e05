import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/core/log.js';
import {
  type RunningRegistry,
  registryServerConfigSchema,
  startRegistryServer,
} from '../src/registry-server/index.js';
import { PostgresStore } from '../src/registry-server/store/postgres.js';
import { SqliteStore } from '../src/registry-server/store/sqlite.js';
import type { RegistryStore } from '../src/registry-server/store/types.js';
import { upgradeStore } from '../src/registry-server/store-upgrade.js';
import { PG_ADMIN_URL } from './helpers/databases.js';
import { POSTGRES_V0, SQLITE_V0 } from './helpers/registry-layout-v0.js';
import { restClient } from './helpers/registry-rest.js';
import { describeWithService } from './helpers/services.js';

// The previous release stored Protobuf schemas as their trimmed source, comments and blank lines included.
const ORDER = `
// An order, as its producer wrote it.
syntax = "proto3";

package shop;

/* What was bought, and how many. */
message Order {
  string id = 1; // the key

  int32 quantity = 2;
}
`;
const INVOICE = `syntax = "proto3";
package shop;
import "shop/order.proto";

message Invoice {
  shop.Order order = 1;
}`;
// An unknown import and an undefined type: that release stored it, this one refuses it from a client.
const SHIPMENT = `syntax = "proto3";
package shop;
import "shop/carriers.proto";

message Shipment {
  string id = 1;
  Carrier carrier = 2;
}`;
// A compatible next version of Shipment, which resolves.
const SHIPMENT_NEXT = `syntax = "proto3";
package shop;

message Shipment {
  string id = 1;
  string note = 3;
}`;
// Written straight into the database: not a .proto file at all.
const GARBLED = 'syntax = "proto3";\nmessage {';
const AVRO = '{"type":"record","name":"Kept","fields":[{"name":"f","type":"int"}]}';

const ORDER_REF = { name: 'shop/order.proto', subject: 'orders-value', version: 1 };

interface OldRow {
  readonly id: number;
  readonly subject: string;
  readonly type: string;
  readonly schema: string;
  readonly refs: readonly (typeof ORDER_REF)[];
}

const ROWS: readonly OldRow[] = [
  { id: 3, subject: 'orders-value', type: 'PROTOBUF', schema: ORDER.trim(), refs: [] },
  { id: 4, subject: 'invoices-value', type: 'PROTOBUF', schema: INVOICE, refs: [ORDER_REF] },
  { id: 5, subject: 'shipments-value', type: 'PROTOBUF', schema: SHIPMENT, refs: [] },
  { id: 6, subject: 'garbled-value', type: 'PROTOBUF', schema: GARBLED, refs: [] },
  { id: 7, subject: 'kept-value', type: 'AVRO', schema: AVRO, refs: [] },
];

/** The fingerprint the previous release wrote: of the type, the trimmed text and the references. */
const oldFingerprint = (row: OldRow) =>
  createHash('sha256')
    .update(`${row.type}\u0000${row.schema}\u0000${JSON.stringify(row.refs)}`)
    .digest('hex');

/** Each row as a store holds it, whatever the store: to show what the upgrade changed and what it kept. */
interface RowState {
  readonly id: number;
  readonly schema: string;
  readonly fingerprint: string;
  readonly versions: string;
  readonly refs: string;
}

function writeOldSqlite(file: string): void {
  const db = new Database(file);
  db.exec(SQLITE_V0);
  for (const row of ROWS) {
    db.prepare('INSERT INTO schemas VALUES (?, ?, ?, ?, ?)').run(
      row.id,
      row.type,
      row.schema,
      JSON.stringify(row.refs),
      oldFingerprint(row),
    );
    db.prepare('INSERT INTO versions VALUES (?, 1, ?, 0)').run(row.subject, row.id);
    for (const ref of row.refs)
      db.prepare('INSERT INTO refs VALUES (?, ?, ?)').run(row.id, ref.subject, ref.version);
  }
  db.close();
}

function sqliteRows(file: string): { layout: number; rows: RowState[] } {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT s.id, s.schema, s.fingerprint,
           (SELECT group_concat(subject || '/' || version) FROM versions WHERE schema_id = s.id) AS versions,
           (SELECT group_concat(subject || '/' || version) FROM refs WHERE schema_id = s.id) AS refs
         FROM schemas s ORDER BY s.id`,
      )
      .all() as RowState[];
    return { layout: db.pragma('user_version', { simple: true }) as number, rows };
  } finally {
    db.close();
  }
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function writeOldPostgres(url: string): Promise<void> {
  await withClient(url, async (client) => {
    await client.query(POSTGRES_V0);
    for (const row of ROWS) {
      await client.query('INSERT INTO registry_schemas VALUES ($1, $2, $3, $4, $5)', [
        row.id,
        row.type,
        row.schema,
        JSON.stringify(row.refs),
        oldFingerprint(row),
      ]);
      await client.query('INSERT INTO registry_versions VALUES ($1, 1, $2, FALSE)', [row.subject, row.id]);
      for (const ref of row.refs)
        await client.query('INSERT INTO registry_refs VALUES ($1, $2, $3)', [
          row.id,
          ref.subject,
          ref.version,
        ]);
    }
    await client.query("SELECT setval('registry_schema_ids', 7)");
  });
}

async function postgresRows(url: string): Promise<{ layout: number; rows: RowState[] }> {
  return withClient(url, async (client) => {
    const rows = await client.query<RowState>(
      `SELECT s.id, s.schema, s.fingerprint,
         (SELECT string_agg(subject || '/' || version, ',') FROM registry_versions WHERE schema_id = s.id) AS versions,
         (SELECT string_agg(subject || '/' || version, ',') FROM registry_refs WHERE schema_id = s.id) AS refs
       FROM registry_schemas s ORDER BY s.id`,
    );
    // The old layout has no registry_meta.
    const layout = (await client.query("SELECT to_regclass('registry_meta') AS meta")).rows[0]?.meta
      ? await client.query<{ value: string }>("SELECT value FROM registry_meta WHERE key = 'layout'")
      : undefined;
    return { layout: Number(layout?.rows[0]?.value ?? 0), rows: rows.rows };
  });
}

/** What the upgrade must have done: Protobuf rows that parse rewritten, nothing else touched. */
function expectUpgraded(before: readonly RowState[], after: { layout: number; rows: readonly RowState[] }) {
  expect(after.layout).toBe(2);
  expect(after.rows.map(({ id, versions, refs }) => ({ id, versions, refs }))).toEqual(
    before.map(({ id, versions, refs }) => ({ id, versions, refs })),
  );
  const changed = after.rows.filter((row, i) => row.schema !== before[i]?.schema).map((row) => row.id);
  expect(changed).toEqual([3, 4, 5]);
  for (const id of [6, 7])
    expect(after.rows.find((r) => r.id === id)).toEqual(before.find((r) => r.id === id));
  expect(after.rows.find((r) => r.id === 3)?.schema).not.toMatch(/\/\/|\/\*|\n\n\n/);
}

/** Upgrades `stores` at once, and answers what they logged. */
async function upgradeAll(stores: readonly RegistryStore[]): Promise<string[]> {
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', write: (line) => lines.push(line) });
  await Promise.all(stores.map((store) => upgradeStore(store, logger)));
  return lines;
}

/** The upgrade's log of one run: a count of rewritten rows, and the row that does not parse named. */
function expectLoggedOnce(lines: readonly string[]): void {
  expect(lines.filter((line) => line.includes('canonical form'))).toEqual([
    expect.stringContaining('3 Protobuf schemas'),
  ]);
  expect(lines.filter((line) => line.includes('schema 6 is left as it was stored'))).toHaveLength(1);
  expect(lines).toHaveLength(2);
}

/** What a registry opened on the old database answers. */
async function checkServes(registry: RunningRegistry): Promise<void> {
  const call = restClient(() => registry.url);
  const proto = (schema: string, references: readonly (typeof ORDER_REF)[] = []) => ({
    schemaType: 'PROTOBUF',
    schema,
    references,
  });
  expect(await call('POST', '/subjects/orders-value/versions', proto(ORDER))).toMatchObject({
    status: 200,
    body: { id: 3 },
  });
  expect(await call('POST', '/subjects/orders-value', proto(ORDER))).toMatchObject({
    status: 200,
    body: { id: 3, version: 1 },
  });
  expect(await call('POST', '/subjects/invoices-value/versions', proto(INVOICE, [ORDER_REF]))).toMatchObject({
    status: 200,
    body: { id: 4 },
  });
  for (const subject of ['orders-value', 'invoices-value'])
    expect((await call('GET', `/subjects/${subject}/versions`)).body).toEqual([1]);

  // The stored Shipment does not resolve; a compatible next version is still compared against it and accepted.
  const next = await call('POST', '/subjects/shipments-value/versions', proto(SHIPMENT_NEXT));
  expect(next).toMatchObject({ status: 200, body: { id: 8 } });
  expect((await call('GET', '/subjects/shipments-value/versions')).body).toEqual([1, 2]);
  // A client still cannot register it.
  const refused = await call('POST', '/subjects/elsewhere-value/versions', proto(SHIPMENT));
  expect(refused).toMatchObject({ status: 422, body: { error_code: 42201 } });

  expect((await call('GET', '/schemas/ids/6')).body).toMatchObject({ schema: GARBLED });
}

describe('registry-server brings Protobuf schemas an older release stored in SQLite to canonical text', () => {
  const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-registry-proto-upgrade-')));
  let registry: RunningRegistry | undefined;
  afterAll(async () => {
    await registry?.close();
    rmSync(base, { recursive: true, force: true });
  });

  it('re-registering or looking up such a schema finds it, and a stored schema that does not resolve blocks nothing', async () => {
    const file = path.join(base, 'served.db');
    writeOldSqlite(file);
    const config = registryServerConfigSchema.parse({ port: 0, sqlitePath: file, logLevel: 'silent' });
    registry = await startRegistryServer(config);
    await checkServes(registry);
    await registry.close();
    registry = await startRegistryServer(config);
    expect(
      (await restClient(() => registry?.url ?? '')('GET', '/subjects/shipments-value/versions')).body,
    ).toEqual([1, 2]);
  });

  it('upgrades a file once, keeping ids, versions and references, and leaves a row that does not parse as it was', async () => {
    const file = path.join(base, 'opened-twice.db');
    writeOldSqlite(file);
    const before = sqliteRows(file).rows;
    const first = new SqliteStore(file);
    const lines = await upgradeAll([first]);
    await first.close();
    const second = new SqliteStore(file);
    expect(await upgradeAll([second])).toEqual([]);
    await second.close();
    expectLoggedOnce(lines);
    expectUpgraded(before, sqliteRows(file));
  });

  it('creates a new file at the current layout, with nothing to rewrite', async () => {
    const file = path.join(base, 'new.db');
    const store = new SqliteStore(file);
    expect(await upgradeAll([store])).toEqual([]);
    await store.close();
    expect(sqliteRows(file).layout).toBe(2);
  });
});

await describeWithService(
  'PostgreSQL',
  5432,
  'registry-server brings Protobuf schemas an older release stored in PostgreSQL to canonical text',
  () => {
    const databases: string[] = [];
    let registry: RunningRegistry | undefined;
    const newDatabase = async () => {
      const database = `rampart_proto_upgrade_${randomBytes(4).toString('hex')}`;
      await withClient(PG_ADMIN_URL, (admin) => admin.query(`CREATE DATABASE ${database}`));
      databases.push(database);
      return PG_ADMIN_URL.replace(/\/test$/, `/${database}`);
    };
    afterAll(async () => {
      await registry?.close();
      for (const database of databases)
        await withClient(PG_ADMIN_URL, (admin) =>
          admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
        );
    });

    it('re-registering or looking up such a schema finds it, and a stored schema that does not resolve blocks nothing', async () => {
      const url = await newDatabase();
      await writeOldPostgres(url);
      const config = registryServerConfigSchema.parse({
        port: 0,
        store: 'postgres',
        postgresUrl: url,
        logLevel: 'silent',
      });
      registry = await startRegistryServer(config);
      await checkServes(registry);
    });

    it('two instances opening an old database at once upgrade it once, keeping ids, versions and references', async () => {
      const url = await newDatabase();
      await writeOldPostgres(url);
      const before = (await postgresRows(url)).rows;
      const stores = await Promise.all([PostgresStore.open(url), PostgresStore.open(url)]);
      try {
        expectLoggedOnce(await upgradeAll(stores));
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
      const again = await PostgresStore.open(url);
      try {
        expect(await upgradeAll([again])).toEqual([]);
      } finally {
        await again.close();
      }
      expectUpgraded(before, await postgresRows(url));
    });

    it('creates new tables at the current layout, with nothing to rewrite', async () => {
      const url = await newDatabase();
      const store = await PostgresStore.open(url);
      try {
        expect(await upgradeAll([store])).toEqual([]);
      } finally {
        await store.close();
      }
      expect((await postgresRows(url)).layout).toBe(2);
    });
  },
);
