import { mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AvroDeserializer,
  AvroSerializer,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry';
import { SchemaRegistry as KafkajsRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningRegistry,
  registryServerConfigSchema,
  startRegistryServer,
} from '../src/registry-server/index.js';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
let base: string;
let registry: RunningRegistry;

const user = (fields: unknown[]) =>
  JSON.stringify({ type: 'record', name: 'User', namespace: 'app', fields });
const V1 = user([{ name: 'id', type: 'long' }]);
const V2 = user([
  { name: 'id', type: 'long' },
  { name: 'email', type: ['null', 'string'], default: null },
]);
const BREAKING = user([
  { name: 'id', type: 'long' },
  { name: 'age', type: 'int' },
]);

async function call(
  method: string,
  route: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown; type: string | null }> {
  const response = await fetch(`${registry.url}${route}`, {
    method,
    headers: { 'content-type': CONTENT_TYPE, ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed, type: response.headers.get('content-type') };
}

beforeAll(async () => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-registry-')));
  registry = await startRegistryServer(
    registryServerConfigSchema.parse({
      port: 0,
      sqlitePath: path.join(base, 'data', 'registry.db'),
      logLevel: 'silent',
    }),
  );
});

afterAll(async () => {
  await registry?.close();
  rmSync(base, { recursive: true, force: true });
});

describe('registry-server REST API (Confluent behaviour)', () => {
  it('registers, finds equal schemas by id, and numbers versions per subject', async () => {
    expect(await call('POST', '/subjects/users-value/versions', { schema: V1 })).toMatchObject({
      status: 200,
      body: { id: 1 },
      type: CONTENT_TYPE,
    });
    // Same schema again: same id, no new version. Whitespace does not matter.
    expect(
      (
        await call('POST', '/subjects/users-value/versions', {
          schema: JSON.stringify(JSON.parse(V1), null, 2),
        })
      ).body,
    ).toMatchObject({ id: 1, version: 1 });
    // Same schema under another subject: same id, that subject's version 1.
    expect((await call('POST', '/subjects/other-value/versions', { schema: V1 })).body).toMatchObject({
      id: 1,
      version: 1,
    });
    expect((await call('POST', '/subjects/users-value/versions', { schema: V2 })).body).toMatchObject({
      id: 2,
      version: 2,
    });
    expect((await call('GET', '/subjects/users-value/versions')).body).toEqual([1, 2]);
    expect((await call('GET', '/subjects/users-value/versions/latest')).body).toEqual({
      subject: 'users-value',
      id: 2,
      version: 2,
      guid: expect.any(String),
      schema: V2,
    });
    expect((await call('GET', '/subjects/users-value/versions/1/schema')).body).toEqual(JSON.parse(V1));
    expect((await call('GET', '/schemas/ids/1')).body).toEqual({ schema: V1, guid: expect.any(String) });
    expect((await call('GET', '/schemas/ids/1/subjects')).body).toEqual(['other-value', 'users-value']);
    expect((await call('GET', '/schemas/ids/1/versions')).body).toEqual([
      { subject: 'other-value', version: 1 },
      { subject: 'users-value', version: 1 },
    ]);
    expect((await call('GET', '/subjects?subjectPrefix=users')).body).toEqual(['users-value']);
    expect((await call('POST', '/subjects/users-value', { schema: V1 })).body).toMatchObject({
      id: 1,
      version: 1,
    });
    expect((await call('GET', '/schemas/types')).body).toEqual(['JSON', 'PROTOBUF', 'AVRO']);
  });

  it('with normalize=true, treats schemas that differ only in key order as one', async () => {
    const a = '{"type": "record", "name": "N", "fields": [{"name": "x", "type": "int"}]}';
    const b = '{"fields": [{"type": "int", "name": "x"}], "name": "N", "type": "record"}';
    const first = (await call('POST', '/subjects/norm-value/versions?normalize=true', { schema: a }))
      .body as { id: number };
    expect((await call('POST', '/subjects/norm-value/versions?normalize=true', { schema: b })).body).toEqual(
      first,
    );
    expect((await call('POST', '/subjects/norm-value?normalize=true', { schema: b })).body).toMatchObject({
      version: 1,
    });
    expect((await call('GET', '/subjects/norm-value/versions')).body).toEqual([1]);
    // Without it, key order is part of the schema, as in Confluent.
    expect((await call('POST', '/subjects/norm-value', { schema: b })).status).toBe(404);
  });

  it('refuses an incompatible schema with 409 / 40901 and says why; verbose compatibility tests give the reasons', async () => {
    const refused = await call('POST', '/subjects/users-value/versions', { schema: BREAKING });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error_code: 40901 });
    expect(String((refused.body as { message: string }).message)).toMatch(
      /READER_FIELD_MISSING_DEFAULT_VALUE at \/fields\/1: the reader's field .{1,3}age.{1,3} has no default value/,
    );
    const test = await call('POST', '/compatibility/subjects/users-value/versions/latest?verbose=true', {
      schema: BREAKING,
    });
    expect(test.body).toMatchObject({
      is_compatible: false,
      messages: [expect.stringMatching(/version 2 \(BACKWARD\)/)],
    });
    expect(
      (await call('POST', '/compatibility/subjects/users-value/versions/latest', { schema: V2 })).body,
    ).toEqual({
      is_compatible: true,
    });
  });

  it('answers with Confluent error codes', async () => {
    const cases: [string, string, unknown, number, number][] = [
      ['GET', '/subjects/missing/versions', undefined, 404, 40401],
      ['GET', '/subjects/users-value/versions/99', undefined, 404, 40402],
      ['GET', '/schemas/ids/999', undefined, 404, 40403],
      ['POST', '/subjects/users-value', { schema: BREAKING }, 404, 40403],
      ['GET', '/subjects/users-value/versions/zero', undefined, 422, 42202],
      ['POST', '/subjects/bad-value/versions', { schema: '{"type": "nope"}' }, 422, 42201],
      ['PUT', '/config', { compatibility: 'SIDEWAYS' }, 422, 42203],
      ['PUT', '/mode', { mode: 'WRITEONLY' }, 422, 42204],
      ['GET', '/config/users-value', undefined, 404, 40408],
    ];
    for (const [method, route, body, status, code] of cases) {
      const answer = await call(method, route, body);
      expect({
        route,
        status: answer.status,
        code: (answer.body as { error_code: number }).error_code,
      }).toEqual({
        route,
        status,
        code,
      });
    }
  });

  it('keeps config and modes globally and per subject', async () => {
    expect((await call('GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    expect((await call('PUT', '/config/users-value', { compatibility: 'none' })).body).toEqual({
      compatibility: 'NONE',
    });
    expect((await call('GET', '/config/users-value')).body).toEqual({ compatibilityLevel: 'NONE' });
    expect((await call('POST', '/subjects/users-value/versions', { schema: BREAKING })).status).toBe(200);
    expect((await call('DELETE', '/config/users-value')).body).toEqual({ compatibilityLevel: 'NONE' });
    expect((await call('GET', '/config/users-value?defaultToGlobal=true')).body).toEqual({
      compatibilityLevel: 'BACKWARD',
    });
    expect((await call('PUT', '/mode/other-value', { mode: 'READONLY' })).body).toEqual({ mode: 'READONLY' });
    const readOnly = await call('POST', '/subjects/other-value/versions', { schema: V2 });
    expect(readOnly).toMatchObject({ status: 422, body: { error_code: 42205 } });
    await call('DELETE', '/mode/other-value');
  });

  it('serves a subject under an alias set in its config, one step deep, until the alias is removed', async () => {
    await call('POST', '/subjects/aliased-value/versions', { schema: V1 });
    expect((await call('PUT', '/config/short', { alias: 'aliased-value' })).body).toEqual({
      alias: 'aliased-value',
    });
    expect((await call('GET', '/config/short')).body).toEqual({ alias: 'aliased-value' });
    expect((await call('GET', '/subjects/short/versions')).body).toEqual([1]);
    expect((await call('POST', '/subjects/short', { schema: V1 })).body).toMatchObject({
      subject: 'aliased-value',
      version: 1,
    });
    expect((await call('POST', '/subjects/short/versions', { schema: V2 })).status).toBe(200);
    expect((await call('GET', '/subjects/aliased-value/versions')).body).toEqual([1, 2]);
    expect((await call('GET', '/subjects')).body).not.toContain('short');
    // Aliases do not chain: an alias of an alias reaches only the middle name, which has no versions.
    await call('PUT', '/config/shorter', { alias: 'short' });
    expect((await call('GET', '/subjects/shorter/versions')).body).toMatchObject({ error_code: 40401 });
    expect((await call('PUT', '/config/short', { alias: 7 })).body).toMatchObject({ error_code: 42203 });
    expect((await call('PUT', '/config/short', { alias: '' })).body).toEqual({});
    expect((await call('GET', '/subjects/short/versions')).body).toMatchObject({ error_code: 40401 });
    expect((await call('DELETE', '/config/shorter')).body).toEqual({ alias: 'short' });
    expect((await call('GET', '/config/shorter')).body).toMatchObject({ error_code: 40408 });
  });

  it('soft-deletes, then permanently deletes, in Confluent order', async () => {
    await call('POST', '/subjects/gone-value/versions', { schema: V1 });
    expect((await call('DELETE', '/subjects/gone-value?permanent=true')).body).toMatchObject({
      error_code: 40405,
    });
    expect((await call('DELETE', '/subjects/gone-value')).body).toEqual([1]);
    expect((await call('GET', '/subjects/gone-value/versions')).body).toMatchObject({ error_code: 40401 });
    expect((await call('GET', '/subjects/gone-value/versions?deleted=true')).body).toEqual([1]);
    expect((await call('GET', '/subjects')).body).not.toContain('gone-value');
    expect((await call('GET', '/subjects?deleted=true')).body).toContain('gone-value');
    expect((await call('DELETE', '/subjects/gone-value')).body).toMatchObject({ error_code: 40404 });
    expect((await call('DELETE', '/subjects/gone-value?permanent=true')).body).toEqual([1]);
    expect((await call('GET', '/subjects/gone-value/versions?deleted=true')).body).toMatchObject({
      error_code: 40401,
    });
    // The id lives on: it may be in Kafka messages.
    expect((await call('GET', '/schemas/ids/1')).status).toBe(200);
  });

  it('resolves references across subjects and refuses to delete what is referenced', async () => {
    const address = JSON.stringify({
      type: 'record',
      name: 'Address',
      namespace: 'app',
      fields: [{ name: 'city', type: 'string' }],
    });
    const { id: addressId } = (await call('POST', '/subjects/address/versions', { schema: address }))
      .body as { id: number };
    const person = JSON.stringify({
      type: 'record',
      name: 'Person',
      namespace: 'app',
      fields: [{ name: 'home', type: 'app.Address' }],
    });
    const references = [{ name: 'app.Address', subject: 'address', version: 1 }];
    const registered = await call('POST', '/subjects/person-value/versions', { schema: person, references });
    expect(registered.status).toBe(200);
    const { id } = registered.body as { id: number };
    expect(id).not.toBe(addressId);
    expect((await call('GET', `/schemas/ids/${id}`)).body).toEqual({
      schema: person,
      references,
      guid: expect.any(String),
    });
    expect((await call('GET', '/subjects/address/versions/1/referencedby')).body).toEqual([id]);
    expect((await call('DELETE', '/subjects/address/versions/1')).body).toMatchObject({ error_code: 42206 });
    const missing = await call('POST', '/subjects/p2-value/versions', { schema: person });
    expect(missing).toMatchObject({ status: 422, body: { error_code: 42201 } });
  });

  it("registers Protobuf schemas under Confluent's rules, with imports as references", async () => {
    const v1 = 'syntax = "proto3";\npackage shop;\nmessage Order {\n  string id = 1;\n  int32 qty = 2;\n}';
    const v2 =
      'syntax = "proto3";\npackage shop;\nmessage Order {\n  string id = 1;\n  int64 qty = 2;\n  string note = 3;\n}';
    const breaking =
      'syntax = "proto3";\npackage shop;\nmessage Order {\n  string id = 1;\n  double qty = 2;\n}';
    const first = await call('POST', '/subjects/orders-proto/versions', {
      schema: v1,
      schemaType: 'PROTOBUF',
    });
    expect(first.status).toBe(200);
    expect(
      (await call('POST', '/subjects/orders-proto/versions', { schema: v2, schemaType: 'PROTOBUF' })).status,
    ).toBe(200);
    const refused = await call('POST', '/subjects/orders-proto/versions', {
      schema: breaking,
      schemaType: 'PROTOBUF',
    });
    expect(refused.status).toBe(409);
    expect(String((refused.body as { message: string }).message)).toMatch(
      /FIELD_SCALAR_KIND_CHANGED #\/Order\/2/,
    );
    expect((await call('GET', '/subjects/orders-proto/versions/latest')).body).toMatchObject({
      schemaType: 'PROTOBUF',
      version: 2,
    });
    const money = 'syntax = "proto3";\npackage money;\nmessage Amount {\n  int64 cents = 1;\n}';
    await call('POST', '/subjects/money.proto/versions', { schema: money, schemaType: 'PROTOBUF' });
    const invoice =
      'syntax = "proto3";\nimport "money.proto";\nmessage Invoice {\n  .money.Amount total = 1;\n}';
    const references = [{ name: 'money.proto', subject: 'money.proto', version: 1 }];
    const withRef = await call('POST', '/subjects/invoices/versions', {
      schema: invoice,
      schemaType: 'PROTOBUF',
      references,
    });
    expect(withRef.status).toBe(200);
    const bad = await call('POST', '/subjects/bad-proto/versions', {
      schema: 'message {',
      schemaType: 'PROTOBUF',
    });
    expect(bad).toMatchObject({ status: 422, body: { error_code: 42201 } });
  });

  it('registers JSON Schemas under Confluent rules, with references across subjects', async () => {
    const v1 = JSON.stringify({
      type: 'object',
      properties: { id: { type: 'string' } },
      additionalProperties: false,
    });
    const v2 = JSON.stringify({
      type: 'object',
      properties: { id: { type: 'string' }, note: { type: 'string' } },
      additionalProperties: false,
    });
    const breaking = JSON.stringify({
      type: 'object',
      properties: { id: { type: 'integer' } },
      additionalProperties: false,
    });
    expect(
      (await call('POST', '/subjects/json-value/versions', { schema: v1, schemaType: 'JSON' })).status,
    ).toBe(200);
    expect(
      (await call('POST', '/subjects/json-value/versions', { schema: v2, schemaType: 'JSON' })).status,
    ).toBe(200);
    const refused = await call('POST', '/subjects/json-value/versions', {
      schema: breaking,
      schemaType: 'JSON',
    });
    expect(refused.status).toBe(409);
    expect(String((refused.body as { message: string }).message)).toMatch(/TYPE_CHANGED #\/properties\/id/);
    const city = JSON.stringify({ type: 'object', properties: { name: { type: 'string' } } });
    await call('POST', '/subjects/city.json/versions', { schema: city, schemaType: 'JSON' });
    const person = JSON.stringify({ type: 'object', properties: { home: { $ref: 'city.json' } } });
    const references = [{ name: 'city.json', subject: 'city.json', version: 1 }];
    expect(
      (
        await call('POST', '/subjects/person-json/versions', {
          schema: person,
          schemaType: 'JSON',
          references,
        })
      ).status,
    ).toBe(200);
    const test = await call('POST', '/compatibility/subjects/json-value/versions/latest?verbose=true', {
      schema: breaking,
      schemaType: 'JSON',
    });
    expect(test.body).toMatchObject({ is_compatible: false });
  });

  it('keeps its SQLite file 0600 in a 0700 directory', () => {
    expect(statSync(path.join(base, 'data')).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(base, 'data', 'registry.db')).mode & 0o777).toBe(0o600);
  });
});

describe('registry-server with real Schema Registry clients', () => {
  const schema = JSON.stringify({
    type: 'record',
    name: 'Order',
    namespace: 'shop',
    fields: [
      { name: 'id', type: 'string' },
      { name: 'total', type: 'double' },
    ],
  });

  it('@kafkajs/confluent-schema-registry registers, looks up, encodes and decodes', async () => {
    const client = new KafkajsRegistry({ host: registry.url });
    const { id } = await client.register(
      { type: SchemaType.AVRO, schema },
      { subject: 'orders-kafkajs-value' },
    );
    expect(await client.getLatestSchemaId('orders-kafkajs-value')).toBe(id);
    expect(
      await client.getRegistryIdBySchema('orders-kafkajs-value', { type: SchemaType.AVRO, schema }),
    ).toBe(id);
    const encoded = await client.encode(id, { id: 'o-1', total: 12.5 });
    expect(encoded[0]).toBe(0);
    expect(encoded.readInt32BE(1)).toBe(id);
    expect(await client.decode(encoded)).toEqual({ id: 'o-1', total: 12.5 });
  });

  it('@confluentinc/schemaregistry registers, looks up, serializes and deserializes', async () => {
    const client = new SchemaRegistryClient({ baseURLs: [registry.url], maxRetries: 0 });
    const id = await client.register('orders-confluent-value', { schemaType: 'AVRO', schema });
    expect(await client.getId('orders-confluent-value', { schemaType: 'AVRO', schema })).toBe(id);
    expect((await client.getLatestSchemaMetadata('orders-confluent-value')).id).toBe(id);
    const serializer = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true });
    const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {});
    const bytes = await serializer.serialize('orders-confluent', { id: 'o-2', total: 99.95 });
    expect(await deserializer.deserialize('orders-confluent', bytes)).toEqual({ id: 'o-2', total: 99.95 });
  });
});
