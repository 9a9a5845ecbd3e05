import { create, createMutableRegistry, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import {
  AvroDeserializer,
  AvroSerializer,
  Compatibility,
  HeaderSchemaIdSerializer,
  JsonDeserializer,
  JsonSerializer,
  ProtobufDeserializer,
  ProtobufSerializer,
  type Reference,
  type SchemaInfo,
  type SchemaMetadata,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry';
import { RestService } from '@confluentinc/schemaregistry/dist/rest-service.js';
import { expect, it } from 'vitest';
import { paymentTypes } from './protobuf-descriptors.js';
import { describeEachStore } from './registry-stores.js';

/**
 * Confluent's own JavaScript client (@confluentinc/schemaregistry) against the embedded registry: its REST calls
 * and its serializers, exactly as an application would use them. What a test expects is what the client needs
 * from Confluent Schema Registry; when one fails, the registry differs from Confluent's.
 */

const confluent = (url: string) => new SchemaRegistryClient({ baseURLs: [url], maxRetries: 0 });
/** The client's own HTTP layer, for the endpoints it has no method for (modes, contexts). */
const restOf = (url: string) => new RestService([url], false, undefined, undefined, undefined, 0);

const avro = (schema: object, references?: Reference[]): SchemaInfo => ({
  schemaType: 'AVRO',
  schema: JSON.stringify(schema),
  ...(references ? { references } : {}),
});
const json = (schema: object, references?: Reference[]): SchemaInfo => ({
  schemaType: 'JSON',
  schema: JSON.stringify(schema),
  ...(references ? { references } : {}),
});
const proto = (schema: string, references?: Reference[]): SchemaInfo => ({
  schemaType: 'PROTOBUF',
  schema,
  ...(references ? { references } : {}),
});

const record = (name: string, fields: object[], namespace = 'shop') => ({
  type: 'record',
  name,
  namespace,
  fields,
});
const ADDRESS = record('Address', [
  { name: 'street', type: 'string' },
  { name: 'city', type: 'string' },
]);
const ORDER = record('Order', [
  { name: 'id', type: 'string' },
  { name: 'total', type: 'double' },
  { name: 'shipTo', type: 'shop.Address' },
]);
const ORDER_V2 = record('Order', [
  { name: 'id', type: 'string' },
  { name: 'total', type: 'double' },
  { name: 'shipTo', type: 'shop.Address' },
  { name: 'note', type: ['null', 'string'], default: null },
]);

const ADDRESS_URI = 'https://rampart.test/schemas/address.json';
const ADDRESS_JSON = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: ADDRESS_URI,
  type: 'object',
  properties: { street: { type: 'string' }, city: { type: 'string' } },
  required: ['street', 'city'],
};
const CUSTOMER_JSON = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: { name: { type: 'string' }, address: { $ref: ADDRESS_URI } },
  required: ['name', 'address'],
};

const MONEY_PROTO = `syntax = "proto3";
package shop.common;

message Money {
  string currency = 1;
  int64 units = 2;
}
`;
const INVOICE_PROTO = `syntax = "proto3";
package shop;

import "shop/common/money.proto";

message Invoice {
  string id = 1;
  shop.common.Money total = 2;
}
`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// ---- compatibility at every level -------------------------------------------------------------------------

const compat = (fields: object[]) => avro(record('R', fields, 'compat'));
const A = { name: 'a', type: 'int' };
const A_DEFAULT = { name: 'a', type: 'int', default: 0 };
const A_STRING = { name: 'a', type: 'string' };
const B = { name: 'b', type: 'int' };
const B_DEFAULT = { name: 'b', type: 'int', default: 0 };
const C = { name: 'c', type: 'int' };
const C_DEFAULT = { name: 'c', type: 'int', default: 0 };

interface LevelCase {
  readonly level: Compatibility;
  /** Versions registered first, oldest first. */
  readonly history: SchemaInfo[];
  readonly compatible: SchemaInfo;
  readonly passes: string;
  readonly incompatible: SchemaInfo;
  readonly fails: string;
  /** Transitive levels: compatible with the latest version, not with version 1. */
  readonly onlyWithLatest?: SchemaInfo;
}

const LEVELS: LevelCase[] = [
  {
    level: Compatibility.BACKWARD,
    history: [compat([A])],
    compatible: compat([A, B_DEFAULT]),
    passes: 'adding a field with a default',
    incompatible: compat([A, B]),
    fails: 'adding a field without one',
  },
  {
    level: Compatibility.FORWARD,
    history: [compat([A])],
    compatible: compat([A, B]),
    passes: 'adding a field without a default',
    incompatible: compat([B]),
    fails: 'removing a field the old schema requires',
  },
  {
    level: Compatibility.FULL,
    history: [compat([A])],
    compatible: compat([A, B_DEFAULT]),
    passes: 'adding a field with a default',
    incompatible: compat([A, B]),
    fails: 'adding a field without one',
  },
  {
    level: Compatibility.BACKWARD_TRANSITIVE,
    history: [compat([A]), compat([A, B_DEFAULT])],
    compatible: compat([A, B_DEFAULT, C_DEFAULT]),
    passes: 'adding another defaulted field',
    incompatible: compat([A, B_DEFAULT, C]),
    fails: 'adding a field without a default',
    onlyWithLatest: compat([A, B]),
  },
  {
    level: Compatibility.FORWARD_TRANSITIVE,
    history: [compat([A]), compat([A_DEFAULT])],
    compatible: compat([A, B]),
    passes: 'adding a field',
    incompatible: compat([A_STRING]),
    fails: 'changing a field type',
    onlyWithLatest: compat([B]),
  },
  {
    level: Compatibility.FULL_TRANSITIVE,
    history: [compat([A]), compat([A_DEFAULT])],
    compatible: compat([A_DEFAULT, B_DEFAULT]),
    passes: 'adding a field with a default',
    incompatible: compat([A_DEFAULT, B]),
    fails: 'adding a field without one',
    onlyWithLatest: compat([B_DEFAULT]),
  },
];

await describeEachStore('@confluentinc/schemaregistry client', (url) => {
  it('confluent client registers an Avro record referencing a named record in another subject, and reads it by id, by subject/version and by lookup', async () => {
    const client = confluent(url());
    const addressId = await client.register('refs.Address', avro(ADDRESS));
    const references = [{ name: 'shop.Address', subject: 'refs.Address', version: 1 }];
    const order = avro(ORDER, references);
    const id = await client.register('refs-orders-value', order);
    expect(id).not.toBe(addressId);

    const byId = await client.getBySubjectAndId('refs-orders-value', id);
    expect(JSON.parse(byId.schema)).toEqual(ORDER);
    expect(byId.references).toEqual(references);
    const byVersion = await client.getSchemaMetadata('refs-orders-value', 1);
    expect(byVersion).toMatchObject({ id, version: 1, subject: 'refs-orders-value', references });
    expect(JSON.parse(byVersion.schema)).toEqual(ORDER);
    expect(await client.getLatestSchemaMetadata('refs-orders-value')).toMatchObject({ id, version: 1 });

    const fresh = confluent(url());
    expect(await fresh.getId('refs-orders-value', order)).toBe(id);
    expect(await fresh.getVersion('refs-orders-value', order)).toBe(1);
    expect(await confluent(url()).getIdFullResponse('refs-orders-value', order)).toMatchObject({
      id,
      version: 1,
      subject: 'refs-orders-value',
    });
    expect(await fresh.getAllVersions('refs-orders-value')).toEqual([1]);
    expect(await fresh.getAllSubjects()).toEqual(
      expect.arrayContaining(['refs.Address', 'refs-orders-value']),
    );

    await expect(fresh.getSchemaMetadata('refs-orders-value', 9)).rejects.toMatchObject({
      status: 404,
      errorCode: 40402,
    });
    await expect(fresh.getLatestSchemaMetadata('refs-nobody-value')).rejects.toMatchObject({
      status: 404,
      errorCode: 40401,
    });
    await expect(fresh.getId('refs-orders-value', avro(ADDRESS))).rejects.toMatchObject({
      status: 404,
      errorCode: 40403,
    });
  });

  it("confluent client registers a JSON Schema whose $ref names another subject's schema, and reads it by id, by version and by lookup", async () => {
    const client = confluent(url());
    await client.register('refs-address-json', json(ADDRESS_JSON));
    const references = [{ name: ADDRESS_URI, subject: 'refs-address-json', version: 1 }];
    const customer = json(CUSTOMER_JSON, references);
    const id = await client.register('refs-customers-value', customer);

    const byId = await client.getBySubjectAndId('refs-customers-value', id);
    expect(byId).toMatchObject({ schemaType: 'JSON', references });
    expect(JSON.parse(byId.schema)).toEqual(CUSTOMER_JSON);
    expect(await client.getSchemaMetadata('refs-customers-value', 1)).toMatchObject({
      id,
      version: 1,
      schemaType: 'JSON',
      references,
    });
    expect(await confluent(url()).getId('refs-customers-value', customer)).toBe(id);
    expect(await confluent(url()).getVersion('refs-customers-value', customer)).toBe(1);
  });

  it("confluent client registers a .proto importing another subject's .proto, and reads it back and looks it up", async () => {
    const client = confluent(url());
    await client.register('shop/common/money.proto', proto(MONEY_PROTO));
    const references = [{ name: 'shop/common/money.proto', subject: 'shop/common/money.proto', version: 1 }];
    const invoice = proto(INVOICE_PROTO, references);
    const id = await client.register('refs-invoices-value', invoice);

    const byVersion = await client.getSchemaMetadata('refs-invoices-value', 1);
    expect(byVersion).toMatchObject({ id, version: 1, schemaType: 'PROTOBUF', references });
    expect(byVersion.schema).toContain('import "shop/common/money.proto";');
    expect(byVersion.schema).toMatch(/message Invoice \{/);
    expect(await confluent(url()).getId('refs-invoices-value', invoice)).toBe(id);
  });

  it('confluent registerFullResponse answers with the id and the version of the registration (Confluent 8)', async () => {
    const client = confluent(url());
    const schema = avro(record('Answered', [{ name: 'id', type: 'string' }]));
    const first = await client.registerFullResponse('answered-value', schema);
    expect(first).toMatchObject({ id: expect.any(Number), version: 1 });
    const again = await confluent(url()).registerFullResponse('answered-value', schema);
    expect(again).toMatchObject({ id: first.id, version: 1 });
    const second = await client.registerFullResponse(
      'answered-value',
      avro(
        record('Answered', [
          { name: 'id', type: 'string' },
          { name: 'n', type: 'int', default: 0 },
        ]),
      ),
    );
    expect(second).toMatchObject({ id: expect.any(Number), version: 2 });
  });

  it('confluent client reads a registered .proto as a serialized FileDescriptorProto (format=serialized), as its Protobuf deserializer does', async () => {
    const client = confluent(url());
    await client.register('fmt-money', proto(MONEY_PROTO));
    const references = [{ name: 'shop/common/money.proto', subject: 'fmt-money', version: 1 }];
    const id = await client.register('fmt-invoices-value', proto(INVOICE_PROTO, references));

    const serialized = await client.getSchemaMetadata('fmt-invoices-value', 1, false, 'serialized');
    expect(serialized).toMatchObject({ id, version: 1, schemaType: 'PROTOBUF', references });
    expect(serialized.schema).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    const descriptor = fromBinary(FileDescriptorProtoSchema, Buffer.from(serialized.schema, 'base64'));
    expect(descriptor.package).toBe('shop');
    expect(descriptor.dependency).toEqual(['shop/common/money.proto']);
    expect(descriptor.messageType.map((m) => m.name)).toEqual(['Invoice']);
    expect(descriptor.messageType[0]?.field.map((f) => [f.name, f.number])).toEqual([
      ['id', 1],
      ['total', 2],
    ]);
    const byId = await client.getBySubjectAndId('fmt-invoices-value', id, 'serialized');
    expect(byId.schema).toBe(serialized.schema);
    const latest = await client.getLatestSchemaMetadata('fmt-invoices-value', 'serialized');
    expect(latest.schema).toBe(serialized.schema);
    const money = await client.getSchemaMetadata('fmt-money', 1, true, 'serialized');
    const moneyDescriptor = fromBinary(FileDescriptorProtoSchema, Buffer.from(money.schema, 'base64'));
    expect(moneyDescriptor.messageType.map((m) => m.name)).toEqual(['Money']);
  });

  it('confluent testSubjectCompatibility at NONE: a change BACKWARD refuses is compatible, and registers', async () => {
    const client = confluent(url());
    const subject = 'compat-none-value';
    await client.register(subject, compat([A]));
    const changed = compat([A_STRING]);
    expect(await client.updateCompatibility(subject, Compatibility.BACKWARD)).toBe(Compatibility.BACKWARD);
    expect(await client.testSubjectCompatibility(subject, changed)).toBe(false);
    expect(await client.testCompatibility(subject, 1, changed)).toBe(false);
    expect(await client.updateCompatibility(subject, Compatibility.NONE)).toBe(Compatibility.NONE);
    expect(await client.getCompatibility(subject)).toBe(Compatibility.NONE);
    expect(await client.testSubjectCompatibility(subject, changed)).toBe(true);
    expect(await client.testCompatibility(subject, 1, changed)).toBe(true);
    expect(await client.testSubjectCompatibility(subject, compat([B]))).toBe(true);
    expect(await client.register(subject, changed)).toEqual(expect.any(Number));
    expect(await client.getAllVersions(subject)).toEqual([1, 2]);
  });

  it.each(LEVELS)(
    'confluent testSubjectCompatibility and testCompatibility at $level: $passes is compatible, $fails is not',
    async ({ level, history, compatible, incompatible, onlyWithLatest }) => {
      const client = confluent(url());
      const subject = `compat-${level.toLowerCase()}-value`;
      expect(await client.updateCompatibility(subject, level)).toBe(level);
      expect(await client.getCompatibility(subject)).toBe(level);
      for (const schema of history) await client.register(subject, schema);
      const latest = history.length;

      expect(await client.testSubjectCompatibility(subject, compatible)).toBe(true);
      expect(await client.testSubjectCompatibility(subject, incompatible)).toBe(false);
      expect(await client.testCompatibility(subject, latest, compatible)).toBe(true);
      expect(await client.testCompatibility(subject, latest, incompatible)).toBe(false);
      // The client only looks at the status; Confluent's releases answer error_code 409 or, newer ones, 40901.
      const refused = await client.register(subject, incompatible).then(
        () => undefined,
        (error: unknown) => error as { status?: number; errorCode?: number },
      );
      expect(refused?.status).toBe(409);
      expect([409, 40901]).toContain(refused?.errorCode);

      if (onlyWithLatest) {
        // Fine next to the latest version, not next to version 1: the transitive level refuses to register it,
        // and the same level without _TRANSITIVE accepts it.
        expect(await client.testSubjectCompatibility(subject, onlyWithLatest)).toBe(true);
        expect(await client.testCompatibility(subject, 1, onlyWithLatest)).toBe(false);
        await expect(client.register(subject, onlyWithLatest)).rejects.toMatchObject({ status: 409 });
        await client.updateCompatibility(subject, level.replace('_TRANSITIVE', '') as Compatibility);
        expect(await client.register(subject, onlyWithLatest)).toEqual(expect.any(Number));
      } else {
        expect(await client.register(subject, compatible)).toEqual(expect.any(Number));
        expect(await client.getAllVersions(subject)).toEqual([1, 2]);
      }
    },
  );

  it("confluent testSubjectCompatibility judges JSON Schema and Protobuf changes by Confluent's rules", async () => {
    const client = confluent(url());
    const closed = (properties: object) => json({ type: 'object', properties, additionalProperties: false });
    await client.register('compat-json-value', closed({ id: { type: 'string' } }));
    // A closed content model may gain a property (old data never has it), not change a property's type.
    expect(
      await client.testSubjectCompatibility(
        'compat-json-value',
        closed({ id: { type: 'string' }, note: { type: 'string' } }),
      ),
    ).toBe(true);
    expect(
      await client.testSubjectCompatibility('compat-json-value', closed({ id: { type: 'integer' } })),
    ).toBe(false);

    const message = (fields: string) =>
      proto(`syntax = "proto3";\npackage compat;\n\nmessage M {\n${fields}}\n`);
    await client.register('compat-proto-value', message('  string id = 1;\n'));
    expect(
      await client.testSubjectCompatibility(
        'compat-proto-value',
        message('  string id = 1;\n  int32 n = 2;\n'),
      ),
    ).toBe(true);
    expect(await client.testSubjectCompatibility('compat-proto-value', message('  int32 id = 1;\n'))).toBe(
      false,
    );
  });

  it('confluent client reads and updates the global and the per-subject config', async () => {
    const client = confluent(url());
    expect(await client.getDefaultCompatibility()).toBe(Compatibility.BACKWARD);
    try {
      expect(await client.updateDefaultCompatibility(Compatibility.FULL)).toBe(Compatibility.FULL);
      expect(await client.getDefaultCompatibility()).toBe(Compatibility.FULL);
      expect(await client.getDefaultConfig()).toMatchObject({ compatibilityLevel: Compatibility.FULL });
      expect(await client.updateDefaultConfig({ compatibility: Compatibility.NONE })).toMatchObject({
        compatibility: Compatibility.NONE,
      });
      expect(await client.getDefaultConfig()).toMatchObject({ compatibilityLevel: Compatibility.NONE });
    } finally {
      await client.updateDefaultCompatibility(Compatibility.BACKWARD);
    }

    await expect(client.getCompatibility('config-value')).rejects.toMatchObject({
      status: 404,
      errorCode: 40408,
    });
    expect(
      await client.updateConfig('config-value', { compatibility: Compatibility.FORWARD_TRANSITIVE }),
    ).toMatchObject({ compatibility: Compatibility.FORWARD_TRANSITIVE });
    expect(await client.getConfig('config-value')).toMatchObject({
      compatibilityLevel: Compatibility.FORWARD_TRANSITIVE,
    });
    expect(await client.getCompatibility('config-value')).toBe(Compatibility.FORWARD_TRANSITIVE);
    expect(await client.updateCompatibility('config-value', Compatibility.FULL)).toBe(Compatibility.FULL);
    await expect(
      client.updateCompatibility('config-value', 'SIDEWAYS' as Compatibility),
    ).rejects.toMatchObject({ status: 422, errorCode: 42203 });
    expect(await client.getDefaultCompatibility()).toBe(Compatibility.BACKWARD);
  });

  it('confluent client soft-deletes and permanently deletes a version and a subject, and may not delete a referenced one', async () => {
    const client = confluent(url());
    const v1 = await client.register(
      'del-orders-value',
      avro(record('Deleted', [{ name: 'id', type: 'string' }])),
    );
    await client.register(
      'del-orders-value',
      avro(
        record('Deleted', [
          { name: 'id', type: 'string' },
          { name: 'n', type: 'int', default: 0 },
        ]),
      ),
    );
    expect(await client.getAllVersions('del-orders-value')).toEqual([1, 2]);

    await expect(client.deleteSubjectVersion('del-orders-value', 2, true)).rejects.toMatchObject({
      status: 404,
      errorCode: 40407,
    });
    expect(await client.deleteSubjectVersion('del-orders-value', 2)).toBe(2);
    expect(await client.getAllVersions('del-orders-value')).toEqual([1]);
    await expect(client.getSchemaMetadata('del-orders-value', 2)).rejects.toMatchObject({
      status: 404,
      errorCode: 40402,
    });
    expect(await client.getSchemaMetadata('del-orders-value', 2, true)).toMatchObject({ version: 2 });
    await expect(client.deleteSubjectVersion('del-orders-value', 2)).rejects.toMatchObject({
      status: 404,
      errorCode: 40406,
    });
    expect(await client.deleteSubjectVersion('del-orders-value', 2, true)).toBe(2);
    await expect(confluent(url()).getSchemaMetadata('del-orders-value', 2, true)).rejects.toMatchObject({
      status: 404,
      errorCode: 40402,
    });

    await expect(client.deleteSubject('del-orders-value', true)).rejects.toMatchObject({
      status: 404,
      errorCode: 40405,
    });
    expect(await client.deleteSubject('del-orders-value')).toEqual([1]);
    expect(await client.getAllSubjects()).not.toContain('del-orders-value');
    await expect(client.getAllVersions('del-orders-value')).rejects.toMatchObject({
      status: 404,
      errorCode: 40401,
    });
    await expect(client.deleteSubject('del-orders-value')).rejects.toMatchObject({
      status: 404,
      errorCode: 40404,
    });
    // A soft-deleted schema still answers by id; a permanent delete removes the subject altogether.
    expect(JSON.parse((await confluent(url()).getBySubjectAndId('del-orders-value', v1)).schema)).toEqual(
      record('Deleted', [{ name: 'id', type: 'string' }]),
    );
    expect(await client.deleteSubject('del-orders-value', true)).toEqual([1]);
    await expect(confluent(url()).getSchemaMetadata('del-orders-value', 1, true)).rejects.toMatchObject({
      status: 404,
      errorCode: 40401,
    });

    await client.register('del.Address', avro(ADDRESS));
    await client.register(
      'del-shipments-value',
      avro(ORDER, [{ name: 'shop.Address', subject: 'del.Address', version: 1 }]),
    );
    await expect(client.deleteSubjectVersion('del.Address', 1)).rejects.toMatchObject({
      status: 422,
      errorCode: 42206,
    });
    await expect(client.deleteSubject('del.Address')).rejects.toMatchObject({
      status: 422,
      errorCode: 42206,
    });
  });

  it('confluent RestService reads and sets modes, and in IMPORT mode the client registers a schema under the id it brings', async () => {
    const client = confluent(url());
    const rest = restOf(url());
    const mode = async (method: 'GET' | 'PUT' | 'DELETE', route: string, body?: unknown) =>
      (await rest.handleRequest<{ mode: string }>(route, method, body)).data;
    const imported = record('Imported', [{ name: 'id', type: 'string' }]);
    const importedV2 = record('Imported', [
      { name: 'id', type: 'string' },
      { name: 'n', type: 'int', default: 0 },
    ]);

    expect(await mode('GET', '/mode')).toEqual({ mode: 'READWRITE' });
    await expect(mode('GET', '/mode/imported-value')).rejects.toMatchObject({
      status: 404,
      errorCode: 40409,
    });

    // An id is only accepted in IMPORT mode.
    const withId = (id: number, schema: object): SchemaMetadata => ({ id, ...avro(schema) });
    await expect(client.register('imported-value', withId(4242, imported))).rejects.toMatchObject({
      status: 422,
      errorCode: 42205,
    });
    expect(await mode('PUT', '/mode/imported-value', { mode: 'IMPORT' })).toEqual({ mode: 'IMPORT' });
    expect(await mode('GET', '/mode/imported-value')).toEqual({ mode: 'IMPORT' });
    expect(await client.register('imported-value', withId(4242, imported))).toBe(4242);
    expect(JSON.parse((await client.getBySubjectAndId('imported-value', 4242)).schema)).toEqual(imported);
    expect(await client.getLatestSchemaMetadata('imported-value')).toMatchObject({ id: 4242, version: 1 });

    expect(await mode('PUT', '/mode/imported-value', { mode: 'READONLY' })).toEqual({ mode: 'READONLY' });
    await expect(client.register('imported-value', avro(importedV2))).rejects.toMatchObject({
      status: 422,
      errorCode: 42205,
    });
    expect(await mode('DELETE', '/mode/imported-value')).toEqual({ mode: 'READONLY' });
    const next = await client.register('imported-value', avro(importedV2));
    expect(next).not.toBe(4242);
    expect(JSON.parse((await confluent(url()).getBySubjectAndId('imported-value', next)).schema)).toEqual(
      importedV2,
    );

    // The global mode: IMPORT needs force while subjects exist; READONLY stops every registration.
    await expect(mode('PUT', '/mode', { mode: 'IMPORT' })).rejects.toMatchObject({
      status: 422,
      errorCode: 42205,
    });
    try {
      expect(await mode('PUT', '/mode', { mode: 'READONLY' })).toEqual({ mode: 'READONLY' });
      await expect(
        client.register('readonly-value', avro(record('Frozen', [{ name: 'id', type: 'string' }]))),
      ).rejects.toMatchObject({ status: 422, errorCode: 42205 });
    } finally {
      expect(await mode('PUT', '/mode', { mode: 'READWRITE' })).toEqual({ mode: 'READWRITE' });
    }
    await expect(mode('PUT', '/mode/imported-value', { mode: 'SIDEWAYS' })).rejects.toMatchObject({
      status: 422,
      errorCode: 42204,
    });
  });

  it('confluent client registers and reads a subject in the :.ctx: context, lists the context, and its serdes work through a context subject', async () => {
    const client = confluent(url());
    const subject = ':.ctx:ctx-orders-value';
    const schema = record('CtxOrder', [
      { name: 'id', type: 'string' },
      { name: 'qty', type: 'int' },
    ]);
    const id = await client.register(subject, avro(schema));
    expect(await client.getLatestSchemaMetadata(subject)).toMatchObject({ id, version: 1, subject });
    expect(JSON.parse((await client.getBySubjectAndId(subject, id)).schema)).toEqual(schema);
    expect(await client.getAllSubjects()).toContain(subject);
    await expect(client.getAllVersions('ctx-orders-value')).rejects.toMatchObject({
      status: 404,
      errorCode: 40401,
    });
    const contexts = (await restOf(url()).handleRequest<string[]>('/contexts', 'GET')).data;
    expect(contexts).toEqual(expect.arrayContaining(['.', '.ctx']));

    const inContext = (topic: string) => `:.ctx:${topic}-value`;
    const serializer = new AvroSerializer(client, SerdeType.VALUE, {
      useLatestVersion: true,
      subjectNameStrategy: inContext,
    });
    const deserializer = new AvroDeserializer(confluent(url()), SerdeType.VALUE, {
      subjectNameStrategy: inContext,
    });
    const bytes = await serializer.serialize('ctx-orders', { id: 'c-1', qty: 3 });
    expect(bytes.readInt32BE(1)).toBe(id);
    expect(await deserializer.deserialize('ctx-orders', bytes)).toEqual({ id: 'c-1', qty: 3 });
  });

  it('confluent getLatestWithMetadata finds the newest version registered with the given metadata properties', async () => {
    const client = confluent(url());
    const subject = 'meta-value';
    await client.updateCompatibility(subject, Compatibility.NONE);
    const v1 = await client.register(subject, {
      ...avro(record('Meta', [{ name: 'id', type: 'string' }])),
      metadata: { properties: { owner: 'payments', tier: 'gold' } },
    });
    const v2 = await client.register(subject, {
      ...avro(record('Meta', [{ name: 'id', type: 'long' }])),
      metadata: { properties: { owner: 'billing' } },
    });
    expect(await client.getLatestWithMetadata(subject, { owner: 'payments' })).toMatchObject({
      id: v1,
      version: 1,
      metadata: { properties: { owner: 'payments', tier: 'gold' } },
    });
    expect(await client.getLatestWithMetadata(subject, { owner: 'billing' })).toMatchObject({
      id: v2,
      version: 2,
    });
    expect((await client.getSchemaMetadata(subject, 2)).metadata).toMatchObject({
      properties: { owner: 'billing' },
    });
    await expect(client.getLatestWithMetadata(subject, { owner: 'nobody' })).rejects.toMatchObject({
      status: 404,
    });
  });

  it('confluent avro serializer writes the schema guid into a header and the deserializer fetches the schema by guid', async () => {
    const client = confluent(url());
    const schema = record('Tracked', [
      { name: 'id', type: 'string' },
      { name: 'count', type: 'int' },
    ]);
    await client.register('guid-tracked-value', avro(schema));
    const latest = await client.getLatestSchemaMetadata('guid-tracked-value');
    expect(latest.guid).toMatch(UUID);
    expect(JSON.parse((await confluent(url()).getByGuid(latest.guid as string)).schema)).toEqual(schema);

    const serializer = new AvroSerializer(client, SerdeType.VALUE, {
      useLatestVersion: true,
      schemaIdSerializer: HeaderSchemaIdSerializer,
    });
    const headers: Record<string, Buffer> = {};
    const message = { id: 't-1', count: 7 };
    const bytes = await serializer.serialize('guid-tracked', message, headers);
    const header = headers.__value_schema_id;
    expect(header?.length).toBe(17);
    expect(header?.[0]).toBe(1);
    const deserializer = new AvroDeserializer(confluent(url()), SerdeType.VALUE, {});
    expect(await deserializer.deserialize('guid-tracked', bytes, headers)).toEqual(message);
  });

  it('confluent avro serializer writes with the latest version (a record with a reference) and the deserializer reads it, also with the newer latest version', async () => {
    const client = confluent(url());
    await client.register('serde.Address', avro(ADDRESS));
    const references = [{ name: 'shop.Address', subject: 'serde.Address', version: 1 }];
    const id = await client.register('serde-orders-value', avro(ORDER, references));

    const serializer = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true });
    const order = { id: 'o-1', total: 42.5, shipTo: { street: '1 Main St', city: 'Springfield' } };
    const bytes = await serializer.serialize('serde-orders', order);
    expect(bytes[0]).toBe(0);
    expect(bytes.readInt32BE(1)).toBe(id);
    const plain = new AvroDeserializer(confluent(url()), SerdeType.VALUE, {});
    expect(await plain.deserialize('serde-orders', bytes)).toEqual(order);

    // A newer version adds a defaulted field; a deserializer on the latest version resolves the old bytes to it.
    await client.register('serde-orders-value', avro(ORDER_V2, references));
    const latest = new AvroDeserializer(confluent(url()), SerdeType.VALUE, { useLatestVersion: true });
    expect(await latest.deserialize('serde-orders', bytes)).toEqual({ ...order, note: null });
    await expect(serializer.serialize('serde-orders', { id: 'o-2' })).rejects.toThrow(/Invalid message/);
  });

  it("confluent json serializer validates against a schema with a $ref to another subject's schema, and the deserializer reads the latest version", async () => {
    const client = confluent(url());
    await client.register('serde-address-json', json(ADDRESS_JSON));
    const references = [{ name: ADDRESS_URI, subject: 'serde-address-json', version: 1 }];
    const id = await client.register('serde-customers-value', json(CUSTOMER_JSON, references));

    const serializer = new JsonSerializer(client, SerdeType.VALUE, {
      useLatestVersion: true,
      validate: true,
    });
    const customer = { name: 'Ada', address: { street: '12 Analytical Row', city: 'London' } };
    const bytes = await serializer.serialize('serde-customers', customer);
    expect(bytes[0]).toBe(0);
    expect(bytes.readInt32BE(1)).toBe(id);
    expect(JSON.parse(bytes.subarray(5).toString())).toEqual(customer);
    await expect(
      serializer.serialize('serde-customers', { name: 'Bob', address: { street: 'no city' } }),
    ).rejects.toThrow(/Invalid message/);

    const deserializer = new JsonDeserializer(confluent(url()), SerdeType.VALUE, {
      useLatestVersion: true,
      validate: true,
    });
    expect(await deserializer.deserialize('serde-customers', bytes)).toEqual(customer);
  });

  it('confluent protobuf serializer auto-registers the .proto and its import, and the deserializer reads the latest version', async () => {
    const client = confluent(url());
    const v1 = paymentTypes('payments', 'payments');
    const serializer = new ProtobufSerializer(client, SerdeType.VALUE, {
      autoRegisterSchemas: true,
      registry: createMutableRegistry(v1.files),
    });
    const first = create(v1.payment, {
      id: 'p-1',
      amount: create(v1.money, { currency: 'EUR', units: 1250n }),
    });
    const bytes = await serializer.serialize('payments', first);
    expect(bytes[0]).toBe(0);
    const id = bytes.readInt32BE(1);
    expect(bytes[5]).toBe(0); // message indexes [0], written as the single byte 0
    expect(await client.getAllSubjects()).toEqual(expect.arrayContaining([v1.moneyFile, 'payments-value']));
    expect(await confluent(url()).getLatestSchemaMetadata('payments-value')).toMatchObject({
      id,
      version: 1,
      schemaType: 'PROTOBUF',
      references: [{ name: v1.moneyFile, subject: v1.moneyFile, version: 1 }],
    });

    // The next version of the message adds a field: auto-registered as version 2, the import unchanged.
    const v2 = paymentTypes('payments', 'payments', true);
    const serializer2 = new ProtobufSerializer(confluent(url()), SerdeType.VALUE, {
      autoRegisterSchemas: true,
      registry: createMutableRegistry(v2.files),
    });
    const second = create(v2.payment, {
      id: 'p-2',
      amount: create(v2.money, { currency: 'USD', units: 99n }),
      note: 'refund',
    });
    const bytes2 = await serializer2.serialize('payments', second);
    expect(bytes2.readInt32BE(1)).not.toBe(id);
    expect(await client.getAllVersions('payments-value')).toEqual([1, 2]);
    expect(await client.getAllVersions(encodeURIComponent(v1.moneyFile))).toEqual([1]);

    const deserializer = new ProtobufDeserializer(confluent(url()), SerdeType.VALUE, {
      useLatestVersion: true,
    });
    expect(await deserializer.deserialize('payments', bytes)).toMatchObject({
      $typeName: 'payments.Payment',
      id: 'p-1',
      amount: { $typeName: 'payments.common.Money', currency: 'EUR', units: 1250n },
    });
    expect(await deserializer.deserialize('payments', bytes2)).toMatchObject({
      $typeName: 'payments.Payment',
      id: 'p-2',
      amount: { currency: 'USD', units: 99n },
      note: 'refund',
    });
  });
});
