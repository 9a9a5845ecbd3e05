import { describe, expect, it } from 'vitest';
import { javaUnionOrder } from '../src/registry-server/java-order.js';
import { isCompatibleChange, type ProtoSide, protobufChanges } from '../src/registry-server/protobuf/diff.js';
import { parseProto } from '../src/registry-server/protobuf/parser.js';

const side = (
  text: string,
  dependencies: Record<string, string> = {},
  references: ProtoSide['references'] = [],
): ProtoSide => ({
  file: parseProto(text),
  dependencies: new Map(Object.entries(dependencies).map(([name, source]) => [name, parseProto(source)])),
  references,
});

const diff = (original: string, update: string) => protobufChanges(side(original), side(update));
const proto3 = (body: string, pkg = '') => `syntax = "proto3";\n${pkg ? `package ${pkg};\n` : ''}${body}`;

describe('.proto parsing for the diff', () => {
  it('keeps labels and type names as written, maps as map<K, V>, and oneof members apart', () => {
    const file = parseProto(
      proto3(
        `// a comment
        message Order {
          option (my.opt) = { a: 1 };
          string id = 1 [deprecated = true];
          repeated .shop.Item items = 2;
          map<string,  int64> counts = 3;
          oneof payment { string card = 4; Voucher voucher = 5; }
          reserved 9, 10 to 12;
          enum State { NEW = 0; PAID = 1; }
          message Voucher { /* nested */ string code = 1; }
        }`,
        'shop',
      ),
    );
    expect(file.package).toBe('shop');
    const order = file.types[0];
    expect(order?.kind).toBe('message');
    if (order?.kind !== 'message') return;
    expect(order.fields).toEqual([
      { label: null, type: 'string', name: 'id', number: 1 },
      { label: 'repeated', type: '.shop.Item', name: 'items', number: 2 },
      { label: null, type: 'map<string, int64>', name: 'counts', number: 3 },
    ]);
    expect(order.oneofs).toEqual([
      {
        name: 'payment',
        fields: [
          { label: null, type: 'string', name: 'card', number: 4 },
          { label: null, type: 'Voucher', name: 'voucher', number: 5 },
        ],
      },
    ]);
    expect(order.nested.map((t) => `${t.kind} ${t.name}`)).toEqual(['enum State', 'message Voucher']);
  });

  it('names the line of a syntax error', () => {
    expect(() => parseProto('syntax = "proto3";\nmessage A {\n  string = 1;\n}')).toThrow(/line 3/);
  });
});

describe('Confluent Protobuf compatibility rules', () => {
  const base = proto3('message M {\n  int32 a = 1;\n  string b = 2;\n}');
  const cases: [string, string, string[], boolean][] = [
    [
      'adding a field',
      proto3('message M {\n  int32 a = 1;\n  string b = 2;\n  bool c = 3;\n}'),
      ['FIELD_ADDED #/M/3'],
      true,
    ],
    ['removing a field', proto3('message M {\n  int32 a = 1;\n}'), ['FIELD_REMOVED #/M/2'], true],
    [
      'renaming a field (numbers identify fields)',
      proto3('message M {\n  int32 x = 1;\n  string b = 2;\n}'),
      ['FIELD_NAME_CHANGED #/M/1'],
      true,
    ],
    ['int32 → int64 is wire compatible', proto3('message M {\n  int64 a = 1;\n  string b = 2;\n}'), [], true],
    ['string → bytes is wire compatible', proto3('message M {\n  int32 a = 1;\n  bytes b = 2;\n}'), [], true],
    [
      'int32 → sint32 is not',
      proto3('message M {\n  sint32 a = 1;\n  string b = 2;\n}'),
      ['FIELD_SCALAR_KIND_CHANGED #/M/1'],
      false,
    ],
    [
      'a scalar becoming a message is not',
      proto3('message M {\n  N a = 1;\n  string b = 2;\n}\nmessage N {}'),
      ['FIELD_KIND_CHANGED #/M/1', 'MESSAGE_ADDED #/N'],
      false,
    ],
    [
      'removing a message is not',
      proto3('message N {}'),
      ['MESSAGE_REMOVED #/M', 'MESSAGE_ADDED #/N'],
      false,
    ],
    [
      'changing the package is not',
      `syntax = "proto3";\npackage p;\nmessage M {\n  int32 a = 1;\n  string b = 2;\n}`,
      ['PACKAGE_CHANGED #/'],
      false,
    ],
    [
      'moving two fields into one oneof is not',
      proto3('message M {\n  oneof o {\n    int32 a = 1;\n    string b = 2;\n  }\n}'),
      ['MULTIPLE_FIELDS_MOVED_TO_ONEOF #/M/o', 'ONEOF_ADDED #/M/o'],
      false,
    ],
    [
      'moving one field into a new oneof is',
      proto3('message M {\n  oneof o {\n    int32 a = 1;\n  }\n  string b = 2;\n}'),
      ['ONEOF_ADDED #/M/o'],
      true,
    ],
  ];

  it.each(cases)('%s', (_title, update, changes, compatible) => {
    const found = diff(base, update);
    expect(found).toEqual(changes);
    expect(found.every(isCompatibleChange)).toBe(compatible);
  });

  it('treats enum constants by number, and labels only when both sides write one', () => {
    const e1 = proto3(
      'enum E {\n  A = 0;\n  B = 1;\n}\nmessage M {\n  optional int32 n = 1;\n  repeated string s = 2;\n}',
    );
    const e2 = proto3(
      'enum E {\n  A = 0;\n  C = 1;\n  D = 2;\n}\nmessage M {\n  repeated int32 n = 1;\n  optional string s = 2;\n}',
    );
    expect(diff(e1, e2)).toEqual([
      'FIELD_NUMERIC_LABEL_CHANGED #/M/1',
      'FIELD_STRING_OR_BYTES_LABEL_CHANGED #/M/2',
      'ENUM_CONST_CHANGED #/E/1',
      'ENUM_CONST_ADDED #/E/2',
    ]);
    // proto3 `int32 x` → `repeated int32 x`: no label was written on one side, so nothing is reported.
    expect(
      diff(proto3('message M {\n  int32 x = 1;\n}'), proto3('message M {\n  repeated int32 x = 1;\n}')),
    ).toEqual([]);
  });

  it('looks into an imported type when its reference changes, and blames the field', () => {
    const home = (field: string) => proto3(`message Home {\n  ${field} id = 1;\n}`, 'dep');
    const root = proto3('import "home.proto";\nmessage M {\n  .dep.Home h = 1;\n}');
    const changes = protobufChanges(
      side(root, { 'home.proto': home('int32') }, [{ name: 'home.proto', subject: 'home', version: 1 }]),
      side(root, { 'home.proto': home('string') }, [{ name: 'home.proto', subject: 'home', version: 2 }]),
    );
    expect(changes).toEqual(['FIELD_SCALAR_KIND_CHANGED #/Home/1', 'FIELD_NAMED_TYPE_CHANGED #/M/1']);
    const same = protobufChanges(
      side(root, { 'home.proto': home('int32') }, [{ name: 'home.proto', subject: 'home', version: 1 }]),
      side(root, { 'home.proto': home('string') }, [{ name: 'home.proto', subject: 'home', version: 1 }]),
    );
    expect(same).toEqual([]);
  });

  it('reports messages in the order a Java HashSet iterates their names', () => {
    expect(javaUnionOrder(['TestMessage'], ['TestMessage', 'TestMessage2'])).toEqual([
      'TestMessage2',
      'TestMessage',
    ]);
    expect(javaUnionOrder([0, 1, 2, 16], [17])).toEqual([0, 16, 1, 17, 2]);
  });
});
