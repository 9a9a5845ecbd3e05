import { toDiffModel } from './diff-model.js';
import type { ProtoFile } from './model.js';
import { parseProtoFile } from './parse-file.js';

export { ProtoSyntaxError } from './tokenizer.js';

/** Parses .proto source into the element model Confluent's diff compares. */
export function parseProto(source: string): ProtoFile {
  return toDiffModel(parseProtoFile(source));
}
