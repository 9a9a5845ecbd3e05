import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../../../core/define.js';
import type { SlotLease } from '../store/types.js';
import { annotations, type SessionsContext } from './shared.js';

const sessionOutput = z.object({
  machine: z.string(),
  project: z.string(),
  session_id: z.string().describe('The slot this session holds, e.g. claude_2'),
  expires_at: z.string().describe('When the slot is freed unless a call renews it (every call does)'),
});

function describeLease(ctx: SessionsContext, lease: SlotLease) {
  return {
    machine: ctx.session.identity.machine,
    project: ctx.session.identity.project,
    session_id: lease.slot,
    expires_at: new Date(lease.expiresAt).toISOString(),
  };
}

export function signTools(ctx: SessionsContext): ToolDefinition[] {
  const signOn = defineTool({
    name: 'sign_on',
    title: 'Sign On',
    description:
      'Claims a session slot for this conversation (the lowest free claude_N, or session_id if given and free) ' +
      'under a lease that every later call renews. Call it first; other sessions of the project see the slot as taken.',
    input: z.object({
      session_id: z
        .string()
        .nullish()
        .describe('A particular slot to take, e.g. claude_2; default: the lowest free one'),
    }),
    output: sessionOutput,
    annotations: annotations(false, false, false),
    handler: async (args) => describeLease(ctx, await ctx.session.signOn(args.session_id ?? undefined)),
    present: (r) =>
      `Signed on as ${r.session_id} (${r.machine}, project ${r.project}); the slot is yours until ${r.expires_at}, renewed by every call.`,
  });

  const signOff = defineTool({
    name: 'sign_off',
    title: 'Sign Off',
    description: 'Frees this session’s slot for others. Stored data stays.',
    input: z.object({}),
    output: z.object({
      status: z.enum(['signed off', 'no active session']),
      session: sessionOutput.optional(),
    }),
    annotations: annotations(false, false, true),
    handler: async () => {
      const lease = await ctx.session.signOff();
      return lease
        ? { status: 'signed off' as const, session: describeLease(ctx, lease) }
        : { status: 'no active session' as const };
    },
    present: (r) => (r.session ? `Signed off ${r.session.session_id}.` : 'No active session.'),
  });

  return [signOn, signOff];
}
