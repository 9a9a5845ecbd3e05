import { invalidSchema } from '../errors.js';
import { parseProtobuf } from '../protobuf/schema.js';
import { parseSchema } from './parse.js';
import type { ParsedSchema, ResolvedReference, StoredSchema } from './types.js';

/**
 * Parses a schema the registry already holds, to compare a new version against it. Protobuf's import and type
 * checks apply only to what clients send now: an older release stored schemas without them, and one that fails
 * them must not make every later registration in its subject fail.
 */
export function parseStoredSchema(
  stored: StoredSchema,
  resolved: readonly ResolvedReference[],
): ParsedSchema {
  if (stored.type !== 'PROTOBUF') {
    return parseSchema(stored.type, stored.schema, stored.references, resolved);
  }
  try {
    const parsed = parseProtobuf(stored.schema, stored.references, resolved, false, false);
    return { type: stored.type, ...parsed };
  } catch (error) {
    throw invalidSchema(`stored schema ${stored.id} is not a valid .proto file: ${(error as Error).message}`);
  }
}
