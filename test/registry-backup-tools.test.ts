import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRegistry } from '../src/registry-server/index.js';
import { takeBackup } from '../src/servers/registry/backup.js';
import { RegistryClient } from '../src/servers/registry/client.js';
import { connectRegistry, type Session } from './helpers/mcp.js';
import { type RegistryBackend, sqliteBackend } from './helpers/registry-backends.js';
import { structuredOk } from './helpers/registry-bulk.js';
import { dumpRegistry, rest, seed } from './helpers/registry-dump.js';

const ok = structuredOk;

describe('restore_backup and list_backups', () => {
  let backend: RegistryBackend;
  let registry: RunningRegistry;
  let base: string;
  let backupDir: string;
  let session: Session;
  let good: string;
  const signal = new AbortController().signal;

  beforeAll(async () => {
    backend = sqliteBackend();
    registry = await backend.start();
    await seed(registry);
    base = mkdtempSync(path.join(os.tmpdir(), 'rampart-backup-tools-'));
    backupDir = path.join(base, 'backups');
    const client = new RegistryClient({ name: 'main', url: registry.url, viewonly: false }, 10_000);
    good = (
      await takeBackup(client, { subjects: ['orders-value'] }, { dir: backupDir, signal, label: 'good' })
    ).path;
    await client.close();
    session = await connectRegistry({
      backupDir,
      registries: [
        { name: 'main', url: registry.url },
        { name: 'frozen', url: registry.url, viewonly: true },
      ],
    });
  });
  afterAll(async () => {
    await session?.close();
    await backend?.cleanup();
    rmSync(base, { recursive: true, force: true });
  });

  it('refuses a backup path outside the backup directory', async () => {
    const outside = path.join(base, 'outside.json');
    await copyFile(good, outside);
    mkdirSync(path.join(backupDir, 'nested'), { recursive: true });
    await copyFile(good, path.join(backupDir, 'nested', 'inner.json'));
    for (const backup of [outside, '../outside.json', 'nested/inner.json', `${backupDir}/../outside.json`]) {
      const result = await session.call('restore_backup', { backup, dry_run: false, confirm: true });
      expect(result.isError, backup).toBe(true);
      expect(result.text).toMatch(/is not a file in the backup directory/);
    }
  });

  it('refuses a symbolic link in the backup directory that points outside it', async () => {
    const outside = path.join(base, 'elsewhere.json');
    await copyFile(good, outside);
    symlinkSync(outside, path.join(backupDir, 'link.json'));
    const result = await session.call('restore_backup', { backup: 'link.json' });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/not a regular file/);
  });

  it('refuses a damaged backup with an error naming the field that is wrong', async () => {
    writeFileSync(
      path.join(backupDir, 'damaged.json'),
      JSON.stringify({ format: 'rampart.registry.backup/1', registry: 'main', label: 'x', taken_at: 'now' }),
    );
    const result = await session.call('restore_backup', { backup: 'damaged.json' });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/damaged\.json is not a rampart\.registry\.backup\/1 backup: scope: /);
    writeFileSync(path.join(backupDir, 'text.json'), 'not json');
    expect((await session.call('restore_backup', { backup: 'text.json' })).text).toMatch(
      /text\.json is not JSON/,
    );
  });

  it('lists the backups, newest first, skipping files still being written and naming unreadable ones', async () => {
    writeFileSync(path.join(backupDir, '.main-half.json.abc123.partial'), '{"format":');
    const listed = ok<{
      backups: { file: string; registry: string; label: string; scope: string; subjects: number }[];
      unreadable: { file: string }[];
    }>(await session.call('list_backups', {}));
    expect(listed.backups).toEqual([
      expect.objectContaining({
        file: path.basename(good),
        registry: 'main',
        label: 'good',
        scope: 'subjects',
        subjects: 1,
      }),
    ]);
    expect(JSON.stringify(listed)).not.toContain('.partial');
    expect(listed.unreadable.map((u) => u.file).sort()).toEqual(['damaged.json', 'text.json']);
  });

  it('shows what a restore would change, and changes nothing without confirmation', async () => {
    await rest(registry, 'PUT', '/config/orders-value', { compatibility: 'NONE' });
    const before = await dumpRegistry(registry);
    const plan = ok<{ dry_run: boolean; settings: { subject: string; from: unknown; to: unknown }[] }>(
      await session.call('restore_backup', { backup: path.basename(good) }),
    );
    expect(plan.dry_run).toBe(true);
    expect(plan.settings).toEqual([
      {
        subject: 'orders-value',
        setting: 'config',
        from: { compatibilityLevel: 'NONE' },
        to: { compatibilityLevel: 'FULL' },
      },
    ]);
    const refused = await session.call('restore_backup', { backup: path.basename(good), dry_run: false });
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(/needs confirmation/);
    expect(await dumpRegistry(registry)).toEqual(before);
    ok(await session.call('restore_backup', { backup: path.basename(good), dry_run: false, confirm: true }));
    expect(await rest(registry, 'GET', '/config/orders-value')).toEqual({ compatibilityLevel: 'FULL' });
  });

  it('never restores into a view-only registry', async () => {
    const client = new RegistryClient({ name: 'frozen', url: registry.url, viewonly: true }, 10_000);
    const frozen = await takeBackup(
      client,
      { subjects: ['orders-value'] },
      { dir: backupDir, signal, label: 'f' },
    );
    await client.close();
    await rest(registry, 'PUT', '/config/orders-value', { compatibility: 'NONE' });
    const before = await dumpRegistry(registry);
    const result = await session.call('restore_backup', {
      backup: path.basename(frozen.path),
      dry_run: false,
      confirm: true,
    });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/registry frozen is view-only/);
    expect(await dumpRegistry(registry)).toEqual(before);
  });
});
