import type { ArrayNode, Node, ObjectNode } from './nodes.js';

/** The empty schema and `true` accept anything (everit's TrueSchema is an EmptySchema). */
export const isEmptyish = (node: Node): boolean => node.kind === 'empty' || node.kind === 'true';

/** An `unevaluated*` schema that admits some members but not all: neither false nor empty. */
const partial = (unevaluated: Node | null): Node | null =>
  unevaluated !== null && unevaluated.kind !== 'false' && !isEmptyish(unevaluated) ? unevaluated : null;

const openUnevaluated = (unevaluated: Node | null): boolean =>
  unevaluated === null || isEmptyish(unevaluated);

/** An object that admits any property it does not name: no patterns, no additional or unevaluated schema. */
export const isOpenObject = (o: ObjectNode): boolean =>
  o.patternProperties.length === 0 &&
  o.additionalSchema === null &&
  o.permitsAdditional &&
  openUnevaluated(o.unevaluated);

/**
 * The schema a property `name` that `o` does not list must match, when `o` is partially open: the first pattern
 * that matches it, else `additionalProperties`, else (when that is absent) `unevaluatedProperties`.
 */
export function objectPartialSchema(o: ObjectNode, name: string): Node | null {
  for (const [pattern, schema] of o.patternProperties) if (pattern.test(name)) return schema;
  if (o.additionalSchema) return o.additionalSchema;
  return o.permitsAdditional ? partial(o.unevaluated) : null;
}

/** An array that admits any item after its tuple. */
export const isOpenArray = (a: ArrayNode): boolean =>
  a.permitsAdditionalItems && a.additionalItemsSchema === null && openUnevaluated(a.unevaluated);

/** The schema items after `a`'s tuple must match when `a` is partially open: additional, else unevaluated. */
export function arrayPartialSchema(a: ArrayNode): Node | null {
  if (a.additionalItemsSchema) return a.additionalItemsSchema;
  return a.permitsAdditionalItems ? partial(a.unevaluated) : null;
}

/**
 * How `unevaluatedProperties`/`unevaluatedItems` changed from `original` to `update`, in Confluent's terms: ADDED
 * when the update admits more (false dropped), REMOVED when it admits nothing more (false added), EXTENDED or
 * NARROWED for a schema dropped or added; `compare` when both are schemas; undefined when neither has one.
 */
export function unevaluatedChange(
  original: Node | null,
  update: Node | null,
): 'ADDED' | 'REMOVED' | 'EXTENDED' | 'NARROWED' | 'compare' | undefined {
  if (original === null && update === null) return undefined;
  if (original === null) return update?.kind === 'false' ? 'REMOVED' : 'NARROWED';
  if (update === null) return original.kind === 'false' ? 'ADDED' : 'EXTENDED';
  if (original.kind === 'false' && update.kind !== 'false') return 'ADDED';
  if (original.kind !== 'false' && update.kind === 'false') return 'REMOVED';
  if (isEmptyish(original) && !isEmptyish(update)) return 'NARROWED';
  if (!isEmptyish(original) && isEmptyish(update)) return 'EXTENDED';
  return 'compare';
}
