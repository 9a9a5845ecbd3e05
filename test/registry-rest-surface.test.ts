import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRegistry } from '../src/registry-server/index.js';
import { postgresBackend, type RegistryBackend, sqliteBackend } from './helpers/registry-backends.js';
import { restClient } from './helpers/registry-rest.js';
import { describeWithService } from './helpers/services.js';

const record = (name: string, extra: object[] = []) =>
  JSON.stringify({ type: 'record', name, fields: [{ name: 'id', type: 'long' }, ...extra] });
const A1 = record('A');
const A2 = record('A', [{ name: 'note', type: ['null', 'string'], default: null }]);
const B1 = record('B');
const C1 = record('C');
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('registry-server REST surface (Confluent 8)', () => {
  const backend = sqliteBackend();
  let registry: RunningRegistry;
  const call = restClient(() => registry.url);

  beforeAll(async () => {
    registry = await backend.start();
    await call('POST', '/subjects/a-value/versions', { schema: A1 });
    await call('POST', '/subjects/a-value/versions', { schema: A2 });
    await call('POST', '/subjects/b-value/versions', { schema: B1 });
    await call('POST', '/subjects/gone-value/versions', { schema: A1 });
    await call('DELETE', '/subjects/gone-value');
    await call('POST', '/subjects/:.ctx:c-value/versions', { schema: C1 });
  });
  afterAll(async () => backend.cleanup());

  it("answers a registration with Confluent 8's RegisterSchemaResponse: id, version, guid and the schema", async () => {
    const first = await call('POST', '/subjects/r-value/versions', { schema: A1 });
    expect(first.body).toEqual({ id: 1, version: 1, guid: expect.stringMatching(GUID), schema: A1 });
    // The same content has the same GUID wherever it is registered; other content has another.
    const byId = await call('GET', '/schemas/ids/1');
    expect(byId.body).toEqual({ schema: A1, guid: first.body.guid });
    expect((await call('GET', '/schemas/ids/2')).body.guid).not.toBe(first.body.guid);
    const proto = 'syntax = "proto3";\nmessage P {\n  string id = 1;\n}';
    const registered = await call('POST', '/subjects/p-value/versions', {
      schema: proto,
      schemaType: 'PROTOBUF',
    });
    const stored = (await call('GET', '/subjects/p-value/versions/1')).body.schema;
    expect(registered.body).toMatchObject({ version: 1, schemaType: 'PROTOBUF', schema: stored });
    expect((await call('GET', '/subjects/r-value/versions/1')).body).toMatchObject({ guid: first.body.guid });
  });

  it('GET /schemas lists schemas with subjectPrefix, deleted, latestOnly, offset and limit', async () => {
    const all = await call('GET', '/schemas?subjectPrefix=a-');
    expect(all.body).toEqual([
      { subject: 'a-value', version: 1, id: 1, guid: expect.stringMatching(GUID), schema: A1 },
      { subject: 'a-value', version: 2, id: 2, guid: expect.stringMatching(GUID), schema: A2 },
    ]);
    expect((await call('GET', '/schemas?subjectPrefix=a-&latestOnly=true')).body).toMatchObject([
      { version: 2 },
    ]);
    expect((await call('GET', '/schemas?subjectPrefix=a-&offset=1&limit=1')).body).toMatchObject([
      { version: 2 },
    ]);
    expect((await call('GET', '/schemas?subjectPrefix=gone')).body).toEqual([]);
    expect((await call('GET', '/schemas?subjectPrefix=gone&deleted=true')).body).toMatchObject([
      { subject: 'gone-value', version: 1 },
    ]);
    const subjects = ((await call('GET', '/schemas')).body as { subject: string }[]).map((s) => s.subject);
    expect(subjects).toEqual([':.ctx:c-value', 'a-value', 'a-value', 'b-value', 'p-value', 'r-value']);
  });

  it('finds schemas by GUID: /schemas/guids/{guid} and /schemas/guids/{guid}/ids', async () => {
    const { guid } = (await call('GET', '/schemas/ids/1')).body;
    expect((await call('GET', `/schemas/guids/${guid}`)).body).toEqual({ schema: A1, guid });
    expect((await call('GET', `/schemas/guids/${guid}/ids`)).body).toEqual([{ context: '.', id: 1 }]);
    const ctx = (await call('GET', '/subjects/:.ctx:c-value/versions/1')).body;
    expect((await call('GET', `/schemas/guids/${ctx.guid}/ids`)).body).toEqual([
      { context: '.ctx', id: ctx.id },
    ]);
    const unknown = '00000000-0000-8000-8000-000000000000';
    expect(await call('GET', `/schemas/guids/${unknown}`)).toMatchObject({
      status: 404,
      body: { error_code: 40403, message: `Schema ${unknown} not found` },
    });
    expect((await call('GET', `/schemas/guids/${unknown}/ids`)).body).toEqual([]);
  });

  it('honours offset, limit, deletedOnly and deletedAsNegative on listings', async () => {
    expect((await call('GET', '/subjects?offset=1&limit=2')).body).toEqual(['a-value', 'b-value']);
    expect((await call('GET', '/subjects?deletedOnly=true')).body).toEqual(['gone-value']);
    // Confluent's `:*:` prefix: every context.
    expect((await call('GET', '/subjects?subjectPrefix=:*:c-')).body).toEqual([':.ctx:c-value']);
    expect((await call('GET', '/subjects/a-value/versions?offset=1&limit=5')).body).toEqual([2]);
    await call('POST', '/subjects/v-value/versions', { schema: B1 });
    await call('POST', '/subjects/v-value/versions', {
      schema: record('B', [{ name: 'x', type: 'int', default: 0 }]),
    });
    await call('DELETE', '/subjects/v-value/versions/1');
    expect((await call('GET', '/subjects/v-value/versions?deletedOnly=true')).body).toEqual([1]);
    expect((await call('GET', '/subjects/v-value/versions?deletedAsNegative=true')).body).toEqual([-1, 2]);
    expect((await call('GET', '/schemas/ids/1/versions?offset=1&limit=1')).body).toEqual([
      { subject: 'r-value', version: 1 },
    ]);
    expect((await call('GET', '/schemas/ids/1/subjects?limit=1')).body).toEqual(['a-value']);
  });

  it('adds maxId to /schemas/ids/{id} with fetchMaxId=true', async () => {
    const answer = await call('GET', '/schemas/ids/1?fetchMaxId=true');
    const ids = ((await call('GET', '/schemas')).body as { id: number }[]).map((s) => s.id);
    expect(answer.body).toMatchObject({ schema: A1, maxId: Math.max(...ids) });
  });

  it('serves /v1/metadata/id and /v1/metadata/version', async () => {
    expect((await call('GET', '/v1/metadata/id')).body).toEqual({
      scope: { path: [], clusters: { 'schema-registry-cluster': expect.any(String) } },
    });
    expect((await call('GET', '/v1/metadata/version')).body).toEqual({
      version: expect.any(String),
      commitId: expect.any(String),
    });
  });

  it('DELETE /mode resets the global mode; DELETE /mode/{s} without a subject mode is 40401', async () => {
    expect((await call('PUT', '/mode', { mode: 'READONLY' })).body).toEqual({ mode: 'READONLY' });
    expect((await call('DELETE', '/mode')).body).toEqual({ mode: 'READONLY' });
    expect((await call('GET', '/mode')).body).toEqual({ mode: 'READWRITE' });
    expect(await call('DELETE', '/mode/a-value')).toMatchObject({
      status: 404,
      body: { error_code: 40401, message: "Subject 'a-value' not found." },
    });
  });

  it('DELETE /config/{s} without a subject config is 40401, as in Confluent', async () => {
    expect(await call('DELETE', '/config/a-value')).toMatchObject({
      status: 404,
      body: { error_code: 40401 },
    });
  });

  it('refuses to delete a context that has subjects (42211) and deletes an empty one', async () => {
    expect(await call('DELETE', '/contexts/.ctx')).toMatchObject({
      status: 422,
      body: { error_code: 42211, message: "The specified context '.ctx' is not empty." },
    });
    await call('DELETE', '/subjects/:.ctx:c-value');
    await call('DELETE', '/subjects/:.ctx:c-value?permanent=true');
    expect((await call('DELETE', '/contexts/.ctx')).status).toBe(204);
    expect((await call('GET', '/contexts')).body).toEqual(['.']);
  });

  it('serves /contexts/{c}/... as the same routes with subjects qualified by the context', async () => {
    const put = await call('POST', '/contexts/.team/subjects/t-value/versions', { schema: B1 });
    expect(put.status).toBe(200);
    expect((await call('GET', '/subjects/:.team:t-value/versions')).body).toEqual([1]);
    expect((await call('GET', '/contexts/.team/subjects')).body).toEqual([':.team:t-value']);
    expect((await call('GET', '/contexts/team/subjects/t-value/versions/latest')).body).toMatchObject({
      subject: ':.team:t-value',
      version: 1,
    });
    await call('PUT', '/contexts/.team/config', { compatibility: 'NONE' });
    expect((await call('GET', '/config/:.team:')).body).toMatchObject({ compatibilityLevel: 'NONE' });
    // A context's config applies to its subjects that have none of their own.
    expect((await call('GET', '/config/:.team:t-value?defaultToGlobal=true')).body).toMatchObject({
      compatibilityLevel: 'NONE',
    });
    expect(await call('GET', '/contexts/a:b/subjects')).toMatchObject({
      status: 400,
      body: { error_code: 400 },
    });
  });

  it('sends the error code of the current Confluent release for an incompatible schema: 409 / 40901', async () => {
    const breaking = record('A', [{ name: 'required', type: 'int' }]);
    const refused = await call('POST', '/subjects/a-value/versions', { schema: breaking });
    expect(refused).toMatchObject({ status: 409, body: { error_code: 40901 } });
    expect(refused.body.message).toMatch(
      /^Schema being registered is incompatible with an earlier schema for subject "a-value", details: \[/,
    );
  });

  it('answers verbose compatibility tests with messages, and non-verbose ones without', async () => {
    const breaking = record('A', [{ name: 'required', type: 'int' }]);
    const verbose = await call('POST', '/compatibility/subjects/a-value/versions/latest?verbose=true', {
      schema: breaking,
    });
    expect(verbose.body).toMatchObject({ is_compatible: false, messages: [expect.any(String)] });
    const quiet = await call('POST', '/compatibility/subjects/a-value/versions/latest', { schema: breaking });
    expect(quiet.body).toEqual({ is_compatible: false });
  });

  it('refuses IMPORT mode on a subject with versions unless force=true', async () => {
    expect(await call('PUT', '/mode/a-value', { mode: 'IMPORT' })).toMatchObject({
      status: 422,
      body: { error_code: 42205 },
    });
    expect((await call('PUT', '/mode/a-value?force=true', { mode: 'IMPORT' })).body).toEqual({
      mode: 'IMPORT',
    });
    await call('DELETE', '/mode/a-value');
  });
});

/** Confluent's schema metadata and rule sets, which both stores keep. */
function metadataSuite(makeBackend: () => RegistryBackend): void {
  let backend: RegistryBackend;
  let registry: RunningRegistry;
  const call = restClient(() => registry.url);
  beforeAll(async () => {
    backend = makeBackend();
    registry = await backend.start();
  });
  afterAll(async () => backend?.cleanup());

  const ruleSet = {
    domainRules: [{ name: 'checkId', kind: 'CONDITION', mode: 'WRITE', type: 'CEL', expr: 'message.id > 0' }],
  };

  it('keeps metadata and rule sets, returns them, and finds the latest version by metadata', async () => {
    const v1 = await call('POST', '/subjects/m-value/versions', {
      schema: A1,
      metadata: { properties: { owner: 'team-a', tier: 'gold' } },
      ruleSet,
    });
    expect(v1.body).toMatchObject({ version: 1, metadata: { properties: { owner: 'team-a' } }, ruleSet });
    // The same schema with other metadata is other content: a new id and version.
    const v2 = await call('POST', '/subjects/m-value/versions', {
      schema: A1,
      metadata: { properties: { owner: 'team-b', tier: 'gold' } },
    });
    expect(v2.body).toMatchObject({ version: 2 });
    expect(v2.body.id).not.toBe(v1.body.id);
    expect(v2.body.guid).not.toBe(v1.body.guid);
    expect((await call('GET', '/subjects/m-value/versions/1')).body).toMatchObject({
      metadata: { properties: { owner: 'team-a', tier: 'gold' } },
      ruleSet,
    });
    expect((await call('GET', `/schemas/ids/${v1.body.id}`)).body).toMatchObject({ ruleSet });
    expect((await call('GET', '/subjects/m-value/metadata?key=owner&value=team-a')).body).toMatchObject({
      subject: 'm-value',
      version: 1,
      id: v1.body.id,
    });
    expect((await call('GET', '/subjects/m-value/metadata?key=tier&value=gold')).body).toMatchObject({
      version: 2,
    });
    expect(await call('GET', '/subjects/m-value/metadata?key=owner&value=nobody')).toMatchObject({
      status: 404,
      body: { error_code: 40403 },
    });
    expect(await call('GET', '/subjects/nobody/metadata?key=owner&value=x')).toMatchObject({
      status: 404,
      body: { error_code: 40401 },
    });
  });

  it('carries the previous version’s metadata and rules to a registration that brings none', async () => {
    const v3 = await call('POST', '/subjects/m-value/versions', { schema: A2 });
    expect(v3.body).toMatchObject({ version: 3, metadata: { properties: { owner: 'team-b' } } });
    // The lookup finds the schema with what the subject carried over.
    expect((await call('POST', '/subjects/m-value', { schema: A2 })).body).toMatchObject({ version: 3 });
  });
}

describe('registry-server schema metadata on SQLite', () => metadataSuite(sqliteBackend));

await describeWithService('PostgreSQL', 5432, 'registry-server schema metadata on PostgreSQL', () =>
  metadataSuite(postgresBackend),
);
