import { guidOf } from './schema-identity.js';
import type { RuleSet, SchemaMetadata, SchemaReference, SchemaType, StoredSchema } from './schemas/types.js';

/** Confluent's SchemaString (GET /schemas/ids/{id}, /schemas/guids/{guid}): fields that are empty are left out. */
export interface SchemaAnswer {
  readonly schemaType?: SchemaType;
  readonly schema: string;
  readonly references?: readonly SchemaReference[];
  readonly metadata?: SchemaMetadata;
  readonly ruleSet?: RuleSet;
  readonly guid: string;
}

/** Confluent's Schema entity, for a subject version. */
export interface VersionAnswer {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
  readonly guid: string;
  readonly schemaType?: SchemaType;
  readonly schema: string;
  readonly references?: readonly SchemaReference[];
  readonly metadata?: SchemaMetadata;
  readonly ruleSet?: RuleSet;
}

export function schemaAnswer(schema: StoredSchema): SchemaAnswer {
  return {
    // Confluent leaves Avro, the default type, out.
    ...(schema.type !== 'AVRO' ? { schemaType: schema.type } : {}),
    schema: schema.schema,
    ...(schema.references.length > 0 ? { references: schema.references } : {}),
    ...(schema.metadata ? { metadata: schema.metadata } : {}),
    ...(schema.ruleSet ? { ruleSet: schema.ruleSet } : {}),
    guid: guidOf(schema.fingerprint),
  };
}

export function versionAnswer(subject: string, version: number, schema: StoredSchema): VersionAnswer {
  return { subject, version, id: schema.id, ...schemaAnswer(schema) };
}

/** Confluent 8's RegisterSchemaResponse: the Schema entity without the subject. */
export function registerAnswer(answer: VersionAnswer): Omit<VersionAnswer, 'subject'> {
  const { subject: _, ...rest } = answer;
  return rest;
}
