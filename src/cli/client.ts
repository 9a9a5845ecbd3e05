import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport } from '@modelcontextprotocol/server';
import { buildMcpServer } from '../core/server.js';
import type { Launch } from './servers.js';

/** A real MCP client connected in-process to one server instance, for `rampart tools` and `rampart call`. */
export async function connectInProcess(launch: Launch): Promise<{ client: Client; close(): Promise<void> }> {
  const server = buildMcpServer(launch.makeDefinition(), launch.runtime);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'rampart-cli', version: '1' });
  await client.connect(clientSide);
  return {
    client,
    async close() {
      await client.close();
      await server.close();
      await launch.runtime.audit.close();
    },
  };
}
