import { MAX_JSON_DEPTH } from '../../guards/limits.js';
import { invalidSchema } from '../errors.js';
import { javaMapOrder, javaUnionOrder } from '../java-order.js';
import {
  arrayPartialSchema,
  isEmptyish,
  isOpenArray,
  isOpenObject,
  objectPartialSchema,
  unevaluatedChange,
} from './content-model.js';
import type { ArrayNode, CombinedNode, Node, NumberNode, ObjectNode, StringNode } from './nodes.js';

/** Most node comparisons one diff makes: $refs shared at every level make a naive walk exponential. */
const MAX_COMPARISONS = 200_000;
/**
 * Deepest recursion of comparisons. The loader caps a schema's depth, $refs followed; comparing one node with
 * each member of a union, or each part of a product, adds a level.
 */
const MAX_COMPARE_DEPTH = 2 * MAX_JSON_DEPTH;

/** Changes that keep data written with the original valid under the update (Confluent's compatible set). */
export const COMPATIBLE_JSON_CHANGES: ReadonlySet<string> = new Set([
  'ID_CHANGED',
  'DESCRIPTION_CHANGED',
  'TITLE_CHANGED',
  'DEFAULT_CHANGED',
  'SCHEMA_REMOVED',
  'TYPE_EXTENDED',
  'MAX_LENGTH_INCREASED',
  'MAX_LENGTH_REMOVED',
  'MIN_LENGTH_DECREASED',
  'MIN_LENGTH_REMOVED',
  'PATTERN_REMOVED',
  'MAXIMUM_INCREASED',
  'MAXIMUM_REMOVED',
  'MINIMUM_DECREASED',
  'MINIMUM_REMOVED',
  'EXCLUSIVE_MAXIMUM_INCREASED',
  'EXCLUSIVE_MAXIMUM_REMOVED',
  'EXCLUSIVE_MINIMUM_DECREASED',
  'EXCLUSIVE_MINIMUM_REMOVED',
  'MULTIPLE_OF_REDUCED',
  'MULTIPLE_OF_REMOVED',
  'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED',
  'REQUIRED_ATTRIBUTE_REMOVED',
  'DEPENDENCY_ARRAY_NARROWED',
  'DEPENDENCY_ARRAY_REMOVED',
  'DEPENDENCY_SCHEMA_REMOVED',
  'MAX_PROPERTIES_INCREASED',
  'MAX_PROPERTIES_REMOVED',
  'MIN_PROPERTIES_DECREASED',
  'MIN_PROPERTIES_REMOVED',
  'ADDITIONAL_PROPERTIES_ADDED',
  'ADDITIONAL_PROPERTIES_EXTENDED',
  // The stored copy of Confluent's compatible set predates these types; they are judged as their twins for
  // additionalProperties, additionalItems, maxItems and minItems are, which Confluent's messages confirm
  // (its *_REMOVED and *_NARROWED read as "keyword not present" and "fewer elements").
  'UNEVALUATED_PROPERTIES_ADDED',
  'UNEVALUATED_PROPERTIES_EXTENDED',
  'PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL',
  'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL',
  'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
  'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL',
  'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL',
  'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  'MAX_ITEMS_INCREASED',
  'MAX_ITEMS_REMOVED',
  'MIN_ITEMS_DECREASED',
  'MIN_ITEMS_REMOVED',
  'UNIQUE_ITEMS_REMOVED',
  'ADDITIONAL_ITEMS_ADDED',
  'ADDITIONAL_ITEMS_EXTENDED',
  'UNEVALUATED_ITEMS_ADDED',
  'UNEVALUATED_ITEMS_EXTENDED',
  'MAX_CONTAINS_INCREASED',
  'MAX_CONTAINS_REMOVED',
  'MIN_CONTAINS_DECREASED',
  'MIN_CONTAINS_REMOVED',
  'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL',
  'ITEM_ADDED_TO_CLOSED_CONTENT_MODEL',
  'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL',
  'ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL',
  'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  'ENUM_ARRAY_EXTENDED',
  'COMBINED_TYPE_EXTENDED',
  'PRODUCT_TYPE_NARROWED',
  'SUM_TYPE_EXTENDED',
  'NOT_TYPE_NARROWED',
]);

export const isCompatibleJsonChange = (change: string) =>
  COMPATIBLE_JSON_CHANGES.has(change.split(' ')[0] as string);

/** Work shared by a diff and all its sub-diffs. */
interface Budget {
  comparisons: number;
  depth: number;
}

class Context {
  readonly out: string[] = [];

  constructor(
    readonly path: string[],
    readonly active: Set<Node>,
    private readonly budget: Budget,
  ) {}

  sub(): Context {
    return new Context([...this.path], new Set(this.active), this.budget);
  }

  /** Counts one comparison entered; refuses the schemas once the diff grows past its bounds. */
  enter(): void {
    if (++this.budget.comparisons > MAX_COMPARISONS) {
      throw invalidSchema(
        `the schemas are too complex to compare: more than ${MAX_COMPARISONS} comparisons (shared $refs multiply them)`,
      );
    }
    if (++this.budget.depth > MAX_COMPARE_DEPTH) {
      throw invalidSchema(
        `the schemas nest more than ${MAX_COMPARE_DEPTH} levels deep, counting those their $refs point to`,
      );
    }
  }

  leave(): void {
    this.budget.depth--;
  }

  get compatible(): boolean {
    return this.out.every(isCompatibleJsonChange);
  }

  emit(type: string, attribute?: string): void {
    const segments = attribute === undefined ? this.path : [...this.path, attribute];
    this.out.push(`${type} #/${segments.join('/')}`);
  }

  within(segments: string, run: () => void): void {
    this.path.push(segments);
    try {
      run();
    } finally {
      this.path.pop();
    }
  }
}

const unwrap = (node: Node): Node =>
  node.kind === 'ref' ? (node.resolve() ?? { kind: 'empty', hasDefault: false }) : node;

function compare(ctx: Context, original: Node | null, update: Node | null): void {
  ctx.enter();
  try {
    compareNodes(ctx, original, update);
  } finally {
    ctx.leave();
  }
}

function compareNodes(ctx: Context, originalIn: Node | null, updateIn: Node | null): void {
  if (!originalIn && !updateIn) return;
  if (!originalIn) {
    ctx.emit('SCHEMA_ADDED');
    return;
  }
  if (!updateIn) {
    ctx.emit('SCHEMA_REMOVED');
    return;
  }
  const original = unwrap(originalIn);
  const update = unwrap(updateIn);
  if (original.kind !== 'combined' && update.kind === 'combined') {
    if (update.subschemas.length === 1) {
      const sub = ctx.sub();
      compare(sub, original, update.subschemas[0] as Node);
      if (sub.compatible) {
        ctx.out.push(...sub.out);
        return;
      }
    } else if (update.criterion !== 'allOf') {
      for (const candidate of update.subschemas) {
        const sub = ctx.sub();
        compare(sub, original, candidate);
        if (sub.compatible) {
          ctx.out.push(...sub.out);
          ctx.emit('SUM_TYPE_EXTENDED');
          return;
        }
      }
    }
  } else if (original.kind === 'combined' && update.kind !== 'combined') {
    if (original.subschemas.length === 1) {
      const sub = ctx.sub();
      compare(sub, original.subschemas[0] as Node, update);
      if (sub.compatible) {
        ctx.out.push(...sub.out);
        return;
      }
    } else if (original.criterion === 'allOf') {
      for (const candidate of original.subschemas) {
        const sub = ctx.sub();
        compare(sub, candidate, update);
        if (sub.compatible) {
          ctx.out.push(...sub.out);
          ctx.emit('PRODUCT_TYPE_NARROWED');
          return;
        }
      }
    }
  }
  if (original.kind !== update.kind) {
    if (original.kind === 'false' || isEmptyish(update)) return;
    ctx.emit('TYPE_CHANGED');
    return;
  }
  if (ctx.active.has(original)) return;
  ctx.active.add(original);
  try {
    if (original.id !== update.id) ctx.emit('ID_CHANGED');
    if (original.title !== update.title) ctx.emit('TITLE_CHANGED');
    if (original.description !== update.description) ctx.emit('DESCRIPTION_CHANGED');
    if (
      original.hasDefault !== update.hasDefault ||
      JSON.stringify(original.default) !== JSON.stringify(update.default)
    ) {
      ctx.emit('DEFAULT_CHANGED');
    }
    switch (original.kind) {
      case 'string':
        compareString(ctx, original, update as StringNode);
        return;
      case 'number':
        compareNumber(ctx, original, update as NumberNode);
        return;
      case 'enum':
        compareEnum(ctx, original.values, (update as typeof original).values);
        return;
      case 'const':
        if (canonical(original.value) !== canonical((update as typeof original).value))
          ctx.emit('ENUM_ARRAY_CHANGED', 'const');
        return;
      case 'combined':
        compareCombined(ctx, original, update as CombinedNode);
        return;
      case 'not': {
        const sub = ctx.sub();
        sub.within('not', () =>
          compare(sub, (update as typeof original).mustNotMatch, original.mustNotMatch),
        );
        ctx.emit(sub.compatible ? 'NOT_TYPE_NARROWED' : 'NOT_TYPE_EXTENDED', 'not');
        return;
      }
      case 'object':
        compareObject(ctx, original, update as ObjectNode);
        return;
      case 'array':
        compareArray(ctx, original, update as ArrayNode);
        return;
      default:
        return;
    }
  } finally {
    ctx.active.delete(original);
  }
}

function limit(
  ctx: Context,
  name: string,
  attribute: string,
  original: number | undefined,
  update: number | undefined,
): void {
  if (original === update) return;
  if (original === undefined) ctx.emit(`${name}_ADDED`, attribute);
  else if (update === undefined) ctx.emit(`${name}_REMOVED`, attribute);
  else ctx.emit(original < update ? `${name}_INCREASED` : `${name}_DECREASED`, attribute);
}

function compareString(ctx: Context, o: StringNode, u: StringNode): void {
  limit(ctx, 'MAX_LENGTH', 'maxLength', o.maxLength, u.maxLength);
  limit(ctx, 'MIN_LENGTH', 'minLength', o.minLength, u.minLength);
  if (o.pattern !== u.pattern) {
    ctx.emit(
      o.pattern === undefined
        ? 'PATTERN_ADDED'
        : u.pattern === undefined
          ? 'PATTERN_REMOVED'
          : 'PATTERN_CHANGED',
      'pattern',
    );
  }
}

/** Whether `a` is a whole multiple of `b`, exactly for decimals (scaled to integers, no float remainder). */
function isMultiple(a: number, b: number): boolean {
  const decimals = (n: number) => (String(n).split('.')[1] ?? '').length;
  const scale = 10 ** Math.max(decimals(a), decimals(b));
  const ai = Math.round(a * scale);
  const bi = Math.round(b * scale);
  return bi !== 0 && ai % bi === 0;
}

function compareNumber(ctx: Context, o: NumberNode, u: NumberNode): void {
  limit(ctx, 'MAXIMUM', 'maximum', o.maximum, u.maximum);
  limit(ctx, 'MINIMUM', 'minimum', o.minimum, u.minimum);
  limit(ctx, 'EXCLUSIVE_MAXIMUM', 'exclusiveMaximum', o.exclusiveMaximum, u.exclusiveMaximum);
  limit(ctx, 'EXCLUSIVE_MINIMUM', 'exclusiveMinimum', o.exclusiveMinimum, u.exclusiveMinimum);
  if (o.multipleOf !== u.multipleOf) {
    if (o.multipleOf === undefined) ctx.emit('MULTIPLE_OF_ADDED', 'multipleOf');
    else if (u.multipleOf === undefined) ctx.emit('MULTIPLE_OF_REMOVED', 'multipleOf');
    else if (isMultiple(u.multipleOf, o.multipleOf)) ctx.emit('MULTIPLE_OF_EXPANDED', 'multipleOf');
    else if (isMultiple(o.multipleOf, u.multipleOf)) ctx.emit('MULTIPLE_OF_REDUCED', 'multipleOf');
    else ctx.emit('MULTIPLE_OF_CHANGED', 'multipleOf');
  }
  if (o.integer && !u.integer) ctx.emit('TYPE_EXTENDED');
  else if (!o.integer && u.integer) ctx.emit('TYPE_NARROWED');
}

/** JSON with sorted keys: structural equality of values and subschemas, whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

function compareEnum(ctx: Context, original: readonly unknown[], update: readonly unknown[]): void {
  const o = new Set(original.map(canonical));
  const u = new Set(update.map(canonical));
  const uHasAll = [...o].every((v) => u.has(v));
  const oHasAll = [...u].every((v) => o.has(v));
  if (uHasAll && oHasAll) return;
  ctx.emit(uHasAll ? 'ENUM_ARRAY_EXTENDED' : oHasAll ? 'ENUM_ARRAY_NARROWED' : 'ENUM_ARRAY_CHANGED', 'enum');
}

function compareCombined(ctx: Context, original: CombinedNode, update: CombinedNode): void {
  if (original.criterion !== update.criterion) {
    const oSingle = original.subschemas.length === 1;
    const uSingle = update.subschemas.length === 1;
    const extended =
      update.criterion === 'anyOf' ||
      (oSingle && uSingle) ||
      (oSingle && update.criterion === 'oneOf') ||
      (uSingle && original.criterion === 'allOf');
    if (!extended) {
      ctx.emit('COMBINED_TYPE_CHANGED');
      return;
    }
    ctx.emit('COMBINED_TYPE_EXTENDED');
  }
  const dedupe = (node: CombinedNode) => {
    const seen = new Set<string>();
    const kept: [number, Node][] = [];
    node.subschemas.forEach((schema, i) => {
      const key = canonical(node.raw[i]);
      if (seen.has(key)) return;
      seen.add(key);
      kept.push([kept.length, schema]);
    });
    return kept.map(([, schema]) => schema);
  };
  const o = dedupe(original);
  const u = dedupe(update);
  if (o.length < u.length)
    ctx.emit(update.criterion === 'allOf' ? 'PRODUCT_TYPE_EXTENDED' : 'SUM_TYPE_EXTENDED');
  else if (o.length > u.length)
    ctx.emit(original.criterion !== 'allOf' ? 'SUM_TYPE_NARROWED' : 'PRODUCT_TYPE_NARROWED');
  // Compatible pairings of original and update subschemas, then as many of them as can be matched one to one.
  // Plain loops, not nested closures: each level of nested unions costs the stack as little as it can.
  const edges: (string[] | undefined)[][] = [];
  for (const [i, oSchema] of o.entries()) {
    const row: (string[] | undefined)[] = [];
    for (const uSchema of u) {
      const sub = ctx.sub();
      sub.path.push(`${original.criterion}/${i}`);
      compare(sub, oSchema, uSchema);
      row.push(sub.compatible ? sub.out : undefined);
    }
    edges.push(row);
  }
  const matchOfUpdate = new Array<number>(u.length).fill(-1);
  const tryMatch = (i: number, visited: boolean[]): boolean => {
    const order = u
      .map((_, j) => j)
      .sort((a, b) => (edges[i]?.[a]?.length ?? 0) - (edges[i]?.[b]?.length ?? 0));
    for (const j of order) {
      if (!edges[i]?.[j] || visited[j]) continue;
      visited[j] = true;
      if (matchOfUpdate[j] === -1 || tryMatch(matchOfUpdate[j] as number, visited)) {
        matchOfUpdate[j] = i;
        return true;
      }
    }
    return false;
  };
  let matched = 0;
  for (let i = 0; i < o.length; i++) if (tryMatch(i, new Array(u.length).fill(false))) matched++;
  const pairs = matchOfUpdate
    .map((i, j) => [i, j] as const)
    .filter(([i]) => i !== -1)
    .sort((a, b) => a[0] - b[0]);
  for (const [i, j] of pairs) ctx.out.push(...(edges[i]?.[j] ?? []));
  if (matched < Math.min(o.length, u.length)) ctx.emit('COMBINED_TYPE_SUBSCHEMAS_CHANGED');
}

/**
 * A member one side lacks, judged against the other side's schema for such members: the differences found, then
 * whether that schema covers it.
 */
function coverage(ctx: Context, from: Node, to: Node, covered: string, notCovered: string): void {
  const sub = ctx.sub();
  compare(sub, from, to);
  ctx.out.push(...sub.out);
  ctx.emit(sub.compatible ? covered : notCovered);
}

/** `unevaluatedProperties` or `unevaluatedItems` (2019-09 on), compared as Confluent compares them. */
function compareUnevaluated(
  ctx: Context,
  prefix: 'UNEVALUATED_PROPERTIES' | 'UNEVALUATED_ITEMS',
  attribute: string,
  original: Node | null,
  update: Node | null,
): void {
  const change = unevaluatedChange(original, update);
  if (change === undefined) return;
  ctx.within(attribute, () => {
    if (change === 'compare') compare(ctx, original, update);
    else ctx.emit(`${prefix}_${change}`);
  });
}

function compareObject(ctx: Context, o: ObjectNode, u: ObjectNode): void {
  const oRequired = new Set(o.required);
  const uRequired = new Set(u.required);
  for (const name of javaMapOrder([...o.properties.keys()])) {
    const updateProperty = u.properties.get(name);
    if (!updateProperty) continue;
    const at = `required/${name}`;
    if (oRequired.has(name) && !uRequired.has(name)) ctx.emit('REQUIRED_ATTRIBUTE_REMOVED', at);
    else if (!oRequired.has(name) && uRequired.has(name)) {
      ctx.emit(
        updateProperty.hasDefault ? 'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED' : 'REQUIRED_ATTRIBUTE_ADDED',
        at,
      );
    }
  }
  for (const name of javaUnionOrder([...o.properties.keys()], [...u.properties.keys()])) {
    const op = o.properties.get(name);
    const up = u.properties.get(name);
    ctx.within(`properties/${name}`, () => {
      if (op && up) {
        compare(ctx, op, up);
        return;
      }
      if (op) {
        if (isOpenObject(u)) {
          ctx.emit('PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL');
          return;
        }
        const partial = objectPartialSchema(u, name);
        if (partial) {
          coverage(
            ctx,
            op,
            partial,
            'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
            'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
          );
          return;
        }
        ctx.emit(
          op.kind === 'false'
            ? 'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL'
            : 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
        );
        return;
      }
      if (!up) return;
      if (isOpenObject(o)) {
        if (isEmptyish(up)) {
          ctx.emit('PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL');
          return;
        }
        // Confluent 8 names the three cases; all are incompatible, since old data may hold anything there.
        if (!uRequired.has(name)) {
          ctx.emit('OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL');
          return;
        }
        ctx.emit(
          up.hasDefault
            ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL'
            : 'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
        );
        return;
      }
      const partial = objectPartialSchema(o, name);
      if (partial) {
        coverage(
          ctx,
          partial,
          up,
          'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
          'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
        );
      }
      if (uRequired.has(name)) {
        ctx.emit(
          up.hasDefault
            ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL'
            : 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
        );
      } else {
        ctx.emit('OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL');
      }
    });
  }
  for (const name of javaUnionOrder([...o.propertyDependencies.keys()], [...u.propertyDependencies.keys()])) {
    const od = o.propertyDependencies.get(name);
    const ud = u.propertyDependencies.get(name);
    const at = `dependencies/${name}`;
    if (!ud) ctx.emit('DEPENDENCY_ARRAY_REMOVED', at);
    else if (!od) ctx.emit('DEPENDENCY_ARRAY_ADDED', at);
    else {
      const os = new Set(od);
      const us = new Set(ud);
      const uHasAll = [...os].every((v) => us.has(v));
      const oHasAll = [...us].every((v) => os.has(v));
      if (!(uHasAll && oHasAll)) {
        ctx.emit(
          uHasAll
            ? 'DEPENDENCY_ARRAY_EXTENDED'
            : oHasAll
              ? 'DEPENDENCY_ARRAY_NARROWED'
              : 'DEPENDENCY_ARRAY_CHANGED',
          at,
        );
      }
    }
  }
  for (const name of javaUnionOrder([...o.schemaDependencies.keys()], [...u.schemaDependencies.keys()])) {
    const od = o.schemaDependencies.get(name);
    const ud = u.schemaDependencies.get(name);
    ctx.within(`dependencies/${name}`, () => {
      if (!ud) ctx.emit('DEPENDENCY_SCHEMA_REMOVED');
      else if (!od) ctx.emit('DEPENDENCY_SCHEMA_ADDED');
      else compare(ctx, od, ud);
    });
  }
  ctx.within('additionalProperties', () => {
    if (o.permitsAdditional !== u.permitsAdditional)
      ctx.emit(u.permitsAdditional ? 'ADDITIONAL_PROPERTIES_ADDED' : 'ADDITIONAL_PROPERTIES_REMOVED');
    else if (!o.additionalSchema && u.additionalSchema) ctx.emit('ADDITIONAL_PROPERTIES_NARROWED');
    else if (o.additionalSchema && !u.additionalSchema) ctx.emit('ADDITIONAL_PROPERTIES_EXTENDED');
    else compare(ctx, o.additionalSchema, u.additionalSchema);
  });
  compareUnevaluated(ctx, 'UNEVALUATED_PROPERTIES', 'unevaluatedProperties', o.unevaluated, u.unevaluated);
  limit(ctx, 'MAX_PROPERTIES', 'maxProperties', o.maxProperties, u.maxProperties);
  limit(ctx, 'MIN_PROPERTIES', 'minProperties', o.minProperties, u.minProperties);
}

function compareArray(ctx: Context, o: ArrayNode, u: ArrayNode): void {
  ctx.within('items', () => compare(ctx, o.allItems, u.allItems));
  const oTuple = o.tuple ?? [];
  const uTuple = u.tuple ?? [];
  const shared = Math.min(oTuple.length, uTuple.length);
  for (let i = 0; i < shared; i++)
    ctx.within(`items/${i}`, () => compare(ctx, oTuple[i] as Node, uTuple[i] as Node));
  for (let i = shared; i < oTuple.length; i++) {
    const item = oTuple[i] as Node;
    ctx.within(`items/${i}`, () => {
      if (isOpenArray(u)) {
        ctx.emit('ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL');
        return;
      }
      const partial = arrayPartialSchema(u);
      if (partial) {
        coverage(
          ctx,
          item,
          partial,
          'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
          'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
        );
        return;
      }
      ctx.emit(
        item.kind === 'false'
          ? 'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL'
          : 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL',
      );
    });
  }
  for (let i = shared; i < uTuple.length; i++) {
    const item = uTuple[i] as Node;
    ctx.within(`items/${i}`, () => {
      if (isOpenArray(o)) {
        ctx.emit(
          isEmptyish(item)
            ? 'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL'
            : 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL',
        );
        return;
      }
      const partial = arrayPartialSchema(o);
      if (partial) {
        coverage(
          ctx,
          partial,
          item,
          'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
          'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
        );
        return;
      }
      ctx.emit('ITEM_ADDED_TO_CLOSED_CONTENT_MODEL');
    });
  }
  ctx.within('additionalItems', () => {
    if (o.permitsAdditionalItems !== u.permitsAdditionalItems)
      ctx.emit(o.permitsAdditionalItems ? 'ADDITIONAL_ITEMS_REMOVED' : 'ADDITIONAL_ITEMS_ADDED');
    else if (!o.additionalItemsSchema && u.additionalItemsSchema) ctx.emit('ADDITIONAL_ITEMS_NARROWED');
    else if (o.additionalItemsSchema && !u.additionalItemsSchema) ctx.emit('ADDITIONAL_ITEMS_EXTENDED');
    else compare(ctx, o.additionalItemsSchema, u.additionalItemsSchema);
  });
  compareUnevaluated(ctx, 'UNEVALUATED_ITEMS', 'unevaluatedItems', o.unevaluated, u.unevaluated);
  limit(ctx, 'MAX_ITEMS', 'maxItems', o.maxItems, u.maxItems);
  limit(ctx, 'MIN_ITEMS', 'minItems', o.minItems, u.minItems);
  if (o.uniqueItems !== u.uniqueItems)
    ctx.emit(o.uniqueItems ? 'UNIQUE_ITEMS_REMOVED' : 'UNIQUE_ITEMS_ADDED', 'uniqueItems');
  // Confluent compares these as whole numbers (Java's intValue), and never the contains schema itself.
  const whole = (n: number | undefined) => (n === undefined ? undefined : Math.trunc(n));
  limit(ctx, 'MAX_CONTAINS', 'maxContains', whole(o.maxContains), whole(u.maxContains));
  limit(ctx, 'MIN_CONTAINS', 'minContains', whole(o.minContains), whole(u.minContains));
}

function reservedOf(metadata: unknown): string[] {
  const value = (metadata as { properties?: Record<string, unknown> } | undefined)?.properties?.[
    'confluent:reserved'
  ];
  return typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

/**
 * Confluent's JSON Schema diff: every change from `original` to `update` as `TYPE #/path`, in Confluent's order.
 * The update reads what the original allowed when every change is compatible. Reserved property names in the
 * schemas' metadata (`confluent:reserved`) are checked first.
 */
export function jsonSchemaChanges(
  original: Node,
  update: Node,
  metadata?: { original?: unknown; update?: unknown },
): string[] {
  const ctx = new Context([], new Set(), { comparisons: 0, depth: 0 });
  if (metadata) {
    const oReserved = reservedOf(metadata.original);
    const uReserved = new Set(reservedOf(metadata.update));
    for (const name of javaMapOrder(oReserved))
      if (!uReserved.has(name)) ctx.out.push(`RESERVED_PROPERTY_REMOVED ${name}`);
    const root = unwrap(update);
    if (root.kind === 'object') {
      for (const name of javaMapOrder([...root.properties.keys()])) {
        if (uReserved.has(name))
          ctx.out.push(`RESERVED_PROPERTY_CONFLICTS_WITH_PROPERTY #/properties/${name}`);
      }
    }
  }
  compare(ctx, original, update);
  return ctx.out;
}
