import { TemplateError } from './errors.js';
import { type Item, lex, type Token } from './lexer.js';

export type Term =
  | { readonly kind: 'dot'; readonly path: readonly string[] }
  | { readonly kind: 'var'; readonly name: string; readonly path: readonly string[] }
  | { readonly kind: 'fn'; readonly name: string }
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'pipe'; readonly pipe: Pipe; readonly path: readonly string[] };

export interface Pipe {
  readonly declare: readonly string[];
  readonly assign: boolean;
  readonly commands: readonly (readonly Term[])[];
}

export type Node =
  | { readonly kind: 'text'; readonly text: string; readonly line: number }
  | { readonly kind: 'action'; readonly pipe: Pipe; readonly line: number }
  | {
      readonly kind: 'if' | 'with' | 'range';
      readonly pipe: Pipe;
      readonly body: readonly Node[];
      readonly otherwise: readonly Node[];
      readonly line: number;
    }
  | { readonly kind: 'template'; readonly name: string; readonly pipe?: Pipe; readonly line: number }
  | { readonly kind: 'break' | 'continue'; readonly line: number };

/** What Rampart renders of Go's text/template; the rest is refused by name rather than rendered differently. */
const REFUSED_KEYWORDS: Record<string, string> = {
  define: '{{define}} (named templates inside a file)',
  block: '{{block}}',
};

/** Parses a Go template into nodes; an error names the file and line. */
/** Blocks and parentheses nested deeper than this are refused: the parser and renderer recurse on them. */
export const MAX_NESTING = 100;

export function parseTemplate(source: string, file: string): Node[] {
  const items = lex(source, file);
  let index = 0;
  let depth = 0;
  const parseList = (
    inLoop: boolean,
  ): { nodes: Node[]; stop?: { word: string; tokens: readonly Token[]; line: number } } => {
    const nodes: Node[] = [];
    while (index < items.length) {
      const item = items[index++] as Item;
      if (item.kind === 'text') {
        nodes.push(item);
        continue;
      }
      const [first, ...rest] = item.tokens;
      const fail = (reason: string): never => {
        throw new TemplateError(file, item.line, reason);
      };
      if (!first) fail('empty action {{ }}');
      const head = first as Token;
      if (head.kind === 'keyword') {
        const word = head.text;
        if (word === 'end' || word === 'else')
          return { nodes, stop: { word, tokens: rest, line: item.line } };
        if (REFUSED_KEYWORDS[word])
          fail(`${REFUSED_KEYWORDS[word]} is not part of the template subset Rampart renders`);
        if (word === 'break' || word === 'continue') {
          if (!inLoop) fail(`{{${word}}} outside a {{range}}`);
          nodes.push({ kind: word, line: item.line });
          continue;
        }
        if (word === 'template') {
          const name = rest[0];
          if (name?.kind !== 'string') fail('{{template}} needs a quoted template name');
          const pipe = rest.length > 1 ? parsePipe(rest.slice(1), file, item.line) : undefined;
          nodes.push({
            kind: 'template',
            name: (name as Token).value as string,
            ...(pipe ? { pipe } : {}),
            line: item.line,
          });
          continue;
        }
        nodes.push(parseBlock(word as 'if' | 'with' | 'range', rest, item.line, inLoop));
        continue;
      }
      nodes.push({ kind: 'action', pipe: parsePipe(item.tokens, file, item.line), line: item.line });
    }
    return { nodes };
  };
  const parseBlock = (
    word: 'if' | 'with' | 'range',
    tokens: readonly Token[],
    line: number,
    inLoop: boolean,
  ): Node => {
    const pipe = parsePipe(tokens, file, line, word === 'range');
    if (++depth > MAX_NESTING)
      throw new TemplateError(file, line, `blocks nest more than ${MAX_NESTING} deep`);
    const body = parseList(inLoop || word === 'range');
    if (!body.stop) throw new TemplateError(file, line, `{{${word}}} has no {{end}}`);
    let otherwise: Node[] = [];
    if (body.stop.word === 'else') {
      const chained = body.stop.tokens[0];
      if (chained?.kind === 'keyword' && (chained.text === 'if' || chained.text === 'with')) {
        // {{else if …}} is an {{if}} inside the else branch that shares the outer {{end}}.
        otherwise = [parseBlock(chained.text, body.stop.tokens.slice(1), body.stop.line, inLoop)];
        depth--;
        return { kind: word, pipe, body: body.nodes, otherwise, line };
      }
      const rest = parseList(inLoop);
      if (rest.stop?.word !== 'end')
        throw new TemplateError(file, line, `{{${word}}} has no {{end}} after its {{else}}`);
      otherwise = rest.nodes;
    } else if (body.stop.tokens.length > 0) {
      throw new TemplateError(file, body.stop.line, 'unexpected words after {{end}}');
    }
    depth--;
    return { kind: word, pipe, body: body.nodes, otherwise, line };
  };
  const top = parseList(false);
  if (top.stop) throw new TemplateError(file, top.stop.line, `unexpected {{${top.stop.word}}}`);
  return top.nodes;
}

function parsePipe(tokens: readonly Token[], file: string, line: number, range = false): Pipe {
  const fail = (reason: string): never => {
    throw new TemplateError(file, line, reason);
  };
  let at = 0;
  let parens = 0;
  const declare: string[] = [];
  let assign = false;
  // `$x :=`, `$x =`, and in a range `$i, $v :=`.
  const declEnd = tokens.findIndex((t) => t.kind === 'declare' || t.kind === 'assign');
  if (declEnd > 0 && tokens.slice(0, declEnd).every((t) => t.kind === 'var' || t.kind === 'comma')) {
    for (const t of tokens.slice(0, declEnd)) if (t.kind === 'var') declare.push(t.text);
    if (declare.length > (range ? 2 : 1)) fail('too many variables declared');
    assign = tokens[declEnd]?.kind === 'assign';
    at = declEnd + 1;
  }
  const parseCommands = (stopAtParen: boolean): (readonly Term[])[] => {
    const commands: Term[][] = [[]];
    while (at < tokens.length) {
      const token = tokens[at] as Token;
      if (token.kind === 'rparen') {
        if (!stopAtParen) fail('unexpected )');
        break;
      }
      at++;
      if (token.kind === 'pipe') {
        commands.push([]);
        continue;
      }
      const command = commands[commands.length - 1] as Term[];
      const term = parseTerm(token);
      command.push(term);
    }
    if (commands.some((c) => c.length === 0)) fail('missing command in a pipeline');
    return commands;
  };
  const chain = (): string[] => {
    const path: string[] = [];
    while (tokens[at]?.kind === 'field' && !tokens[at]?.spaced)
      path.push((tokens[at++] as Token).text.slice(1));
    return path;
  };
  const parseTerm = (token: Token): Term => {
    switch (token.kind) {
      case 'dot':
        return { kind: 'dot', path: chain() };
      case 'field':
        return { kind: 'dot', path: [token.text.slice(1), ...chain()] };
      case 'var': {
        const [name, ...fields] = token.text.split('.');
        return { kind: 'var', name: name as string, path: [...fields, ...chain()] };
      }
      case 'ident':
        return { kind: 'fn', name: token.text };
      case 'string':
      case 'number':
      case 'bool':
        return { kind: 'literal', value: token.value };
      case 'nil':
        return { kind: 'literal', value: null };
      case 'lparen': {
        if (++parens > MAX_NESTING) fail(`parentheses nest more than ${MAX_NESTING} deep`);
        const inner = parseCommands(true);
        if (tokens[at]?.kind !== 'rparen') fail('unclosed (');
        at++;
        parens--;
        return { kind: 'pipe', pipe: { declare: [], assign: false, commands: inner }, path: chain() };
      }
      default:
        return fail(`unexpected "${token.text}" in a pipeline`);
    }
  };
  const commands = parseCommands(false);
  if (commands.length === 0 || (commands.length === 1 && commands[0]?.length === 0)) fail('empty pipeline');
  return { declare, assign, commands };
}
