import type { Client } from '@modelcontextprotocol/client';

/** What a one-shot `rampart call` must know before it calls the tool: a refusal to print, or a note. */
export interface CallPreparation {
  readonly refused?: string;
  readonly note?: string;
}

function textOf(content: readonly { type: string; text?: string }[]): string {
  return content.map((block) => (block.type === 'text' ? (block.text ?? '') : '')).join('\n');
}

/**
 * Every sessions tool but sign_on needs a session, and a one-shot call is a session of its own: it signs on
 * first, and the server's dispose signs it off when the command ends, so no slot is held after it.
 */
export async function signOnForCall(client: Client, tool: string): Promise<CallPreparation> {
  const oneShot =
    'a one-shot call signs off when it ends; an assistant running `rampart sessions` keeps its slot';
  if (tool === 'sign_off') return {};
  if (tool === 'sign_on') return { note: oneShot };
  const result = await client.callTool({ name: 'sign_on', arguments: {} });
  const content = (result.content ?? []) as { type: string; text?: string }[];
  if (result.isError) return { refused: `cannot sign on for this call: ${textOf(content)}` };
  const slot = (result.structuredContent as { session_id?: string } | undefined)?.session_id ?? 'a slot';
  return { note: `signed on as ${slot} for this call (${oneShot})` };
}
