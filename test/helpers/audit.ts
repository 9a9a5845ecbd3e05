import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export type AuditRecord = Record<string, unknown>;

function readRecords(file: string): AuditRecord[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as AuditRecord);
}

/**
 * The audit log's records once one satisfies `until`. The log is written in batches after the answer has gone
 * out, so a test that reads it right after a call must wait for the batch, not assume it has landed.
 */
export async function auditRecordsWhen(
  file: string,
  until: (record: AuditRecord) => boolean,
  timeoutMs = 5_000,
): Promise<AuditRecord[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const records = readRecords(file);
    if (records.some(until) || Date.now() >= deadline) return records;
    await sleep(25);
  }
}
