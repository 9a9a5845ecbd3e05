import { type Node, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import { exceedsTextDepth, MAX_JSON_DEPTH, tooDeepMessage } from '../../guards/limits.js';

export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * Line and column (both from 1) of JSON pointers in one document, computed only when there is something to
 * report: a valid config never pays for the syntax tree.
 */
export class DocumentPositions {
  private tree: Node | null | undefined;
  private lineStarts: number[] | undefined;

  constructor(private readonly text: string) {}

  /** Where the value at `pointer` starts, or where its key is when `atKey` (an unknown key is reported there). */
  of(pointer: string, atKey = false): Position {
    // jsonc-parser recurses on nesting: past the depth policy there is no tree, and positions fall back to 1:1.
    if (this.tree === undefined) {
      this.tree = exceedsTextDepth(this.text, MAX_JSON_DEPTH)
        ? null
        : (parseTree(this.text, [], { disallowComments: true }) ?? null);
    }
    if (!this.tree) return { line: 1, column: 1 };
    const path = pointer === '' ? [] : pointer.slice(1).split('/').map(unescapeSegment);
    let node = nodeAt(this.tree, path);
    // The pointer may name something the document lacks (a missing key): report its nearest existing parent.
    for (let length = path.length - 1; !node && length >= 0; length--) {
      node = nodeAt(this.tree, path.slice(0, length));
    }
    if (!node) return this.at(0);
    const property = node.parent?.type === 'property' ? node.parent : undefined;
    const keyNode = atKey && property ? property.children?.[0] : undefined;
    return this.at((keyNode ?? node).offset);
  }

  at(offset: number): Position {
    this.lineStarts ??= computeLineStarts(this.text);
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.lineStarts[mid] as number) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (this.lineStarts[low] as number) + 1 };
  }
}

export interface SyntaxProblem extends Position {
  readonly message: string;
}

/** Why `text` is not strict JSON (KrakenD's parser takes no comments or trailing commas), with where. */
export function syntaxProblems(text: string): SyntaxProblem[] {
  if (exceedsTextDepth(text, MAX_JSON_DEPTH))
    return [{ line: 1, column: 1, message: tooDeepMessage('the config') }];
  const errors: ParseError[] = [];
  parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  const positions = new DocumentPositions(text);
  return errors.slice(0, 20).map((error) => ({
    ...positions.at(error.offset),
    message: describeSyntaxError(printParseErrorCode(error.error)),
  }));
}

const SYNTAX_MESSAGES: Readonly<Record<string, string>> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'malformed number',
  PropertyNameExpected: 'expected a quoted key',
  ValueExpected: 'expected a value (a trailing comma?)',
  ColonExpected: 'expected ":" after the key',
  CommaExpected: 'expected "," between entries',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: 'unexpected content after the end of the document',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in a string',
};

function describeSyntaxError(code: string): string {
  return SYNTAX_MESSAGES[code] ?? code;
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function unescapeSegment(raw: string): string {
  return raw.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * The node a pointer's segments lead to. A segment is an index only in an array: in an object, "0" or "200" is a
 * key (jsonc-parser's own lookup takes a number-looking segment for an index everywhere).
 */
function nodeAt(root: Node, segments: readonly string[]): Node | undefined {
  let node: Node | undefined = root;
  for (const segment of segments) {
    if (node?.type === 'array') {
      node = /^(0|[1-9]\d*)$/.test(segment) ? node.children?.[Number(segment)] : undefined;
    } else if (node?.type === 'object') {
      const property: Node | undefined = node.children?.find((p) => p.children?.[0]?.value === segment);
      node = property?.children?.[1];
    } else {
      return undefined;
    }
  }
  return node;
}

export function pointerSegments(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : segment));
}
