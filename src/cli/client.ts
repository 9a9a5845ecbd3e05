import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport } from '@modelcontextprotocol/server';
import { errorFields } from '../core/log.js';
import { buildMcpServer } from '../core/server.js';
import type { Launch } from './servers.js';

export interface InProcessSession {
  readonly client: Client;
  /** Closes the connection, then what it held (a session slot), then the server's pools and the audit log. */
  close(): Promise<void>;
}

/** A real MCP client connected in-process to one server instance, for `rampart tools` and `rampart call`. */
export async function connectInProcess(launch: Launch): Promise<InProcessSession> {
  const definition = launch.makeDefinition();
  const server = buildMcpServer(definition, launch.runtime);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'rampart-cli', version: '1' });
  let closing: Promise<void> | undefined;
  const close = async () => {
    try {
      await client.close();
      await server.close();
      await definition.dispose?.().catch((error) => {
        launch.runtime.log.warn('could not release what the connection held', errorFields(error));
      });
    } finally {
      try {
        await launch.close();
      } finally {
        await launch.runtime.audit.close();
      }
    }
  };
  try {
    await server.connect(serverSide);
    await client.connect(clientSide);
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }
  return {
    client,
    close: () => {
      closing ??= close();
      return closing;
    },
  };
}
