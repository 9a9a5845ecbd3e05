import type {
  Label,
  ProtoEnum,
  ProtoField,
  ProtoFile,
  ProtoMessage,
  ProtoOneof,
  ProtoType,
} from './model.js';

export class ProtoSyntaxError extends Error {
  override readonly name = 'ProtoSyntaxError';
}

interface Token {
  readonly text: string;
  readonly line: number;
  readonly string?: boolean;
}

const PUNCTUATION = new Set(['{', '}', '(', ')', '[', ']', ';', '=', ',', '<', '>', ':']);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      if (end === -1) throw new ProtoSyntaxError(`unterminated comment (line ${line})`);
      line += source.slice(i, end).split('\n').length - 1;
      i = end + 2;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let text = '';
      while (j < source.length && source[j] !== c) {
        if (source[j] === '\\') j++;
        text += source[j] ?? '';
        j++;
      }
      if (j >= source.length) throw new ProtoSyntaxError(`unterminated string (line ${line})`);
      tokens.push({ text, line, string: true });
      i = j + 1;
    } else if (PUNCTUATION.has(c)) {
      tokens.push({ text: c, line });
      i++;
    } else {
      let j = i;
      while (
        j < source.length &&
        !/\s/.test(source[j] as string) &&
        !PUNCTUATION.has(source[j] as string) &&
        source[j] !== '"' &&
        source[j] !== "'" &&
        !(source[j] === '/' && (source[j + 1] === '/' || source[j + 1] === '*'))
      )
        j++;
      tokens.push({ text: source.slice(i, j), line });
      i = j;
    }
  }
  return tokens;
}

const LABELS = new Set(['optional', 'required', 'repeated']);

/**
 * Parses .proto source into the element model Confluent's diff compares (as the Wire parser does): options,
 * reserved ranges, extensions, services, groups and `extend` blocks are read past, not kept.
 */
export function parseProto(source: string): ProtoFile {
  const tokens = tokenize(source);
  let at = 0;
  const peek = (offset = 0) => tokens[at + offset];
  const next = (): Token => {
    const token = tokens[at++];
    if (!token) throw new ProtoSyntaxError('unexpected end of file');
    return token;
  };
  const expect = (text: string) => {
    const token = next();
    if (token.text !== text || token.string) {
      throw new ProtoSyntaxError(`expected "${text}" but found "${token.text}" (line ${token.line})`);
    }
  };
  const identifier = (what: string): string => {
    const token = next();
    if (token.string || !/^[.A-Za-z_][\w.]*$/.test(token.text)) {
      throw new ProtoSyntaxError(`expected ${what} but found "${token.text}" (line ${token.line})`);
    }
    return token.text;
  };
  const integer = (): number => {
    const token = next();
    const value = /^-?(0x[0-9a-f]+|\d+)$/i.test(token.text) ? Number(token.text) : Number.NaN;
    if (!Number.isInteger(value))
      throw new ProtoSyntaxError(`expected a number but found "${token.text}" (line ${token.line})`);
    return value;
  };
  /** Skips a statement or block: up to `;` at this depth, or a balanced `{…}`. */
  const skipStatement = () => {
    let depth = 0;
    for (;;) {
      const token = next();
      if (token.string) continue;
      if (token.text === '{') depth++;
      else if (token.text === '}') {
        depth--;
        if (depth === 0) return;
      } else if (token.text === ';' && depth === 0) return;
    }
  };
  /** `[ … ]` field options: read `map_entry`-style flags we do not need, past the closing bracket. */
  const skipBrackets = () => {
    let depth = 0;
    for (;;) {
      const token = next();
      if (token.string) continue;
      if (token.text === '[') depth++;
      else if (token.text === ']') {
        depth--;
        if (depth === 0) return;
      }
    }
  };

  const field = (label: Label, inOneof: boolean): ProtoField => {
    let type = identifier('a field type');
    if (type === 'map' && peek()?.text === '<') {
      next();
      const key = identifier('a map key type');
      expect(',');
      const value = identifier('a map value type');
      expect('>');
      type = `map<${key}, ${value}>`;
    }
    const name = identifier('a field name');
    expect('=');
    const number = integer();
    if (peek()?.text === '[') skipBrackets();
    expect(';');
    return { label: inOneof ? null : label, type, name, number };
  };

  const enumBody = (name: string): ProtoEnum => {
    expect('{');
    const constants: { name: string; number: number }[] = [];
    while (peek()?.text !== '}') {
      const token = peek() as Token;
      if (token.text === ';') {
        next();
      } else if (token.text === 'option' || token.text === 'reserved') {
        skipStatement();
      } else {
        const constant = identifier('an enum constant');
        expect('=');
        const number = integer();
        if (peek()?.text === '[') skipBrackets();
        expect(';');
        constants.push({ name: constant, number });
      }
    }
    expect('}');
    return { kind: 'enum', name, constants };
  };

  const messageBody = (name: string): ProtoMessage => {
    expect('{');
    const fields: ProtoField[] = [];
    const oneofs: ProtoOneof[] = [];
    const nested: ProtoType[] = [];
    let mapEntry = false;
    while (peek()?.text !== '}') {
      const token = peek() as Token;
      if (!token) throw new ProtoSyntaxError(`message ${name} is not closed`);
      switch (token.text) {
        case ';':
          next();
          break;
        case 'message':
          next();
          nested.push(messageBody(identifier('a message name')));
          break;
        case 'enum':
          next();
          nested.push(enumBody(identifier('an enum name')));
          break;
        case 'oneof': {
          next();
          const oneofName = identifier('a oneof name');
          expect('{');
          const members: ProtoField[] = [];
          while (peek()?.text !== '}') {
            if (peek()?.text === 'option' || peek()?.text === ';') {
              if (peek()?.text === ';') next();
              else skipStatement();
            } else members.push(field(null, true));
          }
          expect('}');
          oneofs.push({ name: oneofName, fields: members });
          break;
        }
        case 'option': {
          const start = at;
          skipStatement();
          if (
            tokens.slice(start, at).some((t) => t.text === 'map_entry') &&
            tokens.slice(start, at).some((t) => t.text === 'true')
          ) {
            mapEntry = true;
          }
          break;
        }
        case 'reserved':
        case 'extensions':
        case 'extend':
          skipStatement();
          break;
        default: {
          if (LABELS.has(token.text) && peek(1)?.text === 'group') {
            skipStatement();
            break;
          }
          const label = LABELS.has(token.text) ? (next().text as Label) : null;
          fields.push(field(label, false));
        }
      }
    }
    expect('}');
    return { kind: 'message', name, fields, oneofs, nested, mapEntry };
  };

  let packageName: string | null = null;
  let syntax: string | null = null;
  const imports: string[] = [];
  const types: ProtoType[] = [];
  while (at < tokens.length) {
    const token = next();
    switch (token.text) {
      case ';':
        break;
      case 'syntax':
      case 'edition':
        expect('=');
        syntax = next().text;
        expect(';');
        break;
      case 'package':
        packageName = identifier('a package name');
        expect(';');
        break;
      case 'import': {
        let target = next();
        if (!target.string && (target.text === 'public' || target.text === 'weak')) target = next();
        imports.push(target.text);
        expect(';');
        break;
      }
      case 'message':
        types.push(messageBody(identifier('a message name')));
        break;
      case 'enum':
        types.push(enumBody(identifier('an enum name')));
        break;
      case 'option':
      case 'service':
      case 'extend':
        at--;
        skipStatement();
        break;
      default:
        throw new ProtoSyntaxError(`unexpected "${token.text}" at the top level (line ${token.line})`);
    }
  }
  return { package: packageName, syntax, imports, types };
}
