// The SDK floor: a bare @modelcontextprotocol/server (v2) with the one trivial tool the round-trip measure
// calls, answering exactly what Rampart answers. Rampart minus this is Rampart's own cost; this minus the
// reference server is the SDK's.
import { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { z } from 'zod';

const root = process.argv[2] ?? process.cwd();

serveStdio(() => {
  const server = new McpServer({ name: 'sdk-floor', version: '1' });
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
