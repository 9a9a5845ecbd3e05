import { badRequest } from '../errors.js';
import { formatProtobuf, PROTOBUF_FORMATS, type ProtobufFormat } from '../protobuf/schema.js';
import { resolveAvroReferences } from './avro-resolved.js';
import type { ResolvedReference, SchemaType } from './types.js';

/**
 * The values Confluent's `format` query parameter takes on reads, per schema type: `resolved` inlines an Avro
 * schema's references; `ignore_extensions` drops a Protobuf schema's custom options and extensions;
 * `serialized` gives a Protobuf schema as a base64 FileDescriptorProto. JSON Schema has none.
 */
export const SCHEMA_FORMATS: Readonly<Record<SchemaType, readonly string[]>> = {
  AVRO: ['default', 'resolved'],
  JSON: ['default'],
  PROTOBUF: PROTOBUF_FORMATS,
};

/** The output format a read asks for, checked against the schema's type; undefined for the stored text. */
export function requestedFormat(type: SchemaType, format: string | undefined): string | undefined {
  if (format === undefined || format.trim() === '') return undefined;
  const wanted = format.trim().toLowerCase();
  const known = SCHEMA_FORMATS[type];
  if (!known.includes(wanted)) {
    throw badRequest(
      `Invalid format "${format}" for a ${type} schema; use one of: ${known.join(', ')}, or leave it out`,
    );
  }
  return wanted === 'default' ? undefined : wanted;
}

/**
 * A stored schema in a format `requestedFormat` accepted, with the schemas it references, directly or through
 * theirs (each after those it references).
 */
export function formatSchema(
  type: SchemaType,
  text: string,
  resolved: readonly ResolvedReference[],
  format: string,
): string {
  if (type === 'PROTOBUF') return formatProtobuf(text, resolved, format as ProtobufFormat);
  if (type === 'AVRO' && format === 'resolved')
    return resolveAvroReferences(
      text,
      resolved.map((r) => r.schema),
    );
  return text;
}
