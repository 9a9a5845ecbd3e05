import { invalidSchema } from '../errors.js';

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const NAMED = new Set(['record', 'error', 'enum', 'fixed']);
/** How deep an Avro schema's JSON may nest when its references are inlined. */
const MAX_AVRO_NESTING = 256;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (value: Json): value is { [key: string]: Json } =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function fullName(name: string, namespace: string): string {
  return name.includes('.') || namespace === '' ? name : `${namespace}.${name}`;
}

const namespaceOf = (full: string) => (full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : '');

/** The named types a schema declares, by full name, with the namespace each was declared in. */
function collect(
  schema: Json,
  namespace: string,
  named: Map<string, { json: Json; namespace: string }>,
  depth: number,
) {
  if (depth > MAX_AVRO_NESTING) throw invalidSchema(`nesting deeper than ${MAX_AVRO_NESTING} levels`);
  if (Array.isArray(schema)) for (const branch of schema) collect(branch, namespace, named, depth + 1);
  if (!isObject(schema)) return;
  let inner = namespace;
  if (typeof schema.type === 'string' && NAMED.has(schema.type) && typeof schema.name === 'string') {
    const ns = typeof schema.namespace === 'string' ? schema.namespace : namespace;
    const full = fullName(schema.name, ns);
    if (!named.has(full)) named.set(full, { json: schema, namespace });
    inner = namespaceOf(full);
  }
  for (const key of ['type', 'items', 'values'] as const)
    if (schema[key] !== undefined && (key !== 'type' || typeof schema.type !== 'string'))
      collect(schema[key] as Json, inner, named, depth + 1);
  if (Array.isArray(schema.fields))
    for (const field of schema.fields)
      if (isObject(field)) collect(field.type ?? null, inner, named, depth + 1);
}

/**
 * Confluent's `format=resolved` for Avro: the schema with the named types its references declare written out
 * where they are first used, as Avro's own printer does; everything else stays as registered.
 */
export function resolveAvroReferences(text: string, referencedTexts: readonly string[]): string {
  const named = new Map<string, { json: Json; namespace: string }>();
  for (const referenced of referencedTexts) collect(JSON.parse(referenced) as Json, '', named, 0);
  const written = new Set<string>();
  const local = new Map<string, { json: Json; namespace: string }>();
  const schema = JSON.parse(text) as Json;
  collect(schema, '', local, 0);
  for (const name of local.keys()) named.delete(name);

  const inline = (value: Json, namespace: string, depth: number): Json => {
    if (depth > MAX_AVRO_NESTING) throw invalidSchema(`nesting deeper than ${MAX_AVRO_NESTING} levels`);
    if (typeof value === 'string') {
      if (PRIMITIVES.has(value)) return value;
      const full = named.has(fullName(value, namespace)) ? fullName(value, namespace) : value;
      const definition = named.get(full);
      if (!definition || written.has(full)) return value;
      written.add(full);
      const json = definition.json as { [key: string]: Json };
      // Declared in another namespace than the one it lands in: say which, as Avro's printer does.
      const own = typeof json.namespace === 'string' || String(json.name).includes('.');
      const placed =
        own || definition.namespace === namespace ? json : { ...json, namespace: definition.namespace };
      return inline(placed, namespace, depth + 1);
    }
    if (Array.isArray(value)) return value.map((branch) => inline(branch, namespace, depth + 1));
    if (!isObject(value)) return value;
    let inner = namespace;
    if (typeof value.type === 'string' && NAMED.has(value.type) && typeof value.name === 'string') {
      const full = fullName(value.name, typeof value.namespace === 'string' ? value.namespace : namespace);
      written.add(full);
      inner = namespaceOf(full);
    }
    const out: { [key: string]: Json } = {};
    for (const [key, child] of Object.entries(value)) {
      if (key === 'fields' && Array.isArray(child))
        out[key] = child.map((field) =>
          isObject(field) && field.type !== undefined
            ? { ...field, type: inline(field.type, inner, depth + 1) }
            : field,
        );
      else if (key === 'items' || key === 'values' || (key === 'type' && typeof child !== 'string'))
        out[key] = inline(child, inner, depth + 1);
      else if (
        key === 'type' &&
        typeof child === 'string' &&
        !PRIMITIVES.has(child) &&
        !NAMED.has(child) &&
        child !== 'array' &&
        child !== 'map'
      )
        out[key] = inline(child, inner, depth + 1);
      else out[key] = child;
    }
    return out;
  };
  return JSON.stringify(inline(schema, '', 0));
}
