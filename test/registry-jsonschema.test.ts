import { describe, expect, it } from 'vitest';
import { isCompatibleJsonChange, jsonSchemaChanges } from '../src/registry-server/jsonschema/diff.js';
import { loadSchema } from '../src/registry-server/jsonschema/loader.js';

const diff = (original: unknown, update: unknown, externals?: Map<string, unknown>) =>
  jsonSchemaChanges(loadSchema(original, externals), loadSchema(update, externals));

/** [rule, original, update, changes, compatible]: Confluent's JSON Schema rules on schemas written here. */
const CASES: [string, unknown, unknown, string[], boolean][] = [
  ['anything may become the empty schema', { type: 'string' }, {}, [], true],
  ['a type change is incompatible', { type: 'string' }, { type: 'number' }, ['TYPE_CHANGED #/'], false],
  ['integer widens to number', { type: 'integer' }, { type: 'number' }, ['TYPE_EXTENDED #/'], true],
  ['number narrows to integer', { type: 'number' }, { type: 'integer' }, ['TYPE_NARROWED #/'], false],
  [
    'a longer maxLength accepts old data',
    { type: 'string', maxLength: 5 },
    { type: 'string', maxLength: 9 },
    ['MAX_LENGTH_INCREASED #/maxLength'],
    true,
  ],
  [
    'a shorter one does not',
    { type: 'string', maxLength: 9 },
    { type: 'string', maxLength: 5 },
    ['MAX_LENGTH_DECREASED #/maxLength'],
    false,
  ],
  [
    'a multipleOf that divides the old one accepts old data',
    { type: 'number', multipleOf: 10 },
    { type: 'number', multipleOf: 5 },
    ['MULTIPLE_OF_REDUCED #/multipleOf'],
    true,
  ],
  [
    'decimal multipleOf compares exactly',
    { type: 'number', multipleOf: 0.5 },
    { type: 'number', multipleOf: 0.1 },
    ['MULTIPLE_OF_REDUCED #/multipleOf'],
    true,
  ],
  ['an enum may grow', { enum: ['a'] }, { enum: ['a', 'b'] }, ['ENUM_ARRAY_EXTENDED #/enum'], true],
  ['but not shrink', { enum: ['a', 'b'] }, { enum: ['a'] }, ['ENUM_ARRAY_NARROWED #/enum'], false],
  [
    'adding a property to an open object may clash with old data',
    { type: 'object', properties: { a: { type: 'string' } } },
    { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } } },
    ['OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/b'],
    false,
  ],
  [
    'adding an optional property to a closed object is safe',
    { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false },
    {
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'string' } },
      additionalProperties: false,
    },
    ['OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/b'],
    true,
  ],
  [
    'a required property added to a closed object is not',
    { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false },
    {
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'string' } },
      required: ['b'],
      additionalProperties: false,
    },
    ['REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/b'],
    false,
  ],
  [
    'a removed property is covered when additionalProperties accepts it',
    { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } },
    { type: 'object', additionalProperties: { type: 'string' } },
    ['PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/a'],
    true,
  ],
  [
    'a new oneOf branch is a sum type extended',
    { type: 'string' },
    { oneOf: [{ type: 'string' }, { type: 'null' }] },
    ['SUM_TYPE_EXTENDED #/'],
    true,
  ],
  [
    'tuple items compare by position',
    { type: 'array', items: [{ type: 'string' }] },
    { type: 'array', items: [{ type: 'number' }] },
    ['TYPE_CHANGED #/items/0'],
    false,
  ],
];

describe("Confluent's JSON Schema compatibility rules", () => {
  it.each(CASES)('%s', (_rule, original, update, changes, compatible) => {
    const found = diff(original, update);
    expect(found).toEqual(changes);
    expect(found.every(isCompatibleJsonChange)).toBe(compatible);
  });

  it('looks through $ref, locally and into a referenced schema, and stops on cycles', () => {
    const local = (type: string) => ({
      definitions: { T: { type } },
      properties: { x: { $ref: '#/definitions/T' } },
    });
    expect(diff(local('string'), local('number'))).toEqual(['TYPE_CHANGED #/properties/x']);
    const externals = (type: string) =>
      new Map([['address.json', { type: 'object', properties: { city: { type } } }]]);
    const person = { type: 'object', properties: { home: { $ref: 'address.json' } } };
    expect(
      jsonSchemaChanges(loadSchema(person, externals('string')), loadSchema(person, externals('number'))),
    ).toEqual(['TYPE_CHANGED #/properties/home/properties/city']);
    const tree = { type: 'object', properties: { children: { type: 'array', items: { $ref: '#' } } } };
    expect(diff(tree, tree)).toEqual([]);
  });

  it('reports properties in the order a Java HashMap iterates them', () => {
    const found = diff(
      { type: 'object', properties: { foo: { type: 'string' } } },
      { type: 'object', properties: { bar: { type: 'string' } } },
    );
    expect(found).toEqual([
      'OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/bar',
      'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL #/properties/foo',
    ]);
  });
});
