import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Document } from './store/types.js';

/** Per-session inboxes: messages in threads, acknowledged by their reader. Pure, run inside store transactions. */
const messageSchema = z.object({
  id: z.string(),
  thread: z.string(),
  from: z.string(),
  to: z.string(),
  body: z.unknown(),
  sentAt: z.string(),
  ackedAt: z.string().optional(),
});
export type Message = z.output<typeof messageSchema>;
type Inbox = { messages: Message[] };

/** Most messages one inbox keeps; past it, the oldest acknowledged ones go first, then the oldest. */
export const MAX_MESSAGES = 1000;

export function inboxOf(session: string): Document<Inbox> {
  return {
    name: `inbox:${session}`,
    schema: z.object({ messages: z.array(messageSchema) }),
    empty: { messages: [] },
  };
}

/** Time-ordered, unique message ids. */
export function messageId(now: number): string {
  return `${now.toString(36).padStart(9, '0')}-${randomBytes(4).toString('hex')}`;
}

export function deliver(current: Inbox, message: Message): { next: Inbox; result: Message } {
  let messages = [...current.messages, message];
  while (messages.length > MAX_MESSAGES) {
    const oldestAcked = messages.findIndex((m) => m.ackedAt !== undefined);
    messages = messages.filter((_, i) => i !== Math.max(oldestAcked, 0));
  }
  return { next: { messages }, result: message };
}

export function acknowledge(
  current: Inbox,
  ids: readonly string[],
  now: number,
): { next: Inbox; result: number } {
  const wanted = new Set(ids);
  let count = 0;
  const at = new Date(now).toISOString();
  const messages = current.messages.map((m) => {
    if (!wanted.has(m.id) || m.ackedAt) return m;
    count++;
    return { ...m, ackedAt: at };
  });
  return { next: { messages }, result: count };
}

export function select(
  current: Inbox,
  filter: { unackedOnly: boolean; thread?: string | undefined },
): Message[] {
  return current.messages.filter(
    (m) => (!filter.unackedOnly || !m.ackedAt) && (filter.thread === undefined || m.thread === filter.thread),
  );
}
