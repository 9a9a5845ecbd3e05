import type { Registry } from '../registry.js';
import { formatSchema, requestedFormat } from '../schemas/format.js';
import type { SchemaReference, SchemaType } from '../schemas/types.js';

/** A schema's text in the `format` a read asks for (Confluent's query parameter); the stored text by default. */
export async function formatted(
  registry: Registry,
  type: SchemaType,
  schema: string,
  references: readonly SchemaReference[],
  format: string | undefined,
): Promise<string> {
  const wanted = requestedFormat(type, format);
  if (wanted === undefined) return schema;
  return formatSchema(type, schema, await registry.referencedSchemas(references), wanted);
}

interface SchemaText {
  readonly schemaType?: SchemaType;
  readonly schema: string;
  readonly references?: readonly SchemaReference[];
}

/** An answer that carries a schema (SchemaString or Schema entity), with the schema in the requested format. */
export async function formattedAnswer<T extends SchemaText>(
  registry: Registry,
  answer: T,
  format: string | undefined,
): Promise<T> {
  const type = answer.schemaType ?? 'AVRO';
  return {
    ...answer,
    schema: await formatted(registry, type, answer.schema, answer.references ?? [], format),
  };
}
