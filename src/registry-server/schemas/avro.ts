import { createRequire } from 'node:module';
import type avro from 'avsc';
import { invalidSchema } from '../errors.js';
import { firstIncompatibility } from './avro-resolution.js';

let library: typeof avro | undefined;
/** avsc, loaded with the first Avro schema rather than when the registry starts; synchronous, as parsing is. */
function avsc(): typeof avro {
  library ??= createRequire(import.meta.url)('avsc') as typeof avro;
  return library;
}

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
  normalize = false,
): { canonical: string; model: AvroModel } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalidSchema(`not JSON: ${(error as Error).message}`);
  }
  // No prototype: in a plain {} avsc would find "constructor" or "toString" and take Object's members for types.
  const { Type } = avsc();
  const registry: Record<string, avro.Type> = Object.create(null);
  try {
    for (const reference of referenced) Type.forSchema(JSON.parse(reference), { registry, wrapUnions: true });
    const type = Type.forSchema(json as avro.Schema, { registry, wrapUnions: true });
    return { canonical: JSON.stringify(normalize ? normalizeAvro(json) : json), model: { type } };
  } catch (error) {
    throw invalidSchema((error as Error).message);
  }
}

/** Why a reader cannot read what a writer wrote, by Avro's schema resolution rules; undefined when it can. */
export function avroCannotRead(reader: AvroModel, writer: AvroModel): string | undefined {
  const problem = firstIncompatibility(reader.type, writer.type);
  return problem ? `${problem.type} at ${problem.location}: ${problem.message}` : undefined;
}

const AVRO_KEY_ORDER = [
  'type',
  'name',
  'namespace',
  'doc',
  'aliases',
  'fields',
  'symbols',
  'items',
  'values',
  'size',
  'default',
  'order',
  'logicalType',
  'precision',
  'scale',
];

/** `normalize=true`: attributes in one fixed order at every level, so key order no longer tells schemas apart. */
export function normalizeAvro(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(normalizeAvro);
  if (json === null || typeof json !== 'object') return json;
  const entries = Object.entries(json as Record<string, unknown>);
  const rank = (key: string) => {
    const i = AVRO_KEY_ORDER.indexOf(key);
    return i === -1 ? AVRO_KEY_ORDER.length : i;
  };
  entries.sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(
    entries.map(([key, value]) => [key, key === 'default' ? value : normalizeAvro(value)]),
  );
}
