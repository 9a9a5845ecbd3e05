import type { ResolvedReference, SchemaReference } from '../schemas/types.js';
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

/**
 * The referenced files whose types `file` can name, by import path, as protoc decides: the files it imports, and
 * the files those import publicly, and theirs in turn. Each is parsed once, when first reached.
 */
function visibleFiles(file: ProtoFileElement, resolved: readonly ResolvedReference[]) {
  const texts = new Map(resolved.map((r) => [r.name, r.schema]));
  const visible = new Map<string, ProtoFileElement>();
  const pending = [...file.imports, ...file.publicImports, ...file.weakImports];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    const text = texts.get(path);
    if (text === undefined || visible.has(path)) continue;
    let dependency: ProtoFileElement;
    try {
      dependency = parseProtoFile(text);
    } catch (error) {
      throw new ProtoSyntaxError(`reference ${path}: ${(error as Error).message}`);
    }
    visible.set(path, dependency);
    pending.push(...dependency.publicImports);
  }
  return visible;
}

const byReference = (a: SchemaReference, b: SchemaReference) =>
  a.name.localeCompare(b.name) || a.subject.localeCompare(b.subject) || a.version - b.version;

/**
 * Parses, checks and prints a Protobuf schema for registration or lookup, with the schemas its references name,
 * directly or through theirs (`resolved`). An import names one of those, or a file the registry knows.
 * With `normalize`, Confluent's normalization: types fully qualified, maps as `map<>`, imports, options, fields and
 * constants in a fixed order, references sorted. `strict: false` skips the import and type checks, for schemas
 * already stored: an older release stored some that fail them, and they must still be compared against.
 */
export function parseProtobuf(
  source: string,
  references: readonly SchemaReference[],
  resolved: readonly ResolvedReference[],
  normalize: boolean,
  strict = true,
): ParsedProtobuf {
  const file = readProtoSource(source);
  const dependencies = visibleFiles(file, resolved);
  const scope = new ProtoScope(file, dependencies);
  if (strict) checkSchema(file, scope, new Set(resolved.map((r) => r.name)));
  const canonical = printProtoFile(file, { normalize, scope });
  // The model is read back from the stored text, so a schema compares the same now and after a restart.
  const stored = parseProtoFile(canonical);
  const kept = normalize
    ? [...references]
        .sort(byReference)
        .filter((r, i, all) => i === 0 || byReference(r, all[i - 1] as SchemaReference) !== 0)
    : references;
  const origins = resolved.map(({ name, subject, version }) => ({ name, subject, version }));
  return {
    canonical,
    references: kept,
    model: {
      file: toDiffModel(stored),
      dependencies: new Map([...dependencies].map(([name, dependency]) => [name, toDiffModel(dependency)])),
      // Where each imported file is registered; where a name repeats, the schema's own reference wins (the last).
      references: [...origins, ...kept],
    },
  };
}

/** A stored schema in one of Confluent's Protobuf output formats. */
export function formatProtobuf(
  canonical: string,
  resolved: readonly ResolvedReference[],
  format: ProtobufFormat,
): string {
  if (format === 'default') return canonical;
  const file = parseProtoFile(canonical);
  if (format === 'ignore_extensions') return printProtoFile(file, { ignoreExtensions: true });
  const scope = new ProtoScope(file, visibleFiles(file, resolved));
  return encodeFileDescriptor(toFileDescriptor(file, scope));
}
