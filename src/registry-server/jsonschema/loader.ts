import { exceedsJsonDepth, MAX_JSON_DEPTH } from '../../guards/limits.js';
import { invalidSchema } from '../errors.js';
import { type Draft, draftOf, isModern } from './draft.js';
import { expandsDeeperThan } from './expansion.js';
import { keywordsOf } from './keywords.js';
import type { ArrayNode, Common, Node, NumberNode, ObjectNode, RefNode, StringNode } from './nodes.js';
import { indexResources, resolveUri, splitRef } from './refs.js';

type Json = Record<string, unknown>;

/** Deepest chain of subschemas, `$ref`s followed, a schema may hold: the diff walks it recursively. */
const MAX_EXPANSION = MAX_JSON_DEPTH;

const BARE: Common = { hasDefault: false };

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

/**
 * Loads a JSON Schema document into diff nodes, read as the draft its `$schema` names. A `$ref` may point into
 * the document (`#/…`, `#anchor`), at an `$id` inside it, or at a registered reference (by `name`, or by a
 * relative form of it); one that resolves to nothing makes the schema invalid (42201), as in Confluent's
 * registry. So does nesting deeper than the depth policy allows, directly or through `$ref`s. With `strict` false
 * (a schema already stored, judged by older rules), a `$ref` that resolves to nothing is let stand.
 */
export function loadSchema(
  document: unknown,
  externals: ReadonlyMap<string, unknown> = new Map(),
  strict = true,
): Node {
  if (exceedsJsonDepth(document, MAX_JSON_DEPTH)) {
    throw invalidSchema(`the schema nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep`);
  }
  for (const [name, external] of externals) {
    if (exceedsJsonDepth(external, MAX_JSON_DEPTH)) {
      throw invalidSchema(
        `reference ${name} nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep`,
      );
    }
  }
  const session: Session = { externals, documents: new Map(), refs: [] };
  const root = documentLoader(document, session, { strict }).root();
  // Resolving a $ref loads its target, which may hold more $refs: the list grows while it is read.
  for (let i = 0; i < session.refs.length; i++) {
    const pending = session.refs[i] as PendingRef;
    if (pending.node.resolve() === undefined) throw invalidSchema(pending.why());
  }
  if (expandsDeeperThan(root, MAX_EXPANSION)) {
    throw invalidSchema(
      `the schema nests subschemas more than ${MAX_EXPANSION} levels deep, counting those its $refs point to`,
    );
  }
  return root;
}

interface PendingRef {
  readonly node: RefNode;
  why(): string;
}

interface Session {
  readonly externals: ReadonlyMap<string, unknown>;
  /** Loaded documents: registered references by name, subschemas with an `$id` by absolute URI. */
  readonly documents: Map<string, DocumentLoader>;
  /** The schema's own `$ref`s, each to resolve before the schema is accepted. */
  readonly refs: PendingRef[];
}

interface DocumentLoader {
  root(): Node;
  resolveFragment(fragment: string): Node | undefined;
}

interface LoaderOptions {
  /**
   * Whether this document's `$ref`s must resolve. A registered reference was judged with its own references when
   * it was registered, and those are not supplied here.
   */
  readonly strict: boolean;
  readonly draft?: Draft;
  readonly outerBase?: string;
}

function documentLoader(document: unknown, session: Session, options: LoaderOptions): DocumentLoader {
  const draft = options.draft ?? draftOf(document);
  const modern = isModern(draft);
  const keywords = keywordsOf(draft);
  const resources = indexResources(document, draft, options.outerBase);
  // One node per JSON object: a $ref to an object already loaded reuses its node, so work stays linear.
  const loaded = new Map<object, Node>();

  const common = (json: Json): Common => {
    // Confluent's 2019-09/2020-12 translation carries no $id, so it never reports ID_CHANGED there.
    const id = modern ? undefined : json[draft === 4 ? 'id' : '$id'];
    return {
      ...(typeof id === 'string' ? { id } : {}),
      ...(typeof json.title === 'string' ? { title: json.title } : {}),
      ...(typeof json.description === 'string' ? { description: json.description } : {}),
      ...('default' in json ? { default: json.default } : {}),
      hasDefault: 'default' in json,
    };
  };

  /** A keyword whose value must be a schema; 2019-09 and 2020-12 refuse anything else, as json-sKema does. */
  const subschema = (json: Json, key: string): Node => {
    const value = json[key];
    if (typeof value !== 'boolean' && !isObject(value)) {
      throw invalidSchema(`"${key}" must be a schema (an object or a boolean)`);
    }
    return load(value);
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
        return modern ? modernArrayNode(json, base) : arrayNode(json, base);
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

  const itemLimits = (json: Json) => ({
    ...(num(json.minItems) !== undefined ? { minItems: num(json.minItems) as number } : {}),
    ...(num(json.maxItems) !== undefined ? { maxItems: num(json.maxItems) as number } : {}),
    uniqueItems: json.uniqueItems === true,
  });

  /** Draft-04 to -07: `items` is one schema for all items, or a tuple followed by `additionalItems`. */
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
      ...itemLimits(json),
      unevaluated: null,
    };
  };

  /**
   * 2019-09 and 2020-12, as Confluent translates them: `prefixItems` is the tuple, `items` beside it the schema of
   * the items after it, `items: false` closes the array and `items: true` says nothing. `contains` brings its
   * `minContains` (1 when absent) and `maxContains`.
   */
  const modernArrayNode = (json: Json, base: Common): ArrayNode => {
    const { items, prefixItems } = json;
    if (Array.isArray(items)) {
      throw invalidSchema(
        '"items" is one schema in JSON Schema 2019-09 and 2020-12; write a tuple with "prefixItems"',
      );
    }
    if (prefixItems !== undefined && !Array.isArray(prefixItems)) {
      throw invalidSchema('"prefixItems" must be an array of schemas');
    }
    const tuple = Array.isArray(prefixItems) ? prefixItems.map(load) : null;
    const rest = items === undefined || typeof items === 'boolean' ? null : subschema(json, 'items');
    const afterTuple = tuple !== null && tuple.length > 0;
    return {
      kind: 'array',
      ...base,
      allItems: afterTuple ? null : rest,
      tuple,
      permitsAdditionalItems: items !== false,
      additionalItemsSchema: afterTuple ? rest : null,
      ...itemLimits(json),
      unevaluated: 'unevaluatedItems' in json ? subschema(json, 'unevaluatedItems') : null,
      ...('contains' in json ? { minContains: num(json.minContains) ?? 1 } : {}),
      ...('contains' in json && num(json.maxContains) !== undefined
        ? { maxContains: num(json.maxContains) }
        : {}),
    };
  };

  const patternsOf = (value: unknown): [RegExp, Node][] => {
    if (!isObject(value)) return [];
    return Object.entries(value).map(([pattern, schema]) => {
      try {
        return [new RegExp(pattern, 'u'), load(schema)];
      } catch (error) {
        if (error instanceof SyntaxError)
          throw invalidSchema(`patternProperties "${pattern}" is not a regular expression`);
        throw error;
      }
    });
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
    const requires = (name: string, value: unknown[]) =>
      propertyDependencies.set(
        name,
        value.filter((v): v is string => typeof v === 'string'),
      );
    if (modern) {
      // 2019-09 split draft-07's dependencies in two; Confluent reports both at #/dependencies/<name>.
      if (isObject(json.dependentRequired)) {
        for (const [name, value] of Object.entries(json.dependentRequired)) {
          if (Array.isArray(value)) requires(name, value);
        }
      }
      if (isObject(json.dependentSchemas)) {
        for (const [name, value] of Object.entries(json.dependentSchemas))
          schemaDependencies.set(name, load(value));
      }
    } else if (isObject(json.dependencies)) {
      for (const [name, value] of Object.entries(json.dependencies)) {
        if (Array.isArray(value)) requires(name, value);
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
      patternProperties: patternsOf(json.patternProperties),
      propertyDependencies,
      schemaDependencies,
      ...(num(json.minProperties) !== undefined ? { minProperties: num(json.minProperties) as number } : {}),
      ...(num(json.maxProperties) !== undefined ? { maxProperties: num(json.maxProperties) as number } : {}),
      unevaluated:
        modern && 'unevaluatedProperties' in json ? subschema(json, 'unevaluatedProperties') : null,
    };
  };

  const refNode = (json: Json, ref: string, base: Common): RefNode => {
    const scope = resources.scopes.get(json) ?? resources.base;
    let target: Node | undefined | null = null;
    const node: RefNode = {
      kind: 'ref',
      ...base,
      ref,
      resolve: () => {
        if (target === null) target = resolveRef(ref, scope);
        return target;
      },
    };
    if (options.strict) session.refs.push({ node, why: () => whyUnresolved(ref, scope) });
    return node;
  };

  const load = (json: unknown): Node => {
    if (json === true) return { kind: 'true', hasDefault: false };
    if (json === false) return { kind: 'false', hasDefault: false };
    if (!isObject(json)) return { kind: 'empty', hasDefault: false };
    const known = loaded.get(json);
    if (known) return known;
    const node = build(json);
    loaded.set(json, node);
    return node;
  };

  const build = (json: Json): Node => {
    const base = common(json);
    const ref = typeof json.$ref === 'string' ? refNode(json, json.$ref, base) : undefined;
    // Draft-07 ignores the keywords beside a $ref; from 2019-09 on they apply too.
    if (ref && !modern) return ref;
    const nodes: Node[] = ref ? [ref] : [];
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
          ? keywords.string
          : t === 'number' || t === 'integer'
            ? keywords.number
            : t === 'array'
              ? keywords.array
              : t === 'object'
                ? keywords.object
                : [];
      for (const k of keys) consumed.add(k);
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
    const present = (keys: readonly string[]) =>
      keys.some((k) => k in json && !consumed.has(k) && !emptyMap(k));
    // Confluent's 2020-12 translation makes no object schema of an empty properties or patternProperties.
    const emptyMap = (k: string) =>
      modern &&
      (k === 'properties' || k === 'patternProperties') &&
      isObject(json[k]) &&
      Object.keys(json[k]).length === 0;
    if (present(keywords.array)) nodes.push(modern ? modernArrayNode(json, base) : arrayNode(json, base));
    if (present(keywords.object)) nodes.push(objectNode(json, base));
    if (present(keywords.number)) nodes.push(numberNode(json, base, false));
    if (present(keywords.string)) nodes.push(stringNode(json, base));
    if (present(keywords.conditional)) nodes.push({ kind: 'conditional', ...base });
    // Confluent reads minContains and maxContains on an array schema from the keywords its draft-07 loader does
    // not know, so they count there too, but only when the array is the whole schema.
    const only = nodes[0];
    if (!modern && nodes.length === 1 && only?.kind === 'array') {
      return {
        ...only,
        ...(num(json.minContains) !== undefined ? { minContains: num(json.minContains) } : {}),
        ...(num(json.maxContains) !== undefined ? { maxContains: num(json.maxContains) } : {}),
      };
    }
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

  /** The JSON a fragment names: a JSON pointer (`#/a/0`, each segment percent-decoded) or an anchor (`#name`). */
  const fragmentTarget = (fragment: string): unknown => {
    try {
      if (fragment !== '#' && !fragment.startsWith('#/')) {
        return resources.anchors.get(decodeURIComponent(fragment.slice(1)));
      }
      let target: unknown = document;
      for (const raw of fragment
        .slice(1)
        .split('/')
        .filter((s) => s !== '')) {
        const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
        if (typeof target !== 'object' || target === null || !Object.hasOwn(target, key)) return undefined;
        target = (target as Json)[key];
      }
      return target;
    } catch {
      // A malformed percent-escape names nothing.
      return undefined;
    }
  };

  const resolveFragment = (fragment: string): Node | undefined => {
    const target = fragmentTarget(fragment);
    return target === undefined ? undefined : load(target);
  };

  /**
   * The document a `$ref` names, resolved against the base in effect where it is written: this one, a subschema
   * with that `$id`, or a registered reference.
   */
  const documentFor = (name: string, scope: string): DocumentLoader | undefined => {
    if (name === '') return self;
    if (session.externals.has(name)) return reference(name);
    const uri = resolveUri(scope, name);
    if (uri === resources.base) return self;
    if (resources.ids.has(uri)) {
      return cached(`id ${uri}`, () =>
        documentLoader(resources.ids.get(uri), session, { strict: options.strict, draft, outerBase: uri }),
      );
    }
    // Confluent registers each reference at its name resolved against the schema's base.
    for (const known of session.externals.keys()) {
      if (resolveUri(resources.base, known) === uri) return reference(known);
    }
    return undefined;
  };

  const reference = (name: string): DocumentLoader =>
    cached(`reference ${name}`, () =>
      documentLoader(session.externals.get(name), session, {
        strict: false,
        outerBase: resolveUri(resources.base, name),
      }),
    );

  const cached = (key: string, open: () => DocumentLoader): DocumentLoader => {
    let found = session.documents.get(key);
    if (!found) {
      found = open();
      session.documents.set(key, found);
    }
    return found;
  };

  const resolveRef = (ref: string, scope: string): Node | undefined => {
    const { document: name, fragment } = splitRef(ref);
    return documentFor(name, scope)?.resolveFragment(fragment);
  };

  const whyUnresolved = (ref: string, scope: string): string => {
    const { document: name, fragment } = splitRef(ref);
    if (name === '') return `$ref "${ref}" points to nothing in this schema`;
    if (documentFor(name, scope)) return `$ref "${ref}": ${name} has nothing at "${fragment}"`;
    return `$ref "${ref}" names an unknown schema: it is neither an $id in this schema nor a registered reference`;
  };

  const self: DocumentLoader = { root: () => load(document), resolveFragment };
  return self;
}
