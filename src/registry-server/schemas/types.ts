export const SCHEMA_TYPES = ['AVRO', 'JSON', 'PROTOBUF'] as const;
export type SchemaType = (typeof SCHEMA_TYPES)[number];

/** A named reference to a schema registered under another subject (Confluent's `references`). */
export interface SchemaReference {
  readonly name: string;
  readonly subject: string;
  readonly version: number;
}

/**
 * A schema a reference names, directly or through the references of the schemas it names: the reference as
 * written and the referenced schema's text.
 */
export interface ResolvedReference extends SchemaReference {
  readonly schema: string;
}

/** Confluent's user metadata on a schema (data contracts): tags per path, properties, sensitive names. */
export interface SchemaMetadata {
  readonly tags?: Readonly<Record<string, readonly string[]>>;
  readonly properties?: Readonly<Record<string, string>>;
  readonly sensitive?: readonly string[];
}

/** Confluent's data-contract rules; kept and returned as given, never run by the registry. */
export interface RuleSet {
  readonly migrationRules?: readonly Readonly<Record<string, unknown>>[];
  readonly domainRules?: readonly Readonly<Record<string, unknown>>[];
  readonly encodingRules?: readonly Readonly<Record<string, unknown>>[];
  readonly enableAt?: string;
}

/** A schema as the registry keeps it: the text it answers with and what identifies it. */
export interface StoredSchema {
  readonly id: number;
  readonly type: SchemaType;
  readonly schema: string;
  readonly references: readonly SchemaReference[];
  readonly metadata?: SchemaMetadata;
  readonly ruleSet?: RuleSet;
  /** Identifies equal content (type, text, references, metadata, rules); several ids may share one. */
  readonly fingerprint: string;
}

/** A schema parsed for comparison: its canonical text, and whatever its type's compatibility check needs. */
export interface ParsedSchema {
  readonly type: SchemaType;
  /** The text stored and returned: compact JSON for Avro and JSON Schema, the canonical print for Protobuf. */
  readonly canonical: string;
  readonly references: readonly SchemaReference[];
  readonly model: unknown;
}
