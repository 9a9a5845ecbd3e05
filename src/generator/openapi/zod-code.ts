import type { JsonSchema } from './json.js';
import { isCodeKey } from './names.js';

/**
 * zod code for a JSON Schema (as `openApiSchema` makes it). The code holds only structure, numbers and plain
 * identifiers; every string from the spec (descriptions, patterns, enum values) is read at run time from `ref`, an
 * expression for the same schema in `src/api.json`. A schema with anything this does not write out exactly
 * (combinators, unusual keywords, keys that are not identifiers) becomes `zodFromJsonSchema(ref)`: the toolkit
 * builds it from the data, so nothing is dropped or loosened.
 */
export function zodCode(schema: JsonSchema, ref: string, indent = ''): string {
  return written(schema, ref, 0, indent) ?? `zodFromJsonSchema(${ref})`;
}

const MAX_DEPTH = 6;
const ANNOTATIONS = new Set(['description', 'default', 'format']);
const ALLOWED: Record<string, readonly string[]> = {
  string: ['minLength', 'maxLength', 'pattern', 'enum'],
  integer: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'],
  number: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'],
  boolean: [],
  null: [],
  array: ['items', 'minItems', 'maxItems'],
  object: ['properties', 'required', 'additionalProperties'],
};

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const count = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

function written(node: JsonSchema, ref: string, depth: number, indent: string): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const types = Array.isArray(node.type) ? node.type : node.type === undefined ? [] : [node.type];
  const nullable = types.length === 2 && types.includes('null');
  const nonNull = types.filter((t) => t !== 'null' || types.length === 1);
  const keys = Object.keys(node).filter((k) => k !== 'type' && !ANNOTATIONS.has(k));
  let code: string | undefined;
  if (types.length === 0) code = keys.length === 0 ? 'z.unknown()' : undefined;
  else if (nonNull.length !== 1 || typeof nonNull[0] !== 'string') code = undefined;
  else {
    const type = nonNull[0];
    const allowed = ALLOWED[type];
    if (!allowed || keys.some((k) => !allowed.includes(k))) return undefined;
    code = base(type, node, ref, depth, indent);
  }
  if (code === undefined) return undefined;
  if (nullable) code += '.nullable()';
  if (typeof node.description === 'string') code += `.describe(${ref}.description)`;
  return code;
}

function base(
  type: string,
  node: JsonSchema,
  ref: string,
  depth: number,
  indent: string,
): string | undefined {
  switch (type) {
    case 'string':
      return stringCode(node, ref);
    case 'integer':
    case 'number':
      return numberCode(type, node);
    case 'boolean':
      return 'z.boolean()';
    case 'null':
      return 'z.null()';
    case 'array':
      return arrayCode(node, ref, depth, indent);
    case 'object':
      return objectCode(node, ref, depth, indent);
    default:
      return undefined;
  }
}

function stringCode(node: JsonSchema, ref: string): string | undefined {
  if (node.enum !== undefined) {
    const values = node.enum;
    if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string'))
      return undefined;
    if (Object.keys(node).some((k) => k === 'minLength' || k === 'maxLength' || k === 'pattern'))
      return undefined;
    return `z.enum(${ref}.enum)`;
  }
  let code = 'z.string()';
  if (node.minLength !== undefined) {
    if (!count(node.minLength)) return undefined;
    code += `.min(${node.minLength})`;
  }
  if (node.maxLength !== undefined) {
    if (!count(node.maxLength)) return undefined;
    code += `.max(${node.maxLength})`;
  }
  if (node.pattern !== undefined) {
    if (typeof node.pattern !== 'string' || !compiles(node.pattern)) return undefined;
    code += `.regex(new RegExp(${ref}.pattern))`;
  }
  return code;
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

function numberCode(type: string, node: JsonSchema): string | undefined {
  let code = type === 'integer' ? 'z.number().int()' : 'z.number()';
  const bounds: [string, string][] = [
    ['minimum', 'min'],
    ['maximum', 'max'],
    ['exclusiveMinimum', 'gt'],
    ['exclusiveMaximum', 'lt'],
    ['multipleOf', 'multipleOf'],
  ];
  for (const [keyword, method] of bounds) {
    const value = node[keyword];
    if (value === undefined) continue;
    if (!finite(value) || (keyword === 'multipleOf' && value <= 0)) return undefined;
    code += `.${method}(${JSON.stringify(value)})`;
  }
  return code;
}

function arrayCode(node: JsonSchema, ref: string, depth: number, indent: string): string | undefined {
  const items =
    node.items === undefined
      ? 'z.unknown()'
      : typeof node.items === 'object' && node.items !== null && !Array.isArray(node.items)
        ? written(node.items as JsonSchema, `${ref}.items`, depth + 1, indent)
        : undefined;
  if (items === undefined) return undefined;
  let code = `z.array(${items})`;
  for (const [keyword, method] of [
    ['minItems', 'min'],
    ['maxItems', 'max'],
  ] as const) {
    const value = node[keyword];
    if (value === undefined) continue;
    if (!count(value)) return undefined;
    code += `.${method}(${value})`;
  }
  return code;
}

/** An object with one property per line, indented below `indent`. */
function objectCode(node: JsonSchema, ref: string, depth: number, indent: string): string | undefined {
  const properties = node.properties ?? {};
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) return undefined;
  const required = node.required ?? [];
  if (!Array.isArray(required)) return undefined;
  const names = Object.keys(properties);
  if (!names.every(isCodeKey) || !required.every((r) => typeof r === 'string' && names.includes(r)))
    return undefined;
  const extra = node.additionalProperties;
  if (extra !== undefined && typeof extra !== 'boolean') return undefined;
  const fields: string[] = [];
  for (const name of names) {
    const schema = (properties as Record<string, JsonSchema>)[name] ?? {};
    const inner = written(schema, `${ref}.properties.${name}`, depth + 1, `${indent}  `);
    if (inner === undefined) return undefined;
    fields.push(`${indent}  ${name}: ${inner}${required.includes(name) ? '' : '.optional()'},`);
  }
  const maker = extra === false ? 'z.strictObject' : 'z.looseObject';
  return fields.length === 0 ? `${maker}({})` : `${maker}({\n${fields.join('\n')}\n${indent}})`;
}
