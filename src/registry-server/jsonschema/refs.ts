import { type Draft, isModern } from './draft.js';

/** The base URI of a document without an `$id`, as Confluent's 2020-12 loader names it. */
export const DEFAULT_BASE = 'mem://input';

/** `ref` resolved against `base`, without its fragment; `ref` as written when it is no URI reference. */
export function resolveUri(base: string, ref: string): string {
  try {
    const url = new URL(ref, base);
    url.hash = '';
    return url.href;
  } catch {
    return ref;
  }
}

/** A `$ref` split into the document it names ('' for this one) and its fragment ('#' when it has none). */
export function splitRef(ref: string): { document: string; fragment: string } {
  const hash = ref.indexOf('#');
  return hash === -1
    ? { document: ref, fragment: '#' }
    : { document: ref.slice(0, hash), fragment: ref.slice(hash) };
}

/** The subschemas a document names: by absolute `$id`, and by plain-name anchor (`"$id": "#a"`, `"$anchor": "a"`). */
export interface Resources {
  readonly base: string;
  readonly ids: ReadonlyMap<string, unknown>;
  readonly anchors: ReadonlyMap<string, unknown>;
  /** The base URI in effect in each object of the document: the nearest `$id` around it, its own included. */
  readonly scopes: ReadonlyMap<object, string>;
}

// Values of these keywords are data, not schemas: an "$id" inside them names nothing.
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples']);

/**
 * Indexes `document`'s `$id`s (resolved against the ids around them) and anchors, without recursing. The walk
 * is bounded by the document, whose depth the caller has already capped.
 */
export function indexResources(document: unknown, draft: Draft, outerBase = DEFAULT_BASE): Resources {
  const idKey = draft === 4 ? 'id' : '$id';
  const ids = new Map<string, unknown>();
  const anchors = new Map<string, unknown>();
  const scopes = new Map<object, string>();
  const rootId = isObject(document) ? document[idKey] : undefined;
  const base =
    typeof rootId === 'string' && !rootId.startsWith('#')
      ? resolveUri(outerBase, rootId)
      : resolveUri(outerBase, '');
  const pending: [unknown, string][] = [[document, outerBase]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, scope] = next;
    if (Array.isArray(value)) {
      for (const item of value) pending.push([item, scope]);
      continue;
    }
    if (!isObject(value)) continue;
    let inner = scope;
    const id = value[idKey];
    if (typeof id === 'string') {
      if (id.startsWith('#')) setOnce(anchors, id.slice(1), value);
      else {
        inner = resolveUri(scope, id);
        setOnce(ids, inner, value);
      }
    }
    if (isModern(draft) && typeof value.$anchor === 'string') setOnce(anchors, value.$anchor, value);
    scopes.set(value, inner);
    for (const [key, child] of Object.entries(value))
      if (!DATA_KEYWORDS.has(key)) pending.push([child, inner]);
  }
  return { base, ids, anchors, scopes };
}

function setOnce(map: Map<string, unknown>, key: string, value: unknown): void {
  if (!map.has(key)) map.set(key, value);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
