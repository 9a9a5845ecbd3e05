import { create, createMutableRegistry } from '@bufbuild/protobuf';
import {
  AvroDeserializer,
  AvroSerializer,
  Compatibility,
  JsonDeserializer,
  JsonSerializer,
  ProtobufSerializer,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry';
import {
  COMPATIBILITY,
  SchemaRegistry as KafkajsRegistry,
  SchemaType,
} from '@kafkajs/confluent-schema-registry';
import { expect, it } from 'vitest';
import { paymentTypes } from './protobuf-descriptors.js';
import { describeEachStore } from './registry-stores.js';

/**
 * kafkajs' Schema Registry client (@kafkajs/confluent-schema-registry) against the embedded registry: register,
 * look up, encode and decode in Avro, JSON Schema and Protobuf, and read what Confluent's serializers wrote (and
 * the other way round), as two services on one topic would.
 */

const kafkajs = (url: string) => new KafkajsRegistry({ host: url, retry: { retries: 0 } });
const confluent = (url: string) => new SchemaRegistryClient({ baseURLs: [url], maxRetries: 0 });
/** A protobufjs message (or anything) as plain JSON, the way protobufjs prints it (int64 as strings). */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const ADDRESS = {
  type: 'record',
  name: 'Address',
  namespace: 'kjs',
  fields: [
    { name: 'street', type: 'string' },
    { name: 'city', type: 'string' },
  ],
};
const PARCEL = {
  type: 'record',
  name: 'Parcel',
  namespace: 'kjs',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'weight', type: 'double' },
    { name: 'to', type: 'kjs.Address' },
  ],
};

const ADDRESS_URI = 'https://rampart.test/schemas/kjs-address.json';
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
package kjs.common;

message Money {
  string currency = 1;
  int32 units = 2;
}
`;
const INVOICE_PROTO = `syntax = "proto3";
package kjs;

import "kjs/common/money.proto";

message Invoice {
  string id = 1;
  kjs.common.Money total = 2;
}
`;

await describeEachStore('@kafkajs/confluent-schema-registry client', (url) => {
  it('kafkajs registers an Avro record referencing a named record in another subject, looks it up, and encodes and decodes with it', async () => {
    const registry = kafkajs(url());
    const { id: addressId } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(ADDRESS) },
      { subject: 'kjs.Address' },
    );
    const references = [{ name: 'kjs.Address', subject: 'kjs.Address', version: 1 }];
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(PARCEL), references },
      { subject: 'kjs-parcels-value' },
    );
    expect(id).not.toBe(addressId);

    const reader = kafkajs(url());
    expect(await reader.getRegistryId('kjs-parcels-value', 1)).toBe(id);
    expect(await reader.getRegistryId('kjs-parcels-value', 'latest')).toBe(id);
    expect(await reader.getLatestSchemaId('kjs-parcels-value')).toBe(id);
    expect(
      await reader.getRegistryIdBySchema('kjs.Address', {
        type: SchemaType.AVRO,
        schema: JSON.stringify(ADDRESS),
      }),
    ).toBe(addressId);

    const parcel = { id: 'p-1', weight: 2.5, to: { street: '1 Main St', city: 'Springfield' } };
    const encoded = await registry.encode(id, parcel);
    expect(encoded[0]).toBe(0);
    expect(encoded.readInt32BE(1)).toBe(id);
    expect(await reader.decode(encoded)).toEqual(parcel);
    await expect(registry.encode(id, { id: 'p-2', weight: 'heavy' })).rejects.toThrow(
      /invalid payload|Invalid/i,
    );

    await expect(
      reader.getRegistryIdBySchema('kjs.Address', {
        type: SchemaType.AVRO,
        schema: JSON.stringify({ ...ADDRESS, name: 'Elsewhere' }),
      }),
    ).rejects.toThrow();
    await expect(reader.getLatestSchemaId('kjs-nobody-value')).rejects.toMatchObject({ status: 404 });
  });

  it("kafkajs registers a JSON Schema whose $ref names another subject's schema, and encodes and decodes with it, refusing an invalid payload", async () => {
    const registry = kafkajs(url());
    await registry.register(
      { type: SchemaType.JSON, schema: JSON.stringify(ADDRESS_JSON) },
      { subject: 'kjs-address-json' },
    );
    const references = [{ name: ADDRESS_URI, subject: 'kjs-address-json', version: 1 }];
    const { id } = await registry.register(
      { type: SchemaType.JSON, schema: JSON.stringify(CUSTOMER_JSON), references },
      { subject: 'kjs-customers-value' },
    );
    expect(await kafkajs(url()).getLatestSchemaId('kjs-customers-value')).toBe(id);

    const customer = { name: 'Ada', address: { street: '12 Analytical Row', city: 'London' } };
    const encoded = await registry.encode(id, customer);
    expect(encoded.readInt32BE(1)).toBe(id);
    expect(JSON.parse(encoded.subarray(5).toString())).toEqual(customer);
    expect(await kafkajs(url()).decode(encoded)).toEqual(customer);
    await expect(registry.encode(id, { name: 'Bob', address: { street: 'no city' } })).rejects.toThrow(
      /invalid payload/,
    );
  });

  it("kafkajs registers a .proto importing another subject's .proto, and encodes and decodes a message with it", async () => {
    const registry = kafkajs(url());
    await registry.register(
      { type: SchemaType.PROTOBUF, schema: MONEY_PROTO },
      { subject: 'kjs/common/money.proto' },
    );
    const references = [{ name: 'kjs/common/money.proto', subject: 'kjs/common/money.proto', version: 1 }];
    const { id } = await registry.register(
      { type: SchemaType.PROTOBUF, schema: INVOICE_PROTO, references },
      { subject: 'kjs-invoices-value' },
    );
    const reader = kafkajs(url());
    expect(await reader.getRegistryId('kjs-invoices-value', 1)).toBe(id);
    expect(await reader.getLatestSchemaId('kjs-invoices-value')).toBe(id);

    const invoice = { id: 'inv-1', total: { currency: 'EUR', units: 1250 } };
    const encoded = await registry.encode(id, invoice);
    expect(encoded.readInt32BE(1)).toBe(id);
    expect(plain(await reader.decode(encoded))).toEqual(invoice);
    await expect(registry.encode(id, { id: 7 })).rejects.toThrow(/invalid payload/);
  });

  it('kafkajs register sets the compatibility of a new subject, checks it on the next registration, and a breaking schema is refused with 409', async () => {
    const registry = kafkajs(url());
    const v1 = { type: 'record', name: 'Gauge', namespace: 'kjs', fields: [{ name: 'id', type: 'string' }] };
    const v2 = { ...v1, fields: [...v1.fields, { name: 'unit', type: 'string', default: 'm' }] };
    // The unit's type changes: neither version can read the other's.
    const breaking = { ...v1, fields: [...v1.fields, { name: 'unit', type: 'int', default: 0 }] };
    const subject = 'kjs-gauges-value';
    const first = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(v1) },
      { subject, compatibility: COMPATIBILITY.FULL },
    );
    expect(await confluent(url()).getCompatibility(subject)).toBe(Compatibility.FULL);
    const second = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(v2) },
      { subject, compatibility: COMPATIBILITY.FULL },
    );
    expect(second.id).not.toBe(first.id);
    await expect(
      registry.register(
        { type: SchemaType.AVRO, schema: JSON.stringify(v2) },
        { subject, compatibility: COMPATIBILITY.BACKWARD },
      ),
    ).rejects.toThrow(/Compatibility does not match the configuration \(BACKWARD != FULL\)/);
    await expect(
      registry.register(
        { type: SchemaType.AVRO, schema: JSON.stringify(breaking) },
        { subject, compatibility: COMPATIBILITY.FULL },
      ),
    ).rejects.toMatchObject({ status: 409 });
    expect(await registry.getRegistryId(subject, 2)).toBe(second.id);
  });

  it('kafkajs registers, looks up, encodes and decodes under a :.ctx: context subject', async () => {
    const registry = kafkajs(url());
    const subject = ':.ctx:kjs-ctx-value';
    const schema = {
      type: 'record',
      name: 'CtxEvent',
      namespace: 'kjs',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'at', type: 'long' },
      ],
    };
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
      { subject },
    );
    const reader = kafkajs(url());
    expect(await reader.getLatestSchemaId(subject)).toBe(id);
    expect(await reader.getRegistryId(subject, 1)).toBe(id);
    expect(
      await reader.getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: JSON.stringify(schema) }),
    ).toBe(id);
    await expect(reader.getLatestSchemaId('kjs-ctx-value')).rejects.toMatchObject({ status: 404 });
    const event = { id: 'e-1', at: 1_700_000_000 };
    expect(await reader.decode(await registry.encode(id, event))).toEqual(event);
  });

  it('kafkajs decodes what the confluent avro serializer wrote, and the confluent avro deserializer reads what kafkajs encoded', async () => {
    const registry = kafkajs(url());
    const schema = {
      type: 'record',
      name: 'Shipment',
      namespace: 'kjs',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'items', type: { type: 'array', items: 'string' } },
        { name: 'express', type: 'boolean' },
      ],
    };
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
      { subject: 'x-shipments-value' },
    );
    const shipment = { id: 's-1', items: ['book', 'lamp'], express: true };
    const client = confluent(url());
    const written = await new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true }).serialize(
      'x-shipments',
      shipment,
    );
    expect(written.readInt32BE(1)).toBe(id);
    expect(await kafkajs(url()).decode(written)).toEqual(shipment);
    const encoded = await registry.encode(id, { ...shipment, express: false });
    expect(
      await new AvroDeserializer(confluent(url()), SerdeType.VALUE, {}).deserialize('x-shipments', encoded),
    ).toEqual({ ...shipment, express: false });
  });

  it('kafkajs decodes what the confluent json serializer wrote, and the confluent json deserializer reads what kafkajs encoded', async () => {
    const registry = kafkajs(url());
    await registry.register(
      { type: SchemaType.JSON, schema: JSON.stringify(ADDRESS_JSON) },
      { subject: 'x-address-json' },
    );
    const references = [{ name: ADDRESS_URI, subject: 'x-address-json', version: 1 }];
    const { id } = await registry.register(
      { type: SchemaType.JSON, schema: JSON.stringify(CUSTOMER_JSON), references },
      { subject: 'x-customers-value' },
    );
    const customer = { name: 'Grace', address: { street: '1 Harbor Way', city: 'Arlington' } };
    const written = await new JsonSerializer(confluent(url()), SerdeType.VALUE, {
      useLatestVersion: true,
      validate: true,
    }).serialize('x-customers', customer);
    expect(written.readInt32BE(1)).toBe(id);
    expect(await kafkajs(url()).decode(written)).toEqual(customer);
    const encoded = await registry.encode(id, customer);
    expect(
      await new JsonDeserializer(confluent(url()), SerdeType.VALUE, { validate: true }).deserialize(
        'x-customers',
        encoded,
      ),
    ).toEqual(customer);
  });

  it('kafkajs decodes what the confluent protobuf serializer auto-registered and wrote, reading the schema back as .proto text', async () => {
    const types = paymentTypes('xproto', 'xproto');
    const serializer = new ProtobufSerializer(confluent(url()), SerdeType.VALUE, {
      autoRegisterSchemas: true,
      registry: createMutableRegistry(types.files),
    });
    const payment = create(types.payment, {
      id: 'x-1',
      amount: create(types.money, { currency: 'EUR', units: 1250n }),
    });
    const written = await serializer.serialize('xproto', payment);
    const id = written.readInt32BE(1);
    expect(await kafkajs(url()).getLatestSchemaId('xproto-value')).toBe(id);
    expect(plain(await kafkajs(url()).decode(written))).toEqual({
      id: 'x-1',
      amount: { currency: 'EUR', units: '1250' },
    });
  });
});
