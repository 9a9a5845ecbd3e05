import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport } from '@modelcontextprotocol/server';
import type { ServerDefinition } from '../core/define.js';
import { createRuntime, type RuntimeOptions } from '../core/runtime.js';
import { buildMcpServer } from '../core/server.js';

export interface ToolAnswer {
  /** The text blocks, joined by newlines. */
  readonly text: string;
  readonly isError: boolean;
  readonly structured: Record<string, unknown> | undefined;
}

export interface TestClient {
  readonly client: Client;
  /** Calls a tool through the real protocol and Rampart's policy envelope. */
  call(name: string, args?: Record<string, unknown>): Promise<ToolAnswer>;
  /** The names of the tools the server lists. */
  toolNames(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * A real MCP client connected in-process to a server definition (in-memory transport): what a test uses to
 * prove a tool's answers and refusals exactly as a model would see them.
 */
export async function connectTestClient(
  definition: ServerDefinition,
  options: RuntimeOptions = {},
): Promise<TestClient> {
  const runtime = await createRuntime({ logLevel: 'silent', ...options });
  const server = buildMcpServer(definition, runtime);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'rampart-toolkit-test', version: '1' });
  await client.connect(clientSide);
  return {
    client,
    async call(name, args = {}) {
      const result = await client.callTool({ name, arguments: args });
      const blocks = (result.content ?? []) as { type: string; text?: string }[];
      return {
        text: blocks.map((b) => (b.type === 'text' ? (b.text ?? '') : `[${b.type}]`)).join('\n'),
        isError: Boolean(result.isError),
        structured: result.structuredContent as Record<string, unknown> | undefined,
      };
    },
    async toolNames() {
      return (await client.listTools()).tools.map((t) => t.name);
    },
    async close() {
      await client.close();
      await server.close();
      await definition.dispose?.();
      await runtime.audit.close();
    },
  };
}
