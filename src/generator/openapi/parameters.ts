import { type OpenApiDocument, openApiSchema, resolveOpenApiRef } from '../../toolkit/openapi.js';
import { isObject, type JsonSchema } from './json.js';
import { argumentName } from './names.js';
import { exampleOf, rawSample } from './samples.js';
import { HEADER_TOKEN, RESERVED_HEADERS } from './security.js';

export interface ApiParameter {
  /** The name on the wire (user text: data only). */
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  /** The tool argument that carries it: a plain identifier. */
  readonly arg: string;
  readonly required: boolean;
  readonly schema: JsonSchema;
  /** What the model reads about it (user text: data only). */
  readonly description: string;
  /** An example from the spec, if it gives one. */
  readonly example?: unknown;
}

const PRIMITIVES = new Set(['string', 'number', 'integer', 'boolean']);

/** `string`, `['integer', 'null']`… → the one primitive type it allows, else undefined. */
export function primitiveType(schema: JsonSchema): string | undefined {
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter((t) => t !== 'null');
  const [only] = types;
  return types.length === 1 && typeof only === 'string' && PRIMITIVES.has(only) ? only : undefined;
}

/** A parameter the generator can carry, or why not (`optional`: the operation works without it). */
export type ParameterVerdict =
  | { readonly parameter: Omit<ApiParameter, 'arg'> }
  | { readonly unsupported: string; readonly optional: boolean; readonly key: string };

/**
 * One parameter: path, query and header parameters with a primitive schema (query: also an array of them, sent
 * repeated, the default `form` style). Cookies, `content` encodings, objects and other styles are refused, so
 * nothing is sent in a shape the API did not declare.
 */
export function readParameter(doc: OpenApiDocument, raw: unknown): ParameterVerdict {
  const p = resolveOpenApiRef(doc, raw);
  if (!isObject(p) || typeof p.name !== 'string' || p.name === '')
    return { unsupported: 'a parameter without a name', optional: false, key: '?' };
  const location = p.in;
  const key = `${String(location)}:${p.name}`;
  const optional = location !== 'path' && p.required !== true;
  const named = `${String(location)} parameter ${JSON.stringify(p.name)}`;
  const refuse = (why: string): ParameterVerdict => ({ unsupported: `${named}: ${why}`, optional, key });
  if (location === 'cookie') return refuse('cookies are not supported');
  if (location !== 'path' && location !== 'query' && location !== 'header')
    return refuse('an unknown location');
  if (p.content !== undefined) return refuse('a "content" encoding is not supported');
  if (location === 'header' && (!HEADER_TOKEN.test(p.name) || RESERVED_HEADERS.has(p.name.toLowerCase())))
    return refuse('not a header an argument may set');
  const schema = openApiSchema(doc, p.schema ?? { type: 'string' });
  const style = p.style ?? (location === 'query' ? 'form' : 'simple');
  const explode = p.explode ?? style === 'form';
  if (primitiveType(schema) === undefined) {
    const items = isObject(schema.items) ? schema.items : {};
    const arrayOfPrimitives = schema.type === 'array' && primitiveType(items) !== undefined;
    if (!(location === 'query' && arrayOfPrimitives))
      return refuse(
        'only a string, number, integer or boolean is supported here (or, in a query, an array of them)',
      );
    if (style !== 'form' || explode !== true)
      return refuse(`style ${String(style)} is not supported for an array`);
  } else if (style !== (location === 'query' ? 'form' : 'simple')) {
    return refuse(`style ${String(style)} is not supported`);
  }
  const where = `(${location} parameter "${p.name}")`;
  const description = typeof p.description === 'string' && p.description.trim() !== '' ? p.description : '';
  const example = exampleOf(p) ?? rawSample(doc, p.schema);
  return {
    parameter: {
      name: p.name,
      in: location,
      required: location === 'path' || p.required === true,
      schema,
      description: description ? `${description} ${where}` : where,
      ...(example !== undefined ? { example } : {}),
    },
  };
}

/**
 * Argument names for an operation's parameters: each parameter's own name when it is a plain identifier, its
 * snake_case form otherwise, `<in>_<name>` when two would collide (or with `body`). A collision left after that
 * is a problem to report.
 */
export function assignArguments(
  parameters: readonly Omit<ApiParameter, 'arg'>[],
  hasBody: boolean,
): { parameters: ApiParameter[] } | { problem: string } {
  const first = parameters.map((p) => argumentName(p.name));
  const named = parameters.map((p, i) => {
    const arg = first[i] as string;
    const clash = first.filter((a) => a === arg).length > 1 || (hasBody && arg === 'body');
    return { ...p, arg: clash ? argumentName(`${p.in}_${p.name}`) : arg };
  });
  const taken = new Set<string>(hasBody ? ['body'] : []);
  for (const p of named) {
    if (taken.has(p.arg))
      return { problem: `two parameters would both be the argument "${p.arg}"; rename one in the spec` };
    taken.add(p.arg);
  }
  return { parameters: named };
}
