// The bare side of the gateway benchmark: the SDK v2's own stateless Streamable HTTP handler serving one
// trivial tool behind @hono/node-server, the same HTTP stack `rampart serve` uses, with nothing else (no
// Host/Origin checks, no auth, no rate limit, no audit, no metrics). It answers exactly what Rampart's
// `list_allowed_directories` answers, and prints its URL on stdout once it listens.
import { serve } from '@hono/node-server';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { floorServer } from '../lib/floor-tool.mjs';

const root = process.argv[2] ?? process.cwd();

const handler = createMcpHandler(() => floorServer('bare', root));

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
