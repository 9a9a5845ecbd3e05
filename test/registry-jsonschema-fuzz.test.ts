import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RegistryError } from '../src/registry-server/errors.js';
import { jsonSchemaChanges } from '../src/registry-server/jsonschema/diff.js';
import { loadSchema } from '../src/registry-server/jsonschema/loader.js';
import { fuzzParameters } from './fuzz/budget.js';

const DRAFTS = [
  'https://json-schema.org/draft/2020-12/schema',
  'http://json-schema.org/draft/2019-09/schema',
  'http://json-schema.org/draft-07/schema#',
  'http://json-schema.org/draft-06/schema#',
  'http://json-schema.org/draft-04/schema#',
];

/** $ref targets that resolve, that do not, and that are malformed. */
const REF = fc.constantFrom(
  '#',
  '#/definitions/a',
  '#/$defs/a',
  '#/properties/x',
  '#/properties/x/items/0',
  '#/definitions/%61',
  '#/definitions/a~1b',
  '#anchor',
  '#/nope',
  'other.json',
  './other.json#/properties/y',
  'https://example.com/a.json',
  'a.json#anchor',
  'http://[bad',
  '%',
);

const NAME = fc.constantFrom('a', 'x', 'y', 'a/b', '$id', '__proto__', 'constructor');
const SCALAR = fc.oneof(
  fc.integer({ min: -3, max: 10 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string(),
);
const TYPE = fc.constantFrom('string', 'number', 'integer', 'boolean', 'null', 'array', 'object', 'nope');

/** Schema-shaped JSON: keywords of every draft with values of the right and of the wrong kind. */
const schema = fc.letrec<{ node: unknown }>((tie) => {
  const node = tie('node');
  const map = fc.dictionary(NAME, node, { maxKeys: 3 });
  const list = fc.array(node, { maxLength: 3 });
  const keyword = fc.oneof(
    fc.record({ $ref: REF }),
    fc.record({ type: fc.oneof(TYPE, fc.array(TYPE, { maxLength: 3 })) }),
    fc.record({ properties: map }),
    fc.record({ patternProperties: fc.dictionary(fc.constantFrom('^a', '(', '.*'), node, { maxKeys: 2 }) }),
    fc.record({ additionalProperties: node }),
    fc.record({ unevaluatedProperties: node }),
    fc.record({ unevaluatedItems: node }),
    fc.record({ items: fc.oneof(node, list) }),
    fc.record({ prefixItems: fc.oneof(list, node) }),
    fc.record({ additionalItems: node }),
    fc.record({ contains: node, minContains: SCALAR, maxContains: SCALAR }),
    fc.record({ dependencies: fc.dictionary(NAME, fc.oneof(node, fc.array(fc.string()))) }),
    fc.record({ dependentRequired: fc.dictionary(NAME, fc.oneof(fc.array(NAME), SCALAR)) }),
    fc.record({ dependentSchemas: map }),
    fc.record({ definitions: map }),
    fc.record({ $defs: map }),
    fc.record({ $id: fc.constantFrom('https://example.com/a.json', '#anchor', 'a.json', 'http://[bad') }),
    fc.record({ $anchor: fc.constantFrom('anchor', 'other') }),
    fc.record({ anyOf: list }),
    fc.record({ oneOf: list }),
    fc.record({ allOf: list }),
    fc.record({ not: node }),
    fc.record({ enum: fc.array(SCALAR, { maxLength: 3 }) }),
    fc.record({ const: SCALAR }),
    fc.record({ required: fc.oneof(fc.array(NAME), SCALAR) }),
    fc.record({ minimum: SCALAR, maxLength: SCALAR, minItems: SCALAR, maxProperties: SCALAR }),
    // Built from entries: an object literal with a "then" key reads as a thenable to the linter.
    fc.tuple(node, node, node).map(([when, then, otherwise]) =>
      Object.fromEntries([
        ['if', when],
        ['then', then],
        ['else', otherwise],
      ]),
    ),
    fc.record({ default: SCALAR, title: SCALAR, description: SCALAR }),
  );
  return {
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.boolean(),
      SCALAR,
      fc.array(keyword, { maxLength: 4 }).map((parts) => Object.assign({}, ...parts)),
    ),
  };
}).node;

const document = fc
  .tuple(fc.option(fc.constantFrom(...DRAFTS), { nil: undefined }), schema)
  .map(([draft, body]) =>
    draft && typeof body === 'object' && body !== null && !Array.isArray(body)
      ? { $schema: draft, ...body }
      : body,
  );

/** Runs `work`; anything thrown must be the registry's own invalid-schema error. */
function onlyInvalidSchema(work: () => void): void {
  try {
    work();
  } catch (error) {
    if (!(error instanceof RegistryError) || error.code !== 42201) throw error;
    expect(error.message).toMatch(/^Invalid schema: /);
  }
}

describe('the JSON Schema loader and diff on generated input', () => {
  it('never throw anything but the invalid-schema error (42201)', () => {
    const externals = fc.option(
      fc.dictionary(fc.constantFrom('other.json', 'a.json'), document, { maxKeys: 2 }),
      { nil: undefined },
    );
    fc.assert(
      fc.property(document, document, externals, (original, update, named) => {
        const references = named ? new Map(Object.entries(named)) : undefined;
        onlyInvalidSchema(() => {
          jsonSchemaChanges(loadSchema(original, references), loadSchema(update, references));
        });
      }),
      fuzzParameters(400),
    );
  });

  it('never throw anything but the invalid-schema error on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        onlyInvalidSchema(() => {
          const model = loadSchema(value);
          jsonSchemaChanges(model, model);
        });
      }),
      fuzzParameters(300),
    );
  });
});
