/** Size and time caps. Pure functions: nothing here performs I/O. */

export interface Limits {
  /** Largest JSON-encoded tool arguments accepted, in bytes. */
  readonly maxArgBytes: number;
  /** Largest tool result, in bytes: the text content and the structured content are each capped at this. */
  readonly maxResultBytes: number;
  /** Per-call wall-clock budget. */
  readonly timeoutMs: number;
  /** Largest JSON-RPC message read from a stream (stdio), in bytes; default `defaultMaxMessageBytes(maxArgBytes)`. */
  readonly maxMessageBytes?: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxArgBytes: 1024 * 1024,
  maxResultBytes: 1024 * 1024,
  timeoutMs: 60_000,
};

export class LimitExceeded extends Error {
  override readonly name = 'LimitExceeded';
}

/** Room in a message for everything but the tool arguments: method, id, `_meta`, the JSON-RPC frame. */
export const MESSAGE_ENVELOPE_BYTES = 64 * 1024;

/**
 * The default cap on one message: arguments at their cap still fit when the client escapes every non-ASCII
 * character (`\uXXXX` is at most 3 times the UTF-8 bytes `maxArgBytes` counts), plus the envelope.
 */
export function defaultMaxMessageBytes(maxArgBytes: number): number {
  return 3 * maxArgBytes + MESSAGE_ENVELOPE_BYTES;
}

export function maxMessageBytesOf(limits: Limits): number {
  return limits.maxMessageBytes ?? defaultMaxMessageBytes(limits.maxArgBytes);
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`, never splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (maxBytes <= 0) return '';
  // A UTF-16 unit never encodes to more than 3 UTF-8 bytes, so short strings need no encoding pass.
  if (text.length * 3 <= maxBytes || byteLength(text) <= maxBytes) return text;
  const encoded = Buffer.from(text, 'utf8');
  let end = Math.min(maxBytes, encoded.length);
  // Step back over UTF-8 continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (end > 0 && ((encoded[end] ?? 0) & 0xc0) === 0x80) end--;
  return encoded.subarray(0, end).toString('utf8');
}

/** The marker appended to anything Rampart cut short; `how` tells the model how to get the rest. */
export function truncationMarker(shownBytes: number, totalBytes: number, how: string): string {
  return `\n[truncated: showed ${shownBytes} of ${totalBytes} bytes; ${how}]`;
}

export interface Truncated {
  readonly text: string;
  readonly truncated: boolean;
}

/** Cuts `text` so that it and its marker fit in `maxBytes`. */
export function capText(text: string, maxBytes: number, how: string): Truncated {
  const total = byteLength(text);
  if (total <= maxBytes) return { text, truncated: false };
  const markerRoom = byteLength(truncationMarker(total, total, how));
  const kept = truncateUtf8(text, Math.max(0, maxBytes - markerRoom));
  const shown = byteLength(kept);
  return { text: kept + truncationMarker(shown, total, how), truncated: true };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function jsonBytes(value: unknown): number {
  return byteLength(JSON.stringify(value) ?? '');
}

/** Whether `value` encodes to at most `maxBytes`; most results are far below it and skip the UTF-8 count. */
function fits(value: unknown, maxBytes: number): boolean {
  const json = JSON.stringify(value) ?? '';
  // A UTF-16 unit never encodes to more than 3 UTF-8 bytes.
  return json.length * 3 <= maxBytes || byteLength(json) <= maxBytes;
}

/**
 * Returns a value that fits as it is; otherwise shrinks a copy until its encoding fits in `maxBytes`, keeping its shape: the longest strings are
 * cut (with a marker) and the longest arrays lose their tail. Types never change, so a value that
 * matched a schema before still matches one whose strings and arrays have no minimum.
 */
export function shrinkToFit<T>(value: T, maxBytes: number, how: string): { value: T; truncated: boolean } {
  if (fits(value, maxBytes)) return { value, truncated: false };
  let current = structuredClone(value) as Json;
  for (let round = 0; round < 64; round++) {
    const size = jsonBytes(current);
    if (size <= maxBytes) break;
    const excess = size - maxBytes;
    const largest = findLargest(current);
    if (!largest) break;
    current = shrinkAt(current, largest.path, excess, how);
  }
  // Many small strings or arrays can outlast the rounds above; empty them, largest first, until it fits.
  if (jsonBytes(current) > maxBytes) current = emptyLargest(current, maxBytes);
  return { value: current as T, truncated: true };
}

interface Leaf {
  path: (string | number)[];
  bytes: number;
}

function findLargest(value: Json, at: (string | number)[] = [], best?: Leaf): Leaf | undefined {
  let result = best;
  if (typeof value === 'string' || Array.isArray(value)) {
    const bytes = jsonBytes(value);
    const shrinkable = typeof value === 'string' ? value.length > 0 : value.length > 0;
    if (shrinkable && (!result || bytes > result.bytes)) result = { path: at, bytes };
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      result = findLargest(item, [...at, index], result);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) result = findLargest(item, [...at, key], result);
  }
  return result;
}

function shrinkAt(root: Json, at: (string | number)[], excess: number, how: string): Json {
  if (at.length === 0) return shrinkLeaf(root, excess, how);
  const [head, ...rest] = at;
  if (Array.isArray(root)) {
    const copy = root.slice();
    copy[head as number] = shrinkAt(copy[head as number] as Json, rest, excess, how);
    return copy;
  }
  const obj = root as { [key: string]: Json };
  return { ...obj, [head as string]: shrinkAt(obj[head as string] as Json, rest, excess, how) };
}

function shrinkLeaf(leaf: Json, excess: number, how: string): Json {
  if (typeof leaf === 'string') {
    const total = byteLength(leaf);
    const marker = truncationMarker(total, total, how);
    // JSON escaping can make the encoded form larger than the raw bytes; aim a little low.
    const target = Math.max(0, total - excess - byteLength(marker) - 16);
    const kept = truncateUtf8(leaf, target);
    const cut = kept + truncationMarker(byteLength(kept), total, how);
    // A short string plus its marker can be longer than the string was; empty it so every step shrinks.
    return jsonBytes(cut) < jsonBytes(leaf) ? cut : '';
  }
  if (Array.isArray(leaf)) {
    const perItem = jsonBytes(leaf) / leaf.length;
    const drop = Math.max(1, Math.ceil(excess / Math.max(1, perItem)));
    return leaf.slice(0, Math.max(0, leaf.length - drop));
  }
  return leaf;
}

type Holder = Json[] | { [key: string]: Json };

interface Slot {
  holder: Holder;
  key: string | number;
  bytes: number;
  /** The arrays this slot lies in: once one of them is emptied, the slot is gone. */
  within: Json[][];
}

function collectSlots(value: Json, within: Json[][], out: Slot[]): void {
  if (value === null || typeof value !== 'object') return;
  const inner = Array.isArray(value) ? [...within, value] : within;
  const entries: [string | number, Json][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  for (const [key, item] of entries) {
    if ((typeof item === 'string' || Array.isArray(item)) && item.length > 0) {
      out.push({ holder: value, key, bytes: jsonBytes(item), within: inner });
    }
    collectSlots(item, inner, out);
  }
}

/** Empties strings and arrays in place, largest first, until the value fits. `value` must be a private copy. */
function emptyLargest(value: Json, maxBytes: number): Json {
  if (typeof value === 'string') return '';
  const slots: Slot[] = [];
  collectSlots(value, [], slots);
  slots.sort((a, b) => b.bytes - a.bytes);
  const emptied = new Set<Json[]>();
  let size = jsonBytes(value);
  for (const slot of slots) {
    if (size <= maxBytes) break;
    if (slot.within.some((array) => emptied.has(array))) continue;
    const item = (slot.holder as Record<string | number, Json>)[slot.key];
    if (Array.isArray(item)) emptied.add(item);
    // defineProperty, not assignment: a key named __proto__ must stay an own property.
    Object.defineProperty(slot.holder, slot.key, {
      value: Array.isArray(item) ? [] : '',
      writable: true,
      enumerable: true,
      configurable: true,
    });
    size -= slot.bytes - 2;
  }
  return size > maxBytes && Array.isArray(value) ? [] : value;
}

/**
 * Deepest nesting of objects and arrays accepted in a document from outside (`{}` is 1, a scalar 0): a message, a
 * request body, tool arguments, a config, a stored value. Code that recurses on such a document (a schema loader,
 * a diff, `JSON.stringify`) stays well inside the stack at this depth.
 */
export const MAX_JSON_DEPTH = 256;

/** The one refusal for a document nested too deep, naming what it was. */
export function tooDeepMessage(what: string, maxDepth = MAX_JSON_DEPTH): string {
  return `${what}: objects and arrays nested more than ${maxDepth} levels deep; the limit is ${maxDepth}`;
}

/**
 * Whether `value` nests objects and arrays deeper than `maxDepth`. Walks without recursion, and never stacks a
 * scalar. A parsed document is a tree, so an object met twice (shared or cyclic) counts as too deep rather than
 * being walked again.
 */
export function exceedsJsonDepth(value: unknown, maxDepth: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  const items: object[] = [value];
  const depths: number[] = [1];
  const seen = new Set<object>();
  while (items.length > 0) {
    const item = items.pop() as object;
    const depth = depths.pop() as number;
    if (depth > maxDepth || seen.has(item)) return true;
    seen.add(item);
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (child === null || typeof child !== 'object') continue;
      items.push(child);
      depths.push(depth + 1);
    }
  }
  return false;
}

/**
 * Refuses arguments nested deeper than MAX_JSON_DEPTH or whose JSON encoding is larger than the cap. Depth is
 * checked first and without recursion, so that measuring the size (`JSON.stringify`) cannot exhaust the stack.
 */
export function assertArgBytes(args: unknown, maxBytes: number): void {
  if (exceedsJsonDepth(args, MAX_JSON_DEPTH)) throw new LimitExceeded(tooDeepMessage('arguments'));
  const size = jsonBytes(args ?? {});
  if (size > maxBytes) throw new LimitExceeded(`arguments are ${size} bytes; the limit is ${maxBytes}`);
}

export { exceedsTextDepth } from './json-text-depth.js';
