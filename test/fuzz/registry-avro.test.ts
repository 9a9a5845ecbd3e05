import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/registry-server/errors.js';
import { avroCannotRead, parseAvro } from '../../src/registry-server/schemas/avro.js';
import { fuzzParameters, fuzzTimeoutMs, onlyOwnErrors } from './budget.js';
import { anyText, deeplyNested, mutated } from './inputs.js';

const invalidSchema = (error: unknown) => error instanceof RegistryError && error.code === 42201;

const GOOD_NAME = fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F', 'Ref', 'x_1', 'a.b.C', 'n.M');
const BAD_NAME = fc.constantFrom('1bad', '', 'ns.', 'a-b', '__proto__', 'constructor', 'toString', 'int');
const NAME = fc.oneof({ weight: 6, arbitrary: GOOD_NAME }, { weight: 1, arbitrary: BAD_NAME });
const PRIMITIVE = fc.constantFrom(
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
  'nope',
);
const SCALAR = fc.oneof(
  fc.integer({ min: -5, max: 300 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string(),
);
const LOGICAL = fc.constantFrom(
  'decimal',
  'date',
  'time-millis',
  'timestamp-micros',
  'uuid',
  'duration',
  'nope',
);

/** Avro-shaped JSON: every kind of type, names good and bad, defaults of the right and of the wrong kind. */
const avroSchema = fc.letrec<{ type: unknown }>((tie) => {
  const type = tie('type');
  const field = fc.record(
    {
      name: NAME,
      type,
      default: fc.oneof(SCALAR, fc.jsonValue({ maxDepth: 2 })),
      order: fc.constantFrom('ascending', 'descending', 'ignore', 'sideways'),
      aliases: fc.array(NAME, { maxLength: 2 }),
    },
    { requiredKeys: ['name', 'type'] },
  );
  return {
    type: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      PRIMITIVE,
      NAME,
      fc.record(
        {
          type: fc.constant('record'),
          name: NAME,
          namespace: NAME,
          fields: fc.array(field, { maxLength: 4 }),
          doc: SCALAR,
        },
        { requiredKeys: ['type', 'name', 'fields'] },
      ),
      fc.record(
        { type: fc.constant('enum'), name: NAME, symbols: fc.array(NAME, { maxLength: 4 }), default: NAME },
        { requiredKeys: ['type', 'name', 'symbols'] },
      ),
      fc.record({ type: fc.constant('array'), items: type }),
      fc.record({ type: fc.constant('map'), values: type }),
      fc.record({ type: fc.constant('fixed'), name: NAME, size: fc.integer({ min: -2, max: 1 << 20 }) }),
      fc.array(type, { maxLength: 4 }),
      fc.record(
        {
          type: PRIMITIVE,
          logicalType: LOGICAL,
          precision: fc.integer({ min: -1, max: 40 }),
          scale: fc.integer({ min: -1, max: 40 }),
        },
        { requiredKeys: ['type', 'logicalType'] },
      ),
    ),
  };
}).type;

/** Valid records, as a subject's versions are: fields of common types, some with defaults, added and removed. */
const FIELD_TYPES: readonly [unknown, unknown][] = [
  ['int', 0],
  ['long', 0],
  ['float', 0],
  ['double', 0],
  ['string', ''],
  ['bytes', ''],
  ['boolean', false],
  [{ type: 'array', items: 'int' }, []],
  [{ type: 'map', values: 'string' }, {}],
  [['null', 'string'], null],
  [['null', 'long', 'string'], null],
];
const wellFormed = fc
  .array(fc.tuple(fc.nat(FIELD_TYPES.length - 1), fc.boolean(), fc.nat(9)), { maxLength: 6 })
  .map((fields) => {
    const named = new Map(fields.map(([type, withDefault, name]) => [`f${name}`, { type, withDefault }]));
    return JSON.stringify({
      type: 'record',
      name: 'W',
      fields: [...named].map(([name, { type, withDefault }]) => {
        const [avroType, fallback] = FIELD_TYPES[type] as [unknown, unknown];
        return { name, type: avroType, ...(withDefault ? { default: fallback } : {}) };
      }),
    });
  });

const schemaText = fc.oneof(
  avroSchema.map((schema) => JSON.stringify(schema)),
  wellFormed,
);
/** What a reference may hold: a named type the schema can then use by name ("Ref"). */
const reference = fc.oneof(
  fc.constant(JSON.stringify({ type: 'record', name: 'Ref', fields: [{ name: 'f', type: 'int' }] })),
  schemaText,
);

describe('the Avro schema loader on generated and hostile input', () => {
  it(
    'never throws anything but the invalid-schema error (42201)',
    () => {
      fc.assert(
        fc.property(
          fc.oneof(schemaText, mutated(schemaText), anyText, deeplyNested),
          fc.array(reference, { maxLength: 2 }),
          fc.boolean(),
          (text, references, normalize) => {
            onlyOwnErrors(() => parseAvro(text, references, normalize), invalidSchema, 'parseAvro');
          },
        ),
        fuzzParameters(400),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'round-trips: a schema it accepts parses again from its canonical text to the same canonical text',
    () => {
      fc.assert(
        fc.property(schemaText, fc.boolean(), (text, normalize) => {
          const first = onlyOwnErrors(() => parseAvro(text, [], normalize), invalidSchema, 'parseAvro');
          if (!first) return;
          expect(parseAvro(first.canonical, [], normalize).canonical).toBe(first.canonical);
          if (normalize) expect(parseAvro(first.canonical, [], true).canonical).toBe(first.canonical);
        }),
        fuzzParameters(400),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'compatibility: every schema can read what it wrote, and checking any two never throws',
    () => {
      fc.assert(
        fc.property(schemaText, schemaText, (a, b) => {
          const reader = onlyOwnErrors(() => parseAvro(a, []), invalidSchema, 'parseAvro');
          const writer = onlyOwnErrors(() => parseAvro(b, []), invalidSchema, 'parseAvro');
          if (reader) expect(avroCannotRead(reader.model, reader.model)).toBeUndefined();
          if (reader && writer) {
            const verdict = onlyOwnErrors(
              () => avroCannotRead(reader.model, writer.model),
              () => false,
              'compatibility',
            );
            expect(verdict === undefined || typeof verdict === 'string').toBe(true);
          }
        }),
        fuzzParameters(400),
      );
    },
    fuzzTimeoutMs(),
  );

  describe('regressions found by fuzzing', () => {
    it('refuses "constructor", "toString" and other Object members as type names, instead of taking them for types', () => {
      for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
        expect(() => parseAvro(JSON.stringify(name), [])).toThrow(/^Invalid schema: undefined type name/);
        const field = { type: 'record', name: 'R', fields: [{ name: 'f', type: name }] };
        expect(() => parseAvro(JSON.stringify(field), [])).toThrow(/^Invalid schema: undefined type name/);
      }
    });
  });
});
