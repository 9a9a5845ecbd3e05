/** A .proto file as Confluent's diff sees it: labels and type names exactly as written. */
export interface ProtoFile {
  readonly package: string | null;
  readonly syntax: string | null;
  readonly imports: readonly string[];
  readonly types: readonly ProtoType[];
}

export type ProtoType = ProtoMessage | ProtoEnum;

export interface ProtoMessage {
  readonly kind: 'message';
  readonly name: string;
  /** Direct fields only; oneof members live in their oneof. */
  readonly fields: readonly ProtoField[];
  readonly oneofs: readonly ProtoOneof[];
  /** Nested messages and enums, in declaration order. */
  readonly nested: readonly ProtoType[];
  readonly mapEntry: boolean;
}

export interface ProtoEnum {
  readonly kind: 'enum';
  readonly name: string;
  readonly constants: readonly { readonly name: string; readonly number: number }[];
}

export type Label = 'optional' | 'required' | 'repeated' | null;

export interface ProtoField {
  /** Null when no label was written: proto3 implicit fields, map fields and oneof members. */
  readonly label: Label;
  /** As written: `int32`, `.foo.Bar`, `map<string, Bar>`. */
  readonly type: string;
  readonly name: string;
  readonly number: number;
}

export interface ProtoOneof {
  readonly name: string;
  readonly fields: readonly ProtoField[];
}
