import avro from 'avsc';
import { invalidSchema } from '../errors.js';
import { firstIncompatibility } from './avro-resolution.js';

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
  const problem = firstIncompatibility(reader.type, writer.type);
  return problem ? `${problem.type} at ${problem.location}: ${problem.message}` : undefined;
}
