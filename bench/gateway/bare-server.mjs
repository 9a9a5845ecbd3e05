// The bare side of the gateway benchmark: the SDK v2's own stateless Streamable HTTP handler serving one
// trivial tool behind @hono/node-server, the same HTTP stack `rampart serve` uses, with nothing else (no
// Host/Origin checks, no auth, no rate limit, no audit, no metrics). It answers exactly what Rampart's
// `list_allowed_directories` answers, and prints its URL on stdout once it listens.
import { serve } from '@hono/node-server';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

const root = process.argv[2] ?? process.cwd();

const handler = createMcpHandler(() => {
  const server = new McpServer({ name: 'bare', version: '1' });
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
});

const server = serve(
  { fetch: (request) => handler.fetch(request), hostname: '127.0.0.1', port: 0 },
  (info) => {
    console.log(`bare: serving on http://127.0.0.1:${info.port}/mcp`);
  },
);

const stop = () => {
  server.close();
  void handler.close().finally(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
