import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

/** A JSON-RPC tools/call body, for requests sent raw so their HTTP status and headers can be read. */
export function toolCallBody(name: string, args: Record<string, unknown>): string {
  return JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name, arguments: args } });
}

/** One raw MCP POST (2025-06-18) with an optional bearer token. */
export async function postMcp(url: string, body: string, token?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body,
  });
}

/** A real MCP client over Streamable HTTP, sending the token (when given) on every request. */
export async function connectOverHttp(
  url: string,
  token?: string,
  name = 'rampart-http-test',
): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : {},
  });
  const client = new Client({ name, version: '1' });
  await client.connect(transport);
  return client;
}
