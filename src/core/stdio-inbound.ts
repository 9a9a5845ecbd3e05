import {
  INVALID_REQUEST,
  type JSONRPCErrorResponse,
  type JSONRPCMessage,
  PARSE_ERROR,
  parseJSONRPCMessage,
} from '@modelcontextprotocol/server';
import { exceedsJsonDepth, tooDeepMessage } from '../guards/limits.js';
import { idOfOversized, idOfParsed, type RequestId } from './jsonrpc-id.js';
import type { ReadLine } from './line-reader.js';

/** JSON-RPC's implementation-defined server error, as the SDK answers an HTTP body over its cap. */
export const LIMIT_EXCEEDED = -32000;

export interface InboundLimits {
  readonly maxMessageBytes: number;
  readonly maxDepth: number;
}

export type Inbound =
  | { readonly kind: 'message'; readonly message: JSONRPCMessage }
  | { readonly kind: 'blank' }
  /** Answered here and never handed to the SDK; `reply` is absent when JSON-RPC wants no answer. */
  | {
      readonly kind: 'refused';
      readonly reply?: JSONRPCErrorResponse | JSONRPCErrorResponse[];
      readonly warning: string;
      readonly fields: Record<string, unknown>;
    };

export const BATCH_REFUSAL =
  'Invalid Request: MCP has no JSON-RPC batches since protocol revision 2025-06-18; send each message on its own line';

function errorReply(id: RequestId | null, code: number, message: string): JSONRPCErrorResponse {
  // JSON-RPC answers with a null id when the request's cannot be told; the SDK's type has no room for that.
  return { jsonrpc: '2.0', id: id as RequestId, error: { code, message } };
}

function whyInvalid(value: unknown): string {
  if (value === null || typeof value !== 'object') return 'a message is a JSON object';
  if ((value as { jsonrpc?: unknown }).jsonrpc !== '2.0') return '"jsonrpc" must be "2.0"';
  return 'not a JSON-RPC request, notification or response';
}

function isNotification(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return typeof (value as { method?: unknown }).method === 'string' && !('id' in value);
}

/**
 * A batch is answered as JSON-RPC 2.0 answers one it cannot serve: an array holding an error for each request
 * (matched by id), an error with a null id for each element that is not a message, and nothing for notifications.
 */
function refuseBatch(batch: readonly unknown[]): Inbound {
  const warning = `refused a JSON-RPC batch of ${batch.length} element(s)`;
  if (batch.length === 0) {
    return {
      kind: 'refused',
      reply: errorReply(null, INVALID_REQUEST, 'Invalid Request: an empty batch'),
      warning,
      fields: {},
    };
  }
  const replies: JSONRPCErrorResponse[] = [];
  for (const element of batch) {
    if (!isNotification(element))
      replies.push(errorReply(idOfParsed(element), INVALID_REQUEST, BATCH_REFUSAL));
  }
  return { kind: 'refused', ...(replies.length > 0 ? { reply: replies } : {}), warning, fields: {} };
}

/** What to do with one line read from the client: hand its message on, skip it, or refuse it with an answer. */
export function readInbound(line: ReadLine, limits: InboundLimits): Inbound {
  if (line.kind === 'oversized') {
    const message = `message is ${line.bytes} bytes; the limit is ${limits.maxMessageBytes} bytes (--max-message-bytes)`;
    return {
      kind: 'refused',
      reply: errorReply(idOfOversized(line.head, line.tail), LIMIT_EXCEEDED, message),
      warning: `refused a message over the ${limits.maxMessageBytes}-byte limit`,
      fields: { bytes: line.bytes },
    };
  }
  if (line.text.trim() === '') return { kind: 'blank' };
  let value: unknown;
  try {
    // V8's JSON.parse does not recurse, so any depth parses; the depth is checked before anything walks it.
    value = JSON.parse(line.text);
  } catch (error) {
    return {
      kind: 'refused',
      reply: errorReply(null, PARSE_ERROR, `Parse error: the line is not JSON (${(error as Error).message})`),
      warning: 'refused a line that is not JSON',
      fields: { bytes: Buffer.byteLength(line.text) },
    };
  }
  if (exceedsJsonDepth(value, limits.maxDepth)) {
    return {
      kind: 'refused',
      reply: errorReply(idOfParsed(value), LIMIT_EXCEEDED, tooDeepMessage('message', limits.maxDepth)),
      warning: `refused a message nested more than ${limits.maxDepth} levels deep`,
      fields: {},
    };
  }
  if (Array.isArray(value)) return refuseBatch(value);
  try {
    return { kind: 'message', message: parseJSONRPCMessage(value) };
  } catch {
    const why = whyInvalid(value);
    return {
      kind: 'refused',
      reply: errorReply(idOfParsed(value), INVALID_REQUEST, `Invalid Request: ${why}`),
      warning: 'refused a line that is not a JSON-RPC message',
      fields: { why },
    };
  }
}
