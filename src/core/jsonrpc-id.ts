/**
 * The id to answer a refused message with. JSON-RPC wants the request's id when it can be told, else null; an id
 * is echoed only from something that calls itself a request (it has a `method`), because an error carrying the id
 * of a malformed *response* would land on the client's own request of that number.
 */
export type RequestId = string | number;

function isId(value: unknown): value is RequestId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

/** The id of a parsed message that names a method, else null. */
export function idOfParsed(value: unknown): RequestId | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const message = value as { method?: unknown; id?: unknown };
  return typeof message.method === 'string' && isId(message.id) ? message.id : null;
}

const WHITESPACE = /\s/;

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && WHITESPACE.test(text[i] as string)) i++;
  return i;
}

/** The index after the string that opens at `from`, or -1 when it does not end within `text`. */
function stringEnd(text: string, from: number): number {
  for (let i = from + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return -1;
}

function parseToken(token: string): unknown {
  try {
    return JSON.parse(token);
  } catch {
    return undefined;
  }
}

const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?=[\s,}])/;

/** What the start of an object says about its own top-level keys: whether it has `method`, and its `id`. */
function topLevelOfHead(head: string): { method: boolean; id?: RequestId } {
  const found: { method: boolean; id?: RequestId } = { method: false };
  let i = skipSpace(head, 0);
  if (head[i] !== '{') return found;
  let depth = 0;
  for (; i < head.length; i++) {
    const c = head[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    if (c !== '"') continue;
    const end = stringEnd(head, i);
    if (end === -1) break;
    const colon = skipSpace(head, end);
    if (depth === 1 && head[colon] === ':') {
      const key = parseToken(head.slice(i, end));
      const at = skipSpace(head, colon + 1);
      if (key === 'method') found.method = true;
      if (key === 'id' && head[at] === '"') {
        const close = stringEnd(head, at);
        const id = close === -1 ? undefined : parseToken(head.slice(at, close));
        if (typeof id === 'string') found.id = id;
      } else if (key === 'id') {
        const id = parseToken(NUMBER.exec(head.slice(at, at + 40))?.[0] ?? '');
        if (isId(id)) found.id = id;
      }
    }
    i = end - 1;
  }
  return found;
}

const TAIL_ID = /^\s*:\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|"(?:[^"\\\r\n]|\\.)*")\s*\}\s*$/;

/**
 * The id written as the last member of the top-level object (the SDK's clients put it there): `…,"id":7}`. In a
 * line that is one JSON object, a member followed only by the final `}` belongs to the outermost object.
 */
function idOfTail(tail: string): RequestId | undefined {
  const at = tail.lastIndexOf('"id"');
  if (at === -1) return undefined;
  const before = tail.slice(0, at).trimEnd();
  if (!before.endsWith(',') && !before.endsWith('{')) return undefined;
  const token = TAIL_ID.exec(tail.slice(at + 4))?.[1];
  const id = token === undefined ? undefined : parseToken(token);
  return isId(id) ? id : undefined;
}

/**
 * The id of a line too long to parse, from the bytes kept of its start and end: null unless its start shows a
 * top-level `method`. Cheap by construction: it reads at most the kept bytes, never the line.
 */
export function idOfOversized(head: string, tail: string): RequestId | null {
  const start = topLevelOfHead(head);
  if (!start.method) return null;
  return idOfTail(tail) ?? start.id ?? null;
}
