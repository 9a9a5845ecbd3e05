import avro from 'avsc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toAvroIdl } from '../src/servers/registry/avro-idl.js';
import { protocolNameFor } from '../src/servers/registry/tools/idl.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function resolve(name: string, namespace: Json | undefined, enclosing: string): string {
  if (name.includes('.')) return name;
  const ns = typeof namespace === 'string' ? namespace : enclosing;
  return ns === '' ? name : `${ns}.${name}`;
}

/**
 * Every named type of a schema by full name, each with named types inside replaced by references: the same
 * for an Avro JSON schema and for the types of a protocol read back from IDL when nothing was lost.
 */
function flatten(schema: Json, enclosing: string, out: Map<string, Json>): Json {
  if (typeof schema === 'string')
    return PRIMITIVES.has(schema) ? schema : { ref: resolve(schema, undefined, enclosing) };
  if (Array.isArray(schema)) return schema.map((s) => flatten(s, enclosing, out));
  if (!isObj(schema)) throw new Error(`not a type: ${JSON.stringify(schema)}`);
  const { type, ...rest } = schema;
  if (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed') {
    const full = resolve(rest.name as string, rest.namespace, enclosing);
    const ns = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : '';
    const { name: _n, namespace: _ns, fields, ...props } = rest;
    const flat: Obj = { kind: type, ...props };
    if (Array.isArray(fields))
      flat.fields = fields.map((f) => {
        const { type: fieldType, ...fieldRest } = f as Obj;
        return { ...fieldRest, type: flatten(fieldType as Json, ns, out) };
      });
    out.set(full, flat);
    return { ref: full };
  }
  if (type === 'array') return { ...rest, type, items: flatten(rest.items as Json, enclosing, out) };
  if (type === 'map') return { ...rest, type, values: flatten(rest.values as Json, enclosing, out) };
  if (typeof type === 'string' && PRIMITIVES.has(type)) return schema;
  return flatten(type as Json, enclosing, out);
}

function typesOf(schema: unknown): Record<string, Json> {
  const out = new Map<string, Json>();
  flatten(schema as Json, '', out);
  return Object.fromEntries(out);
}

function typesOfIdl(idl: string): Record<string, Json> {
  const protocol = avro.readProtocol(idl) as { namespace?: string; types?: Json[] };
  const out = new Map<string, Json>();
  for (const type of protocol.types ?? []) flatten(type, protocol.namespace ?? '', out);
  return Object.fromEntries(out);
}

// ---- generators: valid-looking Avro schemas with every construct the printer handles ----

const doc = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    'An order.',
    'two\nlines',
    'ends */ a comment',
    ' padded ',
    '* starred',
    'a\n\n  gap',
    'x\r\ny',
  ),
);
// Not "": a type in no namespace cannot be named inside another namespace in IDL (refused, tested below).
const namespace = fc.option(fc.constantFrom('shop', 'shop.billing', 'other'), { nil: undefined });
const smallJson: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.string({ maxLength: 8 }),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('a', 'b'), fc.string({ maxLength: 4 })),
);
const logical = fc.constantFrom<Obj>(
  { type: 'int', logicalType: 'date' },
  { type: 'long', logicalType: 'timestamp-millis' },
  { type: 'int', logicalType: 'time-millis' },
  { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 },
  { type: 'string', logicalType: 'uuid' },
);
const fieldName = fc.constantFrom('id', 'name', 'record', 'error', 'date', 'union', 'value', 'map', 'x_1');
const prop = fc.record({ key: fc.constantFrom('x-custom', 'java-class', 'meta'), value: smallJson });

const { type: avroType } = fc.letrec<{ type: Json; named: Json }>((tie) => ({
  type: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'),
    logical,
    fc.record({ type: fc.constant('array'), items: tie('type') }),
    fc.record({ type: fc.constant('map'), values: tie('type') }),
    fc.array(tie('type'), { minLength: 1, maxLength: 3 }),
    tie('named'),
  ),
  named: fc.oneof(
    fc.record(
      {
        type: fc.constantFrom('record', 'error'),
        name: fc.constant('?'),
        namespace,
        doc,
        aliases: fc.array(fc.constantFrom('Old', 'older.Name'), { maxLength: 2 }),
        fields: fc.array(
          fc.record(
            {
              name: fieldName,
              type: tie('type'),
              doc,
              default: smallJson,
              order: fc.constantFrom('ascending', 'descending', 'ignore'),
              aliases: fc.array(fc.constantFrom('was', 'before'), { maxLength: 1 }),
            },
            { requiredKeys: ['name', 'type'] },
          ),
          { maxLength: 4 },
        ),
        prop,
      },
      { requiredKeys: ['type', 'name', 'fields'] },
    ),
    fc.record(
      {
        type: fc.constant('enum'),
        name: fc.constant('?'),
        namespace,
        doc,
        symbols: fc.uniqueArray(fc.constantFrom('A', 'B', 'C', 'null', 'record'), {
          minLength: 1,
          maxLength: 4,
        }),
        default: fc.constant('A'),
      },
      { requiredKeys: ['type', 'name', 'symbols'] },
    ),
    fc.record(
      { type: fc.constant('fixed'), name: fc.constant('?'), namespace, size: fc.nat(64) },
      { requiredKeys: ['type', 'name', 'size'] },
    ),
  ),
})) as unknown as { type: fc.Arbitrary<Json> };

/** Gives every named type a unique name (T0, T1, …), unique field names, and the generated property its key. */
function tidy(schema: Json, counter = { n: 0 }): Json {
  if (Array.isArray(schema)) return schema.map((s) => tidy(s, counter));
  if (!isObj(schema)) return schema;
  const out: Obj = { ...schema };
  if (out.name === '?') out.name = `T${counter.n++}`;
  if (isObj(out.prop)) {
    const { key, value } = out.prop as { key: string; value: Json };
    delete out.prop;
    out[key] = value;
  }
  if (out.namespace === undefined) delete out.namespace;
  if (out.symbols && out.default !== undefined && !(out.symbols as string[]).includes(out.default as string))
    delete out.default;
  if (Array.isArray(out.fields))
    out.fields = out.fields.map((f, i) => {
      const field = { ...(f as Obj) };
      field.name = `${field.name}${i}`;
      field.type = tidy(field.type as Json, counter);
      return field;
    });
  if (out.items !== undefined) out.items = tidy(out.items, counter);
  if (out.values !== undefined) out.values = tidy(out.values, counter);
  return out;
}

const topRecord = avroType
  .map((inner) =>
    tidy({ type: 'record', name: '?', namespace: 'top', fields: [{ name: 'inner', type: inner }] }),
  )
  .filter((schema) => JSON.stringify(schema).length < 20_000);

describe('Avro IDL printer', () => {
  it('prints IDL that avsc reads back to the same named types, docs, defaults, logical types and properties', () => {
    fc.assert(
      fc.property(topRecord, (schema) => {
        const printed = toAvroIdl([{ label: 'generated', schema }], 'Generated');
        expect(typesOfIdl(printed.idl)).toEqual(typesOf(schema));
        expect([...printed.types].sort()).toEqual(Object.keys(typesOf(schema)).sort());
      }),
      { numRuns: 300 },
    );
  });

  it('declares every named type before the type that defines it inside, each once', () => {
    fc.assert(
      fc.property(topRecord, (schema) => {
        const { types, idl } = toAvroIdl([{ label: 'generated', schema }], 'Generated');
        expect(new Set(types).size).toBe(types.length);
        expect(types.at(-1)).toBe(
          (schema as Obj).namespace ? `top.${(schema as Obj).name}` : (schema as Obj).name,
        );
        // Each declaration appears once in the text, in the order of `types`.
        const positions = types.map((full) => {
          const short = full.slice(full.lastIndexOf('.') + 1);
          return idl.search(new RegExp(`(record|error|enum|fixed) ${short}\\b`));
        });
        expect(positions.every((p) => p >= 0)).toBe(true);
        expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      }),
      { numRuns: 200 },
    );
  });

  it('prints a recursive record, an error, aliases and a multi-line doc as written by hand', () => {
    const schema = {
      type: 'record',
      name: 'Node',
      namespace: 'tree',
      doc: 'A node.\n\nIt may have children.',
      aliases: ['OldNode'],
      fields: [
        { name: 'label', type: 'string', doc: 'What it says' },
        { name: 'children', type: { type: 'array', items: 'Node' }, default: [] },
        { name: 'parent', type: ['null', 'tree.Node'], default: null, order: 'ignore' },
        {
          name: 'failure',
          type: ['null', { type: 'error', name: 'Broken', fields: [{ name: 'why', type: 'string' }] }],
          default: null,
        },
        { name: 'seen', type: { type: 'long', logicalType: 'timestamp-millis' } },
      ],
    };
    avro.Type.forSchema(schema as avro.Schema);
    const printed = toAvroIdl([{ label: 'tree-value v1', schema }], 'Trees');
    expect(printed.idl).toBe(
      [
        '@namespace("tree")',
        'protocol Trees {',
        '  error Broken {',
        '    string why;',
        '  }',
        '',
        '  /**',
        '   * A node.',
        '   *',
        '   * It may have children.',
        '   */',
        '  @aliases(["OldNode"])',
        '  record Node {',
        '    /** What it says */',
        '    string label;',
        '    array<Node> children = [];',
        '    union { null, Node } @order("ignore") parent = null;',
        '    union { null, Broken } failure = null;',
        '    timestamp_ms seen;',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    expect(typesOfIdl(printed.idl)).toEqual(typesOf(schema));
  });

  it('quotes names that are IDL keywords and writes other namespaces in full', () => {
    const schema = {
      type: 'record',
      name: 'Event',
      namespace: 'a',
      fields: [
        { name: 'record', type: { type: 'enum', name: 'Kind', namespace: 'b', symbols: ['null', 'X'] } },
        { name: 'again', type: 'b.Kind' },
      ],
    };
    const { idl } = toAvroIdl([{ label: 'events', schema }], 'Events');
    expect(idl).toContain('  @namespace("b")\n  enum Kind {\n    `null`,\n    X\n  }');
    expect(idl).toContain('    b.Kind `record`;\n    b.Kind again;');
    expect(typesOfIdl(idl)).toEqual(typesOf(schema));
    expect(toAvroIdl([{ label: 'events', schema }], 'record').idl).toContain('protocol `record` {');
  });

  it('declares the named types of a top-level union and says the union itself is not declared', () => {
    const schema = [
      { type: 'record', name: 'A', fields: [] },
      { type: 'record', name: 'B', fields: [] },
    ];
    const printed = toAvroIdl([{ label: 'either', schema }], 'Either');
    expect(printed.types).toEqual(['A', 'B']);
    expect(printed.notes).toEqual([
      'either: its top-level type union { A, B } is not a named type, so the protocol declares only the named types inside it',
    ]);
  });

  it('refuses what IDL cannot hold, saying what and where', () => {
    const record = (fields: unknown[]) => ({ type: 'record', name: 'R', namespace: 'n', fields });
    expect(() => toAvroIdl([{ label: 's', schema: 'string' }], 'P')).toThrow(
      /none of the schemas declares a record, enum or fixed type/,
    );
    expect(() =>
      toAvroIdl([{ label: 's v1', schema: record([{ name: 'x', type: 'other.Missing' }]) }], 'P'),
    ).toThrow(/s v1: n.R.x: type other.Missing is referenced but not defined/);
    expect(() =>
      toAvroIdl(
        [
          { label: 'a v1', schema: record([]) },
          { label: 'b v1', schema: record([{ name: 'y', type: 'int' }]) },
        ],
        'P',
      ),
    ).toThrow(/type n.R is defined differently in a v1 and b v1/);
    expect(() => toAvroIdl([{ label: 's', schema: record([]) }], 'not valid')).toThrow(
      /protocol name "not valid" is not a valid Avro name/,
    );
    expect(() => toAvroIdl([{ label: 's', schema: { ...record([]), 'bad key': 1 } }], 'P')).toThrow(
      /property "bad key" cannot be written as an Avro IDL annotation/,
    );
    expect(() =>
      toAvroIdl(
        [{ label: 's', schema: record([{ name: 'x', type: { type: 'record', name: 'R', fields: [] } }]) }],
        'P',
      ),
    ).toThrow(/n.R is defined inside itself/);
    expect(() =>
      toAvroIdl(
        [
          {
            label: 's',
            schema: record([{ name: 'x', type: { type: 'enum', name: 'E', namespace: '', symbols: ['A'] } }]),
          },
        ],
        'P',
      ),
    ).toThrow(
      /s: n.R.x: type E has no namespace but is used inside namespace n, where Avro IDL cannot name it/,
    );
  });

  it('declares a type shared by two subjects once', () => {
    const money = {
      type: 'record',
      name: 'Money',
      namespace: 'm',
      fields: [{ name: 'cents', type: 'long' }],
    };
    const printed = toAvroIdl(
      [
        {
          label: 'a',
          schema: { type: 'record', name: 'A', namespace: 'm', fields: [{ name: 'p', type: money }] },
        },
        {
          label: 'b',
          schema: { type: 'record', name: 'B', namespace: 'm', fields: [{ name: 'p', type: money }] },
        },
      ],
      'Both',
    );
    expect(printed.types).toEqual(['m.Money', 'm.A', 'm.B']);
  });

  it('names a protocol after a subject', () => {
    expect(protocolNameFor('orders-value')).toBe('OrdersValue');
    expect(protocolNameFor(':.staging:orders.v2-value')).toBe('OrdersV2Value');
    expect(protocolNameFor('42-things')).toBe('Schemas42Things');
  });
});
