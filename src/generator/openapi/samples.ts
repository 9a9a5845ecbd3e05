import { z } from 'zod';
import { type OpenApiDocument, resolveOpenApiRef } from '../../toolkit/openapi.js';
import { isObject, type JsonSchema } from './json.js';

const FORMATS: Record<string, string> = {
  'date-time': '2024-01-02T03:04:05Z',
  date: '2024-01-02',
  time: '03:04:05Z',
  email: 'ada@example.com',
  uuid: '123e4567-e89b-42d3-a456-426614174000',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  hostname: 'example.com',
  ipv4: '192.0.2.1',
};

function valid(schema: JsonSchema, value: unknown): boolean {
  try {
    return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]).safeParse(value).success;
  } catch {
    return false;
  }
}

type Resolve = (node: unknown) => unknown;
const asIs: Resolve = (node) => node;

/**
 * A value the schema accepts, made from its examples (a spec's raw schemas hold them; `resolve` follows their
 * $refs) or its own constraints; undefined when none is found quickly.
 */
function made(raw: unknown, depth: number, resolve: Resolve = asIs): unknown {
  const schema = resolve(raw);
  if (depth > 6 || !isObject(schema)) return undefined;
  const given = exampleOf(schema);
  if (given !== undefined) return given;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum.find((v) => v !== null);
  if (schema.default !== undefined) return schema.default;
  for (const combiner of ['oneOf', 'anyOf'] as const)
    if (Array.isArray(schema[combiner])) return made(schema[combiner][0], depth + 1, resolve);
  if (Array.isArray(schema.allOf)) {
    const parts = schema.allOf.map((s) => made(s, depth + 1, resolve));
    return parts.every(isObject) ? Object.assign({}, ...parts) : parts[0];
  }
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter((t) => t !== 'null');
  const type = types[0] ?? (isObject(schema.properties) ? 'object' : undefined);
  switch (type) {
    case 'string': {
      const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
      if (format) return format;
      const min = typeof schema.minLength === 'number' ? schema.minLength : 1;
      return 'a'.repeat(Math.max(1, Math.min(min, 64)));
    }
    case 'integer':
    case 'number':
      return number(schema, type === 'integer');
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const item = schema.items === undefined ? 'a' : made(schema.items, depth + 1, resolve);
      const n = Math.max(1, typeof schema.minItems === 'number' ? Math.min(schema.minItems, 8) : 1);
      return item === undefined ? undefined : Array.from({ length: n }, () => item);
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [name, inner] of Object.entries(isObject(schema.properties) ? schema.properties : {}).slice(
        0,
        16,
      )) {
        const value = made(inner, depth + 1, resolve);
        if (value !== undefined) out[name] = value;
      }
      return out;
    }
    default:
      return type === undefined ? 'a' : undefined;
  }
}

function number(schema: JsonSchema, integer: boolean): number {
  const min =
    typeof schema.exclusiveMinimum === 'number'
      ? schema.exclusiveMinimum + 1
      : typeof schema.minimum === 'number'
        ? schema.minimum + (schema.exclusiveMinimum === true ? 1 : 0)
        : 1;
  const step = typeof schema.multipleOf === 'number' && schema.multipleOf > 0 ? schema.multipleOf : 1;
  const value = Math.ceil(min / step) * step;
  return integer ? Math.ceil(value) : value;
}

/** A value made from a raw schema of the document: its examples first, $refs followed (a cycle ends it). */
export function rawSample(doc: OpenApiDocument, raw: unknown): unknown {
  const resolve: Resolve = (node) => {
    try {
      return resolveOpenApiRef(doc, node);
    } catch {
      return undefined;
    }
  };
  return made(raw, 0, resolve);
}

/** The first of the spec's examples and a made value that the schema accepts and the wire can carry. */
export function exampleFor(
  schema: JsonSchema,
  given: unknown,
  carried: (value: unknown) => boolean,
): unknown {
  for (const candidate of [given, made(schema, 0)])
    if (candidate !== undefined && carried(candidate) && valid(schema, candidate)) return candidate;
  return undefined;
}

/** The first example the spec gives for a parameter, schema or media type. */
export function exampleOf(...holders: unknown[]): unknown {
  for (const holder of holders) {
    if (!isObject(holder)) continue;
    if (holder.example !== undefined) return holder.example;
    if (Array.isArray(holder.examples) && holder.examples.length > 0) return holder.examples[0];
    if (isObject(holder.examples)) {
      const first = Object.values(holder.examples)[0];
      if (isObject(first) && first.value !== undefined) return first.value;
    }
  }
  return undefined;
}
