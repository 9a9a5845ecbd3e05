import { Refusal } from '../../core/errors.js';

/** One Avro schema to print, with where it came from (for messages). Dependencies come before their users. */
export interface AvroSource {
  readonly label: string;
  readonly schema: unknown;
}

export interface AvroIdl {
  readonly idl: string;
  /** Full names of the declared types, in declaration order. */
  readonly types: readonly string[];
  /** What the IDL cannot say, in words (a top-level union is not a declaration, say). */
  readonly notes: readonly string[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const NAMED = new Set(['record', 'error', 'enum', 'fixed']);
/** Words of Avro IDL that a name must be quoted with backticks to use. */
const KEYWORDS = new Set([
  ...PRIMITIVES,
  ...NAMED,
  'array',
  'map',
  'union',
  'protocol',
  'import',
  'idl',
  'schema',
  'throws',
  'oneway',
  'void',
  'true',
  'false',
  'date',
  'time_ms',
  'timestamp_ms',
  'local_timestamp_ms',
  'decimal',
  'uuid',
  'namespace',
]);
/** Logical types with an IDL keyword of their own, on the underlying type Avro gives them. */
const LOGICAL_KEYWORDS: Record<string, { type: string; keyword: string }> = {
  date: { type: 'int', keyword: 'date' },
  'timestamp-millis': { type: 'long', keyword: 'timestamp_ms' },
};
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PROPERTY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function identifier(name: string): string {
  return name
    .split('.')
    .map((part) => (KEYWORDS.has(part) ? `\`${part}\`` : part))
    .join('.');
}

/** Whether a doc reads back unchanged from a `/** … *\/` comment; other docs become `@doc` annotations. */
function plainDoc(doc: unknown): doc is string {
  return (
    typeof doc === 'string' && doc === doc.trim() && doc !== '' && !doc.includes('*/') && !doc.includes('\r')
  );
}

function docComment(doc: unknown, indent: string): string {
  if (doc === undefined) return '';
  if (!plainDoc(doc)) return `${indent}@doc(${JSON.stringify(doc)})\n`;
  const text = doc;
  const lines = text.split('\n');
  if (lines.length === 1) return `${indent}/** ${text} */\n`;
  return `${indent}/**\n${lines.map((line) => `${indent} *${line === '' ? '' : ` ${line}`}`).join('\n')}\n${indent} */\n`;
}

function annotations(schema: JsonObject, skip: ReadonlySet<string>, where: string): string {
  return Object.entries(schema)
    .filter(([key]) => !skip.has(key))
    .map(([key, value]) => {
      if (!PROPERTY.test(key))
        throw new Refusal(`${where}: property "${key}" cannot be written as an Avro IDL annotation`);
      return `@${key}(${JSON.stringify(value)}) `;
    })
    .join('');
}

function split(fullName: string): { namespace: string; name: string } {
  const dot = fullName.lastIndexOf('.');
  return dot < 0
    ? { namespace: '', name: fullName }
    : { namespace: fullName.slice(0, dot), name: fullName.slice(dot + 1) };
}

function fullNameOf(name: unknown, namespace: unknown, enclosing: string, where: string): string {
  if (typeof name !== 'string' || name === '') throw new Refusal(`${where}: a named type has no name`);
  if (name.includes('.')) return name;
  const ns = typeof namespace === 'string' ? namespace : enclosing;
  return ns === '' ? name : `${ns}.${name}`;
}

function checkName(fullName: string, where: string): void {
  for (const part of fullName.split('.')) {
    if (!NAME.test(part)) throw new Refusal(`${where}: "${fullName}" is not a valid Avro name`);
  }
}

/** Hoists every named type to a protocol-level declaration (dependencies first) and prints types in place. */
class Printer {
  readonly declarations = new Map<string, { text: string; label: string }>();
  readonly referenced = new Map<string, string>();
  private readonly declaring = new Set<string>();

  constructor(private readonly protocolNamespace: string) {}

  /** A reference to a named type as seen from inside `enclosing`: its short name when it shares the namespace. */
  private reference(fullName: string, enclosing: string, label: string): string {
    const { namespace, name } = split(fullName);
    // A name without dots means "in the enclosing namespace": IDL cannot name the null namespace from inside one.
    if (namespace === '' && enclosing !== '')
      throw new Refusal(
        `${label}: type ${fullName} has no namespace but is used inside namespace ${enclosing}, where Avro IDL cannot name it`,
      );
    return identifier(namespace === enclosing ? name : fullName);
  }

  type(schema: unknown, enclosing: string, label: string): string {
    if (typeof schema === 'string') {
      if (PRIMITIVES.has(schema)) return schema;
      const fullName = fullNameOf(schema, undefined, enclosing, label);
      checkName(fullName, label);
      if (!this.referenced.has(fullName)) this.referenced.set(fullName, label);
      return this.reference(fullName, enclosing, label);
    }
    if (Array.isArray(schema)) {
      return `union { ${schema.map((branch) => this.type(branch, enclosing, label)).join(', ')} }`;
    }
    if (!isObject(schema)) throw new Refusal(`${label}: ${JSON.stringify(schema)} is not an Avro type`);
    const kind = schema.type;
    if (typeof kind === 'string' && NAMED.has(kind)) {
      return this.reference(this.declare(schema, enclosing, label), enclosing, label);
    }
    if (kind === 'array' || kind === 'map') {
      const inner = this.type(kind === 'array' ? schema.items : schema.values, enclosing, label);
      const skip = new Set(['type', kind === 'array' ? 'items' : 'values']);
      return `${annotations(schema, skip, label)}${kind}<${inner}>`;
    }
    if (typeof kind === 'string' && PRIMITIVES.has(kind)) {
      const logical =
        typeof schema.logicalType === 'string' ? LOGICAL_KEYWORDS[schema.logicalType] : undefined;
      if (logical && logical.type === kind && Object.keys(schema).length === 2) return logical.keyword;
      return `${annotations(schema, new Set(['type']), label)}${kind}`;
    }
    if (typeof kind === 'string' || Array.isArray(kind)) {
      // {"type": "com.acme.Order"} or {"type": [...]}: a wrapped reference or union, with no properties of its own.
      if (Object.keys(schema).length > 1)
        throw new Refusal(`${label}: properties on a wrapped type reference cannot be written in Avro IDL`);
      return this.type(kind, enclosing, label);
    }
    throw new Refusal(`${label}: ${JSON.stringify(schema).slice(0, 80)} is not an Avro type`);
  }

  /** Declares a named type (after those it defines inside it) and returns its full name. */
  private declare(schema: JsonObject, enclosing: string, label: string): string {
    const fullName = fullNameOf(schema.name, schema.namespace, enclosing, label);
    checkName(fullName, label);
    const where = `${label}: ${fullName}`;
    if (this.declaring.has(fullName)) throw new Refusal(`${where} is defined inside itself`);
    this.declaring.add(fullName);
    const { namespace, name } = split(fullName);
    const kind = schema.type as string;
    let head = docComment(schema.doc, '  ');
    if (namespace !== this.protocolNamespace) head += `  @namespace(${JSON.stringify(namespace)})\n`;
    if (schema.aliases !== undefined) head += `  @aliases(${JSON.stringify(schema.aliases)})\n`;
    const own = new Set(['type', 'name', 'namespace', 'doc', 'aliases']);
    let body: string;
    if (kind === 'enum') {
      own.add('symbols').add('default');
      const symbols = schema.symbols;
      if (!Array.isArray(symbols) || symbols.some((s) => typeof s !== 'string' || !NAME.test(s)))
        throw new Refusal(`${where}: its symbols are not a list of names`);
      const fallback = typeof schema.default === 'string' ? ` = ${identifier(schema.default)};` : '';
      body = `enum ${identifier(name)} {\n${(symbols as string[]).map((s) => `    ${identifier(s)}`).join(',\n')}\n  }${fallback}`;
    } else if (kind === 'fixed') {
      own.add('size');
      if (typeof schema.size !== 'number' || !Number.isInteger(schema.size) || schema.size < 0)
        throw new Refusal(`${where}: its size is not a whole number`);
      body = `fixed ${identifier(name)}(${schema.size});`;
    } else {
      own.add('fields');
      if (!Array.isArray(schema.fields)) throw new Refusal(`${where}: it has no list of fields`);
      const fields = schema.fields.map((field) => this.field(field, namespace, where));
      body = `${kind} ${identifier(name)} {\n${fields.join('\n')}\n  }`;
    }
    const props = annotations(schema, own, where);
    const text = `${head}${props ? `  ${props.trimEnd()}\n` : ''}  ${body}`;
    this.declaring.delete(fullName);
    const earlier = this.declarations.get(fullName);
    if (earlier && earlier.text !== text)
      throw new Refusal(
        `type ${fullName} is defined differently in ${earlier.label} and ${label}; export them separately`,
      );
    if (!earlier) this.declarations.set(fullName, { text, label });
    return fullName;
  }

  private field(field: unknown, namespace: string, where: string): string {
    if (!isObject(field) || typeof field.name !== 'string' || !NAME.test(field.name))
      throw new Refusal(`${where}: a field has no valid name`);
    const at = `${where}.${field.name}`;
    const type = this.type(field.type, namespace, at);
    // A field's annotations go between its type and its name; before the type they would be the type's.
    let props = field.doc !== undefined && !plainDoc(field.doc) ? `@doc(${JSON.stringify(field.doc)}) ` : '';
    if (field.order !== undefined) props += `@order(${JSON.stringify(field.order)}) `;
    if (field.aliases !== undefined) props += `@aliases(${JSON.stringify(field.aliases)}) `;
    props += annotations(field, new Set(['name', 'type', 'doc', 'default', 'order', 'aliases']), at);
    const fallback = field.default === undefined ? '' : ` = ${JSON.stringify(field.default)}`;
    const comment = plainDoc(field.doc) ? docComment(field.doc, '    ') : '';
    return `${comment}    ${type} ${props}${identifier(field.name)}${fallback};`;
  }
}

/** The namespace a schema's top-level named type lives in, for the protocol's own namespace. */
function topNamespace(schema: unknown): string {
  if (!isObject(schema) || typeof schema.name !== 'string') return '';
  if (schema.name.includes('.')) return split(schema.name).namespace;
  return typeof schema.namespace === 'string' ? schema.namespace : '';
}

/**
 * Avro schemas (parsed JSON) as one Avro IDL protocol: every record, error, enum and fixed declared at the
 * protocol's level in dependency order, with docs, aliases, defaults, logical types and other properties as
 * annotations, and names of another namespace written in full.
 */
export function toAvroIdl(
  sources: readonly AvroSource[],
  protocol: string,
  namespace: string | undefined = undefined,
): AvroIdl {
  if (!NAME.test(protocol)) throw new Refusal(`protocol name "${protocol}" is not a valid Avro name`);
  const last = sources.at(-1);
  const protocolNamespace = namespace ?? (last ? topNamespace(last.schema) : '');
  if (protocolNamespace !== '') checkName(protocolNamespace, 'namespace');
  const printer = new Printer(protocolNamespace);
  const notes: string[] = [];
  for (const source of sources) {
    // A top-level name without a namespace is in the null namespace, whatever the protocol's.
    const inline = printer.type(source.schema, '', source.label);
    const top = source.schema;
    if (!(isObject(top) && typeof top.type === 'string' && NAMED.has(top.type))) {
      if (typeof top === 'string' && !PRIMITIVES.has(top)) continue;
      notes.push(
        `${source.label}: its top-level type ${inline} is not a named type, so the protocol declares only the named types inside it`,
      );
    }
  }
  for (const [fullName, label] of printer.referenced) {
    if (!printer.declarations.has(fullName))
      throw new Refusal(
        `${label}: type ${fullName} is referenced but not defined; include the subject that defines it`,
      );
  }
  if (printer.declarations.size === 0)
    throw new Refusal(
      'none of the schemas declares a record, enum or fixed type; Avro IDL has nothing to declare',
    );
  const head = protocolNamespace === '' ? '' : `@namespace(${JSON.stringify(protocolNamespace)})\n`;
  const body = [...printer.declarations.values()].map((d) => d.text).join('\n\n');
  return {
    idl: `${head}protocol ${identifier(protocol)} {\n${body}\n}\n`,
    types: [...printer.declarations.keys()],
    notes,
  };
}
