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
 * ProtobufSchemaUtils.toString): comments and layout gone, messages before enums, one field per line, blank
 * lines between blocks carrying their element's indentation, so the same schema written two ways prints the
 * same text.
 */
export function printProtoFile(file: ProtoFileElement, options: PrintOptions = {}): string {
  const printer = new Printer(options, scopeOf(file));
  printer.file(file);
  return printer.text();
}

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

const byNumber = <T extends { readonly number: number }>(list: readonly T[]) =>
  [...list].sort((a, b) => a.number - b.number);
const byName = <T extends { readonly name: string }>(a: T, b: T) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/** A block writer: `write` for each item. */
const each =
  <T>(list: readonly T[], write: (item: T) => void) =>
  (): void => {
    for (const item of list) write(item);
  };

/** Writes lines with their depth: each line is indented once, however deep, so printing stays linear. */
class Printer {
  private readonly lines: string[] = [];

  constructor(
    private readonly options: PrintOptions,
    private readonly scope: string[],
  ) {}

  text(): string {
    return this.lines.length > 0 ? `${this.lines.join('\n')}\n` : '';
  }

  private get normalize(): boolean {
    return this.options.normalize === true;
  }

  private line(depth: number, text: string): void {
    this.lines.push('  '.repeat(depth) + text);
  }

  private appendToLast(text: string): void {
    this.lines[this.lines.length - 1] += text;
  }

  /** Writes the non-empty blocks with a blank line between them; whether any was written. */
  private blocks(depth: number, blocks: readonly (readonly [number, () => void])[]): boolean {
    let written = false;
    for (const [count, write] of blocks) {
      if (count === 0) continue;
      if (written) this.line(depth, '');
      write();
      written = true;
    }
    return written;
  }

  /** `{` closes on its own line after a body, or right after the brace when there is none. */
  private close(depth: number, wroteBody: boolean, suffix = ''): void {
    if (wroteBody) this.line(depth, `}${suffix}`);
    else this.appendToLast(`}${suffix}`);
  }

  private within<T>(name: string, run: () => T): T {
    this.scope.push(name);
    try {
      return run();
    } finally {
      this.scope.pop();
    }
  }

  file(file: ProtoFileElement): void {
    if (file.syntax && (!this.normalize || file.syntax === 'proto3'))
      this.line(0, `syntax = "${file.syntax}";`);
    if (file.edition) this.line(0, `edition = "${escapeProtoString(file.edition)}";`);
    if (file.package) this.line(0, `package ${file.package};`);
    const sorted = (list: readonly string[]) => (this.normalize ? [...new Set(list)].sort() : list);
    const imports = [
      ...sorted(file.imports).map((p) => `import "${escapeProtoString(p)}";`),
      ...sorted(file.publicImports).map((p) => `import public "${escapeProtoString(p)}";`),
      ...sorted(file.weakImports).map((p) => `import weak "${escapeProtoString(p)}";`),
    ];
    const options = this.filterOptions(file.options);
    const types = this.filterTypes(file.types);
    const extendsList = this.options.ignoreExtensions ? [] : file.extends;
    const sections: [number, () => void][] = [
      [imports.length, each(imports, (text) => this.line(0, text))],
      [options.length, each(options, (o) => this.optionStatement(o, 0))],
      [types.length, () => this.types(types, 0)],
      [extendsList.length, () => this.extendBlocks(extendsList, 0)],
      [file.services.length, each(file.services, (s) => this.service(s, 0))],
    ];
    // Every top-level section starts with a blank line, the first one too.
    for (const [count, write] of sections) {
      if (count === 0) continue;
      this.line(0, '');
      write();
    }
  }

  /** Messages first, then enums: the order of messages is what message indexes count, so it is kept. */
  private types(types: readonly TypeElement[], depth: number): void {
    for (const type of types)
      if (type.kind === 'message') this.within(type.name, () => this.message(type, depth));
    for (const type of types) if (type.kind === 'enum') this.enumType(type, depth);
  }

  private filterTypes(types: readonly TypeElement[]): readonly TypeElement[] {
    return this.normalize ? types.filter((t) => t.kind !== 'message' || !isMapEntry(t)) : types;
  }

  // ---- options ------------------------------------------------------------------------------------------

  private filterOptions(options: readonly OptionElement[]): readonly OptionElement[] {
    let kept = options;
    if (this.options.ignoreExtensions)
      kept = kept.filter((o) => !o.name.startsWith('(') || o.name.startsWith('(confluent.'));
    if (this.normalize) kept = [...kept].sort(byName);
    return kept;
  }

  private optionStatement(option: OptionElement, depth: number): void {
    this.option(option, depth, 'option ', ';');
  }

  /** `name = value`, the value spread over lines when it is a message or a list. */
  private option(option: OptionElement, depth: number, prefix: string, suffix: string): void {
    const value = option.value;
    const head = `${prefix}${option.name} = `;
    if (value.kind === 'list')
      this.bracketed(value.items, depth, head, suffix, (item, d, p, s) => this.value(item, d, p, s));
    else this.value(value, depth, head, suffix);
  }

  private value(value: OptionValue, depth: number, prefix: string, suffix: string): void {
    switch (value.kind) {
      case 'map': {
        this.line(depth, `${prefix}{`);
        const entries = this.mapEntries(value.entries);
        for (const [i, [key, inner]] of entries.entries())
          this.value(inner, depth + 1, `${key}: `, i < entries.length - 1 ? ',' : '');
        this.line(depth, `}${suffix}`);
        return;
      }
      case 'list': {
        if (this.normalize && value.items.length === 1) {
          this.value(value.items[0] as OptionValue, depth, prefix, suffix);
          return;
        }
        this.line(depth, `${prefix}[`);
        for (const [i, item] of value.items.entries())
          this.value(item, depth + 1, '', i < value.items.length - 1 ? ',' : '');
        this.line(depth, `]${suffix}`);
        return;
      }
      default:
        this.line(depth, `${prefix}${this.scalar(value)}${suffix}`);
    }
  }

  private scalar(value: Exclude<OptionValue, { kind: 'map' | 'list' }>): string {
    switch (value.kind) {
      case 'string':
        return `"${escapeProtoString(value.value)}"`;
      case 'bool':
        return String(value.value);
      case 'enum':
        return value.value;
      case 'number':
        return this.normalize ? normalizeNumber(value.value) : value.value;
    }
  }

  private mapEntries(
    entries: readonly (readonly [string, OptionValue])[],
  ): readonly (readonly [string, OptionValue])[] {
    if (!this.normalize) return entries;
    return entries
      .filter(([, v]) => v.kind !== 'list' || v.items.length > 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** `[a]` for one item, else one per line: Confluent's layout for option lists. */
  private bracketed<T>(
    items: readonly T[],
    depth: number,
    prefix: string,
    suffix: string,
    write: (item: T, depth: number, prefix: string, suffix: string) => void,
  ): void {
    if (items.length === 1) {
      write(items[0] as T, depth, `${prefix}[`, `]${suffix}`);
      return;
    }
    this.line(depth, `${prefix}[`);
    for (const [i, item] of items.entries()) write(item, depth + 1, '', i < items.length - 1 ? ',' : '');
    this.line(depth, `]${suffix}`);
  }

  /** A declaration's `[…]` options, or none. */
  private withOptions(options: readonly OptionElement[], depth: number, head: string, suffix: string): void {
    if (options.length === 0) this.line(depth, `${head}${suffix}`);
    else this.bracketed(options, depth, `${head} `, suffix, (o, d, p, s) => this.option(o, d, p, s));
  }

  // ---- messages -----------------------------------------------------------------------------------------

  private message(message: MessageElement, depth: number): void {
    this.line(depth, `message ${message.name} {`);
    this.close(depth, this.messageBody(message, depth));
  }

  private messageBody(message: MessageElement, depth: number): boolean {
    const inner = depth + 1;
    const reserved = this.ranges(message.reserved);
    const options = this.filterOptions(message.options);
    const fields = this.normalize ? byNumber(message.fields) : message.fields;
    const oneofs = this.sortOneofs(message.oneofs);
    const groups = this.normalize ? byNumber(message.groups) : message.groups;
    const extensions = this.options.ignoreExtensions ? [] : this.ranges(message.extensions);
    const extendsList = this.options.ignoreExtensions ? [] : message.extends;
    const nested = this.filterTypes(message.nested);
    return this.blocks(depth, [
      [reserved.length, each(reserved, (r) => this.reserved(r, MAX_FIELD_NUMBER, inner))],
      [options.length, each(options, (o) => this.optionStatement(o, inner))],
      [fields.length, each(fields, (f) => this.field(f, inner))],
      [oneofs.length, each(oneofs, (o) => this.oneof(o, inner))],
      [groups.length, each(groups, (g) => this.group(g, inner))],
      [extensions.length, each(extensions, (e) => this.extensionsRange(e, inner))],
      [extendsList.length, () => this.extendBlocks(extendsList, inner)],
      [nested.length, () => this.types(nested, inner)],
    ]);
  }

  private sortOneofs(oneofs: readonly OneOfElement[]): readonly OneOfElement[] {
    if (!this.normalize) return oneofs;
    return oneofs
      .filter((o) => o.fields.length > 0 || o.groups.length > 0)
      .map((o) => ({ ...o, fields: byNumber(o.fields), groups: byNumber(o.groups) }))
      .sort((a, b) => firstNumber(a) - firstNumber(b));
  }

  private oneof(oneof: OneOfElement, depth: number): void {
    this.line(depth, `oneof ${oneof.name} {`);
    const options = this.filterOptions(oneof.options);
    const wrote = this.blocks(depth, [
      [options.length, each(options, (o) => this.optionStatement(o, depth + 1))],
      [oneof.fields.length, each(oneof.fields, (f) => this.field(f, depth + 1))],
      [oneof.groups.length, each(oneof.groups, (g) => this.group(g, depth + 1))],
    ]);
    this.close(depth, wrote);
  }

  private group(group: GroupElement, depth: number): void {
    const label = group.label ? `${group.label} ` : '';
    this.withOptions(
      this.filterOptions(group.options),
      depth,
      `${label}group ${group.message.name} = ${group.number}`,
      ' {',
    );
    this.close(
      depth,
      this.within(group.message.name, () => this.messageBody(group.message, depth)),
    );
  }

  private field(field: FieldElement, depth: number): void {
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
    this.withOptions(
      this.filterOptions(options),
      depth,
      `${label ? `${label} ` : ''}${type} ${field.name} = ${field.number}`,
      ';',
    );
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

  private reserved(reserved: ReservedElement, max: number, depth: number): void {
    this.line(depth, `reserved ${this.rangeValues(reserved.values, max)};`);
  }

  private extensionsRange(extensions: ExtensionsElement, depth: number): void {
    const head = `extensions ${this.rangeValues(extensions.values, MAX_FIELD_NUMBER)}`;
    this.withOptions(this.filterOptions(extensions.options), depth, head, ';');
  }

  private extendBlocks(extendsList: readonly ExtendElement[], depth: number): void {
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
    for (const extend of blocks) {
      this.line(depth, `extend ${extend.name} {`);
      const wrote = this.blocks(depth, [
        [extend.fields.length, each(extend.fields, (f) => this.field(f, depth + 1))],
        [extend.groups.length, each(extend.groups, (g) => this.group(g, depth + 1))],
      ]);
      this.close(depth, wrote);
    }
  }

  // ---- enums and services -------------------------------------------------------------------------------

  private enumType(type: EnumElement, depth: number): void {
    this.line(depth, `enum ${type.name} {`);
    const reserved = this.ranges(type.reserved);
    const options = this.filterOptions(type.options);
    const constants = this.normalize
      ? [...type.constants].sort((a, b) => a.number - b.number || byName(a, b))
      : type.constants;
    // Unlike a message's, an enum's parts are not kept apart by blank lines.
    for (const r of reserved) this.reserved(r, MAX_ENUM_NUMBER, depth + 1);
    for (const o of options) this.optionStatement(o, depth + 1);
    for (const c of constants)
      this.withOptions(this.filterOptions(c.options), depth + 1, `${c.name} = ${c.number}`, ';');
    this.close(depth, reserved.length + options.length + constants.length > 0);
  }

  private service(service: ServiceElement, depth: number): void {
    this.line(depth, `service ${service.name} {`);
    const options = this.filterOptions(service.options);
    const wrote = this.blocks(depth, [
      [options.length, each(options, (o) => this.optionStatement(o, depth + 1))],
      [service.rpcs.length, each(service.rpcs, (r) => this.rpc(r, depth + 1))],
    ]);
    this.close(depth, wrote);
  }

  private rpc(rpc: RpcElement, depth: number): void {
    const type = (name: string) => (this.normalize ? this.qualify(name, this.scope) : name);
    const head = `rpc ${rpc.name} (${rpc.requestStreaming ? 'stream ' : ''}${type(rpc.requestType)}) returns (${
      rpc.responseStreaming ? 'stream ' : ''
    }${type(rpc.responseType)})`;
    const options = this.filterOptions(rpc.options);
    if (options.length === 0) {
      this.line(depth, `${head};`);
      return;
    }
    this.line(depth, `${head} {`);
    for (const o of options) this.optionStatement(o, depth + 1);
    this.line(depth, '};');
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
