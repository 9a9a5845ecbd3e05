/**
 * A .proto file as written, element by element (the shape of Wire's ProtoFileElement, which Confluent prints):
 * everything a client needs to rebuild the file's descriptor is kept, comments and layout are not.
 */

/** How deep messages, groups and option values may nest in a schema from outside. */
export const MAX_PROTO_NESTING = 64;

export type OptionValue =
  | { readonly kind: 'string'; readonly value: string }
  /** A number as written (`12`, `-0x1f`, `2.5e3`, `inf`, `-nan`). */
  | { readonly kind: 'number'; readonly value: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  /** An enum constant or any other bare identifier. */
  | { readonly kind: 'enum'; readonly value: string }
  /** A text-format message; a key given more than once holds a list. */
  | { readonly kind: 'map'; readonly entries: readonly (readonly [string, OptionValue])[] }
  | { readonly kind: 'list'; readonly items: readonly OptionValue[] };

export interface OptionElement {
  /** As written: `java_package`, `(my.ext)`, `(my.ext).field`. */
  readonly name: string;
  readonly value: OptionValue;
}

export type Label = 'optional' | 'required' | 'repeated';

export interface FieldElement {
  /** Null when none was written (proto3 implicit presence, maps, oneof members). */
  readonly label: Label | null;
  /** As written: `int32`, `Foo`, `.pkg.Foo`, `map<string, Foo>`. */
  readonly type: string;
  readonly name: string;
  readonly number: number;
  readonly defaultValue?: OptionValue;
  readonly jsonName?: string;
  /** Options other than `default` and `json_name`, in the order written. */
  readonly options: readonly OptionElement[];
}

/** A proto2 group: a field and the message type of the same name, declared together. */
export interface GroupElement {
  readonly label: Label | null;
  readonly number: number;
  readonly options: readonly OptionElement[];
  readonly message: MessageElement;
}

export interface OneOfElement {
  readonly name: string;
  readonly options: readonly OptionElement[];
  readonly fields: readonly FieldElement[];
  readonly groups: readonly GroupElement[];
}

/** A range of numbers, both ends included; `max` is the largest number the element allows. */
export interface NumberRange {
  readonly start: number;
  readonly end: number | 'max';
}

export interface ReservedElement {
  readonly values: readonly (number | NumberRange | string)[];
}

export interface ExtensionsElement {
  readonly values: readonly (number | NumberRange)[];
  readonly options: readonly OptionElement[];
}

export interface ExtendElement {
  /** The extended message, as written. */
  readonly name: string;
  readonly fields: readonly FieldElement[];
  readonly groups: readonly GroupElement[];
}

export interface MessageElement {
  readonly kind: 'message';
  readonly name: string;
  readonly options: readonly OptionElement[];
  readonly fields: readonly FieldElement[];
  readonly oneofs: readonly OneOfElement[];
  readonly groups: readonly GroupElement[];
  /** Nested messages and enums, in declaration order. */
  readonly nested: readonly TypeElement[];
  readonly reserved: readonly ReservedElement[];
  readonly extensions: readonly ExtensionsElement[];
  readonly extends: readonly ExtendElement[];
}

export interface EnumConstantElement {
  readonly name: string;
  readonly number: number;
  readonly options: readonly OptionElement[];
}

export interface EnumElement {
  readonly kind: 'enum';
  readonly name: string;
  readonly options: readonly OptionElement[];
  readonly constants: readonly EnumConstantElement[];
  readonly reserved: readonly ReservedElement[];
}

export type TypeElement = MessageElement | EnumElement;

export interface RpcElement {
  readonly name: string;
  readonly requestType: string;
  readonly responseType: string;
  readonly requestStreaming: boolean;
  readonly responseStreaming: boolean;
  readonly options: readonly OptionElement[];
}

export interface ServiceElement {
  readonly name: string;
  readonly options: readonly OptionElement[];
  readonly rpcs: readonly RpcElement[];
}

export interface ProtoFileElement {
  readonly syntax: 'proto2' | 'proto3' | null;
  /** `edition = "2023";` files: the edition, and syntax null. */
  readonly edition: string | null;
  readonly package: string | null;
  readonly imports: readonly string[];
  readonly publicImports: readonly string[];
  readonly weakImports: readonly string[];
  readonly options: readonly OptionElement[];
  /** Top-level messages and enums, in declaration order. */
  readonly types: readonly TypeElement[];
  readonly services: readonly ServiceElement[];
  readonly extends: readonly ExtendElement[];
}

/** The largest field number; `max` in a message's reserved or extension range. */
export const MAX_FIELD_NUMBER = 536_870_911;
/** The largest enum value; `max` in an enum's reserved range. */
export const MAX_ENUM_NUMBER = 2_147_483_647;

export const SCALAR_TYPES: ReadonlySet<string> = new Set([
  'double',
  'float',
  'int64',
  'uint64',
  'int32',
  'fixed64',
  'fixed32',
  'bool',
  'string',
  'bytes',
  'uint32',
  'sfixed32',
  'sfixed64',
  'sint32',
  'sint64',
]);

const MAP_TYPE = /^map<\s*([^,\s]+)\s*,\s*([^>\s]+)\s*>$/;

/** The key and value types of a `map<K, V>` field type, or undefined for any other type. */
export function mapTypes(type: string): [string, string] | undefined {
  const match = MAP_TYPE.exec(type);
  return match ? [match[1] as string, match[2] as string] : undefined;
}

export const emptyMessage = (name: string): MessageElement => ({
  kind: 'message',
  name,
  options: [],
  fields: [],
  oneofs: [],
  groups: [],
  nested: [],
  reserved: [],
  extensions: [],
  extends: [],
});
