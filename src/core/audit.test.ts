import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type AuditRecord, openAuditLog } from './audit.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function record(n: number): AuditRecord {
  return {
    ts: new Date().toISOString(),
    server: 's',
    tool: 't',
    client: 'c',
    args: { n, password: 'hunter2' },
    outcome: 'ok',
    ms: 1,
  };
}

describe('openAuditLog', () => {
  it('keeps every record, in order, when a burst arrives faster than the disk is written', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rampart-audit-'));
    dirs.push(dir);
    const file = path.join(dir, 'audit.jsonl');
    const audit = await openAuditLog(file);
    // More than the queue holds before it writes synchronously, all in one turn of the event loop.
    for (let n = 0; n < 25_000; n++) audit.record(record(n));
    await audit.close();
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(25_000);
    expect(lines.map((line) => JSON.parse(line).args.n)).toEqual(Array.from({ length: 25_000 }, (_, n) => n));
    expect(lines[0]).not.toContain('hunter2');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('writes a burst in a few writes, not one per record', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rampart-audit-'));
    dirs.push(dir);
    const file = path.join(dir, 'audit.jsonl');
    const audit = await openAuditLog(file);
    for (let n = 0; n < 1_000; n++) audit.record(record(n));
    // One turn later the whole burst is on disk: it went out as one write.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1_000);
    await audit.close();
  });
});
