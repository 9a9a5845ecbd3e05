import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRegistry } from '../src/registry-server/index.js';
import { postgresBackend, type RegistryBackend, sqliteBackend } from './helpers/registry-backends.js';
import { restClient } from './helpers/registry-rest.js';
import { describeWithService } from './helpers/services.js';

const record = (name: string, type = 'string') =>
  JSON.stringify({ type: 'record', name, fields: [{ name: 'f1', type }] });

/** Confluent's IMPORT mode rules (AbstractRestApiModeTest, KafkaSchemaRegistry.register), on one store. */
function importModeSuite(makeBackend: () => RegistryBackend): void {
  let backend: RegistryBackend;
  let registry: RunningRegistry;
  const call = restClient(() => registry.url);

  beforeAll(async () => {
    backend = makeBackend();
    registry = await backend.start();
  });
  afterAll(async () => backend?.cleanup());

  it('keeps the requested id in IMPORT mode even when the same schema already has another id', async () => {
    expect((await call('POST', '/subjects/a/versions', { schema: record('A') })).body).toMatchObject({
      id: 1,
    });
    expect((await call('PUT', '/mode?force=true', { mode: 'IMPORT' })).body).toEqual({ mode: 'IMPORT' });
    const imported = await call('POST', '/subjects/b/versions', {
      schema: record('A'),
      id: 9999,
      version: 1,
    });
    expect(imported).toMatchObject({ status: 200, body: { id: 9999, version: 1 } });
    expect((await call('GET', '/schemas/ids/9999')).body).toMatchObject({ schema: record('A') });
    expect((await call('GET', '/schemas/ids/1')).body).toMatchObject({ schema: record('A') });
    // Each subject finds the schema under the id it was registered with.
    expect((await call('POST', '/subjects/b', { schema: record('A') })).body).toMatchObject({ id: 9999 });
    expect((await call('POST', '/subjects/a', { schema: record('A') })).body).toMatchObject({ id: 1 });
    expect((await call('GET', '/schemas/ids/9999/versions')).body).toEqual([{ subject: 'b', version: 1 }]);
    // The same schema in the same subject under a third id becomes that subject's next version.
    const again = await call('POST', '/subjects/a/versions', { schema: record('A'), id: 200, version: 2 });
    expect(again.body).toMatchObject({ id: 200, version: 2 });
    expect((await call('GET', '/subjects/a/versions')).body).toEqual([1, 2]);
  });

  // Confluent names the context in these messages; the default context's qualified name is empty.
  it('refuses in IMPORT mode an id that another schema holds, with 42205', async () => {
    const taken = await call('POST', '/subjects/c/versions', { schema: record('C'), id: 9999, version: 1 });
    expect(taken).toMatchObject({ status: 422, body: { error_code: 42205 } });
    expect(taken.body.message).toBe('Overwrite new schema with id 9999 in context  is not permitted.');
  });

  it('refuses in IMPORT mode a registration without an id, unless the subject already has the schema', async () => {
    const refused = await call('POST', '/subjects/d/versions', { schema: record('D') });
    expect(refused).toMatchObject({ status: 422, body: { error_code: 42205 } });
    expect(refused.body.message).toBe('Subject d in context  is not in read-write mode');
    // An auto-registering client re-sending a schema the subject has is answered, not refused.
    expect((await call('POST', '/subjects/b/versions', { schema: record('A') })).body).toMatchObject({
      id: 9999,
      version: 1,
    });
  });

  it('refuses in IMPORT mode to put another schema at a version that exists, and re-imports idempotently', async () => {
    const clash = await call('POST', '/subjects/b/versions', { schema: record('B'), id: 300, version: 1 });
    expect(clash).toMatchObject({ status: 422, body: { error_code: 42205 } });
    expect(clash.body.message).toMatch(/version 1 of subject b/);
    expect((await call('GET', '/schemas/ids/300')).status).toBe(404);
    const rerun = await call('POST', '/subjects/b/versions', { schema: record('A'), id: 9999, version: 1 });
    expect(rerun.body).toMatchObject({ id: 9999, version: 1 });
  });

  it('hands out ids above the imported ones once back in READWRITE', async () => {
    expect((await call('PUT', '/mode', { mode: 'READWRITE' })).body).toEqual({ mode: 'READWRITE' });
    const fresh = await call('POST', '/subjects/e/versions', { schema: record('E') });
    expect(fresh.body.id).toBeGreaterThan(9999);
    // Registering content that exists under several ids in a new subject reuses the first of them.
    expect((await call('POST', '/subjects/f/versions', { schema: record('A') })).body).toMatchObject({
      id: 1,
    });
  });

  it('outside IMPORT mode refuses an id, and a version that is not the next one (42201)', async () => {
    const withId = await call('POST', '/subjects/g/versions', { schema: record('G'), id: 5 });
    expect(withId).toMatchObject({ status: 422, body: { error_code: 42205 } });
    expect(withId.body.message).toBe('Subject g in context  is not in import mode');
    const skip = await call('POST', '/subjects/g/versions', { schema: record('G'), version: 3 });
    expect(skip).toMatchObject({ status: 422, body: { error_code: 42201 } });
    expect(skip.body.message).toMatch(/Version is not one more than previous version/);
    expect(
      (await call('POST', '/subjects/g/versions', { schema: record('G'), version: 1 })).body,
    ).toMatchObject({
      version: 1,
    });
  });
}

describe('registry-server IMPORT mode on SQLite', () => importModeSuite(sqliteBackend));

await describeWithService('PostgreSQL', 5432, 'registry-server IMPORT mode on PostgreSQL', () =>
  importModeSuite(postgresBackend),
);
