import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  EnumElement,
  FieldElement,
  MessageElement,
  OptionElement,
  OptionValue,
  ProtoFileElement,
  TypeElement,
} from '../src/registry-server/protobuf/ast.js';
import { fromFileDescriptor, toFileDescriptor } from '../src/registry-server/protobuf/descriptor.js';
import { DescriptorError } from '../src/registry-server/protobuf/descriptor-codec.js';
import { parseProtoFile } from '../src/registry-server/protobuf/parse-file.js';
import { printProtoFile } from '../src/registry-server/protobuf/printer.js';
import { readProtoSource } from '../src/registry-server/protobuf/schema.js';
import { ProtoScope } from '../src/registry-server/protobuf/scope.js';
import { ProtoSyntaxError } from '../src/registry-server/protobuf/tokenizer.js';
import { fuzzParameters } from './fuzz/budget.js';

const SCALARS = [
  'int32',
  'int64',
  'uint32',
  'sint64',
  'fixed32',
  'bool',
  'string',
  'bytes',
  'double',
  'float',
];
const lower = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/);
const upper = fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,6}$/);
const constantName = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,6}$/);

const scalarValue: fc.Arbitrary<OptionValue> = fc.oneof(
  fc.string({ maxLength: 8 }).map((value) => ({ kind: 'string' as const, value })),
  fc.integer({ min: -1000, max: 1000 }).map((n) => ({ kind: 'number' as const, value: String(n) })),
  fc.boolean().map((value) => ({ kind: 'bool' as const, value })),
  constantName.map((value) => ({ kind: 'enum' as const, value })),
);
const optionValue: fc.Arbitrary<OptionValue> = fc.oneof(
  scalarValue,
  fc
    .uniqueArray(fc.tuple(lower, scalarValue), { maxLength: 3, selector: ([key]) => key })
    .map((entries) => ({ kind: 'map' as const, entries })),
);
const option: fc.Arbitrary<OptionElement> = fc.record({
  name: fc.oneof(
    lower,
    lower.map((n) => `(my.${n})`),
  ),
  value: optionValue,
});
const options = fc.array(option, { maxLength: 2 });

function fields(labels: readonly (FieldElement['label'] | null)[], typeNames: readonly string[]) {
  return fc
    .uniqueArray(fc.integer({ min: 1, max: 2000 }), { maxLength: 5 })
    .chain((numbers) =>
      fc.tuple(
        ...numbers.map((number) =>
          fc.record({
            label: fc.constantFrom(...labels),
            type: fc.constantFrom(...SCALARS, ...typeNames, 'map<string, int32>'),
            name: lower,
            number: fc.constant(number),
            options: options,
          }),
        ),
      ),
    )
    .map((list) => list.map((f): FieldElement => (f.type.startsWith('map<') ? { ...f, label: null } : f)));
}

const enumType: fc.Arbitrary<EnumElement> = fc.record({
  kind: fc.constant('enum' as const),
  name: upper,
  options: fc.constant([]),
  constants: fc
    .uniqueArray(fc.tuple(constantName, fc.integer({ min: 0, max: 50 })), {
      minLength: 1,
      maxLength: 4,
      selector: ([n]) => n,
    })
    .map((list) => list.map(([name, number]) => ({ name, number, options: [] }))),
  reserved: fc.constantFrom([], [{ values: [{ start: 60, end: 'max' as const }] }, { values: ['OLD'] }]),
});

function message(
  depth: number,
  labels: readonly (FieldElement['label'] | null)[],
): fc.Arbitrary<MessageElement> {
  const nested: fc.Arbitrary<TypeElement[]> =
    depth > 0
      ? fc.uniqueArray(fc.oneof(message(depth - 1, labels), enumType), {
          maxLength: 2,
          selector: (t) => t.name,
        })
      : fc.constant([]);
  return fc
    .record({
      name: upper,
      options,
      fields: fields(labels, ['Ref', '.pkg.Ref']),
      nested,
      reserved: fc.constantFrom([], [{ values: [3000, { start: 3005, end: 3010 }] }], [{ values: ['gone'] }]),
      oneof: fc.boolean(),
    })
    .map(({ oneof, fields: list, ...rest }) => {
      const [first, ...others] = list;
      return {
        kind: 'message',
        ...rest,
        fields: oneof ? others : list,
        oneofs:
          oneof && first
            ? [
                {
                  name: 'choice',
                  options: [],
                  fields: [{ ...first, label: null, type: 'string' }],
                  groups: [],
                },
              ]
            : [],
        groups: [],
        extensions: [],
        extends: [],
      };
    });
}

const file: fc.Arbitrary<ProtoFileElement> = fc
  .constantFrom('proto2' as const, 'proto3' as const)
  .chain((syntax) =>
    fc.record({
      syntax: fc.constant(syntax),
      edition: fc.constant(null),
      package: fc.option(fc.constantFrom('pkg', 'a.b.c'), { nil: null }),
      imports: fc.uniqueArray(fc.constantFrom('google/protobuf/timestamp.proto', 'x/y.proto'), {
        maxLength: 2,
      }),
      publicImports: fc.constant([]),
      weakImports: fc.constant([]),
      options,
      types: fc.uniqueArray(
        fc.oneof(
          message(
            2,
            syntax === 'proto2' ? ['optional', 'required', 'repeated'] : [null, 'repeated', 'optional'],
          ),
          enumType,
        ),
        { maxLength: 3, selector: (t) => t.name },
      ),
      services: fc.array(
        fc.record({
          name: upper,
          options: fc.constant([]),
          rpcs: fc.array(
            fc.record({
              name: upper,
              requestType: fc.constant('Ref'),
              responseType: fc.constant('.pkg.Ref'),
              requestStreaming: fc.boolean(),
              responseStreaming: fc.boolean(),
              options: fc.constant([]),
            }),
            { maxLength: 2 },
          ),
        }),
        { maxLength: 1 },
      ),
      extends: fc.constant([]),
    }),
  );

/** Custom options need their definitions to become a descriptor; these models have none. */
function withoutOptions(model: ProtoFileElement): ProtoFileElement {
  const strip = (message: MessageElement): MessageElement => ({
    ...message,
    options: [],
    fields: message.fields.map((f) => ({ ...f, options: [] })),
    oneofs: message.oneofs.map((o) => ({ ...o, fields: o.fields.map((f) => ({ ...f, options: [] })) })),
    nested: message.nested.map((t) => (t.kind === 'message' ? strip(t) : t)),
  });
  return { ...model, options: [], types: model.types.map((t) => (t.kind === 'message' ? strip(t) : t)) };
}

describe('the canonical .proto printer', () => {
  it('prints what it parses back to the same text: print(parse(print(m))) === print(m)', () => {
    fc.assert(
      fc.property(file, (model) => {
        const printed = printProtoFile(model);
        expect(printProtoFile(parseProtoFile(printed))).toBe(printed);
      }),
      fuzzParameters(300),
    );
  });

  it('normalizes once: normalizing the normalized text changes nothing', () => {
    fc.assert(
      fc.property(file, (model) => {
        const once = printProtoFile(model, { normalize: true, scope: new ProtoScope(model) });
        const parsed = parseProtoFile(once);
        expect(printProtoFile(parsed, { normalize: true, scope: new ProtoScope(parsed) })).toBe(once);
      }),
      fuzzParameters(300),
    );
  });

  it('survives the descriptor round trip: text → FileDescriptorProto → text normalizes the same', () => {
    fc.assert(
      fc.property(file.map(withoutOptions), (model) => {
        const scope = new ProtoScope(model);
        const back = fromFileDescriptor(toFileDescriptor(model, scope));
        expect(printProtoFile(back, { normalize: true, scope: new ProtoScope(back) })).toBe(
          printProtoFile(model, { normalize: true, scope }),
        );
      }),
      fuzzParameters(150),
    );
  });

  it('refuses hostile or broken input only with a syntax or descriptor error, never a crash', () => {
    const sample = printProtoFile({
      syntax: 'proto3',
      edition: null,
      package: 'p',
      imports: [],
      publicImports: [],
      weakImports: [],
      options: [{ name: 'java_package', value: { kind: 'string', value: 'x' } }],
      types: [],
      services: [],
      extends: [],
    });
    const source = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.base64String({ maxLength: 200 }),
      fc
        .tuple(fc.nat(sample.length), fc.nat(sample.length), fc.string({ maxLength: 8 }))
        .map(
          ([from, to, insert]) =>
            sample.slice(0, Math.min(from, to)) + insert + sample.slice(Math.max(from, to)),
        ),
      fc.nat(400).map((n) => `${'message A { '.repeat(n)}${'}'.repeat(n)}`),
      fc.nat(400).map((n) => `option (x) = ${'{ a: '.repeat(n)}1${' }'.repeat(n)};`),
    );
    fc.assert(
      fc.property(source, (text) => {
        try {
          readProtoSource(text);
        } catch (error) {
          expect(error instanceof ProtoSyntaxError || error instanceof DescriptorError).toBe(true);
        }
      }),
      fuzzParameters(500),
    );
  });
});
