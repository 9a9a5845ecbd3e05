/** The JSON-RPC request every benchmark call sends: the trivial read-only tool, no arguments. */
export const CALL_BODY = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'list_allowed_directories', arguments: {} },
});

/** Headers of a stateless 2025-era Streamable HTTP client (no session, no initialize: the server keeps none). */
export const CALL_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-06-18',
  'content-length': String(Buffer.byteLength(CALL_BODY)),
};

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The JSON-RPC message in a response body: the body itself, or the `data:` line of an SSE event. */
function messageOf(contentType: string, body: string): unknown {
  if (!contentType.startsWith('text/event-stream')) return JSON.parse(body);
  for (const line of body.split('\n')) {
    if (line.startsWith('data:')) return JSON.parse(line.slice(5));
  }
  throw new Error('no data line');
}

/**
 * What is wrong with a response to CALL_BODY, as a short kind to count errors by; undefined when it is the
 * expected successful result (the one allowed directory, `root`).
 */
export function replyProblem(
  status: number,
  contentType: string,
  body: string,
  root: string,
): string | undefined {
  if (status !== 200) return `HTTP ${status}`;
  let message: unknown;
  try {
    message = messageOf(contentType, body);
  } catch {
    return `unparsable ${contentType || 'body'}`;
  }
  if (!isObject(message)) return 'not a JSON-RPC message';
  if (isObject(message.error)) return `JSON-RPC error ${String(message.error.code)}`;
  const result = message.result;
  if (!isObject(result)) return 'no result';
  if (result.isError === true) return 'tool error';
  const structured = result.structuredContent;
  if (!isObject(structured) || !Array.isArray(structured.directories) || structured.directories[0] !== root)
    return 'unexpected result';
  return undefined;
}
