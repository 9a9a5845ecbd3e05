import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type { RunningRegistry } from '../../src/registry-server/index.js';
import { connectRegistry, type Session, type TextResult } from './mcp.js';
import { type RegistryBackend, sqliteBackend } from './registry-backends.js';
import { dumpRegistry } from './registry-dump.js';

/** The structured answer of a tool call that must have succeeded (its text shown when it did not). */
export const structuredOk = <T = Record<string, unknown>>(result: TextResult): T => {
  expect(result.isError, result.text).toBe(false);
  return result.structured as T;
};

/** What a bulk tool reports once it ran (`run` in its structured answer; absent on a dry run). */
export interface BulkRun {
  backup: { path: string; subjects: number; versions: number };
  done: { subject: string; action: string }[];
  failed: { subject: string; action: string; reason: string }[];
  skipped: { subject: string; action: string }[];
  stopped: boolean;
  cancelled: boolean;
}

/** Puts a bulk run's backup back for real (restore_backup by its file name, confirmed) and expects it to succeed. */
export async function restoreBackup(session: Session, backupPath: string): Promise<void> {
  structuredOk(
    await session.call('restore_backup', {
      backup: path.basename(backupPath),
      dry_run: false,
      confirm: true,
    }),
  );
}

/** Puts a bulk run's backup back and expects the registry to read byte for byte as it did `before` the run. */
export async function expectRestored(
  session: Session,
  backupPath: string,
  registry: RunningRegistry,
  before: Record<string, string>,
): Promise<void> {
  await restoreBackup(session, backupPath);
  expect(await dumpRegistry(registry)).toEqual(before);
}

/** Two seeded embedded registries and a session naming them `first`, `second` and `frozen` (the second, view-only). */
export interface TwoRegistries {
  readonly first: RunningRegistry;
  readonly second: RunningRegistry;
  readonly backupDir: string;
  readonly session: Session;
  /** Closes the session, stops both registries and deletes the backups. */
  close(): Promise<void>;
}

export async function twoRegistries(
  prefix: string,
  seed: (registry: RunningRegistry) => Promise<void>,
): Promise<TwoRegistries> {
  const backend: RegistryBackend = sqliteBackend();
  const first = await backend.start();
  const second = await backend.start();
  await seed(first);
  await seed(second);
  const backupDir = path.join(mkdtempSync(path.join(os.tmpdir(), prefix)), 'backups');
  const session = await connectRegistry({
    backupDir,
    registries: [
      { name: 'first', url: first.url },
      { name: 'second', url: second.url },
      { name: 'frozen', url: second.url, viewonly: true },
    ],
  });
  return {
    first,
    second,
    backupDir,
    session,
    async close() {
      await session.close();
      await backend.cleanup();
      rmSync(path.dirname(backupDir), { recursive: true, force: true });
    },
  };
}
