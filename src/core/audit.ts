import { constants as fsc } from 'node:fs';
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
  outcome: 'ok' | 'refused' | 'error' | 'timeout' | 'cancelled';
  ms: number;
  /** The refusal or error line the client saw, when the outcome is not ok. */
  message?: string;
}

export interface AuditSink {
  /** False for the no-op sink, so callers can skip building records nobody keeps. */
  readonly enabled: boolean;
  record(entry: AuditRecord): void;
  close(): Promise<void>;
}

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
  let pending: Promise<unknown> = Promise.resolve();
  return {
    enabled: true,
    record(entry) {
      const line = `${JSON.stringify({ ...entry, args: redactValue(entry.args) })}\n`;
      pending = pending.then(() => handle.write(line)).catch(() => undefined);
    },
    async close() {
      await pending;
      await handle.close();
    },
  };
}
