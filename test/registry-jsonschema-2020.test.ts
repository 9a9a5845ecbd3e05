import { describe, expect, it } from 'vitest';
import { RegistryError } from '../src/registry-server/errors.js';
import { isCompatibleJsonChange, jsonSchemaChanges } from '../src/registry-server/jsonschema/diff.js';
import { loadSchema } from '../src/registry-server/jsonschema/loader.js';

const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';
const DRAFT_2019 = 'https://json-schema.org/draft/2019-09/schema';
const modern = (schema: Record<string, unknown>) => ({ $schema: DRAFT_2020, ...schema });

const diff = (original: unknown, update: unknown) =>
  jsonSchemaChanges(loadSchema(original), loadSchema(update));

/** What loading `schema` throws, or undefined when it loads. */
function refusal(schema: unknown, externals?: Map<string, unknown>): RegistryError | undefined {
  try {
    loadSchema(schema, externals);
    return undefined;
  } catch (error) {
    return error as RegistryError;
  }
}

type Verdict = [changes: string[], compatible: boolean];

/**
 * [rule, v1, v2, backward, forward]. Backward is v2 reading what v1 wrote (the diff from v1 to v2); forward is
 * v1 reading what v2 wrote (the diff from v2 to v1). Changes are Confluent's types and paths.
 */
const KEYWORDS: [string, Record<string, unknown>, Record<string, unknown>, Verdict, Verdict][] = [
  [
    'prefixItems: an item added to a tuple closed by items:false',
    { type: 'array', prefixItems: [{ type: 'string' }], items: false },
    { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: false },
    [['ITEM_ADDED_TO_CLOSED_CONTENT_MODEL #/items/1'], true],
    [['ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL #/items/1'], false],
  ],
  [
    'prefixItems: an item added to an open tuple',
    { type: 'array', prefixItems: [{ type: 'string' }] },
    { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] },
    [['ITEM_ADDED_TO_OPEN_CONTENT_MODEL #/items/1'], false],
    [['ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL #/items/1'], true],
  ],
  [
    'prefixItems: items beside prefixItems is the schema of the items after them',
    { type: 'array', prefixItems: [{ type: 'string' }], items: { type: 'number' } },
    { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: { type: 'number' } },
    [['ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/items/1'], true],
    [['ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/items/1'], true],
  ],
  [
    'prefixItems: items:false after a tuple removes additional items',
    { type: 'array', prefixItems: [{ type: 'string' }] },
    { type: 'array', prefixItems: [{ type: 'string' }], items: false },
    [['ADDITIONAL_ITEMS_REMOVED #/additionalItems'], false],
    [['ADDITIONAL_ITEMS_ADDED #/additionalItems'], true],
  ],
  [
    'prefixItems: a tuple item changes type',
    { type: 'array', prefixItems: [{ type: 'string' }] },
    { type: 'array', prefixItems: [{ type: 'number' }] },
    [['TYPE_CHANGED #/items/0'], false],
    [['TYPE_CHANGED #/items/0'], false],
  ],
  [
    'unevaluatedProperties:false closes the content model: an optional property may be added',
    { type: 'object', properties: { a: { type: 'string' } }, unevaluatedProperties: false },
    {
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'string' } },
      unevaluatedProperties: false,
    },
    [['OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/b'], true],
    [['PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/b'], false],
  ],
  [
    'unevaluatedProperties as a schema partially opens the content model',
    { type: 'object', properties: { a: { type: 'string' } }, unevaluatedProperties: { type: 'string' } },
    {
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'string' } },
      unevaluatedProperties: { type: 'string' },
    },
    [
      [
        'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/b',
        'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/b',
      ],
      true,
    ],
    [['PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/b'], true],
  ],
  [
    'unevaluatedProperties:false added',
    { type: 'object' },
    { type: 'object', unevaluatedProperties: false },
    [['UNEVALUATED_PROPERTIES_REMOVED #/unevaluatedProperties'], false],
    [['UNEVALUATED_PROPERTIES_ADDED #/unevaluatedProperties'], true],
  ],
  [
    'unevaluatedProperties schema dropped',
    { type: 'object', unevaluatedProperties: { type: 'string' } },
    { type: 'object' },
    [['UNEVALUATED_PROPERTIES_EXTENDED #/unevaluatedProperties'], true],
    [['UNEVALUATED_PROPERTIES_NARROWED #/unevaluatedProperties'], false],
  ],
  [
    'unevaluatedProperties schema changes type',
    { type: 'object', unevaluatedProperties: { type: 'string' } },
    { type: 'object', unevaluatedProperties: { type: 'number' } },
    [['TYPE_CHANGED #/unevaluatedProperties'], false],
    [['TYPE_CHANGED #/unevaluatedProperties'], false],
  ],
  [
    'unevaluatedItems:false closes a tuple',
    { type: 'array', prefixItems: [{ type: 'string' }], unevaluatedItems: false },
    { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], unevaluatedItems: false },
    [['ITEM_ADDED_TO_CLOSED_CONTENT_MODEL #/items/1'], true],
    [['ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL #/items/1'], false],
  ],
  [
    'unevaluatedItems as a schema partially opens a tuple',
    { type: 'array', prefixItems: [{ type: 'string' }], unevaluatedItems: { type: 'number' } },
    {
      type: 'array',
      prefixItems: [{ type: 'string' }, { type: 'boolean' }],
      unevaluatedItems: { type: 'number' },
    },
    [['TYPE_CHANGED #/items/1', 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/items/1'], false],
    [['TYPE_CHANGED #/items/1', 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/items/1'], false],
  ],
  [
    'unevaluatedItems:false added',
    { type: 'array' },
    { type: 'array', unevaluatedItems: false },
    [['UNEVALUATED_ITEMS_REMOVED #/unevaluatedItems'], false],
    [['UNEVALUATED_ITEMS_ADDED #/unevaluatedItems'], true],
  ],
  [
    'unevaluatedItems schema dropped',
    { type: 'array', unevaluatedItems: { type: 'string' } },
    { type: 'array' },
    [['UNEVALUATED_ITEMS_EXTENDED #/unevaluatedItems'], true],
    [['UNEVALUATED_ITEMS_NARROWED #/unevaluatedItems'], false],
  ],
  [
    'dependentRequired: a dependency array grows',
    { type: 'object', dependentRequired: { a: ['b'] } },
    { type: 'object', dependentRequired: { a: ['b', 'c'] } },
    [['DEPENDENCY_ARRAY_EXTENDED #/dependencies/a'], false],
    [['DEPENDENCY_ARRAY_NARROWED #/dependencies/a'], true],
  ],
  [
    'dependentRequired: a dependency array added',
    { type: 'object' },
    { type: 'object', dependentRequired: { a: ['b'] } },
    [['DEPENDENCY_ARRAY_ADDED #/dependencies/a'], false],
    [['DEPENDENCY_ARRAY_REMOVED #/dependencies/a'], true],
  ],
  [
    'dependentSchemas: a dependency schema added',
    { type: 'object' },
    { type: 'object', dependentSchemas: { a: { required: ['b'] } } },
    [['DEPENDENCY_SCHEMA_ADDED #/dependencies/a'], false],
    [['DEPENDENCY_SCHEMA_REMOVED #/dependencies/a'], true],
  ],
  [
    'dependentSchemas: a dependency schema changes type',
    { type: 'object', dependentSchemas: { a: { type: 'string' } } },
    { type: 'object', dependentSchemas: { a: { type: 'number' } } },
    [['TYPE_CHANGED #/dependencies/a'], false],
    [['TYPE_CHANGED #/dependencies/a'], false],
  ],
  [
    'minContains raised from its default of 1',
    { type: 'array', contains: { type: 'string' } },
    { type: 'array', contains: { type: 'string' }, minContains: 2 },
    [['MIN_CONTAINS_INCREASED #/minContains'], false],
    [['MIN_CONTAINS_DECREASED #/minContains'], true],
  ],
  [
    'contains added: its minContains of 1 is added with it',
    { type: 'array' },
    { type: 'array', contains: { type: 'string' } },
    [['MIN_CONTAINS_ADDED #/minContains'], false],
    [['MIN_CONTAINS_REMOVED #/minContains'], true],
  ],
  [
    'maxContains raised',
    { type: 'array', contains: { type: 'string' }, maxContains: 3 },
    { type: 'array', contains: { type: 'string' }, maxContains: 5 },
    [['MAX_CONTAINS_INCREASED #/maxContains'], true],
    [['MAX_CONTAINS_DECREASED #/maxContains'], false],
  ],
  [
    'maxContains added',
    { type: 'array', contains: { type: 'string' } },
    { type: 'array', contains: { type: 'string' }, maxContains: 3 },
    [['MAX_CONTAINS_ADDED #/maxContains'], false],
    [['MAX_CONTAINS_REMOVED #/maxContains'], true],
  ],
];

describe('JSON Schema 2020-12 keywords, judged as Confluent judges them', () => {
  it.each(KEYWORDS)('%s', (_rule, v1, v2, backward, forward) => {
    const back = diff(modern(v1), modern(v2));
    expect(back).toEqual(backward[0]);
    expect(back.every(isCompatibleJsonChange)).toBe(backward[1]);
    const fore = diff(modern(v2), modern(v1));
    expect(fore).toEqual(forward[0]);
    expect(fore.every(isCompatibleJsonChange)).toBe(forward[1]);
  });

  it('minContains and maxContains count only beside contains in 2020-12', () => {
    expect(
      diff(modern({ type: 'array', minContains: 1 }), modern({ type: 'array', minContains: 5 })),
    ).toEqual([]);
  });

  it('keeps the draft-07 meaning of draft-07 keywords: 2020-12 ones are unknown there, and the reverse', () => {
    // Draft-07: prefixItems and dependentRequired are not keywords; dependencies and additionalItems are.
    expect(
      diff(
        { type: 'array', prefixItems: [{ type: 'string' }] },
        { type: 'array', prefixItems: [{ type: 'number' }] },
      ),
    ).toEqual([]);
    expect(diff({ type: 'object' }, { type: 'object', dependentRequired: { a: ['b'] } })).toEqual([]);
    expect(diff({ type: 'object' }, { type: 'object', unevaluatedProperties: false })).toEqual([]);
    // 2020-12: dependencies and additionalItems are not keywords.
    expect(diff(modern({ type: 'object' }), modern({ type: 'object', dependencies: { a: ['b'] } }))).toEqual(
      [],
    );
    expect(
      diff(
        modern({ type: 'array', prefixItems: [{ type: 'string' }] }),
        modern({ type: 'array', prefixItems: [{ type: 'string' }], additionalItems: false }),
      ),
    ).toEqual([]);
  });

  it('reads min/maxContains on a draft-07 array as Confluent does, from the keywords it does not know', () => {
    expect(
      diff(
        { type: 'array', contains: { type: 'string' } },
        { type: 'array', contains: { type: 'string' }, minContains: 2 },
      ),
    ).toEqual(['MIN_CONTAINS_ADDED #/minContains']);
  });

  it('detects the draft from $schema as Confluent does: the 2019-09 and 2020-12 URLs, http or https', () => {
    const tuple = (schema: string) => ({ $schema: schema, type: 'array', prefixItems: [{ type: 'string' }] });
    const retyped = (schema: string) => ({
      $schema: schema,
      type: 'array',
      prefixItems: [{ type: 'number' }],
    });
    for (const url of [
      DRAFT_2020,
      'http://json-schema.org/draft/2020-12/schema',
      DRAFT_2019,
      'http://json-schema.org/draft/2019-09/schema',
    ]) {
      expect(diff(tuple(url), retyped(url)), url).toEqual(['TYPE_CHANGED #/items/0']);
    }
    expect(
      diff(
        tuple('http://json-schema.org/draft-07/schema#'),
        retyped('http://json-schema.org/draft-07/schema#'),
      ),
    ).toEqual([]);
  });

  it('refuses an items array under 2019-09 and 2020-12, where Confluent loads no tuple form of items', () => {
    for (const url of [DRAFT_2020, DRAFT_2019]) {
      const error = refusal({ $schema: url, type: 'array', items: [{ type: 'string' }] });
      expect(error, url).toBeInstanceOf(RegistryError);
      expect(error?.code).toBe(42201);
      expect(error?.message).toMatch(/prefixItems/);
    }
    // Draft-07's items array is the tuple.
    expect(
      diff({ type: 'array', items: [{ type: 'string' }] }, { type: 'array', items: [{ type: 'number' }] }),
    ).toEqual(['TYPE_CHANGED #/items/0']);
  });

  it('compares a 2020-12 closed object end to end through $defs', () => {
    const v1 = modern({
      $defs: { name: { type: 'string' } },
      type: 'object',
      properties: { name: { $ref: '#/$defs/name' } },
      unevaluatedProperties: false,
    });
    const v2 = modern({
      $defs: { name: { type: 'number' } },
      type: 'object',
      properties: { name: { $ref: '#/$defs/name' } },
      unevaluatedProperties: false,
    });
    expect(diff(v1, v2)).toEqual(['TYPE_CHANGED #/properties/name']);
  });
});

describe('$ref resolution (an unresolvable $ref is an invalid schema, 42201)', () => {
  it('refuses a $ref to a document that is neither in the schema nor a registered reference, naming it', () => {
    const error = refusal({
      type: 'object',
      properties: { home: { $ref: 'https://elsewhere.example/address.json' } },
    });
    expect(error).toBeInstanceOf(RegistryError);
    expect(error?.code).toBe(42201);
    expect(error?.message).toContain('https://elsewhere.example/address.json');
  });

  it('refuses a local pointer that does not resolve, naming it', () => {
    const error = refusal({ properties: { a: { $ref: '#/definitions/missing' } } });
    expect(error?.code).toBe(42201);
    expect(error?.message).toContain('#/definitions/missing');
    expect(refusal(modern({ properties: { a: { $ref: '#/$defs/missing' } } }))?.code).toBe(42201);
  });

  it('refuses an unresolvable $ref wherever it sits: in a definition reached through another $ref', () => {
    const schema = {
      definitions: { a: { properties: { b: { $ref: 'missing.json' } } } },
      properties: { x: { $ref: '#/definitions/a' } },
    };
    expect(refusal(schema)?.message).toContain('missing.json');
  });

  it('resolves a $ref to an $id inside the schema, absolute or relative to the root $id', () => {
    const absolute = (type: string) => ({
      definitions: { a: { $id: 'https://example.com/a.json', type } },
      properties: { x: { $ref: 'https://example.com/a.json' } },
    });
    expect(diff(absolute('string'), absolute('number'))).toEqual(['TYPE_CHANGED #/properties/x']);
    const relative = {
      $id: 'https://example.com/schemas/root.json',
      definitions: { a: { $id: 'item.json', type: 'string' } },
      properties: { x: { $ref: 'item.json' }, y: { $ref: 'https://example.com/schemas/item.json' } },
    };
    expect(refusal(relative)).toBeUndefined();
    // A relative $ref resolves against the nearest $id around it.
    const nested = {
      $id: 'https://example.com/root.json',
      definitions: {
        folder: {
          $id: 'https://example.com/nested/folder.json',
          definitions: { item: { $id: 'item.json', type: 'string' } },
          properties: { x: { $ref: 'item.json' } },
        },
      },
      properties: { f: { $ref: 'https://example.com/nested/folder.json' } },
    };
    expect(refusal(nested)).toBeUndefined();
    expect(refusal({ ...nested, properties: { y: { $ref: 'item.json' } } })?.message).toContain(
      '"item.json"',
    );
  });

  it('resolves anchors: a draft-07 "#name" $id and a 2020-12 $anchor', () => {
    expect(
      refusal({ definitions: { a: { $id: '#addr', type: 'string' } }, properties: { x: { $ref: '#addr' } } }),
    ).toBe(undefined);
    expect(
      refusal(
        modern({ $defs: { a: { $anchor: 'addr', type: 'string' } }, properties: { x: { $ref: '#addr' } } }),
      ),
    ).toBeUndefined();
    expect(refusal(modern({ properties: { x: { $ref: '#nowhere' } } }))?.message).toContain('#nowhere');
  });

  it('resolves a registered reference by name, also written relative ("./name")', () => {
    const externals = new Map([
      ['address.json', { type: 'object', properties: { city: { type: 'string' } } }],
    ]);
    expect(refusal({ properties: { home: { $ref: 'address.json' } } }, externals)).toBeUndefined();
    expect(
      refusal({ properties: { home: { $ref: './address.json#/properties/city' } } }, externals),
    ).toBeUndefined();
    expect(
      refusal({ properties: { home: { $ref: 'address.json#/properties/zip' } } }, externals)?.message,
    ).toContain('address.json#/properties/zip');
  });

  it('does not re-judge the $refs inside a registered reference: that schema was judged with its own references', () => {
    const externals = new Map([['address.json', { properties: { country: { $ref: 'country.json' } } }]]);
    expect(refusal({ properties: { home: { $ref: 'address.json' } } }, externals)).toBeUndefined();
  });

  it('looks at $ref only where a schema is: a "$ref" inside enum, const or default is data', () => {
    expect(
      refusal({
        enum: [{ $ref: 'nowhere.json' }],
        properties: { a: { const: { $ref: '#/x' }, default: { $ref: '#/y' } } },
      }),
    ).toBeUndefined();
  });
});

describe('hostile nesting is refused with 42201, never a RangeError', () => {
  const nested = (levels: number) =>
    JSON.parse(
      `${'{"type":"object","properties":{"a":'.repeat(levels)}{"type":"string"}${'}}'.repeat(levels)}`,
    );

  it('refuses a schema nested 10,000 levels deep', () => {
    const error = refusal(nested(10_000));
    expect(error).toBeInstanceOf(RegistryError);
    expect(error?.code).toBe(42201);
    expect(error?.message).toMatch(/nest/);
  });

  it('refuses a deeply nested registered reference too', () => {
    const error = refusal({ $ref: 'deep.json' }, new Map([['deep.json', nested(10_000)]]));
    expect(error?.code).toBe(42201);
  });

  it('loads and compares a schema nested as deep as the limit allows', () => {
    expect(diff(nested(100), nested(100))).toEqual([]);
  });

  it('refuses a chain of $refs that nests deeper than the limit though each definition is shallow', () => {
    const definitions: Record<string, unknown> = {};
    for (let i = 0; i < 5_000; i++) {
      definitions[`d${i}`] = { type: 'object', properties: { next: { $ref: `#/definitions/d${i + 1}` } } };
    }
    definitions.d5000 = { type: 'string' };
    const error = refusal({ $ref: '#/definitions/d0', definitions });
    expect(error).toBeInstanceOf(RegistryError);
    expect(error?.code).toBe(42201);
  });

  it('stops a comparison whose work grows exponentially through shared $refs, with 42201', () => {
    // Each level holds the next twice: 2^40 paths for a naive walk.
    const schema = (leaf: string) => {
      const definitions: Record<string, unknown> = { d40: { type: leaf } };
      for (let i = 0; i < 40; i++) {
        const next = () => ({ $ref: `#/definitions/d${i + 1}` });
        definitions[`d${i}`] = { type: 'object', properties: { a: next(), b: next() } };
      }
      return { $ref: '#/definitions/d0', definitions };
    };
    const started = Date.now();
    let thrown: unknown;
    try {
      diff(schema('string'), schema('number'));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RegistryError);
    expect((thrown as RegistryError).code).toBe(42201);
    expect((thrown as RegistryError).message).toMatch(/too complex to compare/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
