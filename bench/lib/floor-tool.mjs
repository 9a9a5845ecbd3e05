// The one trivial tool both SDK floors serve (bench/fs over stdio, bench/gateway over HTTP), answering exactly
// what Rampart's fs `list_allowed_directories` answers, so that the difference measured is Rampart's own cost.
import { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

/** A bare SDK v2 server named `name` holding only `list_allowed_directories` for `root`. */
export function floorServer(name, root) {
  const server = new McpServer({ name, version: '1' });
  server.registerTool(
    'list_allowed_directories',
    {
      description: 'The directories this server may use.',
      inputSchema: z.object({}),
      outputSchema: z.object({ directories: z.array(z.string()), narrowedByClientRoots: z.boolean() }),
    },
    async () => ({
      content: [{ type: 'text', text: `Allowed directories:\n${root}` }],
      structuredContent: { directories: [root], narrowedByClientRoots: false },
    }),
  );
  return server;
}
