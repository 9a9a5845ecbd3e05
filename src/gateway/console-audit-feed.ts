import { randomBytes } from 'node:crypto';
import type { AuditRecord, AuditSink } from '../core/audit.js';
import { redactValue } from '../guards/redact.js';

/** A record and its place in this process's sequence, which lets a reconnecting reader skip what it has seen. */
export interface FedRecord {
  readonly seq: number;
  readonly record: AuditRecord;
}

/** One reader of the feed: handed each new record; answers false when it cannot keep up and is to be dropped. */
export type AuditSubscriber = (fed: FedRecord) => boolean;

export interface AuditFeedSettings {
  /** Recent records kept for a new reader's backlog (default 200). */
  readonly backlog?: number;
}

/**
 * The gateway's audit records as they happen, in this process's memory, for the console's live audit page. It
 * holds only records already redacted exactly as the audit log redacts them, a bounded backlog of them, and its
 * readers; publishing never waits for a reader.
 */
export class AuditFeed {
  private readonly max: number;
  private readonly recentRecords: FedRecord[] = [];
  private seq = 0;
  /** Names this process's sequence, so that a reader reconnecting to a restarted gateway starts over. */
  readonly epoch = randomBytes(6).toString('base64url');
  /** Each reader and what ends its stream when the feed closes. */
  private readonly subscribers = new Map<AuditSubscriber, () => void>();
  private closed = false;

  constructor(settings: AuditFeedSettings = {}) {
    this.max = settings.backlog ?? 200;
  }

  /** Readers connected now. */
  get size(): number {
    return this.subscribers.size;
  }

  recent(): readonly FedRecord[] {
    return [...this.recentRecords];
  }

  publish(record: AuditRecord): void {
    this.seq += 1;
    const fed = { seq: this.seq, record };
    this.recentRecords.push(fed);
    if (this.recentRecords.length > this.max) this.recentRecords.shift();
    for (const subscriber of [...this.subscribers.keys()]) {
      let kept = false;
      try {
        kept = subscriber(fed);
      } catch {
        // A reader that throws is treated like one that fell behind.
      }
      if (!kept) this.subscribers.delete(subscriber);
    }
  }

  /**
   * Adds a reader, with what ends its stream when the feed closes (at once if it has); the function returned
   * removes it (and may be called more than once).
   */
  subscribe(subscriber: AuditSubscriber, end: () => void): () => void {
    if (this.closed) {
      end();
      return () => {};
    }
    this.subscribers.set(subscriber, end);
    return () => {
      this.subscribers.delete(subscriber);
    };
  }

  /** Ends every reader's stream, so that a shutting-down gateway is not held open by audit pages until its drain deadline. */
  close(): void {
    this.closed = true;
    const ends = [...this.subscribers.values()];
    this.subscribers.clear();
    for (const end of ends) end();
  }
}

/**
 * The gateway's audit sink, also publishing to `feed`. Records are redacted here with the audit log's own
 * function before the feed sees them, so a reader never receives an argument the log would not write. The tap
 * is enabled even without an audit log, so that the console's page shows calls either way (kept in memory only).
 */
export function tapAudit(sink: AuditSink, feed: AuditFeed): AuditSink {
  return {
    enabled: true,
    record(entry) {
      if (sink.enabled) sink.record(entry);
      feed.publish({ ...entry, args: redactValue(entry.args) });
    },
    close: () => sink.close(),
  };
}
