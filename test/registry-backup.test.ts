import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRegistry } from '../src/registry-server/index.js';
import { restoreBackup, takeBackup } from '../src/servers/registry/backup.js';
import { isPartialFile, writeFileAtomically } from '../src/servers/registry/bulk/atomic-write.js';
import { backupPathInside } from '../src/servers/registry/bulk/backup-dir.js';
import { BACKUP_FORMAT, parseBackup } from '../src/servers/registry/bulk/backup-format.js';
import { diffSubject } from '../src/servers/registry/bulk/restore-plan.js';
import { RegistryClient } from '../src/servers/registry/client.js';
import { postgresBackend, type RegistryBackend, sqliteBackend } from './helpers/registry-backends.js';
import { dumpRegistry, record, referrer, rest, seed } from './helpers/registry-dump.js';
import { describeWithService } from './helpers/services.js';

/** Changes of every kind a bulk operation (or anyone) could make after the backup. */
async function disturb(registry: RunningRegistry): Promise<void> {
  await rest(registry, 'DELETE', '/mode/customer-value');
  await rest(registry, 'PUT', '/config/orders-value', { compatibility: 'NONE' });
  await rest(registry, 'PUT', '/config/invoice-value', { compatibility: 'FORWARD' });
  await rest(registry, 'PUT', '/mode/invoice-value', { mode: 'READONLY' });
  await rest(registry, 'POST', '/subjects/orders-value/versions', {
    schema: record('Order', ['id', 'note', 'other']),
  });
  await rest(registry, 'DELETE', '/subjects/orders-value/versions/1');
  await rest(registry, 'DELETE', '/subjects/orders-value/versions/1?permanent=true');
  await rest(registry, 'POST', '/subjects/new-value/versions', { schema: record('New', ['id']) });
  await rest(
    registry,
    'POST',
    '/subjects/new-ref-value/versions',
    referrer('NewRef', 'new', 'shop.New', 'new-value'),
  );
  await rest(registry, 'DELETE', `/subjects/${encodeURIComponent(':.staging:orders-value')}`);
  await rest(registry, 'PUT', '/config', { compatibility: 'NONE' });
  await rest(registry, 'PUT', '/mode', { mode: 'READONLY' });
}

/** Backups and restores on one kind of store (the suite runs on SQLite and again on PostgreSQL). */
function backupSuite(makeBackend: () => RegistryBackend) {
  let backend: RegistryBackend;
  let dir: string;
  const signal = new AbortController().signal;

  beforeAll(() => {
    backend = makeBackend();
    dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'rampart-backups-')), 'backups');
  });
  afterAll(async () => {
    await backend.cleanup();
    rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  async function fresh(): Promise<{ registry: RunningRegistry; client: RegistryClient }> {
    const registry = await backend.start();
    await seed(registry);
    const client = new RegistryClient({ name: 'main', url: registry.url, viewonly: false }, 10_000);
    return { registry, client };
  }

  it('restores a whole registry byte for byte after changes of every kind', async () => {
    const { registry, client } = await fresh();
    const before = await dumpRegistry(registry);
    const taken = await takeBackup(client, 'all', { dir, signal, label: 'everything' });
    expect(taken).toMatchObject({ subjects: 4, versions: 6 });
    await disturb(registry);
    expect(await dumpRegistry(registry)).not.toEqual(before);
    const steps: string[] = [];
    const report = await restoreBackup(client, taken.path, {
      signal,
      progress: (_done, _total, message) => steps.push(message),
    });
    expect(await dumpRegistry(registry)).toEqual(before);
    expect(report.subjects).toContain('new-value');
    expect(steps.length).toBeGreaterThan(5);
    // A second restore finds nothing to change.
    const again = await restoreBackup(client, taken.path, { signal });
    expect(again.subjects).toEqual([]);
    await client.close();
  });

  it('restores only the subjects a scoped backup covers, removing one made since', async () => {
    const { registry, client } = await fresh();
    const taken = await takeBackup(
      client,
      { subjects: ['orders-value', 'later-value'] },
      { dir, signal, label: 'orders' },
    );
    const before = await dumpRegistry(registry);
    await rest(registry, 'PUT', '/config/orders-value', { compatibility: 'NONE' });
    await rest(registry, 'POST', '/subjects/orders-value/versions', {
      schema: record('Order', ['id', 'note', 'x']),
    });
    await rest(registry, 'POST', '/subjects/later-value/versions', { schema: record('Later', ['id']) });
    await restoreBackup(client, taken.path, { signal });
    expect(await dumpRegistry(registry)).toEqual(before);

    // Outside the scope nothing is touched.
    await rest(registry, 'PUT', '/config/invoice-value', { compatibility: 'NONE' });
    const report = await restoreBackup(client, taken.path, { signal });
    expect(report.subjects).toEqual([]);
    expect(await rest(registry, 'GET', '/config/invoice-value')).toEqual({ compatibilityLevel: 'NONE' });
    await client.close();
  });

  it('writes the backup owner-only in an owner-only directory', async () => {
    const { client } = await fresh();
    const taken = await takeBackup(client, { subjects: ['orders-value'] }, { dir, signal, label: 'modes' });
    expect(statSync(taken.path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(path.dirname(taken.path)).toBe(dir);
    await client.close();
  });

  it('leaves no partial backup when the write is interrupted before the rename', async () => {
    const target = path.join(dir, 'interrupted.json');
    let seen: string[] = [];
    await expect(
      writeFileAtomically(target, '{"format":"x"}', async (temporary) => {
        seen = readdirSync(dir);
        expect(isPartialFile(path.basename(temporary))).toBe(true);
        throw new Error('the process died here');
      }),
    ).rejects.toThrow('the process died here');
    expect(seen.some(isPartialFile)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('interrupted'))).toEqual([]);
  });

  it('refuses to restore a backup of another registry', async () => {
    const { client } = await fresh();
    const taken = await takeBackup(client, { subjects: ['orders-value'] }, { dir, signal, label: 'other' });
    const other = new RegistryClient({ name: 'other', url: client.entry.url, viewonly: false }, 10_000);
    await expect(restoreBackup(other, taken.path, { signal })).rejects.toThrow(
      /is of registry main, not other/,
    );
    await client.close();
    await other.close();
  });

  it('names the field that is wrong in a damaged backup', async () => {
    const file = path.join(dir, 'damaged.json');
    await writeFile(file, JSON.stringify({ format: BACKUP_FORMAT, registry: 'main', subjects: 3 }));
    const { client } = await fresh();
    await expect(restoreBackup(client, file, { signal })).rejects.toThrow(/damaged\.json is not a .*: label/);
    await client.close();
  });
}

describe('registry backups on SQLite-backed registries', () => backupSuite(sqliteBackend));

await describeWithService('PostgreSQL', 5432, 'registry backups on PostgreSQL-backed registries', () =>
  backupSuite(postgresBackend),
);

describe('backup format and paths (properties)', () => {
  const version = fc.record({
    version: fc.integer({ min: 1, max: 1000 }),
    id: fc.integer({ min: 0, max: 1_000_000 }),
    schemaType: fc.constantFrom('AVRO', 'JSON', 'PROTOBUF'),
    schema: fc.string(),
    references: fc.array(fc.record({ name: fc.string(), subject: fc.string(), version: fc.integer() })),
    deleted: fc.boolean(),
  });
  const backup = fc.record({
    format: fc.constant(BACKUP_FORMAT),
    registry: fc.string({ minLength: 1 }),
    label: fc.string(),
    taken_at: fc.string(),
    scope: fc.oneof(fc.constant('all'), fc.record({ subjects: fc.array(fc.string()) })),
    global: fc.record({
      compatibilityLevel: fc.option(fc.string(), { nil: null }),
      mode: fc.option(fc.string(), { nil: null }),
    }),
    subjects: fc.array(
      fc.record({
        subject: fc.string({ minLength: 1 }),
        versions: fc.array(version, { maxLength: 3 }),
        config: fc.option(fc.record({ compatibilityLevel: fc.string() }), { nil: null }),
        mode: fc.option(fc.string(), { nil: null }),
      }),
      { maxLength: 3 },
    ),
  });

  it('plans a restore that, applied step by step, gives back exactly the backed-up subject', () => {
    const subjectState = fc.record({
      versions: fc.uniqueArray(
        fc.record({
          version: fc.integer({ min: 1, max: 6 }),
          id: fc.integer({ min: 1, max: 4 }),
          deleted: fc.boolean(),
        }),
        { selector: (v) => v.version, maxLength: 5 },
      ),
      config: fc.option(fc.record({ compatibilityLevel: fc.constantFrom('NONE', 'FULL') }), { nil: null }),
      mode: fc.option(fc.constantFrom('READONLY', 'READWRITE'), { nil: null }),
    });
    const full = (s: typeof subjectState extends fc.Arbitrary<infer T> ? T : never) => ({
      subject: 's',
      config: s.config,
      mode: s.mode,
      versions: s.versions.map((v) => ({
        ...v,
        schemaType: 'AVRO' as const,
        schema: `"schema ${v.id}"`,
        references: [],
      })),
    });
    fc.assert(
      fc.property(subjectState, subjectState, (wantedState, nowState) => {
        const wanted = full(wantedState);
        const now = full(nowState);
        const change = diffSubject(wanted, now);
        const state = new Map(now.versions.map((v) => [v.version, { id: v.id, deleted: v.deleted }]));
        for (const r of change?.remove ?? []) {
          expect(state.get(r.version)?.deleted).toBe(!r.live);
          state.delete(r.version);
        }
        for (const v of change?.register ?? []) {
          expect(state.has(v.version)).toBe(false);
          state.set(v.version, { id: v.id, deleted: false });
        }
        for (const n of change?.softDelete ?? []) {
          expect(state.get(n)?.deleted).toBe(false);
          state.set(n, { id: state.get(n)?.id as number, deleted: true });
        }
        const expected = new Map(wanted.versions.map((v) => [v.version, { id: v.id, deleted: v.deleted }]));
        expect(new Map([...state].sort(([a], [b]) => a - b))).toEqual(
          new Map([...expected].sort(([a], [b]) => a - b)),
        );
        expect(change?.config ? change.config.to : now.config).toEqual(wanted.config);
        expect(change?.mode ? change.mode.to : now.mode).toEqual(wanted.mode);
        if (JSON.stringify(wanted) === JSON.stringify(now)) expect(change).toBeUndefined();
      }),
    );
  });

  it('accepts every well-formed backup as it is', () => {
    fc.assert(
      fc.property(backup, (b) => {
        expect(parseBackup(JSON.parse(JSON.stringify(b)), 'b')).toEqual(b);
      }),
    );
  });

  it('refuses any damaged backup with an error naming the backup, never a crash', () => {
    fc.assert(
      fc.property(backup, fc.string(), fc.anything(), (b, key, value) => {
        const damaged: Record<string, unknown> = { ...b };
        const field = Object.keys(damaged)[key.length % 7] as string;
        damaged[field] = value;
        try {
          parseBackup(damaged, 'the file');
        } catch (error) {
          expect((error as Error).message).toMatch(
            /^the file is not a rampart\.registry\.backup\/1 backup: /,
          );
        }
      }),
    );
  });

  it('refuses a backup path outside the backup directory, whatever it is made of', () => {
    const dir = '/var/backups/rampart';
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('..', '.', 'a', 'b.json', '/', '%2e', '~', ''), { maxLength: 6 }),
        (parts) => {
          const requested = parts.join('/');
          try {
            const resolved = backupPathInside(dir, requested);
            expect(path.dirname(resolved)).toBe(dir);
            expect(resolved.endsWith('.json')).toBe(true);
          } catch (error) {
            expect((error as Error).message).toMatch(/^backup /);
          }
        },
      ),
    );
    expect(() => backupPathInside(dir, '../etc/x.json')).toThrow(/not a file in the backup directory/);
    expect(() => backupPathInside(dir, '/etc/passwd.json')).toThrow(/not a file in the backup directory/);
  });
});
