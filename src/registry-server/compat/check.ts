import { isCompatibleJsonChange, jsonSchemaChanges } from '../jsonschema/diff.js';
import type { Node } from '../jsonschema/nodes.js';
import { isCompatibleChange, type ProtoSide, protobufChanges } from '../protobuf/diff.js';
import { type AvroModel, avroCannotRead } from '../schemas/avro.js';
import type { ParsedSchema } from '../schemas/types.js';
import { type CompatibilityLevel, directionsOf } from './levels.js';

/** An old version to check against: its number (for messages) and its parsed schema. */
export interface PriorVersion {
  readonly version: number;
  readonly schema: ParsedSchema;
}

/**
 * Why `candidate` may not follow `prior` (oldest first) at `level`; empty when it may. Backward means the new
 * schema reads data written with the old; forward, the old reads the new; full, both. A non-transitive level
 * looks at the latest version only.
 */
export function compatibilityProblems(
  level: CompatibilityLevel,
  candidate: ParsedSchema,
  prior: readonly PriorVersion[],
): string[] {
  if (level === 'NONE' || prior.length === 0) return [];
  const { backward, forward, transitive } = directionsOf(level);
  const against = transitive ? [...prior].reverse() : prior.slice(-1);
  const problems: string[] = [];
  for (const old of against) {
    if (old.schema.type !== candidate.type) {
      problems.push(
        `Incompatible because of different schema type: version ${old.version} is ${old.schema.type}, the new schema is ${candidate.type}`,
      );
      continue;
    }
    if (backward) {
      const reason = cannotRead(candidate, old.schema);
      if (reason)
        problems.push(
          `The new schema cannot read data written with version ${old.version} (${level}): ${reason}`,
        );
    }
    if (forward) {
      const reason = cannotRead(old.schema, candidate);
      if (reason)
        problems.push(
          `Version ${old.version} cannot read data written with the new schema (${level}): ${reason}`,
        );
    }
  }
  return problems;
}

function cannotRead(reader: ParsedSchema, writer: ParsedSchema): string | undefined {
  switch (reader.type) {
    case 'AVRO':
      return avroCannotRead(reader.model as AvroModel, writer.model as AvroModel);
    case 'JSON': {
      const problems = jsonSchemaChanges(writer.model as Node, reader.model as Node).filter(
        (change) => !isCompatibleJsonChange(change),
      );
      return problems.length > 0 ? problems.join(', ') : undefined;
    }
    case 'PROTOBUF': {
      const problems = protobufChanges(writer.model as ProtoSide, reader.model as ProtoSide).filter(
        (change) => !isCompatibleChange(change),
      );
      return problems.length > 0 ? problems.join(', ') : undefined;
    }
  }
}
