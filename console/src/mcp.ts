// First: zod must be jitless before the client's schemas are built, whichever chunk the bundler puts this in.
import './jitless';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { consoleFetch } from './api';

/**
 * The official MCP client, speaking Streamable HTTP to /mcp/<name> on this origin, exactly as any client of
 * the gateway does: the session cookie and CSRF header stand in for the bearer token, and the gateway's auth,
 * scopes, rate limits and audit apply. The console has no other way to a tool.
 */
const clients = new Map<string, Promise<Client>>();

export function clientFor(server: string): Promise<Client> {
  let client = clients.get(server);
  if (!client) {
    const transport = new StreamableHTTPClientTransport(
      new URL(`/mcp/${encodeURIComponent(server)}`, location.origin),
      {
        fetch: (url, init) => consoleFetch(url, init),
      },
    );
    const connecting = new Client({ name: 'rampart-console', version: '1' });
    client = connecting.connect(transport).then(() => connecting);
    client.catch(() => clients.delete(server));
    clients.set(server, client);
  }
  return client;
}

/** Forgets every connection (at sign-out: the next session starts its own). */
export async function closeClients(): Promise<void> {
  const open = [...clients.values()];
  clients.clear();
  await Promise.allSettled(open.map(async (c) => (await c).close()));
}

/** Every item of a paginated MCP list (tools, prompts, resources, templates), following its cursors to the end. */
export async function listAll<Page extends { nextCursor?: string | undefined }, Item>(
  list: (params: { cursor?: string }) => Promise<Page>,
  itemsOf: (page: Page) => readonly Item[],
): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor ? { cursor } : {});
    items.push(...itemsOf(page));
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}
