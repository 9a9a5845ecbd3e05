/**
 * google.protobuf.FileDescriptorProto and its parts as plain objects (protobufjs's `toObject` shape: camelCase
 * keys, enums by name, absent fields left out).
 */

export type OptionsObject = Record<string, unknown>;

export interface FieldProto {
  name?: string;
  number?: number;
  label?: string;
  type?: string;
  typeName?: string;
  extendee?: string;
  defaultValue?: string;
  oneofIndex?: number;
  jsonName?: string;
  options?: OptionsObject;
  proto3Optional?: boolean;
}

export interface RangeProto {
  start?: number;
  end?: number;
  options?: OptionsObject;
}

export interface MessageProto {
  name?: string;
  field?: FieldProto[];
  extension?: FieldProto[];
  nestedType?: MessageProto[];
  enumType?: EnumProto[];
  extensionRange?: RangeProto[];
  oneofDecl?: { name?: string; options?: OptionsObject }[];
  options?: OptionsObject;
  reservedRange?: RangeProto[];
  reservedName?: string[];
}

export interface EnumProto {
  name?: string;
  value?: { name?: string; number?: number; options?: OptionsObject }[];
  options?: OptionsObject;
  reservedRange?: RangeProto[];
  reservedName?: string[];
}

export interface MethodProto {
  name?: string;
  inputType?: string;
  outputType?: string;
  options?: OptionsObject;
  clientStreaming?: boolean;
  serverStreaming?: boolean;
}

export interface ServiceProto {
  name?: string;
  method?: MethodProto[];
  options?: OptionsObject;
}

export interface FileProto {
  name?: string;
  package?: string;
  dependency?: string[];
  publicDependency?: number[];
  weakDependency?: number[];
  messageType?: MessageProto[];
  enumType?: EnumProto[];
  service?: ServiceProto[];
  extension?: FieldProto[];
  options?: OptionsObject;
  syntax?: string;
  edition?: string;
}
