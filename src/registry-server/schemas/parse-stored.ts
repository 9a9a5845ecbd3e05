import { invalidSchema } from '../errors.js';
import { parseProtobuf } from '../protobuf/schema.js';
import { parseJsonSchema, parseSchema } from './parse.js';
import type { ParsedSchema, ResolvedReference, StoredSchema } from './types.js';

/**
 * Parses a schema the registry already holds, to compare a new version against it. The checks added since an
 * older release stored schemas apply only to what clients send now: Protobuf's import and type checks, and JSON
 * Schema's refusal of a `$ref` that resolves to nothing. A stored schema that fails them must not make every
 * later registration in its subject fail.
 */
export function parseStoredSchema(
  stored: StoredSchema,
  resolved: readonly ResolvedReference[],
): ParsedSchema {
  if (stored.type === 'JSON')
    return parseJsonSchema(stored.schema, stored.references, resolved, false, false);
  if (stored.type !== 'PROTOBUF') return parseSchema(stored.type, stored.schema, stored.references, resolved);
  try {
    const parsed = parseProtobuf(stored.schema, stored.references, resolved, false, false);
    return { type: stored.type, ...parsed };
  } catch (error) {
    throw invalidSchema(`stored schema ${stored.id} is not a valid .proto file: ${(error as Error).message}`);
  }
}
