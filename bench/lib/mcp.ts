import { type CallToolResult, Client, SdkError, SdkErrorCode } from '@modelcontextprotocol/client';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { trackChild } from './children.js';
import { REPO_ROOT } from './paths.js';

/** How to start one MCP server over stdio. */
export interface ServerSpec {
  /** Short label used in tables, e.g. `rampart`. */
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Variables added to the SDK's default child environment. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface Session {
  readonly client: Client;
  /** Calls a tool and throws if it reports an error, so a failed call is never timed as a fast one. */
  call(name: string, args: Record<string, unknown>, timeoutMs?: number): Promise<CallToolResult>;
  close(): Promise<void>;
}

/** Spawns the server and completes the MCP handshake (stderr is discarded). */
export async function openSession(spec: ServerSpec): Promise<Session> {
  const transport = new StdioClientTransport({
    command: spec.command,
    args: [...spec.args],
    stderr: 'ignore',
    cwd: REPO_ROOT,
    ...(spec.env ? { env: { ...getDefaultEnvironment(), ...spec.env } } : {}),
  });
  const client = new Client({ name: 'rampart-bench', version: '1.0.0' });
  try {
    await client.connect(transport);
  } catch (error) {
    await transport.close();
    throw error;
  }
  const pid = transport.pid;
  const untrack = pid === null ? () => {} : trackChild(pid);
  return {
    client,
    async call(name, args, timeoutMs) {
      const result = await client.callTool(
        { name, arguments: args },
        timeoutMs === undefined ? undefined : { timeout: timeoutMs },
      );
      if (result.isError) throw new Error(`${spec.label} ${name} failed: ${textOf(result)}`);
      return result;
    },
    async close() {
      try {
        await client.close();
      } finally {
        untrack();
      }
    },
  };
}

/** The text blocks of a tool result, joined by newlines. */
export function textOf(result: CallToolResult): string {
  return result.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('\n');
}

export function isTimeout(error: unknown): boolean {
  return error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout;
}
