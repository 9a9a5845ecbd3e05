import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRegistry } from '../src/registry-server/index.js';
import { type Session, spawnRampart } from './helpers/mcp.js';
import { type RegistryBackend, sqliteBackend } from './helpers/registry-backends.js';
import { structuredOk } from './helpers/registry-bulk.js';
import { dumpRegistry, rest, seed } from './helpers/registry-dump.js';

const ok = structuredOk;

/** `rampart registry --backup-dir` over stdio (the built CLI), on the 2026-07-28 revision, asking the user. */
describe('bulk operations through `rampart registry` over stdio', () => {
  let backend: RegistryBackend;
  let registry: RunningRegistry;
  let base: string;
  let session: Session;
  const questions: string[] = [];

  beforeAll(async () => {
    backend = sqliteBackend();
    registry = await backend.start();
    await seed(registry);
    base = mkdtempSync(path.join(os.tmpdir(), 'rampart-bulk-stdio-'));
    session = await spawnRampart(
      ['registry', '--backup-dir', path.join(base, 'backups')],
      { SCHEMA_REGISTRY_URL: registry.url },
      {
        modern: true,
        elicit: (message) => {
          questions.push(message);
          return { action: 'accept', content: { confirm: true } };
        },
      },
    );
  });
  afterAll(async () => {
    await session?.close();
    await backend?.cleanup();
    rmSync(base, { recursive: true, force: true });
  });

  it('runs bulk_update_config after the user agrees, backs up into --backup-dir, and restores byte for byte', async () => {
    const before = await dumpRegistry(registry);
    const result = ok<{ run: { backup: { path: string }; done: unknown[] } }>(
      await session.call('bulk_update_config', { pattern: '*', mode: 'READONLY', dry_run: false }),
    );
    expect(questions).toHaveLength(1);
    expect(questions[0]).toMatch(/^Set mode READONLY on 2 subjects of registry /);
    expect(result.run.done).toHaveLength(2);
    expect(readdirSync(path.join(base, 'backups'))).toEqual([path.basename(result.run.backup.path)]);
    expect(await rest(registry, 'GET', '/mode/orders-value')).toEqual({ mode: 'READONLY' });

    ok(
      await session.call('restore_backup', { backup: path.basename(result.run.backup.path), dry_run: false }),
    );
    expect(questions).toHaveLength(2);
    expect(await dumpRegistry(registry)).toEqual(before);
  });
});
