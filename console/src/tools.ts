import type { CallToolResult, Tool } from '@modelcontextprotocol/client';
import { clientFor, listAll } from './mcp';

export type { Tool };

/** Every tool of a server, following pagination. */
export async function listTools(server: string): Promise<Tool[]> {
  const client = await clientFor(server);
  return listAll(
    (params) => client.listTools(params),
    (page) => page.tools,
  );
}

export interface CallOutcome {
  readonly ms: number;
  /** The tool's result (isError when the tool refused or failed), or the protocol error's message. */
  readonly result?: CallToolResult;
  readonly failure?: string;
}

export async function callTool(
  server: string,
  tool: string,
  args: Record<string, unknown>,
): Promise<CallOutcome> {
  const started = performance.now();
  try {
    const client = await clientFor(server);
    const result = (await client.callTool({ name: tool, arguments: args })) as CallToolResult;
    return { ms: Math.round(performance.now() - started), result };
  } catch (error) {
    return { ms: Math.round(performance.now() - started), failure: (error as Error).message };
  }
}

export function isDestructive(tool: Tool): boolean {
  // MCP's default for destructiveHint is true, but only where readOnlyHint is false.
  const hints = tool.annotations ?? {};
  if (hints.readOnlyHint) return false;
  return hints.destructiveHint === true;
}
