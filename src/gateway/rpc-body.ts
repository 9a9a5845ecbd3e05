import { isJsonContentType } from '@modelcontextprotocol/server';
import { readCappedBody } from '../core/http-body.js';

/** A POST to /mcp/<name>, read once under the size cap and parsed, so the calls in it can be counted. */
export type RpcBody =
  | { readonly kind: 'too-large' }
  /** The stream failed part way (the client went away). */
  | { readonly kind: 'unreadable' }
  /** Parsed JSON: one JSON-RPC message, or a batch of them. */
  | { readonly kind: 'parsed'; readonly value: unknown }
  /** Empty or not JSON: the MCP handler answers it with its own parse error. */
  | { readonly kind: 'unparsed'; readonly bytes: Buffer };

/** Whether the gateway reads this request's body itself: a POST of JSON (the MCP handler refuses any other). */
export function carriesRpcBody(request: Request): boolean {
  return request.method === 'POST' && isJsonContentType(request.headers.get('content-type'));
}

export async function readRpcBody(request: Request, maxBytes: number): Promise<RpcBody> {
  const read = await readCappedBody(request, maxBytes);
  if (read.status !== 'read') return { kind: read.status };
  const text = read.bytes.toString('utf8');
  if (text.trim() === '') return { kind: 'unparsed', bytes: read.bytes };
  try {
    return { kind: 'parsed', value: JSON.parse(text) };
  } catch {
    return { kind: 'unparsed', bytes: read.bytes };
  }
}

/**
 * What a request costs against the rate limit: each JSON-RPC message in it — request, notification or response
 * — is one call, so a batch costs its length; a request with no messages (a GET, a DELETE, a body that is not
 * JSON-RPC) still costs one.
 */
export function callCount(body: RpcBody | undefined): number {
  if (body?.kind === 'parsed' && Array.isArray(body.value)) return Math.max(1, body.value.length);
  return 1;
}

/** For the audit record of a refused request: the tool called, the method, or "batch". */
export function callLabel(body: RpcBody | undefined): string {
  if (body?.kind !== 'parsed') return '(none)';
  if (Array.isArray(body.value)) return 'batch';
  const message = body.value as { method?: unknown; params?: { name?: unknown } } | null;
  const method = typeof message?.method === 'string' ? message.method : '(none)';
  const tool = method === 'tools/call' ? message?.params?.name : undefined;
  return (typeof tool === 'string' ? tool : method).slice(0, 100);
}

/** The request and pre-parsed body to hand the MCP handler, whose own read of the body has already happened. */
export function forHandler(
  request: Request,
  body: RpcBody | undefined,
): { request: Request; parsedBody?: unknown } {
  if (body?.kind === 'parsed') return { request, parsedBody: body.value };
  if (body?.kind === 'unparsed') {
    const { method, headers, signal } = request;
    return {
      request: new Request(request.url, { method, headers, signal, body: new Uint8Array(body.bytes) }),
    };
  }
  return { request };
}
