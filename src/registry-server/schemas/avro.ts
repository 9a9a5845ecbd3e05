import avro from 'avsc';
import { invalidSchema } from '../errors.js';

export interface AvroModel {
  readonly type: avro.Type;
}

/**
 * Parses an Avro schema, with the named types of its references registered first (a reference's `name` is the
 * full name the schema uses). The canonical text is the schema's own JSON, compacted, so a re-registration of
 * the same schema with other whitespace finds the same id.
 */
export function parseAvro(
  text: string,
  referenced: readonly string[],
): { canonical: string; model: AvroModel } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalidSchema(`not JSON: ${(error as Error).message}`);
  }
  const registry = {};
  try {
    for (const reference of referenced)
      avro.Type.forSchema(JSON.parse(reference), { registry, wrapUnions: true });
    const type = avro.Type.forSchema(json as avro.Schema, { registry, wrapUnions: true });
    return { canonical: JSON.stringify(json), model: { type } };
  } catch (error) {
    throw invalidSchema((error as Error).message);
  }
}

/** Why a reader cannot read what a writer wrote, by Avro's schema resolution rules; undefined when it can. */
export function avroCannotRead(reader: AvroModel, writer: AvroModel): string | undefined {
  try {
    // Java Avro, which Confluent uses, matches named types by their simple name; so does ignoreNamespaces.
    reader.type.createResolver(writer.type, { ignoreNamespaces: true });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
