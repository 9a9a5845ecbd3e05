import { serveStdio } from '@modelcontextprotocol/server/stdio';
import type { ServerDefinition } from './define.js';
import type { Runtime } from './envelope.js';
import { errorFields } from './log.js';
import { buildMcpServer } from './server.js';

/**
 * Serves a server over stdio. `makeDefinition` runs once per connection, so per-connection state (such
 * as the client's roots) never leaks between connections. Resolves when the client closes stdin.
 */
export async function runStdio(makeDefinition: () => ServerDefinition, runtime: Runtime): Promise<void> {
  await new Promise<void>((resolve) => {
    const handle = serveStdio(() => buildMcpServer(makeDefinition(), runtime), {
      onerror: (error) => runtime.log.debug('stdio transport error', errorFields(error)),
    });
    const finish = () => {
      void handle.close().finally(resolve);
    };
    process.stdin.once('end', finish);
    process.stdin.once('close', finish);
  });
  await runtime.audit.close();
}
