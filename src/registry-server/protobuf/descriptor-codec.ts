import type protobuf from 'protobufjs';
import { MAX_PROTO_NESTING } from './ast.js';
import type { FileProto } from './descriptor-types.js';
import { descriptorNamespace, protobufjs } from './protobufjs.js';

/** Confluent's meta options (confluent/meta.proto), so `(confluent.field_meta)` tags survive the binary form. */
const CONFLUENT_META = `
syntax = "proto3";
package confluent;
message Meta { string doc = 1; map<string, string> params = 2; repeated string tags = 3; }
extend google.protobuf.FileOptions { Meta file_meta = 1088; }
extend google.protobuf.MessageOptions { Meta message_meta = 1088; }
extend google.protobuf.FieldOptions { Meta field_meta = 1088; }
extend google.protobuf.EnumOptions { Meta enum_meta = 1088; }
extend google.protobuf.EnumValueOptions { Meta enum_value_meta = 1088; }
`;

let descriptorRoot: protobuf.Root | undefined;
/** descriptor.proto with Confluent's meta options, built with the first descriptor read or written. */
function root(): protobuf.Root {
  if (descriptorRoot) return descriptorRoot;
  const { Root, parse } = protobufjs();
  // A copy: the descriptor namespace protobufjs exports is shared with everything else that loads it.
  const copy = Root.fromJSON(descriptorNamespace().root.toJSON());
  parse(CONFLUENT_META, copy, { keepCase: false });
  copy.resolveAll();
  descriptorRoot = copy;
  return copy;
}

const fileDescriptorType = (): protobuf.Type => root().lookupType('google.protobuf.FileDescriptorProto');

export type OptionsTypeName =
  | 'FileOptions'
  | 'MessageOptions'
  | 'FieldOptions'
  | 'OneofOptions'
  | 'EnumOptions'
  | 'EnumValueOptions'
  | 'ServiceOptions'
  | 'MethodOptions'
  | 'ExtensionRangeOptions';

export const optionsType = (name: OptionsTypeName): protobuf.Type =>
  root().lookupType(`google.protobuf.${name}`);

/** The key under which an options object holds one of Confluent's meta options. */
export const metaKey = (name: string) => `.confluent.${name}`;

export class DescriptorError extends Error {
  override readonly name = 'DescriptorError';
}

/**
 * Decodes a base64 FileDescriptorProto, after checking without recursion that its messages do not nest deeper
 * than a parsed .proto file may.
 */
export function decodeFileDescriptor(base64: string): FileProto {
  const compact = base64.replace(/\s+/g, '');
  if (compact === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 === 1)
    throw new DescriptorError('not base64');
  const bytes = Buffer.from(compact, 'base64');
  checkNesting(bytes);
  let message: protobuf.Message;
  try {
    message = fileDescriptorType().decode(bytes);
  } catch (error) {
    throw new DescriptorError(`not a FileDescriptorProto: ${(error as Error).message}`);
  }
  return fileDescriptorType().toObject(message, { enums: String, longs: String, bytes: String }) as FileProto;
}

export function encodeFileDescriptor(file: FileProto): string {
  const type = fileDescriptorType();
  return Buffer.from(type.encode(type.fromObject(file)).finish()).toString('base64');
}

/** Walks FileDescriptorProto.message_type (4) and DescriptorProto.nested_type (3) with an explicit stack. */
function checkNesting(bytes: Uint8Array): void {
  const stack: { start: number; end: number; depth: number }[] = [{ start: 0, end: bytes.length, depth: 0 }];
  for (let frame = stack.pop(); frame; frame = stack.pop()) {
    let at = frame.start;
    const varint = (): number => {
      let value = 0;
      for (let shift = 0; shift < 64; shift += 7) {
        if (at >= frame.end) throw new DescriptorError('not a FileDescriptorProto: truncated');
        const byte = bytes[at++] as number;
        if (shift < 49) value += (byte & 0x7f) * 2 ** shift;
        if ((byte & 0x80) === 0) return value;
      }
      throw new DescriptorError('not a FileDescriptorProto: bad varint');
    };
    while (at < frame.end) {
      const tag = varint();
      const wireType = tag % 8;
      const field = Math.floor(tag / 8);
      if (wireType === 0) varint();
      else if (wireType === 1) at += 8;
      else if (wireType === 5) at += 4;
      else if (wireType === 2) {
        const length = varint();
        if (at + length > frame.end) throw new DescriptorError('not a FileDescriptorProto: truncated');
        const nestedMessage = frame.depth === 0 ? field === 4 : field === 3;
        if (nestedMessage) {
          if (frame.depth + 1 > MAX_PROTO_NESTING)
            throw new DescriptorError(`messages nest deeper than ${MAX_PROTO_NESTING} levels`);
          stack.push({ start: at, end: at + length, depth: frame.depth + 1 });
        }
        at += length;
      } else throw new DescriptorError(`not a FileDescriptorProto: wire type ${wireType}`);
      if (at > frame.end) throw new DescriptorError('not a FileDescriptorProto: truncated');
    }
  }
}
