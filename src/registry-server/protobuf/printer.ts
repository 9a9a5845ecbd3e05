import {
  type EnumElement,
  type ExtendElement,
  type ExtensionsElement,
  type FieldElement,
  type GroupElement,
  MAX_ENUM_NUMBER,
  MAX_FIELD_NUMBER,
  type MessageElement,
  mapTypes,
  type NumberRange,
  type OneOfElement,
  type OptionElement,
  type OptionValue,
  type ProtoFileElement,
  type ReservedElement,
  type RpcElement,
  SCALAR_TYPES,
  type ServiceElement,
  type TypeElement,
} from './ast.js';
import { isMapEntry, type ProtoScope, scopeOf } from './scope.js';

export interface PrintOptions {
  /** Confluent's `normalize=true`: names fully qualified, maps as `map<>`, declarations in a fixed order. */
  readonly normalize?: boolean;
  /** Confluent's `format=ignore_extensions`: no custom options, extension ranges or `extend` blocks. */
  readonly ignoreExtensions?: boolean;
  /** Resolves type names; needed to normalize. */
  readonly scope?: ProtoScope;
}

/**
 * Prints a parsed .proto file in the canonical layout Confluent's registry stores and compares (its
 * ProtobufSchemaUtils.toString): comments and layout gone, messages before enums, one field per line, so the
 * same schema written two ways prints the same text.
 */
export function printProtoFile(file: ProtoFileElement, options: PrintOptions = {}): string {
  return new Printer(options, scopeOf(file)).file(file);
}

/** Indents every line of `text` by two spaces, blank ones included, as Confluent's printer does. */
function indent(text: string): string {
  const lines = text.split('\n');
  while (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => `  ${line}\n`).join('');
}

const byNumber = <T extends { readonly number: number }>(list: readonly T[]) =>
  [...list].sort((a, b) => a.number - b.number);

export function escapeProtoString(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.codePointAt(0) as number;
    if (c === '\\') out += '\\\\';
    else if (c === '"') out += '\\"';
    else if (c === "'") out += "\\'";
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += c;
  }
  return out;
}

/** A bytes value: characters past ASCII are single bytes, so they are written as octal escapes. */
export function escapeBytes(text: string): string {
  return escapeProtoString(text).replace(
    /[\u0080-\u00ff]/g,
    (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`,
  );
}

class Printer {
  constructor(
    private readonly options: PrintOptions,
    private scope: string[],
  ) {}

  private get normalize(): boolean {
    return this.options.normalize === true;
  }

  private within<T>(name: string, run: () => T): T {
    this.scope.push(name);
    try {
      return run();
    } finally {
      this.scope.pop();
    }
  }

  file(file: ProtoFileElement): string {
    let out = '';
    if (file.syntax && (!this.normalize || file.syntax === 'proto3')) out += `syntax = "${file.syntax}";\n`;
    if (file.edition) out += `edition = "${escapeProtoString(file.edition)}";\n`;
    if (file.package) out += `package ${file.package};\n`;
    const sorted = (list: readonly string[]) => (this.normalize ? [...new Set(list)].sort() : list);
    const imports = [
      ...sorted(file.imports).map((p) => `import "${escapeProtoString(p)}";\n`),
      ...sorted(file.publicImports).map((p) => `import public "${escapeProtoString(p)}";\n`),
      ...sorted(file.weakImports).map((p) => `import weak "${escapeProtoString(p)}";\n`),
    ];
    if (imports.length > 0) out += `\n${imports.join('')}`;
    const options = this.filterOptions(file.options);
    if (options.length > 0) out += `\n${options.map((o) => this.optionStatement(o)).join('')}`;
    const types = this.filterTypes(file.types);
    if (types.length > 0) out += `\n${this.types(types, (text) => text)}`;
    if (!this.options.ignoreExtensions && file.extends.length > 0)
      out += `\n${this.extendBlocks(file.extends).join('')}`;
    if (file.services.length > 0) out += `\n${file.services.map((s) => this.service(s)).join('')}`;
    return out;
  }

  /** Messages first, then enums: the order of messages is what message indexes count, so it is kept. */
  private types(types: readonly TypeElement[], place: (text: string) => string): string {
    let out = '';
    for (const type of types)
      if (type.kind === 'message') out += place(this.within(type.name, () => this.message(type)));
    for (const type of types) if (type.kind === 'enum') out += place(this.enumType(type));
    return out;
  }

  private filterTypes(types: readonly TypeElement[]): readonly TypeElement[] {
    return this.normalize ? types.filter((t) => t.kind !== 'message' || !isMapEntry(t)) : types;
  }

  // ---- options ------------------------------------------------------------------------------------------

  private filterOptions(options: readonly OptionElement[]): readonly OptionElement[] {
    let kept = options;
    if (this.options.ignoreExtensions)
      kept = kept.filter((o) => !o.name.startsWith('(') || o.name.startsWith('(confluent.'));
    if (this.normalize) kept = [...kept].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return kept;
  }

  private optionStatement(option: OptionElement): string {
    return `option ${this.option(option)};\n`;
  }

  private option(option: OptionElement): string {
    const value = option.value;
    switch (value.kind) {
      case 'map':
        return `${option.name} = {\n${this.mapEntries(value.entries)}}`;
      case 'list':
        return `${option.name} = ${this.bracketList(value.items.map((item) => this.value(item)))}`;
      default:
        return `${option.name} = ${this.value(value)}`;
    }
  }

  private value(value: OptionValue): string {
    switch (value.kind) {
      case 'string':
        return `"${escapeProtoString(value.value)}"`;
      case 'bool':
        return String(value.value);
      case 'enum':
        return value.value;
      case 'number':
        return this.normalize ? normalizeNumber(value.value) : value.value;
      case 'map':
        return `{\n${this.mapEntries(value.entries)}}`;
      case 'list': {
        if (this.normalize && value.items.length === 1) return this.value(value.items[0] as OptionValue);
        const items = value.items.map((item) => this.value(item));
        return `[\n${items.map((item, i) => indent(i < items.length - 1 ? `${item},` : item)).join('')}]`;
      }
    }
  }

  private mapEntries(entries: readonly (readonly [string, OptionValue])[]): string {
    let kept = entries;
    if (this.normalize) {
      kept = entries
        .filter(([, v]) => v.kind !== 'list' || v.items.length > 0)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    }
    return kept
      .map(([key, value], i) => indent(`${key}: ${this.value(value)}${i < kept.length - 1 ? ',' : ''}`))
      .join('');
  }

  /** `[a]` for one, else one per line: Confluent's layout for field and constant options. */
  private bracketList(items: readonly string[]): string {
    if (items.length === 1) return `[${items[0]}]`;
    return `[\n${items.map((item, i) => indent(i < items.length - 1 ? `${item},` : item)).join('')}]`;
  }

  // ---- messages -----------------------------------------------------------------------------------------

  private message(message: MessageElement): string {
    return `message ${message.name} {${this.messageBody(message)}}\n`;
  }

  private messageBody(message: MessageElement): string {
    let out = '';
    const block = (lines: readonly string[]) => {
      if (lines.length > 0) out += `\n${lines.map(indent).join('')}`;
    };
    block(this.ranges(message.reserved).map((r) => this.reserved(r, MAX_FIELD_NUMBER)));
    block(this.filterOptions(message.options).map((o) => this.optionStatement(o)));
    block((this.normalize ? byNumber(message.fields) : message.fields).map((f) => this.field(f)));
    block(this.sortOneofs(message.oneofs).map((o) => this.oneof(o)));
    block((this.normalize ? byNumber(message.groups) : message.groups).map((g) => this.group(g)));
    if (!this.options.ignoreExtensions) {
      block(this.ranges(message.extensions).map((e) => this.extensionsRange(e)));
      block(this.extendBlocks(message.extends));
    }
    const nested = this.filterTypes(message.nested);
    if (nested.length > 0) out += `\n${this.types(nested, indent)}`;
    return out;
  }

  private sortOneofs(oneofs: readonly OneOfElement[]): readonly OneOfElement[] {
    if (!this.normalize) return oneofs;
    return oneofs
      .filter((o) => o.fields.length > 0 || o.groups.length > 0)
      .map((o) => ({ ...o, fields: byNumber(o.fields), groups: byNumber(o.groups) }))
      .sort((a, b) => firstNumber(a) - firstNumber(b));
  }

  private oneof(oneof: OneOfElement): string {
    let out = `oneof ${oneof.name} {`;
    const options = this.filterOptions(oneof.options);
    if (options.length > 0) out += `\n${options.map((o) => indent(this.optionStatement(o))).join('')}`;
    if (oneof.fields.length > 0) out += `\n${oneof.fields.map((f) => indent(this.field(f))).join('')}`;
    if (oneof.groups.length > 0) out += `\n${oneof.groups.map((g) => indent(this.group(g))).join('')}`;
    return `${out}}\n`;
  }

  private group(group: GroupElement): string {
    const label = group.label ? `${group.label} ` : '';
    const options = this.filterOptions(group.options);
    const bracket = options.length > 0 ? ` ${this.bracketList(options.map((o) => this.option(o)))}` : '';
    const body = this.within(group.message.name, () => this.messageBody(group.message));
    return `${label}group ${group.message.name} = ${group.number}${bracket} {${body}}\n`;
  }

  private field(field: FieldElement): string {
    let label = field.label;
    let type = field.type;
    if (this.normalize && this.options.scope) [label, type] = this.normalizedType(field);
    const options = [...field.options];
    if (field.defaultValue?.kind === 'string' && field.type === 'bytes')
      options.push({
        name: 'default',
        value: { kind: 'enum', value: `"${escapeBytes(field.defaultValue.value)}"` },
      });
    else if (field.defaultValue) options.push({ name: 'default', value: field.defaultValue });
    if (field.jsonName !== undefined)
      options.push({ name: 'json_name', value: { kind: 'string', value: field.jsonName } });
    const kept = this.filterOptions(options);
    const bracket = kept.length > 0 ? ` ${this.bracketList(kept.map((o) => this.option(o)))}` : '';
    return `${label ? `${label} ` : ''}${type} ${field.name} = ${field.number}${bracket};\n`;
  }

  /** Confluent's normalized field type: fully qualified, and a map entry message written back as `map<>`. */
  private normalizedType(field: FieldElement): [FieldElement['label'], string] {
    const scope = this.options.scope as ProtoScope;
    const map = mapTypes(field.type);
    if (map) return [null, `map<${map[0]}, ${this.qualify(map[1], this.scope)}>`];
    if (SCALAR_TYPES.has(field.type)) return [field.label, field.type];
    const symbol = scope.resolve(field.type, this.scope);
    if (!symbol) return [field.label, field.type];
    if (symbol.mapEntry && symbol.element?.kind === 'message') {
      const key = symbol.element.fields.find((f) => f.number === 1);
      const value = symbol.element.fields.find((f) => f.number === 2);
      if (key && value)
        return [null, `map<${key.type}, ${this.qualify(value.type, symbol.fullName.split('.'))}>`];
    }
    return [field.label, `.${symbol.fullName}`];
  }

  private qualify(type: string, scope: readonly string[]): string {
    if (SCALAR_TYPES.has(type) || !this.options.scope) return type;
    const symbol = this.options.scope.resolve(type, scope);
    return symbol ? `.${symbol.fullName}` : type;
  }

  // ---- ranges -------------------------------------------------------------------------------------------

  /** Normalized, every value of every statement on its own, in order (names after numbers). */
  private ranges<T extends ReservedElement | ExtensionsElement>(list: readonly T[]): readonly T[] {
    if (!this.normalize) return list;
    const start = (v: number | NumberRange | string) =>
      typeof v === 'number' ? v : typeof v === 'string' ? Number.MAX_SAFE_INTEGER : v.start;
    return list
      .flatMap((element) => element.values.map((value) => ({ ...element, values: [value] }) as T))
      .sort((a, b) => {
        const [x, y] = [
          a.values[0] as number | NumberRange | string,
          b.values[0] as number | NumberRange | string,
        ];
        return start(x) - start(y) || (String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0);
      });
  }

  private rangeValues(values: readonly (number | NumberRange | string)[], max: number): string {
    return values
      .map((value) => {
        if (typeof value === 'string') return `"${escapeProtoString(value)}"`;
        if (typeof value === 'number') return String(value);
        if (this.normalize && value.start === value.end) return String(value.start);
        return `${value.start} to ${value.end === 'max' || value.end === max ? 'max' : value.end}`;
      })
      .join(', ');
  }

  private reserved(reserved: ReservedElement, max: number): string {
    return `reserved ${this.rangeValues(reserved.values, max)};\n`;
  }

  private extensionsRange(extensions: ExtensionsElement): string {
    const options = this.filterOptions(extensions.options);
    const bracket = options.length > 0 ? ` ${this.bracketList(options.map((o) => this.option(o)))}` : '';
    return `extensions ${this.rangeValues(extensions.values, MAX_FIELD_NUMBER)}${bracket};\n`;
  }

  private extendBlocks(extendsList: readonly ExtendElement[]): string[] {
    let blocks = extendsList;
    if (this.normalize) {
      const grouped = new Map<string, { fields: FieldElement[]; groups: GroupElement[] }>();
      for (const extend of extendsList) {
        const name = this.qualify(extend.name, this.scope);
        const entry = grouped.get(name) ?? { fields: [], groups: [] };
        entry.fields.push(...extend.fields);
        entry.groups.push(...extend.groups);
        grouped.set(name, entry);
      }
      blocks = [...grouped].map(([name, { fields, groups }]) => ({
        name,
        fields: byNumber(fields),
        groups: byNumber(groups),
      }));
    }
    return blocks.map((extend) => {
      let out = `extend ${extend.name} {`;
      if (extend.fields.length > 0) out += `\n${extend.fields.map((f) => indent(this.field(f))).join('')}`;
      if (extend.groups.length > 0) out += `\n${extend.groups.map((g) => indent(this.group(g))).join('')}`;
      return `${out}}\n`;
    });
  }

  // ---- enums and services -------------------------------------------------------------------------------

  private enumType(type: EnumElement): string {
    let out = `enum ${type.name} {`;
    const reserved = this.ranges(type.reserved);
    if (reserved.length > 0)
      out += `\n${reserved.map((r) => indent(this.reserved(r, MAX_ENUM_NUMBER))).join('')}`;
    const options = this.filterOptions(type.options);
    if (reserved.length === 0 && (options.length > 0 || type.constants.length > 0)) out += '\n';
    out += options.map((o) => indent(this.optionStatement(o))).join('');
    const constants = this.normalize
      ? [...type.constants].sort(
          (a, b) => a.number - b.number || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
        )
      : type.constants;
    for (const constant of constants) {
      const kept = this.filterOptions(constant.options);
      const bracket = kept.length > 0 ? ` ${this.bracketList(kept.map((o) => this.option(o)))}` : '';
      out += indent(`${constant.name} = ${constant.number}${bracket};\n`);
    }
    return `${out}}\n`;
  }

  private service(service: ServiceElement): string {
    let out = `service ${service.name} {`;
    const options = this.filterOptions(service.options);
    if (options.length > 0) out += `\n${options.map((o) => indent(this.optionStatement(o))).join('')}`;
    if (service.rpcs.length > 0) out += `\n${service.rpcs.map((r) => indent(this.rpc(r))).join('')}`;
    return `${out}}\n`;
  }

  private rpc(rpc: RpcElement): string {
    const type = (name: string) => (this.normalize ? this.qualify(name, this.scope) : name);
    let out = `rpc ${rpc.name} (${rpc.requestStreaming ? 'stream ' : ''}${type(rpc.requestType)}) returns (${
      rpc.responseStreaming ? 'stream ' : ''
    }${type(rpc.responseType)})`;
    const options = this.filterOptions(rpc.options);
    if (options.length > 0) out += ` {\n${options.map((o) => indent(this.optionStatement(o))).join('')}}`;
    return `${out};\n`;
  }
}

const firstNumber = (oneof: OneOfElement) =>
  Math.min(...oneof.fields.map((f) => f.number), ...oneof.groups.map((g) => g.number));

/** One spelling per number under normalize=true: decimal integers, shortest round-trip floats. */
export function normalizeNumber(text: string): string {
  const negative = text.startsWith('-');
  const magnitude = negative || text.startsWith('+') ? text.slice(1) : text;
  let value: string;
  if (/^0[xX][0-9a-fA-F]+$/.test(magnitude) || /^[1-9][0-9]*$/.test(magnitude) || magnitude === '0')
    value = BigInt(magnitude).toString();
  else if (/^0[0-7]+$/.test(magnitude)) value = BigInt(`0o${magnitude.slice(1)}`).toString();
  else if (magnitude === 'inf' || magnitude === 'nan') value = magnitude;
  else {
    const number = Number(magnitude);
    value = Number.isFinite(number) ? String(number) : magnitude;
  }
  return negative && value !== '0' ? `-${value}` : value;
}
