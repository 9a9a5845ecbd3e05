import { create, createFileRegistry, createMutableRegistry, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  type FileDescriptorProto,
  FileDescriptorProtoSchema,
  file_google_protobuf_timestamp,
  timestampFromDate,
} from '@bufbuild/protobuf/wkt';
import {
  ProtobufDeserializer,
  ProtobufSerializer,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRegistry } from '../src/registry-server/index.js';
import { sqliteBackend } from './helpers/registry-backends.js';
import { restClient } from './helpers/registry-rest.js';

const backend = sqliteBackend();
let registry: RunningRegistry;
const call = restClient(() => registry.url);

const register = (subject: string, schema: string, extra: Record<string, unknown> = {}, query = '') =>
  call('POST', `/subjects/${encodeURIComponent(subject)}/versions${query}`, {
    schema,
    schemaType: 'PROTOBUF',
    ...extra,
  });

beforeAll(async () => {
  registry = await backend.start();
});

afterAll(() => backend.cleanup());

/** wire/v1/user.proto as protoc would describe it: type names fully qualified, no json_name. */
function userDescriptor(): FileDescriptorProto {
  return create(FileDescriptorProtoSchema, {
    name: 'wire/v1/user.proto',
    package: 'wire.v1',
    syntax: 'proto3',
    messageType: [
      {
        name: 'User',
        field: [
          { name: 'name', number: 1, label: 1, type: 9 },
          { name: 'id', number: 2, label: 1, type: 3 },
          { name: 'status', number: 3, label: 1, type: 14, typeName: '.wire.v1.Status' },
          { name: 'tags', number: 4, label: 3, type: 9 },
        ],
      },
    ],
    enumType: [
      {
        name: 'Status',
        value: [
          { name: 'UNKNOWN', number: 0 },
          { name: 'ACTIVE', number: 1 },
        ],
      },
    ],
  });
}

const USER_TEXT = `syntax = "proto3";
package wire.v1;

message User {
  string name = 1;
  int64 id = 2;
  .wire.v1.Status status = 3;
  repeated string tags = 4;
}
enum Status {
  UNKNOWN = 0;
  ACTIVE = 1;
}
`;

const base64 = (file: FileDescriptorProto) =>
  Buffer.from(toBinary(FileDescriptorProtoSchema, file)).toString('base64');

/** What a FileDescriptorProto says about the data, in a form two equivalent descriptors share. */
function essence(file: FileDescriptorProto) {
  return {
    package: file.package,
    syntax: file.syntax,
    dependency: [...file.dependency].sort(),
    messages: file.messageType.map((m) => ({
      name: m.name,
      fields: [...m.field]
        .sort((a, b) => a.number - b.number)
        .map((f) => ({ name: f.name, number: f.number, label: f.label, type: f.type, typeName: f.typeName })),
      nested: m.nestedType.map((n) => n.name),
    })),
    enums: file.enumType.map((e) => ({ name: e.name, values: e.value.map((v) => [v.name, v.number]) })),
  };
}

describe('Protobuf schemas as base64 FileDescriptorProtos (issue 19, point 1)', () => {
  it('registers a base64 FileDescriptorProto as .proto text, and the same schema as text gets the same id', async () => {
    const first = await register('wire-user', base64(userDescriptor()));
    expect(first.status).toBe(200);
    const stored = await call('GET', `/schemas/ids/${first.body.id}`);
    expect(stored.body).toMatchObject({ schemaType: 'PROTOBUF', schema: USER_TEXT });
    const asText = await register('wire-user', `// the same file, written by hand\n${USER_TEXT}`);
    expect(asText.body.id).toBe(first.body.id);
    expect((await call('GET', '/subjects/wire-user/versions')).body).toEqual([1]);
  });

  it('answers format=serialized with an equivalent FileDescriptorProto on every read route that returns a schema', async () => {
    const original = userDescriptor();
    const { body } = await register('wire-serialized', base64(original));
    const decode = (text: string) => fromBinary(FileDescriptorProtoSchema, Buffer.from(text, 'base64'));
    const answers = [
      (await call('GET', `/schemas/ids/${body.id}?format=serialized`)).body.schema,
      (await call('GET', `/schemas/ids/${body.id}/schema?format=serialized`)).body,
      (await call('GET', '/subjects/wire-serialized/versions/1?format=serialized')).body.schema,
      (await call('GET', '/subjects/wire-serialized/versions/latest/schema?format=serialized')).body,
      (
        await call('POST', '/subjects/wire-serialized?format=serialized', {
          schema: USER_TEXT,
          schemaType: 'PROTOBUF',
        })
      ).body.schema,
    ];
    for (const answer of answers) {
      expect(typeof answer).toBe('string');
      expect(essence(decode(answer))).toEqual(essence(original));
    }
    // Read back and registered again, the serialized form is the same schema.
    expect((await register('wire-serialized', answers[0])).body.id).toBe(body.id);
  });

  it('keeps the stored text without format, and refuses a format the schema type does not have', async () => {
    const { body } = await register('wire-formats', USER_TEXT);
    expect((await call('GET', `/schemas/ids/${body.id}?format=default`)).body.schema).toBe(USER_TEXT);
    for (const format of ['bogus', 'resolved']) {
      const refused = await call('GET', `/schemas/ids/${body.id}?format=${format}`);
      expect(refused.status).toBe(400);
      expect(refused.body.message).toMatch(/default, ignore_extensions, serialized/);
    }
  });

  it('drops custom options and extensions for format=ignore_extensions, as Confluent does', async () => {
    const proto2 = `syntax = "proto2";
package wire.ext;

import "google/protobuf/descriptor.proto";

option java_package = "com.example.wire";

message Tagged {
  optional string id = 1 [(wire.ext.sensitive) = true, deprecated = true];

  extensions 100 to 199;
}

extend google.protobuf.FieldOptions {
  optional bool sensitive = 50000;
}
`;
    const { body, status } = await register('wire-ext', proto2);
    expect(status).toBe(200);
    const ignored = await call('GET', `/schemas/ids/${body.id}/schema?format=ignore_extensions`);
    expect(ignored.body).toBe(`syntax = "proto2";
package wire.ext;

import "google/protobuf/descriptor.proto";

option java_package = "com.example.wire";

message Tagged {
  optional string id = 1 [deprecated = true];
}
`);
  });
});

describe('Protobuf schemas compared by their canonical form (issue 19, point 4)', () => {
  const text = `syntax = "proto3";
package wire.canonical;

import "google/protobuf/timestamp.proto";

option java_package = "com.example.canonical";

message Order {
  string id = 1;
  .google.protobuf.Timestamp at = 2;
  .wire.canonical.Order.Line line = 3;

  message Line {
    string sku = 1;
  }
}
`;

  it('gives whitespace, comment and normalize=true variants of one schema one id and one version', async () => {
    const variants = [
      text,
      text.replace('message Order {', '\nmessage Order {\n'),
      `/* header */\n${text.replaceAll('\n', '  // trailing\n')}`,
    ];
    const ids = [];
    for (const variant of variants) ids.push((await register('wire-canonical', variant)).body.id);
    ids.push((await register('wire-canonical', text, {}, '?normalize=true')).body.id);
    expect(new Set(ids).size).toBe(1);
    expect((await call('GET', '/subjects/wire-canonical/versions')).body).toEqual([1]);
    expect((await call('GET', '/subjects/wire-canonical/versions/1')).body.schema).toBe(text);
  });

  it('normalizes relative names, maps, and declaration order, so spellings of one schema meet under normalize=true', async () => {
    const relative = `syntax = "proto3";
package wire.norm;
option java_multiple_files = true;
option java_package = "com.example.norm";
message Cart {
  map<string, Item> items = 2;
  string id = 1;
  message Item { int32 qty = 1; }
}`;
    const qualified = `syntax = "proto3";
package wire.norm;
option java_package = "com.example.norm";
option java_multiple_files = true;
message Cart {
  string id = 1;
  repeated .wire.norm.Cart.ItemsEntry items = 2;
  message Item { int32 qty = 1; }
  message ItemsEntry {
    option map_entry = true;
    string key = 1;
    .wire.norm.Cart.Item value = 2;
  }
}`;
    const first = await register('wire-norm', relative, {}, '?normalize=true');
    const second = await register('wire-norm', qualified, {}, '?normalize=true');
    expect(second.body.id).toBe(first.body.id);
    expect((await call('GET', '/subjects/wire-norm/versions/1')).body.schema).toBe(`syntax = "proto3";
package wire.norm;

option java_multiple_files = true;
option java_package = "com.example.norm";

message Cart {
  string id = 1;
  map<string, .wire.norm.Cart.Item> items = 2;

  message Item {
    int32 qty = 1;
  }
}
`);
    const lookup = await call('POST', '/subjects/wire-norm?normalize=true', {
      schema: qualified,
      schemaType: 'PROTOBUF',
    });
    expect(lookup.body).toMatchObject({ id: first.body.id, version: 1 });
  });

  it('keeps options, reserved ranges, services, oneofs, maps, aliases and proto2 groups and defaults', async () => {
    const rich = `syntax = "proto2";
package wire.rich;

option java_package = "com.example.rich";
option optimize_for = SPEED;

message Order {
  reserved 5, 8 to 10;
  reserved "legacy";

  optional int32 qty = 1 [default = 3];
  map<string, int64> counts = 2;
  optional Kind kind = 3 [default = BIG];

  oneof payment {
    string card = 6;
    string voucher = 7;
  }

  optional group Note = 11 {
    optional string text = 1;
  }

  enum Kind {
    option allow_alias = true;
    SMALL = 0;
    LITTLE = 0;
    BIG = 1;
  }
}

service Orders {
  rpc Get (Order) returns (stream Order);
}
`;
    const { body } = await register('wire-rich', rich);
    expect((await call('GET', `/schemas/ids/${body.id}`)).body.schema).toBe(rich);
  });
});

describe('Protobuf schemas that do not resolve (issue 19, point 5)', () => {
  it('refuses a field of an undefined type with 42201 naming the type', async () => {
    const refused = await register(
      'wire-undefined',
      'syntax = "proto3";\npackage wire.bad;\nmessage A {\n  Missing b = 1;\n}\n',
    );
    expect(refused.status).toBe(422);
    expect(refused.body.error_code).toBe(42201);
    expect(refused.body.message).toMatch(/"Missing".*field wire\.bad\.A\.b.*not defined/);
  });

  it('refuses an import of an unknown file with 42201 naming the file', async () => {
    const refused = await register(
      'wire-unknown-import',
      'syntax = "proto3";\nimport "nowhere/thing.proto";\nmessage A {\n  string b = 1;\n}\n',
    );
    expect(refused.status).toBe(422);
    expect(refused.body.error_code).toBe(42201);
    expect(refused.body.message).toMatch(/import "nowhere\/thing\.proto"/);
  });

  it('accepts the well-known files without a reference, and user imports registered as references', async () => {
    const dependency = 'syntax = "proto3";\npackage wire.dep;\n\nmessage Money {\n  int64 cents = 1;\n}\n';
    expect((await register('wire/dep/money.proto', dependency)).status).toBe(200);
    const user = `syntax = "proto3";
import "wire/dep/money.proto";
import "google/protobuf/timestamp.proto";
message Invoice {
  wire.dep.Money total = 1;
  google.protobuf.Timestamp due = 2;
}`;
    const references = [{ name: 'wire/dep/money.proto', subject: 'wire/dep/money.proto', version: 1 }];
    expect((await register('wire-invoice', user, { references })).status).toBe(200);
    expect((await register('wire-invoice-unreferenced', user)).body.error_code).toBe(42201);
  });

  it('refuses hostile nesting with 42201, as text and as a descriptor', async () => {
    const deep = `${'message A { '.repeat(200)}${'} '.repeat(200)}`;
    expect((await register('wire-deep', deep)).body.error_code).toBe(42201);
    let inner: { name: string; nestedType?: unknown[] } = { name: 'A' };
    for (let i = 0; i < 200; i++) inner = { name: 'A', nestedType: [inner] };
    const nested = create(FileDescriptorProtoSchema, { name: 'deep.proto', messageType: [inner as never] });
    expect((await register('wire-deep-descriptor', base64(nested))).body.error_code).toBe(42201);
  });
});

describe("Confluent's JavaScript Protobuf serde against the embedded registry", () => {
  it('serializes with autoRegisterSchemas and deserializes a message with an imported file and a well-known type', async () => {
    const address = create(FileDescriptorProtoSchema, {
      name: 'wire/v1/address.proto',
      package: 'wire.v1',
      syntax: 'proto3',
      messageType: [
        { name: 'Address', field: [{ name: 'city', number: 1, label: 1, type: 9, jsonName: 'city' }] },
      ],
    });
    const person = create(FileDescriptorProtoSchema, {
      name: 'wire/v1/person.proto',
      package: 'wire.v1',
      syntax: 'proto3',
      dependency: ['wire/v1/address.proto', 'google/protobuf/timestamp.proto'],
      messageType: [
        {
          name: 'Person',
          field: [
            { name: 'name', number: 1, label: 1, type: 9, jsonName: 'name' },
            {
              name: 'address',
              number: 2,
              label: 1,
              type: 11,
              typeName: '.wire.v1.Address',
              jsonName: 'address',
            },
            {
              name: 'born',
              number: 3,
              label: 1,
              type: 11,
              typeName: '.google.protobuf.Timestamp',
              jsonName: 'born',
            },
            {
              name: 'scores',
              number: 4,
              label: 3,
              type: 11,
              typeName: '.wire.v1.Person.ScoresEntry',
              jsonName: 'scores',
            },
            { name: 'email', number: 5, label: 1, type: 9, oneofIndex: 0, jsonName: 'email' },
            { name: 'phone', number: 6, label: 1, type: 9, oneofIndex: 0, jsonName: 'phone' },
          ],
          oneofDecl: [{ name: 'contact' }],
          nestedType: [
            {
              name: 'ScoresEntry',
              field: [
                { name: 'key', number: 1, label: 1, type: 9, jsonName: 'key' },
                { name: 'value', number: 2, label: 1, type: 5, jsonName: 'value' },
              ],
              options: { mapEntry: true },
            },
          ],
        },
      ],
    });
    const types = createFileRegistry(person, (name) =>
      name === 'wire/v1/address.proto'
        ? address
        : name === 'google/protobuf/timestamp.proto'
          ? file_google_protobuf_timestamp
          : undefined,
    );
    const personType = types.getMessage('wire.v1.Person');
    const addressType = types.getMessage('wire.v1.Address');
    if (!personType || !addressType) throw new Error('the runtime descriptors did not link');
    const client = new SchemaRegistryClient({ baseURLs: [registry.url] });
    const serializer = new ProtobufSerializer(client, SerdeType.VALUE, {
      autoRegisterSchemas: true,
      registry: createMutableRegistry(types),
    });
    const deserializer = new ProtobufDeserializer(client, SerdeType.VALUE, {});
    const message = create(personType, {
      name: 'Ada',
      address: create(addressType, { city: 'London' }),
      born: timestampFromDate(new Date('1815-12-10T00:00:00Z')),
      scores: { math: 100 },
      contact: { case: 'email', value: 'ada@example.com' },
    });
    const bytes = await serializer.serialize('people', message);
    const back = (await deserializer.deserialize('people', bytes)) as Record<string, unknown>;
    expect(back).toMatchObject({
      name: 'Ada',
      address: { city: 'London' },
      scores: { math: 100 },
      contact: { case: 'email', value: 'ada@example.com' },
    });
    expect(back.born).toEqual((message as unknown as { born: unknown }).born);
    expect((await call('GET', '/subjects')).body).toEqual(
      expect.arrayContaining(['people-value', 'wire/v1/address.proto']),
    );
    const root = await call('GET', '/subjects/people-value/versions/latest');
    expect(root.body.references).toEqual([
      { name: 'wire/v1/address.proto', subject: 'wire/v1/address.proto', version: 1 },
    ]);
    expect(root.body.schema).toContain('import "google/protobuf/timestamp.proto";');
  });
});

describe('the format parameter on the other schema types', () => {
  it('inlines an Avro schema’s references for format=resolved, and refuses Protobuf’s formats for Avro and JSON Schema', async () => {
    const address = JSON.stringify({
      type: 'record',
      name: 'Address',
      namespace: 'fmt',
      fields: [{ name: 'city', type: 'string' }],
    });
    const person = JSON.stringify({
      type: 'record',
      name: 'Person',
      namespace: 'fmt',
      fields: [{ name: 'home', type: 'fmt.Address' }],
    });
    await call('POST', '/subjects/fmt-address/versions', { schema: address });
    const references = [{ name: 'fmt.Address', subject: 'fmt-address', version: 1 }];
    const { body } = await call('POST', '/subjects/fmt-person/versions', { schema: person, references });
    const resolved = await call('GET', `/schemas/ids/${body.id}?format=resolved`);
    expect(JSON.parse(resolved.body.schema)).toEqual({
      type: 'record',
      name: 'Person',
      namespace: 'fmt',
      fields: [{ name: 'home', type: JSON.parse(address) }],
    });
    expect((await call('GET', `/schemas/ids/${body.id}`)).body.schema).toBe(person);
    expect((await call('GET', `/schemas/ids/${body.id}?format=serialized`)).status).toBe(400);
    const json = await call('POST', '/subjects/fmt-json/versions', {
      schema: JSON.stringify({ type: 'object' }),
      schemaType: 'JSON',
    });
    const refused = await call('GET', `/schemas/ids/${json.body.id}?format=serialized`);
    expect(refused).toMatchObject({ status: 400, body: { error_code: 400 } });
    expect(refused.body.message).toMatch(/JSON schema; use one of: default/);
  });
});
