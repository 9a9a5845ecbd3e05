import type { ArrayNode, Common, Node, NumberNode, ObjectNode, StringNode } from './nodes.js';

type Json = Record<string, unknown>;
type Draft = 4 | 6 | 7;

const ARRAY_KEYS = ['items', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems'];
const OBJECT_KEYS = [
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'dependencies',
  'patternProperties',
  'additionalProperties',
];
const NUMBER_KEYS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const STRING_KEYS = ['minLength', 'maxLength', 'pattern', 'format'];
const CONDITIONAL_KEYS = ['if', 'then', 'else'];

const BARE: Common = { hasDefault: false };

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

/**
 * Loads a JSON Schema document into diff nodes. `$ref`s resolve lazily, one node per target: `#/…` within the
 * document, `name#/…` within a referenced schema (a registry reference's `name`).
 */
export function loadSchema(document: unknown, externals: ReadonlyMap<string, unknown> = new Map()): Node {
  return documentLoader(document, externals, new Map()).root();
}

type Loaders = Map<string, { resolve(pointer: string): Node | undefined }>;

function documentLoader(document: unknown, externals: ReadonlyMap<string, unknown>, loaders: Loaders) {
  // Draft-07 unless `$schema` names draft-04 or draft-06, as Confluent's registry loads JSON Schemas.
  const declared = isObject(document) && typeof document.$schema === 'string' ? document.$schema : '';
  const draft: Draft = /draft-04/.test(declared) ? 4 : /draft-06/.test(declared) ? 6 : 7;
  const byPointer = new Map<string, Node>();
  const resolvePointer = (pointer: string): Node | undefined => {
    const cached = byPointer.get(pointer);
    if (cached) return cached;
    let target: unknown = document;
    for (const raw of pointer
      .replace(/^#\/?/, '')
      .split('/')
      .filter((s) => s !== '')) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (Array.isArray(target)) target = target[Number(key)];
      else if (isObject(target)) target = target[key];
      else return undefined;
    }
    if (target === undefined) return undefined;
    const node = load(target);
    byPointer.set(pointer, node);
    return node;
  };

  const common = (json: Json): Common => {
    const idKey = draft === 4 ? 'id' : '$id';
    return {
      ...(typeof json[idKey] === 'string' ? { id: json[idKey] as string } : {}),
      ...(typeof json.title === 'string' ? { title: json.title } : {}),
      ...(typeof json.description === 'string' ? { description: json.description } : {}),
      ...('default' in json ? { default: json.default } : {}),
      hasDefault: 'default' in json,
    };
  };

  const typed = (type: string, json: Json, base: Common): Node | undefined => {
    switch (type) {
      case 'string':
        return stringNode(json, base);
      case 'integer':
        return numberNode(json, base, true);
      case 'number':
        return numberNode(json, base, false);
      case 'boolean':
        return { kind: 'boolean', ...base };
      case 'null':
        return { kind: 'null', ...base };
      case 'array':
        return arrayNode(json, base);
      case 'object':
        return objectNode(json, base);
      default:
        return undefined;
    }
  };

  const stringNode = (json: Json, base: Common): StringNode => ({
    kind: 'string',
    ...base,
    ...(num(json.minLength) !== undefined ? { minLength: num(json.minLength) as number } : {}),
    ...(num(json.maxLength) !== undefined ? { maxLength: num(json.maxLength) as number } : {}),
    ...(typeof json.pattern === 'string' ? { pattern: json.pattern } : {}),
  });

  const numberNode = (json: Json, base: Common, integer: boolean): NumberNode => ({
    kind: 'number',
    ...base,
    integer,
    ...(num(json.minimum) !== undefined ? { minimum: num(json.minimum) as number } : {}),
    ...(num(json.maximum) !== undefined ? { maximum: num(json.maximum) as number } : {}),
    // Draft-04 has boolean exclusive flags, which the diff does not compare; later drafts have numeric limits.
    ...(draft !== 4 && num(json.exclusiveMinimum) !== undefined
      ? { exclusiveMinimum: num(json.exclusiveMinimum) as number }
      : {}),
    ...(draft !== 4 && num(json.exclusiveMaximum) !== undefined
      ? { exclusiveMaximum: num(json.exclusiveMaximum) as number }
      : {}),
    ...(num(json.multipleOf) !== undefined ? { multipleOf: num(json.multipleOf) as number } : {}),
  });

  const arrayNode = (json: Json, base: Common): ArrayNode => {
    const items = json.items;
    const additional = json.additionalItems;
    return {
      kind: 'array',
      ...base,
      allItems: isObject(items) || typeof items === 'boolean' ? load(items) : null,
      tuple: Array.isArray(items) ? items.map(load) : null,
      permitsAdditionalItems: additional !== false,
      additionalItemsSchema: isObject(additional) ? load(additional) : null,
      ...(num(json.minItems) !== undefined ? { minItems: num(json.minItems) as number } : {}),
      ...(num(json.maxItems) !== undefined ? { maxItems: num(json.maxItems) as number } : {}),
      uniqueItems: json.uniqueItems === true,
    };
  };

  const objectNode = (json: Json, base: Common): ObjectNode => {
    const properties = new Map<string, Node>();
    if (isObject(json.properties)) {
      for (const [name, value] of Object.entries(json.properties)) {
        if (name === (draft === 4 ? 'id' : '$id') && !isObject(value)) continue;
        properties.set(name, load(value));
      }
    }
    const additional = json.additionalProperties;
    const propertyDependencies = new Map<string, string[]>();
    const schemaDependencies = new Map<string, Node>();
    if (isObject(json.dependencies)) {
      for (const [name, value] of Object.entries(json.dependencies)) {
        if (Array.isArray(value))
          propertyDependencies.set(
            name,
            value.filter((v): v is string => typeof v === 'string'),
          );
        else schemaDependencies.set(name, load(value));
      }
    }
    return {
      kind: 'object',
      ...base,
      properties,
      required: Array.isArray(json.required)
        ? json.required.filter((r): r is string => typeof r === 'string')
        : [],
      permitsAdditional: additional !== false,
      additionalSchema: isObject(additional) ? load(additional) : null,
      patternProperties: isObject(json.patternProperties)
        ? Object.entries(json.patternProperties).map(
            ([pattern, value]) => [new RegExp(pattern, 'u'), load(value)] as [RegExp, Node],
          )
        : [],
      propertyDependencies,
      schemaDependencies,
      ...(num(json.minProperties) !== undefined ? { minProperties: num(json.minProperties) as number } : {}),
      ...(num(json.maxProperties) !== undefined ? { maxProperties: num(json.maxProperties) as number } : {}),
    };
  };

  const load = (json: unknown): Node => {
    if (json === true) return { kind: 'true', hasDefault: false };
    if (json === false) return { kind: 'false', hasDefault: false };
    if (!isObject(json)) return { kind: 'empty', hasDefault: false };
    const base = common(json);
    if (typeof json.$ref === 'string') {
      const ref = json.$ref;
      return { kind: 'ref', ...base, resolve: () => resolveRef(ref) };
    }
    const nodes: Node[] = [];
    const consumed = new Set<string>();
    if ('enum' in json && Array.isArray(json.enum)) {
      nodes.push({ kind: 'enum', ...base, values: json.enum });
    }
    for (const criterion of ['allOf', 'oneOf', 'anyOf'] as const) {
      const list = json[criterion];
      if (Array.isArray(list))
        nodes.push({ kind: 'combined', ...base, criterion, subschemas: list.map(load), raw: list });
    }
    if ('not' in json) nodes.push({ kind: 'not', ...base, mustNotMatch: load(json.not) });
    if ('const' in json && draft !== 4) nodes.push({ kind: 'const', ...base, value: json.const });
    const type = json.type;
    const consume = (t: string) => {
      const keys =
        t === 'string'
          ? STRING_KEYS
          : t === 'number' || t === 'integer'
            ? NUMBER_KEYS
            : t === 'array'
              ? ARRAY_KEYS
              : t === 'object'
                ? OBJECT_KEYS
                : [];
      for (const k of keys) consumed.add(k);
      if (t === 'array' && draft !== 4) consumed.add('contains');
      if (t === 'object' && draft !== 4) consumed.add('propertyNames');
    };
    if (typeof type === 'string') {
      const node = typed(type, json, base);
      if (node) nodes.push(node);
      consume(type);
    } else if (Array.isArray(type)) {
      const subs = type.filter((t): t is string => typeof t === 'string');
      const members = subs.map((t) => typed(t, json, BARE)).filter((n): n is Node => n !== undefined);
      nodes.push({
        kind: 'combined',
        ...base,
        criterion: 'anyOf',
        subschemas: members,
        raw: subs.map((t) => ({ ...json, type: t })),
      });
      for (const t of subs) consume(t);
    }
    const present = (keys: readonly string[]) => keys.some((k) => k in json && !consumed.has(k));
    if (present(draft !== 4 ? [...ARRAY_KEYS, 'contains'] : ARRAY_KEYS)) nodes.push(arrayNode(json, base));
    if (present(draft !== 4 ? [...OBJECT_KEYS, 'propertyNames'] : OBJECT_KEYS))
      nodes.push(objectNode(json, base));
    if (present(NUMBER_KEYS)) nodes.push(numberNode(json, base, false));
    if (present(STRING_KEYS)) nodes.push(stringNode(json, base));
    if (draft === 7 && present(CONDITIONAL_KEYS)) nodes.push({ kind: 'conditional', ...base });
    if (nodes.length === 0) return { kind: 'empty', ...base };
    if (nodes.length === 1) return nodes[0] as Node;
    // The document's id, title and description belong to the allOf that stands for it, not to each part.
    const parts = nodes.map(
      (n) =>
        ({
          ...n,
          id: undefined,
          title: undefined,
          description: undefined,
          default: undefined,
          hasDefault: false,
        }) as Node,
    );
    return {
      kind: 'combined',
      ...base,
      criterion: 'allOf',
      subschemas: parts,
      raw: nodes.map((_, i) => ({ synthetic: i })),
    };
  };

  const resolveRef = (ref: string): Node | undefined => {
    const hash = ref.indexOf('#');
    const name = hash === -1 ? ref : ref.slice(0, hash);
    const pointer = hash === -1 ? '#' : ref.slice(hash);
    if (name === '') return resolvePointer(pointer);
    let loader = loaders.get(name);
    if (!loader) {
      if (!externals.has(name)) return undefined;
      const external = documentLoader(externals.get(name), externals, loaders);
      loader = { resolve: (p: string) => external.resolvePointer(p) };
      loaders.set(name, loader);
    }
    return loader.resolve(pointer);
  };

  return { root: () => load(document), resolvePointer };
}
