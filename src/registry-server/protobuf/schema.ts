import type { SchemaReference } from '../schemas/types.js';
import type { ProtoFileElement } from './ast.js';
import { fromFileDescriptor, toFileDescriptor } from './descriptor.js';
import { DescriptorError, decodeFileDescriptor, encodeFileDescriptor } from './descriptor-codec.js';
import type { ProtoSide } from './diff.js';
import { toDiffModel } from './diff-model.js';
import { parseProtoFile } from './parse-file.js';
import { printProtoFile } from './printer.js';
import { ProtoScope } from './scope.js';
import { ProtoSyntaxError } from './tokenizer.js';
import { checkSchema } from './validate.js';

export const PROTOBUF_FORMATS = ['default', 'ignore_extensions', 'serialized'] as const;
export type ProtobufFormat = (typeof PROTOBUF_FORMATS)[number];

export interface ParsedProtobuf {
  /** The text stored and compared: the canonical print of the file. */
  readonly canonical: string;
  readonly references: readonly SchemaReference[];
  readonly model: ProtoSide;
}

/**
 * Reads a schema the way Confluent's registry does: as .proto text, or else as a base64 FileDescriptorProto
 * (what Confluent's JavaScript and Go serializers send). A text error is the one reported when neither reads.
 */
export function readProtoSource(source: string): ProtoFileElement {
  try {
    return parseProtoFile(source);
  } catch (textError) {
    if (!(textError instanceof ProtoSyntaxError)) throw textError;
    let file: ProtoFileElement;
    try {
      file = fromFileDescriptor(decodeFileDescriptor(source));
    } catch (error) {
      if (error instanceof DescriptorError && error.message.startsWith('messages nest')) throw error;
      throw textError;
    }
    const empty = file.types.length + file.services.length + file.extends.length === 0 && !file.package;
    if (empty) throw textError;
    return file;
  }
}

function dependenciesOf(references: readonly SchemaReference[], texts: readonly string[]) {
  return new Map(
    references.map((reference, i) => {
      try {
        return [reference.name, parseProtoFile(texts[i] ?? '')] as const;
      } catch (error) {
        throw new ProtoSyntaxError(`reference ${reference.name}: ${(error as Error).message}`);
      }
    }),
  );
}

const byReference = (a: SchemaReference, b: SchemaReference) =>
  a.name.localeCompare(b.name) || a.subject.localeCompare(b.subject) || a.version - b.version;

/**
 * Parses, checks and prints a Protobuf schema for registration or lookup. With `normalize`, Confluent's
 * normalization: types fully qualified, maps as `map<>`, imports, options, fields and constants in a fixed order,
 * references sorted. `strict: false` skips the import and type checks, for schemas already stored: an older
 * release stored some that fail them, and they must still be compared against.
 */
export function parseProtobuf(
  source: string,
  references: readonly SchemaReference[],
  referencedTexts: readonly string[],
  normalize: boolean,
  strict = true,
): ParsedProtobuf {
  const file = readProtoSource(source);
  const dependencies = dependenciesOf(references, referencedTexts);
  const scope = new ProtoScope(file, dependencies);
  if (strict) checkSchema(file, scope, new Set(references.map((r) => r.name)));
  const canonical = printProtoFile(file, { normalize, scope });
  // The model is read back from the stored text, so a schema compares the same now and after a restart.
  const stored = parseProtoFile(canonical);
  const kept = normalize
    ? [...references]
        .sort(byReference)
        .filter((r, i, all) => i === 0 || byReference(r, all[i - 1] as SchemaReference) !== 0)
    : references;
  return {
    canonical,
    references: kept,
    model: {
      file: toDiffModel(stored),
      dependencies: new Map([...dependencies].map(([name, dependency]) => [name, toDiffModel(dependency)])),
      references: kept,
    },
  };
}

/** A stored schema in one of Confluent's Protobuf output formats. */
export function formatProtobuf(
  canonical: string,
  references: readonly SchemaReference[],
  referencedTexts: readonly string[],
  format: ProtobufFormat,
): string {
  if (format === 'default') return canonical;
  const file = parseProtoFile(canonical);
  if (format === 'ignore_extensions') return printProtoFile(file, { ignoreExtensions: true });
  const scope = new ProtoScope(file, dependenciesOf(references, referencedTexts));
  return encodeFileDescriptor(toFileDescriptor(file, scope));
}
