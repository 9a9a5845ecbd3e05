import type { Registry, VersionAnswer } from '../registry.js';
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
  const texts: string[] = [];
  for (const reference of references)
    texts.push((await registry.version(reference.subject, String(reference.version), false)).schema);
  return formatSchema(type, schema, references, texts, wanted);
}

/** A subject version's answer with its schema in the requested format. */
export async function formattedAnswer(
  registry: Registry,
  answer: VersionAnswer,
  format: string | undefined,
): Promise<VersionAnswer> {
  const type = answer.schemaType ?? 'AVRO';
  return {
    ...answer,
    schema: await formatted(registry, type, answer.schema, answer.references ?? [], format),
  };
}
