import {
  type EnumElement,
  type ExtendElement,
  type FieldElement,
  type GroupElement,
  type Label,
  MAX_ENUM_NUMBER,
  MAX_FIELD_NUMBER,
  type MessageElement,
  mapTypes,
  type NumberRange,
  type OptionValue,
  type ProtoFileElement,
  type ReservedElement,
  SCALAR_TYPES,
  type TypeElement,
} from './ast.js';
import { builtinFileOf } from './builtins.js';
import { optionsFromObject, optionsToObject } from './descriptor-options.js';
import type { EnumProto, FieldProto, FileProto, MessageProto, RangeProto } from './descriptor-types.js';
import { escapeBytes, normalizeNumber } from './printer.js';
import { type ProtoScope, scopeOf } from './scope.js';

/** The name Confluent gives the file it serializes (its DynamicSchema's default). */
export const SERIALIZED_FILE_NAME = 'default';

/** protoc's default JSON name: underscores dropped, the letter after one upper-cased. */
export function defaultJsonName(name: string): string {
  return name.replace(/_+([^_]?)/g, (_, c: string) => c.toUpperCase());
}

const scalarName = (type: string | undefined) =>
  type?.startsWith('TYPE_') ? type.slice(5).toLowerCase() : undefined;

// ---- FileDescriptorProto → elements --------------------------------------------------------------------

/** A FileDescriptorProto as the elements of a .proto file, the way Confluent's registry reads one. */
export function fromFileDescriptor(file: FileProto): ProtoFileElement {
  const syntax = file.syntax === 'proto3' ? 'proto3' : file.syntax === 'proto2' ? 'proto2' : null;
  const edition =
    file.syntax === 'editions' && file.edition?.startsWith('EDITION_') ? file.edition.slice(8) : null;
  const reader = new DescriptorReader(syntax === 'proto2' || (syntax === null && edition === null));
  const dependencies = file.dependency ?? [];
  const publicIndexes = new Set(file.publicDependency ?? []);
  const weakIndexes = new Set(file.weakDependency ?? []);
  return {
    syntax,
    edition,
    package: file.package ? file.package : null,
    imports: dependencies.filter((_, i) => !publicIndexes.has(i) && !weakIndexes.has(i)),
    publicImports: dependencies.filter((_, i) => publicIndexes.has(i)),
    weakImports: dependencies.filter((_, i) => weakIndexes.has(i) && !publicIndexes.has(i)),
    options: optionsFromObject(file.options, 'FileOptions', 'file_meta'),
    types: [
      ...(file.messageType ?? []).map((m) => reader.message(m)),
      ...(file.enumType ?? []).map(readEnum),
    ],
    services: (file.service ?? []).map((service) => ({
      name: service.name ?? '',
      options: optionsFromObject(service.options, 'ServiceOptions'),
      rpcs: (service.method ?? []).map((method) => ({
        name: method.name ?? '',
        requestType: method.inputType ?? '',
        responseType: method.outputType ?? '',
        requestStreaming: method.clientStreaming === true,
        responseStreaming: method.serverStreaming === true,
        options: optionsFromObject(method.options, 'MethodOptions'),
      })),
    })),
    extends: reader.extendBlocks(file.extension ?? []),
  };
}

function readRanges(
  ranges: readonly RangeProto[],
  exclusiveEnd: boolean,
  max: number,
): (number | NumberRange)[] {
  return ranges.map((range) => {
    const start = range.start ?? 0;
    const end = (range.end ?? start + (exclusiveEnd ? 1 : 0)) - (exclusiveEnd ? 1 : 0);
    return start === end ? start : { start, end: end >= max ? 'max' : end };
  });
}

function readReserved(
  ranges: readonly RangeProto[],
  names: readonly string[],
  exclusiveEnd: boolean,
  max: number,
) {
  return [
    ...readRanges(ranges, exclusiveEnd, max).map((value): ReservedElement => ({ values: [value] })),
    ...names.map((name): ReservedElement => ({ values: [name] })),
  ];
}

function readEnum(proto: EnumProto): EnumElement {
  return {
    kind: 'enum',
    name: proto.name ?? '',
    options: optionsFromObject(proto.options, 'EnumOptions', 'enum_meta'),
    constants: (proto.value ?? []).map((value) => ({
      name: value.name ?? '',
      number: value.number ?? 0,
      options: optionsFromObject(value.options, 'EnumValueOptions', 'enum_value_meta'),
    })),
    reserved: readReserved(proto.reservedRange ?? [], proto.reservedName ?? [], false, MAX_ENUM_NUMBER),
  };
}

function unescapeBytes(text: string): string {
  return text.replace(/\\([0-7]{1,3}|x[0-9a-fA-F]{1,2}|.)/g, (_, e: string) => {
    if (/^[0-7]/.test(e)) return String.fromCharCode(Number.parseInt(e, 8) & 0xff);
    if (e.startsWith('x')) return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    return { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', f: '\f', v: '\v' }[e] ?? e;
  });
}

class DescriptorReader {
  constructor(private readonly explicitLabels: boolean) {}

  message(proto: MessageProto): MessageElement {
    const nested = proto.nestedType ?? [];
    const groupTypes = new Set<string>();
    const fields: FieldElement[] = [];
    const groups: GroupElement[] = [];
    const oneofs = (proto.oneofDecl ?? []).map((o) => ({
      name: o.name ?? '',
      options: optionsFromObject(o.options, 'OneofOptions'),
      fields: [] as FieldElement[],
      groups: [] as GroupElement[],
    }));
    for (const field of proto.field ?? []) {
      const oneof =
        field.oneofIndex !== undefined && !field.proto3Optional ? oneofs[field.oneofIndex] : undefined;
      const groupType =
        field.type === 'TYPE_GROUP' ? nested.find((n) => field.typeName?.endsWith(`.${n.name}`)) : undefined;
      if (groupType?.name) {
        groupTypes.add(groupType.name);
        const group: GroupElement = {
          label: oneof ? null : this.label(field),
          number: field.number ?? 0,
          options: optionsFromObject(field.options, 'FieldOptions', 'field_meta'),
          message: this.message(groupType),
        };
        (oneof ? oneof.groups : groups).push(group);
      } else if (oneof) oneof.fields.push(this.field(field, true));
      else fields.push(this.field(field, false));
    }
    return {
      kind: 'message',
      name: proto.name ?? '',
      options: optionsFromObject(proto.options, 'MessageOptions', 'message_meta'),
      fields,
      oneofs: oneofs.filter((o) => o.fields.length > 0 || o.groups.length > 0),
      groups,
      nested: [
        ...nested.filter((n) => !groupTypes.has(n.name ?? '')).map((n) => this.message(n)),
        ...(proto.enumType ?? []).map(readEnum),
      ],
      reserved: readReserved(proto.reservedRange ?? [], proto.reservedName ?? [], true, MAX_FIELD_NUMBER),
      extensions: (proto.extensionRange ?? []).map((range) => ({
        values: readRanges([range], true, MAX_FIELD_NUMBER),
        options: optionsFromObject(range.options, 'ExtensionRangeOptions'),
      })),
      extends: this.extendBlocks(proto.extension ?? []),
    };
  }

  extendBlocks(fields: readonly FieldProto[]): ExtendElement[] {
    const blocks = new Map<string, FieldElement[]>();
    for (const field of fields) {
      const extendee = field.extendee ?? '';
      blocks.set(extendee, [...(blocks.get(extendee) ?? []), this.field(field, false)]);
    }
    return [...blocks].map(([name, list]) => ({ name, fields: list, groups: [] }));
  }

  private label(field: FieldProto): Label | null {
    if (field.proto3Optional) return 'optional';
    if (field.label === 'LABEL_REPEATED') return 'repeated';
    if (!this.explicitLabels) return null;
    return field.label === 'LABEL_REQUIRED' ? 'required' : 'optional';
  }

  private field(field: FieldProto, inOneof: boolean): FieldElement {
    const name = field.name ?? '';
    const scalar = scalarName(field.type);
    const type = field.typeName || scalar || '';
    let defaultValue: OptionValue | undefined;
    if (field.defaultValue !== undefined && this.explicitLabels) {
      if (scalar === 'string') defaultValue = { kind: 'string', value: field.defaultValue };
      else if (scalar === 'bytes')
        defaultValue = { kind: 'string', value: unescapeBytes(field.defaultValue) };
      else if (scalar === 'bool') defaultValue = { kind: 'bool', value: field.defaultValue === 'true' };
      else if (field.type === 'TYPE_ENUM') defaultValue = { kind: 'enum', value: field.defaultValue };
      else defaultValue = { kind: 'number', value: field.defaultValue };
    }
    // A json_name that is the default one says nothing; dropping it lets the text form compare equal.
    const jsonName =
      field.jsonName !== undefined && field.jsonName !== defaultJsonName(name) && !field.extendee
        ? field.jsonName
        : undefined;
    return {
      label: inOneof ? null : this.label(field),
      type,
      name,
      number: field.number ?? 0,
      ...(defaultValue ? { defaultValue } : {}),
      ...(jsonName !== undefined ? { jsonName } : {}),
      options: optionsFromObject(field.options, 'FieldOptions', 'field_meta'),
    };
  }
}

// ---- elements → FileDescriptorProto --------------------------------------------------------------------

/**
 * The FileDescriptorProto of a parsed schema, as Confluent's `format=serialized` gives it: type names fully
 * qualified, maps as entry messages (after the declared nested types, so message indexes stay put), proto3
 * `optional` as synthetic oneofs, and every field's JSON name filled in as protoc does.
 */
export function toFileDescriptor(
  file: ProtoFileElement,
  scope: ProtoScope,
  name = SERIALIZED_FILE_NAME,
): FileProto {
  const writer = new DescriptorWriter(scope, file.syntax === 'proto3' || file.edition !== null);
  const base = scopeOf(file);
  const imports = [...file.imports, ...file.publicImports, ...file.weakImports];
  const messages = file.types.filter((t): t is MessageElement => t.kind === 'message');
  const enums = file.types.filter((t): t is EnumElement => t.kind === 'enum');
  const proto: FileProto = {
    name,
    ...(file.package ? { package: file.package } : {}),
    messageType: messages.map((m) => writer.message(m, [...base, m.name])),
    enumType: enums.map(writeEnum),
    service: file.services.map((service) => ({
      name: service.name,
      method: service.rpcs.map((rpc) => ({
        name: rpc.name,
        inputType: writer.qualified(rpc.requestType, base),
        outputType: writer.qualified(rpc.responseType, base),
        ...(rpc.requestStreaming ? { clientStreaming: true } : {}),
        ...(rpc.responseStreaming ? { serverStreaming: true } : {}),
        ...optional('options', optionsToObject(rpc.options, 'MethodOptions')),
      })),
      ...optional('options', optionsToObject(service.options, 'ServiceOptions')),
    })),
    extension: writer.extensions(file.extends, base),
    ...optional('options', optionsToObject(file.options, 'FileOptions', 'file_meta')),
  };
  // A built-in type used without its import still needs the file, or a client cannot link the descriptor.
  for (const used of writer.builtinFiles) if (!imports.includes(used)) imports.push(used);
  proto.dependency = imports;
  const publicCount = file.publicImports.length;
  const publicStart = file.imports.length;
  proto.publicDependency = Array.from({ length: publicCount }, (_, i) => publicStart + i);
  proto.weakDependency = Array.from(
    { length: file.weakImports.length },
    (_, i) => publicStart + publicCount + i,
  );
  if (file.syntax) proto.syntax = file.syntax;
  else if (file.edition) {
    proto.syntax = 'editions';
    proto.edition = `EDITION_${file.edition}`;
  }
  return proto;
}

const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

function writeRanges(values: readonly (number | NumberRange | string)[], exclusiveEnd: boolean, max: number) {
  return values
    .filter((v): v is number | NumberRange => typeof v !== 'string')
    .map((v) => {
      const start = typeof v === 'number' ? v : v.start;
      const end = typeof v === 'number' ? v : v.end === 'max' ? max : v.end;
      return { start, end: exclusiveEnd ? end + 1 : end };
    });
}

function writeEnum(type: EnumElement): EnumProto {
  const reserved = type.reserved.flatMap((r) => r.values);
  return {
    name: type.name,
    value: type.constants.map((c) => ({
      name: c.name,
      number: c.number,
      ...optional('options', optionsToObject(c.options, 'EnumValueOptions', 'enum_value_meta')),
    })),
    ...optional('options', optionsToObject(type.options, 'EnumOptions', 'enum_meta')),
    reservedRange: writeRanges(reserved, false, MAX_ENUM_NUMBER),
    reservedName: reserved.filter((v): v is string => typeof v === 'string'),
  };
}

const mapEntryName = (field: string) =>
  `${field.replace(/^./, (c) => c.toUpperCase()).replace(/_+([^_]?)/g, (_, c: string) => c.toUpperCase())}Entry`;

class DescriptorWriter {
  readonly builtinFiles = new Set<string>();

  constructor(
    private readonly scope: ProtoScope,
    private readonly implicitPresence: boolean,
  ) {}

  /** `.full.Name` and TYPE_MESSAGE / TYPE_ENUM, or the name as written when it resolves to nothing. */
  resolve(type: string, path: readonly string[]): { typeName: string; type?: string } {
    const symbol = this.scope.resolve(type, path);
    if (!symbol) return { typeName: type };
    const builtin = symbol.file !== '' && builtinFileOf(symbol.fullName);
    if (builtin && builtin === symbol.file) this.builtinFiles.add(builtin);
    return { typeName: `.${symbol.fullName}`, type: symbol.kind === 'enum' ? 'TYPE_ENUM' : 'TYPE_MESSAGE' };
  }

  qualified(type: string, path: readonly string[]): string {
    return this.resolve(type, path).typeName;
  }

  extensions(blocks: readonly ExtendElement[], path: readonly string[]): FieldProto[] {
    return blocks.flatMap((block) =>
      block.fields.map((field) => ({
        ...this.field(field, path, undefined, []),
        extendee: this.qualified(block.name, path),
        jsonName: undefined,
      })),
    );
  }

  message(message: MessageElement, path: readonly string[]): MessageProto {
    const nestedMessages = message.nested.filter((t): t is MessageElement => t.kind === 'message');
    const nestedEnums = message.nested.filter((t): t is EnumElement => t.kind === 'enum');
    const nestedTypes: MessageProto[] = nestedMessages.map((m) => this.message(m, [...path, m.name]));
    const entries: MessageProto[] = [];
    const oneofDecl: { name: string; options?: Record<string, unknown> }[] = message.oneofs.map((o) => ({
      name: o.name,
      ...optional('options', optionsToObject(o.options, 'OneofOptions')),
    }));
    const fields: FieldProto[] = [];
    const addGroup = (group: GroupElement, oneofIndex?: number) => {
      nestedTypes.push(this.message(group.message, [...path, group.message.name]));
      fields.push({
        name: group.message.name.toLowerCase(),
        number: group.number,
        label:
          group.label === 'repeated'
            ? 'LABEL_REPEATED'
            : group.label === 'required'
              ? 'LABEL_REQUIRED'
              : 'LABEL_OPTIONAL',
        type: 'TYPE_GROUP',
        typeName: `.${[...path, group.message.name].join('.')}`,
        ...(oneofIndex !== undefined ? { oneofIndex } : {}),
        ...optional('options', optionsToObject(group.options, 'FieldOptions', 'field_meta')),
      });
    };
    message.oneofs.forEach((oneof, index) => {
      for (const field of oneof.fields) fields.push(this.field(field, path, index, entries));
      for (const group of oneof.groups) addGroup(group, index);
    });
    for (const group of message.groups) addGroup(group);
    for (const field of message.fields) {
      const proto3Optional = this.implicitPresence && field.label === 'optional';
      const index = proto3Optional ? oneofDecl.push({ name: `_${field.name}` }) - 1 : undefined;
      fields.push({
        ...this.field(field, path, index, entries),
        ...(proto3Optional ? { proto3Optional } : {}),
      });
    }
    fields.sort((a, b) => (a.number ?? 0) - (b.number ?? 0));
    const reserved = message.reserved.flatMap((r) => r.values);
    return {
      name: message.name,
      field: fields,
      extension: this.extensions(message.extends, path),
      nestedType: [...nestedTypes, ...entries],
      enumType: nestedEnums.map(writeEnum),
      extensionRange: message.extensions.flatMap((e) =>
        writeRanges(e.values, true, MAX_FIELD_NUMBER).map((range) => ({
          ...range,
          ...optional('options', optionsToObject(e.options, 'ExtensionRangeOptions')),
        })),
      ),
      oneofDecl,
      ...optional('options', optionsToObject(message.options, 'MessageOptions', 'message_meta')),
      reservedRange: writeRanges(reserved, true, MAX_FIELD_NUMBER),
      reservedName: reserved.filter((v): v is string => typeof v === 'string'),
    };
  }

  private field(
    field: FieldElement,
    path: readonly string[],
    oneofIndex: number | undefined,
    entries: MessageProto[],
  ): FieldProto {
    const proto: FieldProto = {
      name: field.name,
      number: field.number,
      label:
        field.label === 'repeated'
          ? 'LABEL_REPEATED'
          : field.label === 'required'
            ? 'LABEL_REQUIRED'
            : 'LABEL_OPTIONAL',
      jsonName: field.jsonName ?? defaultJsonName(field.name),
      ...(oneofIndex !== undefined ? { oneofIndex } : {}),
      ...optional('options', optionsToObject(field.options, 'FieldOptions', 'field_meta')),
    };
    const map = mapTypes(field.type);
    if (map) {
      const entry = mapEntryName(field.name);
      entries.push({
        name: entry,
        field: [
          { name: 'key', number: 1, label: 'LABEL_OPTIONAL', jsonName: 'key', ...this.type(map[0], path) },
          {
            name: 'value',
            number: 2,
            label: 'LABEL_OPTIONAL',
            jsonName: 'value',
            ...this.type(map[1], path),
          },
        ],
        options: { mapEntry: true },
      });
      return {
        ...proto,
        label: 'LABEL_REPEATED',
        type: 'TYPE_MESSAGE',
        typeName: `.${[...path, entry].join('.')}`,
      };
    }
    Object.assign(proto, this.type(field.type, path));
    if (field.defaultValue) proto.defaultValue = this.defaultValue(field.defaultValue, field.type);
    return proto;
  }

  private type(type: string, path: readonly string[]): Pick<FieldProto, 'type' | 'typeName'> {
    if (SCALAR_TYPES.has(type)) return { type: `TYPE_${type.toUpperCase()}` };
    return this.resolve(type, path);
  }

  private defaultValue(value: OptionValue, type: string): string {
    switch (value.kind) {
      case 'string':
        return type === 'bytes' ? escapeBytes(value.value) : value.value;
      case 'bool':
        return String(value.value);
      case 'number':
        return /^-?(inf|nan)$/.test(value.value) || /[.eE]/.test(value.value)
          ? value.value
          : normalizeNumber(value.value);
      case 'enum':
        return value.value;
      default:
        return '';
    }
  }
}

export type { TypeElement };
