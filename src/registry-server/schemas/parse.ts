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
): ParsedSchema {
  switch (type) {
    case 'AVRO': {
      const { canonical, model } = parseAvro(text, referencedTexts);
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
      return { type, canonical: JSON.stringify(json), references, model: json };
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
