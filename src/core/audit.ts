import { constants as fsc, writeSync } from 'node:fs';
import { lstat, mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { redactValue } from '../guards/redact.js';
import { ConfigError } from './config.js';

export interface AuditRecord {
  ts: string;
  server: string;
  tool: string;
  client: string;
  args: unknown;
  outcome: 'ok' | 'refused' | 'error' | 'timeout' | 'cancelled' | 'confirming' | 'rate_limited';
  ms: number;
  /** For a request the gateway refused for its rate limit: the JSON-RPC calls it held (a batch holds many). */
  calls?: number;
  /** The refusal or error line the client saw, when the outcome is not ok. */
  message?: string;
}

export interface AuditSink {
  /** False for the no-op sink, so callers can skip building records nobody keeps. */
  readonly enabled: boolean;
  record(entry: AuditRecord): void;
  close(): Promise<void>;
}

/** Records waiting for the disk before record() starts writing synchronously. */
const MAX_QUEUED = 10_000;

export const noAudit: AuditSink = { enabled: false, record() {}, close: async () => {} };

/**
 * Opens a JSONL audit log: created with mode 0600 (its directory 0700), appended to, never followed
 * through a symbolic link. Arguments are redacted by key before they are written.
 */
export async function openAuditLog(file: string): Promise<AuditSink> {
  const absolute = path.resolve(file);
  await mkdir(path.dirname(absolute), { recursive: true, mode: 0o700 });
  const existing = await lstat(absolute).catch(() => undefined);
  if (existing?.isSymbolicLink())
    throw new ConfigError(`audit log "${file}" is a symbolic link; refusing to write through it`);
  const handle = await open(absolute, fsc.O_WRONLY | fsc.O_APPEND | fsc.O_CREAT | fsc.O_NOFOLLOW, 0o600);
  await handle.chmod(0o600);
  // Records are queued and written together, one write per flush: a write per record falls behind under load
  // (each waits a turn of the event loop) and the queue would grow without bound. Past MAX_QUEUED, a record is
  // written synchronously, so a stalled disk slows callers down instead of filling memory.
  let queued: string[] = [];
  let flushing: Promise<void> | undefined;
  const flush = async (): Promise<void> => {
    while (queued.length > 0) {
      const batch = queued.join('');
      queued = [];
      await handle.write(batch).catch(() => undefined);
    }
    flushing = undefined;
  };
  return {
    enabled: true,
    record(entry) {
      const line = `${JSON.stringify({ ...entry, args: redactValue(entry.args) })}\n`;
      if (queued.length >= MAX_QUEUED) {
        queued.push(line);
        const batch = queued.join('');
        queued = [];
        try {
          writeSync(handle.fd, batch);
        } catch {
          // The disk refused: the records are lost, but the call still answers.
        }
        return;
      }
      queued.push(line);
      flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(flush);
    },
    async close() {
      await flushing;
      await flush();
      await handle.close();
    },
  };
}
