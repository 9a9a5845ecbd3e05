import type { OpenApiDocument } from './spec.js';

type Json = Record<string, unknown>;

/** Keywords kept from an OpenAPI schema: the validating subset of JSON Schema, plus descriptions. */
const KEPT = new Set([
  'type',
  'enum',
  'const',
  'format',
  'description',
  'default',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'required',
]);

/** Recursive schemas are cut here and accept anything below; a model never needs deeper arguments. */
const MAX_DEPTH = 12;
/**
 * Most schema nodes one argument's schema expands to. Inlining $refs copies a referenced schema at every use, so a
 * recursive schema that uses itself twice per level doubles at each of the MAX_DEPTH levels (three times, 3^12):
 * past this, the rest is cut like a level past MAX_DEPTH.
 */
const MAX_NODES = 5_000;

/**
 * An OpenAPI 3.0 or 3.1 schema as plain JSON Schema for argument validation: local $refs inlined, 3.0's
 * `nullable` turned into a null type, 3.0's boolean exclusive bounds turned into numbers, and keywords that do
 * not validate (examples, xml, discriminator, readOnly…) dropped.
 */
export function toJsonSchema(
  doc: OpenApiDocument,
  schema: unknown,
  depth = 0,
  budget: { nodes: number } = { nodes: MAX_NODES },
): Json {
  if (typeof schema !== 'object' || schema === null || depth > MAX_DEPTH || budget.nodes <= 0) return {};
  budget.nodes--;
  let node = schema as Json;
  const seenRefs = new Set<string>();
  while (typeof node.$ref === 'string') {
    const ref = node.$ref;
    if (!ref.startsWith('#/') || seenRefs.has(ref)) return {};
    seenRefs.add(ref);
    let target: unknown = doc;
    for (const key of ref.slice(2).split('/'))
      target = (target as Json | undefined)?.[key.replaceAll('~1', '/').replaceAll('~0', '~')];
    if (typeof target !== 'object' || target === null) return {};
    node = target as Json;
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) if (KEPT.has(key)) out[key] = value;
  if (node.exclusiveMinimum === true && typeof node.minimum === 'number') {
    out.exclusiveMinimum = node.minimum;
    delete out.minimum;
  } else if (typeof node.exclusiveMinimum === 'boolean') delete out.exclusiveMinimum;
  if (node.exclusiveMaximum === true && typeof node.maximum === 'number') {
    out.exclusiveMaximum = node.maximum;
    delete out.maximum;
  } else if (typeof node.exclusiveMaximum === 'boolean') delete out.exclusiveMaximum;
  if (typeof node.properties === 'object' && node.properties !== null) {
    out.properties = Object.fromEntries(
      Object.entries(node.properties as Json).map(([k, v]) => [k, toJsonSchema(doc, v, depth + 1, budget)]),
    );
  }
  if (node.additionalProperties !== undefined) {
    out.additionalProperties =
      typeof node.additionalProperties === 'boolean'
        ? node.additionalProperties
        : toJsonSchema(doc, node.additionalProperties, depth + 1, budget);
  }
  if (node.items !== undefined) out.items = toJsonSchema(doc, node.items, depth + 1, budget);
  for (const combiner of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (Array.isArray(node[combiner]))
      out[combiner] = (node[combiner] as unknown[]).map((s) => toJsonSchema(doc, s, depth + 1, budget));
  }
  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (out.type === undefined) return out;
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  }
  return out;
}
