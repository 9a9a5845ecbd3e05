import { invalidSchema } from '../errors.js';
import { loadSchema } from '../jsonschema/loader.js';
import { DescriptorError } from '../protobuf/descriptor-codec.js';
import { parseProtobuf } from '../protobuf/schema.js';
import { ProtoSchemaError } from '../protobuf/scope.js';
import { ProtoSyntaxError } from '../protobuf/tokenizer.js';
import { parseAvro } from './avro.js';
import type { ParsedSchema, ResolvedReference, SchemaReference, SchemaType } from './types.js';

/**
 * Parses a schema of any supported type, with the schemas its references name, directly or through theirs
 * (`resolved`, each after those it references).
 */
export function parseSchema(
  type: SchemaType,
  text: string,
  references: readonly SchemaReference[],
  resolved: readonly ResolvedReference[],
  normalize = false,
): ParsedSchema {
  switch (type) {
    case 'AVRO': {
      const { canonical, model } = parseAvro(
        text,
        resolved.map((r) => r.schema),
        normalize,
      );
      return { type, canonical, references, model };
    }
    case 'JSON':
      return parseJsonSchema(text, references, resolved, normalize);
    case 'PROTOBUF': {
      try {
        const parsed = parseProtobuf(text, references, resolved, normalize);
        return { type, ...parsed };
      } catch (error) {
        if (error instanceof ProtoSyntaxError)
          throw invalidSchema(`not a valid .proto file: ${error.message}`);
        if (error instanceof ProtoSchemaError || error instanceof DescriptorError)
          throw invalidSchema(error.message);
        throw invalidSchema(`not a valid .proto file: ${(error as Error).message}`);
      }
    }
  }
}

/**
 * A JSON Schema, each referenced schema loaded as a document under its reference's name. `strict: false` lets
 * `$ref`s that resolve to nothing stand, for schemas already stored (see parse-stored.ts).
 */
export function parseJsonSchema(
  text: string,
  references: readonly SchemaReference[],
  resolved: readonly ResolvedReference[],
  normalize: boolean,
  strict = true,
): ParsedSchema {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalidSchema(`not JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'boolean' && (typeof json !== 'object' || json === null || Array.isArray(json))) {
    throw invalidSchema('a JSON Schema is an object or a boolean');
  }
  const externals = new Map<string, unknown>();
  for (const reference of resolved) {
    try {
      externals.set(reference.name, JSON.parse(reference.schema));
    } catch {
      throw invalidSchema(`reference ${reference.name} is not a JSON Schema`);
    }
  }
  // The loader bounds the depth first: sortKeys and JSON.stringify recurse on the document.
  const model = loadSchema(json, externals, strict);
  return { type: 'JSON', canonical: JSON.stringify(normalize ? sortKeys(json) : json), references, model };
}

/** `normalize=true` for JSON Schema: keys sorted at every level (array order is meaningful and kept). */
function sortKeys(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(sortKeys);
  if (json === null || typeof json !== 'object') return json;
  return Object.fromEntries(
    Object.keys(json as Record<string, unknown>)
      .sort()
      .map((key) => [key, sortKeys((json as Record<string, unknown>)[key])]),
  );
}
