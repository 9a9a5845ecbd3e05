import {
  type EnumConstantElement,
  type EnumElement,
  type ExtendElement,
  type ExtensionsElement,
  type FieldElement,
  type GroupElement,
  type Label,
  MAX_ENUM_NUMBER,
  MAX_FIELD_NUMBER,
  MAX_PROTO_NESTING,
  type MessageElement,
  type NumberRange,
  type OneOfElement,
  type OptionElement,
  type OptionValue,
  type ProtoFileElement,
  type ReservedElement,
  type RpcElement,
  type ServiceElement,
  type TypeElement,
} from './ast.js';
import { ProtoSyntaxError, type Token, tokenize } from './tokenizer.js';

const LABELS = new Set(['optional', 'required', 'repeated']);
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TYPE_NAME = /^\.?[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const INTEGER = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/;
const FLOAT = /^([0-9]+\.[0-9]*([eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+|\.[0-9]+([eE][+-]?[0-9]+)?|inf|nan)$/;

interface MessageBody {
  fields: FieldElement[];
  oneofs: OneOfElement[];
  groups: GroupElement[];
  nested: TypeElement[];
  options: OptionElement[];
  reserved: ReservedElement[];
  extensions: ExtensionsElement[];
  extends: ExtendElement[];
}

/** Parses .proto source (proto2, proto3 or editions) into its elements; a syntax error names its line. */
export function parseProtoFile(source: string): ProtoFileElement {
  return new Parser(tokenize(source)).file();
}

class Parser {
  private at = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  file(): ProtoFileElement {
    let syntax: ProtoFileElement['syntax'] = null;
    let edition: string | null = null;
    let packageName: string | null = null;
    const imports: string[] = [];
    const publicImports: string[] = [];
    const weakImports: string[] = [];
    const options: OptionElement[] = [];
    const types: TypeElement[] = [];
    const services: ServiceElement[] = [];
    const extendsList: ExtendElement[] = [];
    while (this.peek()) {
      const token = this.next();
      if (token.kind === 'symbol' && token.text === ';') continue;
      if (token.kind !== 'word') this.fail(token, 'a declaration');
      switch (token.text) {
        case 'syntax': {
          this.expect('=');
          const value = this.string();
          if (value !== 'proto2' && value !== 'proto3')
            throw new ProtoSyntaxError(`unknown syntax "${value}" (line ${token.line})`);
          syntax = value;
          this.expect(';');
          break;
        }
        case 'edition':
          this.expect('=');
          edition = this.string();
          this.expect(';');
          break;
        case 'package':
          if (packageName !== null) throw new ProtoSyntaxError(`a second package (line ${token.line})`);
          packageName = this.typeName('a package name');
          if (packageName.startsWith('.')) this.fail(token, 'a package name');
          this.expect(';');
          break;
        case 'import': {
          let list = imports;
          if (
            this.peek()?.kind === 'word' &&
            (this.peek()?.text === 'public' || this.peek()?.text === 'weak')
          )
            list = this.next().text === 'public' ? publicImports : weakImports;
          list.push(this.string());
          this.expect(';');
          break;
        }
        case 'option':
          options.push(this.optionStatement());
          break;
        case 'message':
          types.push(this.message(this.identifier('a message name')));
          break;
        case 'enum':
          types.push(this.enumType(this.identifier('an enum name')));
          break;
        case 'service':
          services.push(this.service());
          break;
        case 'extend':
          extendsList.push(this.extend());
          break;
        default:
          throw new ProtoSyntaxError(`unexpected "${token.text}" at the top level (line ${token.line})`);
      }
    }
    return {
      syntax,
      edition,
      package: packageName,
      imports,
      publicImports,
      weakImports,
      options,
      types,
      services,
      extends: extendsList,
    };
  }

  // ---- tokens -------------------------------------------------------------------------------------------

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }

  private next(): Token {
    const token = this.tokens[this.at++];
    if (!token) throw new ProtoSyntaxError('unexpected end of file');
    return token;
  }

  private fail(token: Token, wanted: string): never {
    throw new ProtoSyntaxError(`expected ${wanted} but found "${token.text}" (line ${token.line})`);
  }

  private isSymbol(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token?.kind === 'symbol' && token.text === text;
  }

  private accept(text: string): boolean {
    if (!this.isSymbol(text)) return false;
    this.at++;
    return true;
  }

  private expect(text: string): void {
    const token = this.next();
    if (token.kind !== 'symbol' || token.text !== text) this.fail(token, `"${text}"`);
  }

  private identifier(what: string): string {
    const token = this.next();
    if (token.kind !== 'word' || !IDENT.test(token.text)) this.fail(token, what);
    return token.text;
  }

  private typeName(what: string): string {
    const token = this.next();
    if (token.kind !== 'word' || !TYPE_NAME.test(token.text)) this.fail(token, what);
    return token.text;
  }

  private string(): string {
    let token = this.next();
    if (token.kind !== 'string') this.fail(token, 'a string');
    let text = token.text;
    while (this.peek()?.kind === 'string') {
      token = this.next();
      text += token.text;
    }
    return text;
  }

  private integer(what: string, min: number, max: number): number {
    const negative = this.accept('-');
    const token = this.next();
    if (token.kind !== 'word' || !INTEGER.test(token.text)) this.fail(token, what);
    const magnitude = /^0[0-7]+$/.test(token.text) ? Number.parseInt(token.text, 8) : Number(token.text);
    const value = negative ? -magnitude : magnitude;
    if (value < min || value > max)
      throw new ProtoSyntaxError(`${what} ${value} is out of range (line ${token.line})`);
    return value;
  }

  private enter(token: Token): void {
    if (++this.depth > MAX_PROTO_NESTING)
      throw new ProtoSyntaxError(`nesting deeper than ${MAX_PROTO_NESTING} levels (line ${token.line})`);
  }

  // ---- options ------------------------------------------------------------------------------------------

  /** `(my.ext).field`, `java_package`: the name as written. */
  private optionName(): string {
    let name = '';
    for (;;) {
      if (this.accept('(')) {
        name += `(${this.typeName('an option name')})`;
        this.expect(')');
      } else {
        const part = this.typeName('an option name');
        if (part.startsWith('.') && name === '') this.fail(this.peek(-1) as Token, 'an option name');
        name += part;
      }
      const next = this.peek();
      if (next?.kind === 'word' && next.text === '.') {
        this.next();
        name += '.';
      } else if (!(next?.kind === 'word' && next.text.startsWith('.'))) return name;
    }
  }

  private optionStatement(): OptionElement {
    const option = this.option();
    this.expect(';');
    return option;
  }

  private option(): OptionElement {
    const name = this.optionName();
    this.expect('=');
    return { name, value: this.constant() };
  }

  /** `[a = 1, (b) = "x"]` after a field or constant, with `default` and `json_name` apart. */
  private bracketOptions(): { options: OptionElement[]; defaultValue?: OptionValue; jsonName?: string } {
    const options: OptionElement[] = [];
    let defaultValue: OptionValue | undefined;
    let jsonName: string | undefined;
    if (!this.accept('[')) return { options };
    do {
      const option = this.option();
      if (option.name === 'default') defaultValue = option.value;
      else if (option.name === 'json_name' && option.value.kind === 'string') jsonName = option.value.value;
      else options.push(option);
    } while (this.accept(','));
    this.expect(']');
    return {
      options,
      ...(defaultValue ? { defaultValue } : {}),
      ...(jsonName !== undefined ? { jsonName } : {}),
    };
  }

  private constant(): OptionValue {
    const token = this.peek();
    if (!token) throw new ProtoSyntaxError('unexpected end of file');
    if (token.kind === 'string') return { kind: 'string', value: this.string() };
    if (token.kind === 'symbol' && (token.text === '{' || token.text === '<')) return this.aggregate();
    if (token.kind === 'symbol' && token.text === '[') return this.list();
    if (token.kind === 'symbol' && (token.text === '-' || token.text === '+')) {
      this.next();
      const number = this.next();
      if (number.kind !== 'word' || !(INTEGER.test(number.text) || FLOAT.test(number.text)))
        this.fail(number, 'a number');
      return { kind: 'number', value: token.text === '-' ? `-${number.text}` : number.text };
    }
    const word = this.next();
    if (word.kind !== 'word') this.fail(word, 'a value');
    if (word.text === 'true' || word.text === 'false') return { kind: 'bool', value: word.text === 'true' };
    if (INTEGER.test(word.text) || FLOAT.test(word.text)) return { kind: 'number', value: word.text };
    if (!TYPE_NAME.test(word.text)) this.fail(word, 'a value');
    return { kind: 'enum', value: word.text };
  }

  private list(): OptionValue {
    const open = this.next();
    this.enter(open);
    const items: OptionValue[] = [];
    if (!this.isSymbol(']')) {
      do items.push(this.constant());
      while (this.accept(','));
    }
    this.expect(']');
    this.depth--;
    return { kind: 'list', items };
  }

  /** A text-format message value: `{ a: 1 b { c: "x" } [ext.name]: 2 }`. */
  private aggregate(): OptionValue {
    const open = this.next();
    this.enter(open);
    const close = open.text === '{' ? '}' : '>';
    const entries: [string, OptionValue][] = [];
    while (!this.accept(close)) {
      let key: string;
      if (this.accept('[')) {
        key = `[${this.typeName('an extension name')}`;
        while (this.accept('/')) key += `/${this.typeName('a type name')}`;
        key += ']';
        this.expect(']');
      } else {
        key = this.identifier('a field name');
      }
      const colon = this.accept(':');
      if (!colon && !this.isSymbol('{') && !this.isSymbol('<'))
        this.fail(this.peek() ?? open, `":" after ${key}`);
      const value = this.constant();
      const existing = entries.findIndex(([k]) => k === key);
      if (existing === -1) entries.push([key, value]);
      else {
        const previous = (entries[existing] as [string, OptionValue])[1];
        const items = previous.kind === 'list' ? [...previous.items] : [previous];
        items.push(...(value.kind === 'list' ? value.items : [value]));
        entries[existing] = [key, { kind: 'list', items }];
      }
      if (!this.accept(',')) this.accept(';');
    }
    this.depth--;
    return { kind: 'map', entries };
  }

  // ---- messages -----------------------------------------------------------------------------------------

  private message(name: string): MessageElement {
    const open = this.peek();
    this.expect('{');
    this.enter(open as Token);
    const body = this.messageBody(name);
    this.depth--;
    return { kind: 'message', name, ...body };
  }

  private messageBody(name: string): MessageBody {
    const body: MessageBody = {
      fields: [],
      oneofs: [],
      groups: [],
      nested: [],
      options: [],
      reserved: [],
      extensions: [],
      extends: [],
    };
    for (;;) {
      const token = this.peek();
      if (!token) throw new ProtoSyntaxError(`message ${name} is not closed`);
      if (token.kind === 'symbol' && token.text === '}') {
        this.next();
        return body;
      }
      if (token.kind === 'symbol' && token.text === ';') {
        this.next();
        continue;
      }
      if (token.kind !== 'word') this.fail(token, 'a field or declaration');
      // As in protoc, a keyword at the start of a statement is the keyword, never a type name.
      switch (token.text) {
        case 'message':
          this.next();
          body.nested.push(this.message(this.identifier('a message name')));
          break;
        case 'enum':
          this.next();
          body.nested.push(this.enumType(this.identifier('an enum name')));
          break;
        case 'oneof':
          this.next();
          body.oneofs.push(this.oneof());
          break;
        case 'option':
          this.next();
          body.options.push(this.optionStatement());
          break;
        case 'reserved':
          this.next();
          body.reserved.push(this.reserved(MAX_FIELD_NUMBER));
          break;
        case 'extensions':
          this.next();
          body.extensions.push(this.extensionsRange());
          break;
        case 'extend':
          this.next();
          body.extends.push(this.extend());
          break;
        default: {
          const label = LABELS.has(token.text) ? (this.next().text as Label) : null;
          if (this.atGroup()) body.groups.push(this.group(label));
          else body.fields.push(this.field(label));
        }
      }
    }
  }

  /** `group Name = 1 {`: protoc requires a group's name to start with a capital letter. */
  private atGroup(): boolean {
    const name = this.peek(1);
    return this.peek()?.text === 'group' && name?.kind === 'word' && /^[A-Z]/.test(name.text);
  }

  private fieldType(): string {
    const token = this.peek();
    if (token?.kind === 'word' && token.text === 'map' && this.isSymbol('<', 1)) {
      this.next();
      this.next();
      const key = this.typeName('a map key type');
      this.expect(',');
      const value = this.typeName('a map value type');
      this.expect('>');
      return `map<${key}, ${value}>`;
    }
    return this.typeName('a field type');
  }

  private field(label: Label | null): FieldElement {
    const type = this.fieldType();
    const name = this.identifier('a field name');
    this.expect('=');
    const number = this.integer('a field number', 1, MAX_FIELD_NUMBER);
    const options = this.bracketOptions();
    this.expect(';');
    return { label, type, name, number, ...options };
  }

  private group(label: Label | null): GroupElement {
    this.next();
    const name = this.identifier('a group name');
    this.expect('=');
    const number = this.integer('a field number', 1, MAX_FIELD_NUMBER);
    const { options } = this.bracketOptions();
    return { label, number, options, message: this.message(name) };
  }

  private oneof(): OneOfElement {
    const name = this.identifier('a oneof name');
    this.expect('{');
    const options: OptionElement[] = [];
    const fields: FieldElement[] = [];
    const groups: GroupElement[] = [];
    while (!this.accept('}')) {
      if (this.accept(';')) continue;
      const token = this.peek() as Token;
      if (token.kind === 'word' && token.text === 'option') {
        this.next();
        options.push(this.optionStatement());
      } else if (this.atGroup()) {
        groups.push(this.group(null));
      } else {
        fields.push(this.field(null));
      }
    }
    return { name, options, fields, groups };
  }

  private ranges(max: number): (number | NumberRange)[] {
    const values: (number | NumberRange)[] = [];
    do {
      const start = this.integer('a number', max === MAX_ENUM_NUMBER ? -MAX_ENUM_NUMBER - 1 : 1, max);
      if (this.peek()?.kind === 'word' && this.peek()?.text === 'to') {
        this.next();
        if (this.peek()?.kind === 'word' && this.peek()?.text === 'max') {
          this.next();
          values.push({ start, end: 'max' });
        } else {
          const end = this.integer('a number', start, max);
          values.push({ start, end });
        }
      } else values.push(start);
    } while (this.accept(','));
    return values;
  }

  private reserved(max: number): ReservedElement {
    const token = this.peek();
    if (token?.kind === 'string' || (token?.kind === 'word' && IDENT.test(token.text))) {
      const names: string[] = [];
      do names.push(this.peek()?.kind === 'string' ? this.string() : this.identifier('a reserved name'));
      while (this.accept(','));
      this.expect(';');
      return { values: names };
    }
    const values = this.ranges(max);
    this.expect(';');
    return { values };
  }

  private extensionsRange(): ExtensionsElement {
    const values = this.ranges(MAX_FIELD_NUMBER);
    const { options } = this.bracketOptions();
    this.expect(';');
    return { values, options };
  }

  private extend(): ExtendElement {
    const name = this.typeName('a message to extend');
    const open = this.peek();
    this.expect('{');
    this.enter(open as Token);
    const fields: FieldElement[] = [];
    const groups: GroupElement[] = [];
    while (!this.accept('}')) {
      if (this.accept(';')) continue;
      const token = this.peek() as Token;
      const label = LABELS.has(token.text) ? (this.next().text as Label) : null;
      if (this.atGroup()) groups.push(this.group(label));
      else fields.push(this.field(label));
    }
    this.depth--;
    return { name, fields, groups };
  }

  // ---- enums and services -------------------------------------------------------------------------------

  private enumType(name: string): EnumElement {
    this.expect('{');
    const options: OptionElement[] = [];
    const constants: EnumConstantElement[] = [];
    const reserved: ReservedElement[] = [];
    while (!this.accept('}')) {
      if (this.accept(';')) continue;
      const token = this.next();
      if (token.kind !== 'word') this.fail(token, 'an enum constant');
      if (token.text === 'option' && !this.isSymbol('=')) options.push(this.optionStatement());
      else if (token.text === 'reserved' && !this.isSymbol('='))
        reserved.push(this.reserved(MAX_ENUM_NUMBER));
      else {
        if (!IDENT.test(token.text)) this.fail(token, 'an enum constant');
        this.expect('=');
        const number = this.integer('an enum value', -MAX_ENUM_NUMBER - 1, MAX_ENUM_NUMBER);
        const { options: constantOptions } = this.bracketOptions();
        this.expect(';');
        constants.push({ name: token.text, number, options: constantOptions });
      }
    }
    return { kind: 'enum', name, options, constants, reserved };
  }

  private service(): ServiceElement {
    const name = this.identifier('a service name');
    this.expect('{');
    const options: OptionElement[] = [];
    const rpcs: RpcElement[] = [];
    while (!this.accept('}')) {
      if (this.accept(';')) continue;
      const token = this.next();
      if (token.kind === 'word' && token.text === 'option') options.push(this.optionStatement());
      else if (token.kind === 'word' && token.text === 'rpc') rpcs.push(this.rpc());
      else this.fail(token, 'an rpc');
    }
    return { name, options, rpcs };
  }

  private rpc(): RpcElement {
    const name = this.identifier('an rpc name');
    const side = (): [boolean, string] => {
      this.expect('(');
      const streaming =
        this.peek()?.kind === 'word' && this.peek()?.text === 'stream' && !this.isSymbol(')', 1);
      if (streaming) this.next();
      const type = this.typeName('a message type');
      this.expect(')');
      return [streaming, type];
    };
    const [requestStreaming, requestType] = side();
    const returns = this.next();
    if (returns.kind !== 'word' || returns.text !== 'returns') this.fail(returns, '"returns"');
    const [responseStreaming, responseType] = side();
    const options: OptionElement[] = [];
    if (this.accept('{')) {
      while (!this.accept('}')) {
        if (this.accept(';')) continue;
        const token = this.next();
        if (token.kind !== 'word' || token.text !== 'option') this.fail(token, 'an option');
        options.push(this.optionStatement());
      }
      this.accept(';');
    } else this.expect(';');
    return { name, requestType, responseType, requestStreaming, responseStreaming, options };
  }
}
