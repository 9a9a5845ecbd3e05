import protobuf from 'protobufjs';
import { invalidSchema } from '../errors.js';
import { parseAvro } from './avro.js';
import type { ParsedSchema, SchemaReference, SchemaType } from './types.js';

/** Parses a schema of any supported type, with the texts of the schemas its references name. */
export function parseSchema(
  type: SchemaType,
  text: string,
  references: readonly SchemaReference[],
  referencedTexts: readonly string[],
  normalize = false,
): ParsedSchema {
  switch (type) {
    case 'AVRO': {
      const { canonical, model } = parseAvro(text, referencedTexts, normalize);
      return { type, canonical, references, model };
    }
    case 'JSON': {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        throw invalidSchema(`not JSON: ${(error as Error).message}`);
      }
      if (typeof json !== 'boolean' && (typeof json !== 'object' || json === null || Array.isArray(json))) {
        throw invalidSchema('a JSON Schema is an object or a boolean');
      }
      return { type, canonical: JSON.stringify(normalize ? sortKeys(json) : json), references, model: json };
    }
    case 'PROTOBUF': {
      const canonical = text.trim();
      try {
        // Imports name other registered schemas (references); they are resolved by name, not read from disk.
        const parsed = protobuf.parse(canonical, { keepCase: true, alternateCommentMode: true });
        return { type, canonical, references, model: parsed };
      } catch (error) {
        throw invalidSchema(`not a valid .proto file: ${(error as Error).message}`);
      }
    }
  }
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
