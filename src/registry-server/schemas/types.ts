export const SCHEMA_TYPES = ['AVRO', 'JSON', 'PROTOBUF'] as const;
export type SchemaType = (typeof SCHEMA_TYPES)[number];

/** A named reference to a schema registered under another subject (Confluent's `references`). */
export interface SchemaReference {
  readonly name: string;
  readonly subject: string;
  readonly version: number;
}

/** A schema as the registry keeps it: the text it answers with and what identifies it. */
export interface StoredSchema {
  readonly id: number;
  readonly type: SchemaType;
  readonly schema: string;
  readonly references: readonly SchemaReference[];
}

/** A schema parsed for comparison: its canonical text, and whatever its type's compatibility check needs. */
export interface ParsedSchema {
  readonly type: SchemaType;
  /** The text stored and returned: compact JSON for Avro and JSON Schema, trimmed source for Protobuf. */
  readonly canonical: string;
  readonly references: readonly SchemaReference[];
  readonly model: unknown;
}
