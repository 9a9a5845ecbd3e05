import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../../../core/define.js';
import { Refusal } from '../../../core/errors.js';
import { checkName } from '../../../guards/state-names.js';
import { acknowledge, deliver, inboxOf, type Message, messageId, select } from '../inbox.js';
import { acquire, LEASES, liveLeases, type ResourceLease, release, renew } from '../leases.js';
import { annotations, type SessionsContext } from './shared.js';

const leaseOutput = z.object({
  resource: z.string(),
  mode: z.enum(['exclusive', 'shared']),
  session: z.string(),
  machine: z.string(),
  expires_at: z.string(),
});

function describeLease(lease: ResourceLease) {
  return {
    resource: lease.resource,
    mode: lease.mode,
    session: lease.session,
    machine: lease.machine,
    expires_at: new Date(lease.expiresAt).toISOString(),
  };
}

const resourceArg = z
  .string()
  .describe(
    'A name ("deploy", "db-migrations") or a path glob ("path:src/api/**"); globs overlap by their fixed part',
  );

export function leaseTools(ctx: SessionsContext, defaultTtlMs: number): ToolDefinition[] {
  const acquireTool = defineTool({
    name: 'acquire_lease',
    title: 'Acquire Lease',
    description:
      'Takes a lease on a resource so other sessions know it is in use: exclusive (no one else) or shared (others ' +
      'may share, no one may take it exclusively). Refused with who holds what until when. Leases expire unless renewed.',
    input: z.object({
      resource: resourceArg,
      mode: z.enum(['exclusive', 'shared']).default('exclusive'),
      ttl_seconds: z.number().int().min(1).max(86_400).nullish().describe('How long it lasts unless renewed'),
    }),
    output: z.object({ acquired: z.boolean(), lease: leaseOutput.optional(), held_by: z.array(leaseOutput) }),
    annotations: annotations(false, false, true),
    handler: async (args) => {
      checkName(args.resource, 'resource');
      const session = await ctx.session.heartbeat();
      const result = await ctx.store().transact(LEASES, (current, now) =>
        acquire(
          current,
          {
            resource: args.resource,
            mode: args.mode,
            holder: ctx.session.holder,
            session: session.slot,
            machine: session.machine,
            ttlMs: args.ttl_seconds ? args.ttl_seconds * 1000 : defaultTtlMs,
          },
          now,
        ),
      );
      return result.ok
        ? { acquired: true, lease: describeLease(result.lease), held_by: [] }
        : { acquired: false, held_by: result.conflicts.map(describeLease) };
    },
    present: (r) =>
      r.acquired
        ? `Acquired ${r.lease?.mode} lease on ${r.lease?.resource} until ${r.lease?.expires_at}.`
        : `Not acquired; held by:\n${r.held_by.map((l) => `  ${l.session} (${l.machine}): ${l.mode} ${l.resource} until ${l.expires_at}`).join('\n')}`,
  });

  const renewTool = defineTool({
    name: 'renew_lease',
    title: 'Renew Lease',
    description: 'Extends a lease this session holds.',
    input: z.object({ resource: resourceArg, ttl_seconds: z.number().int().min(1).max(86_400).nullish() }),
    output: leaseOutput,
    annotations: annotations(false, false, true),
    handler: async (args) => {
      checkName(args.resource, 'resource');
      await ctx.session.heartbeat();
      const ttlMs = args.ttl_seconds ? args.ttl_seconds * 1000 : defaultTtlMs;
      const lease = await ctx
        .store()
        .transact(LEASES, (current, now) => renew(current, args.resource, ctx.session.holder, ttlMs, now));
      if (!lease)
        throw new Refusal(
          `this session holds no lease on "${args.resource}" (it may have expired); acquire it again`,
        );
      return describeLease(lease);
    },
  });

  const releaseTool = defineTool({
    name: 'release_lease',
    title: 'Release Lease',
    description: 'Gives up a lease this session holds; says whether it held one.',
    input: z.object({ resource: resourceArg }),
    output: z.object({ released: z.boolean() }),
    annotations: annotations(false, false, true),
    handler: async (args) => {
      checkName(args.resource, 'resource');
      await ctx.session.heartbeat();
      return {
        released: await ctx
          .store()
          .transact(LEASES, (current, now) => release(current, args.resource, ctx.session.holder, now)),
      };
    },
  });

  const listTool = defineTool({
    name: 'list_leases',
    title: 'List Leases',
    description: 'Every live lease in the project: who holds what, in which mode, until when.',
    input: z.object({}),
    output: z.object({ leases: z.array(leaseOutput) }),
    annotations: annotations(true, false, true),
    handler: async () => {
      await ctx.session.heartbeat();
      return { leases: liveLeases(await ctx.store().read(LEASES), Date.now()).map(describeLease) };
    },
    present: (r) =>
      r.leases.length === 0
        ? 'No leases'
        : r.leases
            .map((l) => `${l.resource}: ${l.mode}, ${l.session} (${l.machine}) until ${l.expires_at}`)
            .join('\n'),
  });

  return [acquireTool, renewTool, releaseTool, listTool];
}

const messageOutput = z.object({
  id: z.string(),
  thread: z.string(),
  from: z.string(),
  body: z.unknown(),
  sent_at: z.string(),
  acked: z.boolean(),
});

function describeMessage(m: Message) {
  return {
    id: m.id,
    thread: m.thread,
    from: m.from,
    body: m.body,
    sent_at: m.sentAt,
    acked: m.ackedAt !== undefined,
  };
}

export function messageTools(ctx: SessionsContext): ToolDefinition[] {
  const send = defineTool({
    name: 'send_message',
    title: 'Send Message',
    description:
      'Sends a message to another session’s inbox (to: its session id, e.g. claude_2). Give thread to reply in ' +
      'an existing thread; without it the message starts a new one.',
    input: z.object({
      to: z.string().describe('The recipient session id'),
      body: z.unknown().describe('Any JSON: a note, a question, a hand-off'),
      thread: z.string().nullish().describe('Thread id to reply in'),
    }),
    output: z.object({ id: z.string(), thread: z.string() }),
    annotations: annotations(false, false, false),
    handler: async (args) => {
      checkName(args.to, 'to');
      if (args.thread) checkName(args.thread, 'thread');
      const session = await ctx.session.heartbeat();
      const now = Date.now();
      const id = messageId(now);
      const message: Message = {
        id,
        thread: args.thread ?? id,
        from: session.slot,
        to: args.to,
        body: args.body ?? null,
        sentAt: new Date(now).toISOString(),
      };
      const sent = await ctx.store().transact(inboxOf(args.to), (current) => deliver(current, message));
      return { id: sent.id, thread: sent.thread };
    },
  });

  const read = defineTool({
    name: 'read_inbox',
    title: 'Read Inbox',
    description:
      'Messages sent to this session, oldest first: unacknowledged only by default, or one thread.',
    input: z.object({
      unacked_only: z.boolean().default(true),
      thread: z.string().nullish().describe('Only this thread'),
    }),
    output: z.object({ messages: z.array(messageOutput) }),
    annotations: annotations(true, false, true),
    handler: async (args) => {
      const session = await ctx.session.heartbeat();
      const inbox = await ctx.store().read(inboxOf(session.slot));
      return {
        messages: select(inbox, { unackedOnly: args.unacked_only, thread: args.thread ?? undefined }).map(
          describeMessage,
        ),
      };
    },
    present: (r) =>
      r.messages.length === 0
        ? 'No messages'
        : r.messages
            .map((m) => `[${m.id}] from ${m.from} (thread ${m.thread}): ${JSON.stringify(m.body)}`)
            .join('\n'),
  });

  const ack = defineTool({
    name: 'ack_messages',
    title: 'Acknowledge Messages',
    description: 'Marks messages in this session’s inbox as handled, so read_inbox stops showing them.',
    input: z.object({ ids: z.array(z.string()).min(1).max(1000) }),
    output: z.object({ acknowledged: z.number() }),
    annotations: annotations(false, false, true),
    handler: async (args) => {
      const session = await ctx.session.heartbeat();
      return {
        acknowledged: await ctx
          .store()
          .transact(inboxOf(session.slot), (current, now) => acknowledge(current, args.ids, now)),
      };
    },
  });

  return [send, read, ack];
}
