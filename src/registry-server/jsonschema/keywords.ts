import { type Draft, isModern } from './draft.js';

/** The keywords that make a schema an array, object, number or string schema (or a conditional) in one draft. */
export interface Keywords {
  readonly array: readonly string[];
  readonly object: readonly string[];
  readonly number: readonly string[];
  readonly string: readonly string[];
  readonly conditional: readonly string[];
}

const NUMBER = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];

const DRAFT_4: Keywords = {
  array: ['items', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems'],
  object: [
    'properties',
    'required',
    'minProperties',
    'maxProperties',
    'dependencies',
    'patternProperties',
    'additionalProperties',
  ],
  number: NUMBER,
  string: ['minLength', 'maxLength', 'pattern', 'format'],
  conditional: [],
};

const DRAFT_6: Keywords = {
  ...DRAFT_4,
  array: [...DRAFT_4.array, 'contains'],
  object: [...DRAFT_4.object, 'propertyNames'],
};

const DRAFT_7: Keywords = { ...DRAFT_6, conditional: ['if', 'then', 'else'] };

// Confluent loads 2019-09 and 2020-12 with json-sKema and translates each keyword it knows: additionalItems and
// dependencies are not among them, format is dropped, and if alone makes a conditional.
const MODERN: Keywords = {
  array: ['items', 'prefixItems', 'minItems', 'maxItems', 'uniqueItems', 'contains', 'unevaluatedItems'],
  object: [
    'properties',
    'required',
    'minProperties',
    'maxProperties',
    'dependentRequired',
    'dependentSchemas',
    'patternProperties',
    'additionalProperties',
    'propertyNames',
    'unevaluatedProperties',
  ],
  number: NUMBER,
  string: ['minLength', 'maxLength', 'pattern'],
  conditional: ['if'],
};

export function keywordsOf(draft: Draft): Keywords {
  if (isModern(draft)) return MODERN;
  return draft === 4 ? DRAFT_4 : draft === 6 ? DRAFT_6 : DRAFT_7;
}
