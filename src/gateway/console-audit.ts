import type { AuthInfo } from '@modelcontextprotocol/server';
import type { AuditRecord } from '../core/audit.js';
import type { AuditFeed, FedRecord } from './console-audit-feed.js';
import { withConsoleHeaders } from './console-headers.js';

export interface AuditStreamSettings {
  /** Frames a reader may have waiting before it is dropped as too slow (default 256). */
  readonly maxQueued?: number;
  /** A comment line this often keeps proxies from closing an idle stream (default 15 s). */
  readonly heartbeatMs?: number;
}

export interface AuditStreamRequest {
  readonly principal: AuthInfo;
  /** Aborted when the client disconnects. */
  readonly signal: AbortSignal;
  /** Checked at each heartbeat: a session that ended (signed out, expired) ends its stream. */
  readonly live: () => boolean;
}

/** An admin sees every record; anyone else only the records of their own calls. */
export function visibleTo(principal: AuthInfo): (record: AuditRecord) => boolean {
  if (principal.scopes.includes('admin')) return () => true;
  return (record) => record.client === principal.clientId;
}

const encoder = new TextEncoder();

function frame(epoch: string, { seq, record }: FedRecord): Uint8Array {
  // JSON.stringify escapes newlines, so one record is always one data line.
  return encoder.encode(`id: ${epoch}.${seq}\nevent: audit\ndata: ${JSON.stringify(record)}\n\n`);
}

/**
 * The audit records `principal` may see, as Server-Sent Events: the feed's recent backlog, then each new record.
 * The stream's own queue is the reader's buffer: when it holds `maxQueued` frames the reader is dropped (the
 * stream errors and the connection closes), so a slow reader costs bounded memory and never holds up a call.
 */
export function auditStream(
  feed: AuditFeed,
  { principal, signal, live }: AuditStreamRequest,
  settings: AuditStreamSettings = {},
): Response {
  const maxQueued = settings.maxQueued ?? 256;
  const backlog = feed.recent();
  const visible = visibleTo(principal);
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const heartbeat = setInterval(() => {
          try {
            if (live()) controller.enqueue(encoder.encode(': keep-alive\n\n'));
            else {
              stop();
              controller.close();
            }
          } catch {
            stop();
          }
        }, settings.heartbeatMs ?? 15_000);
        heartbeat.unref();
        let unsubscribe = () => {};
        stop = () => {
          clearInterval(heartbeat);
          unsubscribe();
          signal.removeEventListener('abort', stop);
        };
        controller.enqueue(encoder.encode(': rampart audit stream\nretry: 2000\n\n'));
        for (const fed of backlog) if (visible(fed.record)) controller.enqueue(frame(feed.epoch, fed));
        const end = () => {
          stop();
          try {
            controller.close();
          } catch {
            // already closed or errored
          }
        };
        unsubscribe = feed.subscribe((fed) => {
          if (!visible(fed.record)) return true;
          if ((controller.desiredSize ?? 0) <= 0) {
            clearInterval(heartbeat);
            controller.error(new Error('the audit stream reader fell behind'));
            return false;
          }
          controller.enqueue(frame(feed.epoch, fed));
          return true;
        }, end);
        if (signal.aborted) stop();
        else signal.addEventListener('abort', stop);
      },
      cancel() {
        stop();
      },
    },
    // The backlog never counts as falling behind: the limit applies from the first live record.
    new CountQueuingStrategy({ highWaterMark: maxQueued + backlog.length + 2 }),
  );
  return withConsoleHeaders(
    new Response(body, {
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
      },
    }),
  );
}
